// Landlock enforcement for real: the child-side apply function in a forked
// child, and the supervisor applying a plan before execve.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "cli/app/traced_run.h"
#include "profilegen/landlock_gen.h"
#include "runner/landlock.h"
#include "runner/supervisor.h"
#include "recording_helpers.h"
#include "test_util.h"

namespace profile {
namespace {

using test::TempDir;



int try_open(const std::string& path, int flags) {
  int fd = open(path.c_str(), flags | O_CLOEXEC, 0600);
  if (fd < 0) return errno;
  close(fd);
  return 0;
}

Result<LandlockPlan> plan_for(const Profile& p, std::vector<std::string>* notes) {
  auto text = render_landlock(p);
  if (!text) return text.error();
  auto spec = parse_landlock_json(*text, "landlock.json");
  if (!spec) return spec.error();
  return plan_landlock(*spec, landlock_abi(), notes);
}

TEST(PolicyLandlock, ChildDeniesEverythingOutsideTheRecordedPolicy) {
  NEEDS_LANDLOCK();
  TempDir dir;
  std::filesystem::create_directory(dir / "out");
  std::filesystem::create_directory(dir / "opened");
  std::filesystem::create_directory(dir / "unrecorded");
  for (const char* f : {"allowed.txt", "readonly.txt", "secret.txt"}) test::write_file(dir / f, "data\n");
  int port = test::free_loopback_port();
  int other = test::free_loopback_port(port);
  ASSERT_GT(port, 0);
  ASSERT_GT(other, 0);
  if (other == port) other = port + 1;

  Profile p;
  p.name = "t";
  p.files[dir / "allowed.txt"] = {"read", "write"};
  p.files[dir / "readonly.txt"] = {"read"};
  p.files[dir / "out/new.txt"] = {"create", "write"};
  p.files[dir / "opened"] = {"read"};  // open(O_RDONLY) of a directory, as glibc does
  p.network.ports = {{"bind", "tcp", port}};
  std::vector<std::string> notes;
  auto plan = plan_for(p, &notes);
  ASSERT_TRUE(plan.ok()) << plan.error().message;

  enum { kReadAllowed, kWriteAllowed, kReadSecret, kWriteReadonly, kCreateRecorded, kCreateElsewhere, kBindRecorded,
         kBindOther, kOpenDir, kOpenOtherDir, kN };
  int pipefd[2];
  ASSERT_EQ(pipe2(pipefd, O_CLOEXEC), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(pipefd[0]);
    int res[kN + 1] = {};
    const char* step = "";
    res[kN] = apply_landlock(*plan, &step);
    if (res[kN] == 0) {
      res[kReadAllowed] = try_open(dir / "allowed.txt", O_RDONLY);
      res[kWriteAllowed] = try_open(dir / "allowed.txt", O_WRONLY);
      res[kReadSecret] = try_open(dir / "secret.txt", O_RDONLY);
      res[kWriteReadonly] = try_open(dir / "readonly.txt", O_WRONLY);
      res[kCreateRecorded] = try_open(dir / "out/new.txt", O_WRONLY | O_CREAT | O_EXCL);
      res[kCreateElsewhere] = try_open(dir / "new.txt", O_WRONLY | O_CREAT | O_EXCL);
      res[kBindRecorded] = test::loopback_bind_errno(port);
      res[kBindOther] = test::loopback_bind_errno(other);
      res[kOpenDir] = try_open(dir / "opened", O_RDONLY);
      res[kOpenOtherDir] = try_open(dir / "unrecorded", O_RDONLY);
    }
    ssize_t w = write(pipefd[1], res, sizeof(res));
    _exit(w == static_cast<ssize_t>(sizeof(res)) ? 0 : 1);
  }
  close(pipefd[1]);
  int res[kN + 1] = {};
  ssize_t n = read(pipefd[0], res, sizeof(res));
  close(pipefd[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  ASSERT_EQ(n, static_cast<ssize_t>(sizeof(res)));
  ASSERT_EQ(res[kN], 0) << "apply_landlock failed: " << strerror(res[kN]);
  EXPECT_EQ(res[kReadAllowed], 0);
  EXPECT_EQ(res[kWriteAllowed], 0);
  EXPECT_EQ(res[kReadSecret], EACCES) << "reading a file outside the policy";
  EXPECT_EQ(res[kWriteReadonly], EACCES) << "writing where only reading was recorded";
  EXPECT_EQ(res[kCreateRecorded], 0);
  EXPECT_EQ(res[kCreateElsewhere], EACCES) << "creating where nothing was created";
  if (plan->handled_net != 0) {
    EXPECT_EQ(res[kBindRecorded], 0);
    EXPECT_EQ(res[kBindOther], EACCES) << "binding an unrecorded port";
  }
  EXPECT_EQ(res[kOpenDir], 0) << "a directory recorded as read opens";
  EXPECT_EQ(res[kOpenOtherDir], EACCES);
  // The parent itself is untouched.
  EXPECT_EQ(try_open(dir / "secret.txt", O_RDONLY), 0);
}

// What a recorder sees a dynamically linked helper use: its binary, the
// libraries it maps and the loader cache. The dynamic loader itself is opened
// by execve and never seen; the plan adds it.
Profile helper_profile(const std::string& name) {
  Profile p;
  p.name = name;
  p.files[test::helper(name)] = {"execute", "read"};
  p.files["/usr/lib/**"] = {"read", "mmap-exec"};
  p.files["/etc/ld.so.cache"] = {"read"};
  return p;
}

Result<RunOutcome> run_helper(const Profile& p, std::vector<std::string> argv, std::set<std::string> caps,
                              std::string* notes_out = nullptr) {
  std::vector<std::string> notes;
  auto plan = plan_for(p, &notes);
  if (!plan) return plan.error();
  if (notes_out)
    for (const auto& n : notes) *notes_out += n + "\n";
  RunSpec spec;
  spec.argv = std::move(argv);
  spec.caps = std::move(caps);
  spec.landlock = std::move(*plan);
  return run_workload(spec, nullptr, nullptr);
}

TEST(PolicyLandlock, SupervisorAppliesThePlanBeforeExec) {
  PROFILE_NEEDS_ROOT();
  NEEDS_LANDLOCK();
  TempDir dir;
  test::write_file(dir / "ok.txt", "x");
  test::write_file(dir / "secret.txt", "x");
  Profile p = helper_profile("pl_open");
  p.files[dir / "ok.txt"] = {"read"};
  auto ok = run_helper(p, {test::helper("pl_open"), dir / "ok.txt", "r"}, {});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->exit_code, 0);
  auto denied = run_helper(p, {test::helper("pl_open"), dir / "secret.txt", "r"}, {});
  ASSERT_TRUE(denied.ok()) << denied.error().message;
  EXPECT_EQ(denied->exit_code, EACCES);
  auto write = run_helper(p, {test::helper("pl_open"), dir / "ok.txt", "w"}, {});
  ASSERT_TRUE(write.ok()) << write.error().message;
  EXPECT_EQ(write->exit_code, EACCES);
}

TEST(PolicyLandlock, ExecutingABinaryWithoutExecuteRightIsRefusedWith126) {
  PROFILE_NEEDS_ROOT();
  NEEDS_LANDLOCK();
  TempDir dir;
  std::filesystem::copy_file(test::helper("pl_open"), dir / "copy");
  chmod((dir / "copy").c_str(), 0755);
  Profile p = helper_profile("pl_open");
  auto r = run_helper(p, {dir / "copy", "/etc/hostname", "r"}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().exit_code, 126);
  EXPECT_NE(r.error().message.find("Permission denied"), std::string::npos) << r.error().message;
}

TEST(PolicyLandlock, UnrecordedPortIsDeniedRecordedOneWorks) {
  PROFILE_NEEDS_ROOT();
  NEEDS_LANDLOCK();
  if (landlock_abi() < 4) GTEST_SKIP() << "kernel Landlock ABI < 4 lacks TCP port rules";
  int port = test::free_loopback_port();
  int other = test::free_loopback_port(port);
  ASSERT_GT(port, 0);
  if (other == port) other = port + 1;
  Profile p = helper_profile("pl_bind");
  p.network.ports = {{"bind", "tcp", port}};
  auto ok = run_helper(p, {test::helper("pl_bind"), std::to_string(port)}, {});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->exit_code, 0);
  auto denied = run_helper(p, {test::helper("pl_bind"), std::to_string(other)}, {});
  ASSERT_TRUE(denied.ok()) << denied.error().message;
  EXPECT_EQ(denied->exit_code, EACCES);
}


TEST(PolicyLandlock, DroppedCapabilityMakesAPrivilegedBindFail) {
  PROFILE_NEEDS_ROOT();
  NEEDS_LANDLOCK();
  std::string start = test::read_file("/proc/sys/net/ipv4/ip_unprivileged_port_start");
  if (!start.empty() && std::stoi(start) <= 80) GTEST_SKIP() << "ip_unprivileged_port_start is " << start;
  int port = test::free_privileged_port();
  if (port < 0) GTEST_SKIP() << "no free privileged port";
  Profile p = helper_profile("pl_bind");
  p.network.ports = {{"bind", "tcp", port}};
  auto without = run_helper(p, {test::helper("pl_bind"), std::to_string(port)}, {});
  ASSERT_TRUE(without.ok()) << without.error().message;
  EXPECT_EQ(without->exit_code, EACCES) << "bind below 1024 without NET_BIND_SERVICE";
  auto with = run_helper(p, {test::helper("pl_bind"), std::to_string(port)}, {"NET_BIND_SERVICE"});
  ASSERT_TRUE(with.ok()) << with.error().message;
  EXPECT_EQ(with->exit_code, 0);
}

}  // namespace
}  // namespace profile

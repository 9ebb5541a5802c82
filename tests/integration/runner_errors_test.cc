// Impossible requests fail before the workload starts, with one clear
// message and exit 125; child setup failures name their step.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"

namespace profile::test {
namespace {

// Runs enforce with `opts` on a command that leaves a trace if it starts.
// The trace goes to the build directory, which the sandbox shares with the
// host (unlike its private /tmp).
void expect_refused(std::vector<std::string> opts, const std::string& needle) {
  std::string trace = std::string(PROFILE_BINARY_DIR) + "/rn-refused-" + std::to_string(getpid());
  unlink(trace.c_str());
  std::vector<std::string> args = {"enforce"};
  args.insert(args.end(), opts.begin(), opts.end());
  args.insert(args.end(), {"--", "touch", trace});
  auto r = run_profile(args, 60);
  EXPECT_EQ(r.exit_code, 125) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one message:\n" << r.err;
  EXPECT_EQ(access(trace.c_str(), F_OK), -1) << "the workload ran";
  unlink(trace.c_str());
}

TEST(RunnerErrors, UnknownNamespace) { expect_refused({"--share", "bogus"}, "unknown namespace 'bogus'"); }

TEST(RunnerErrors, MissingRootfs) { expect_refused({"--rootfs", "/nonexistent-rootfs"}, "--rootfs: '/nonexistent-rootfs'"); }

TEST(RunnerErrors, MemoryBelowMinimum) { expect_refused({"--memory", "1M"}, "below the minimum"); }

TEST(RunnerErrors, BadSizesAndCounts) {
  expect_refused({"--memory", "12Q"}, "unknown unit");
  expect_refused({"--cpus", "0"}, "--cpus");
  expect_refused({"--user", "bob"}, "numeric UID");
  expect_refused({"--userns-map", "0:10", "--userns"}, "host id 0");
  expect_refused({"--cap-add", "CAP_FLY"}, "unknown capability");
}

TEST(RunnerErrors, PortAlreadyInUse) {
  PROFILE_NEEDS_ROOT();
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ASSERT_EQ(listen(s, 1), 0);
  std::string port = std::to_string(ntohs(a.sin_port));
  TempDir d;
  auto r = run_profile({"enforce", "-p", port + ":80", "--", "touch", "/nonexistent-dir/x"}, 60);
  EXPECT_EQ(r.exit_code, 125) << r.err;
  EXPECT_NE(r.err.find("port " + port + " on 127.0.0.1 is already in use"), std::string::npos) << r.err;
  close(s);
}

TEST(RunnerErrors, MountOptionsNeedAMountNamespace) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  auto r = run_profile({"enforce", "--share", "mnt", "--tmpfs", "/mnt", "--", "true"}, 60);
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(r.err.find("need a mount namespace"), std::string::npos) << r.err;
}

TEST(RunnerErrors, BindSourceMissingOrMountPointNotOnHost) {
  PROFILE_NEEDS_ROOT();
  auto r = run_profile({"enforce", "--bind", "/nonexistent-src:/mnt", "--", "true"}, 60);
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(r.err.find("--bind: '/nonexistent-src'"), std::string::npos) << r.err;
  r = run_profile({"enforce", "--bind", "/etc:/nonexistent-dst/x", "--", "true"}, 60);
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(r.err.find("does not exist on the host"), std::string::npos) << r.err;
}

TEST(RunnerErrors, ChildSetupFailureNamesStepAndErrno) {
  PROFILE_NEEDS_ROOT();
  auto r = run_profile({"enforce", "--workdir", "/nonexistent-workdir", "--", "true"}, 60);
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(r.err.find("workload setup failed at step 'chdir to --workdir': No such file or directory"),
            std::string::npos)
      << r.err;
  // A --user outside the user namespace's range is refused up front.
  r = run_profile({"enforce", "--userns", "--userns-map", "300000:10", "--user", "50", "--", "true"}, 60);
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(r.err.find("outside the user namespace"), std::string::npos) << r.err;
}

TEST(RunnerErrors, NoPermissionIsOneClearMessage) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  std::string trace = d / "started";
  chmod(d.path().c_str(), 0777);
  auto r = run({"setpriv", "--reuid", "1000", "--regid", "1000", "--clear-groups", PROFILE_BIN, "enforce", "--",
                "touch", trace},
               60);
  EXPECT_EQ(r.exit_code, 125) << r.err;
  EXPECT_NE(r.err.find("needs root"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(access(trace.c_str(), F_OK), -1) << "the workload ran";
}

TEST(RunnerErrors, NotFoundAndNotExecutable) {
  PROFILE_NEEDS_ROOT();
  auto r = run_profile({"enforce", "--", "/nonexistent-binary"}, 60);
  EXPECT_EQ(r.exit_code, 127) << r.err;
  r = run_profile({"enforce", "--", "/etc/hostname"}, 60);
  EXPECT_EQ(r.exit_code, 126) << r.err;
}

}  // namespace
}  // namespace profile::test

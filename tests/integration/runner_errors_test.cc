// Impossible requests fail before the workload starts, with one clear
// message and exit 125; child setup failures name their step.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test_util.h"

namespace profile::test {
namespace {

// Runs enforce with `opts` on a command that would leave a trace if started.
void expect_refused(std::vector<std::string> opts, const std::string& needle) {
  TempDir d;
  std::string trace = d / "started";
  std::vector<std::string> args = {"enforce"};
  args.insert(args.end(), opts.begin(), opts.end());
  args.insert(args.end(), {"--share", "mnt", "--", "touch", trace});
  // --share mnt lets the trace reach the host if the workload ever runs;
  // options needing a mount namespace are tested without it below.
  if (needle.find("mount namespace") == std::string::npos &&
      std::find(opts.begin(), opts.end(), "--rootfs") != opts.end()) {
    args.erase(std::find(args.begin(), args.end(), "--share"), std::find(args.begin(), args.end(), "--share") + 2);
  }
  auto r = run_profile(args, 60);
  EXPECT_EQ(r.exit_code, 125) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one message:\n" << r.err;
  EXPECT_EQ(access(trace.c_str(), F_OK), -1) << "the workload ran";
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

TEST(RunnerErrors, NotFoundAndNotExecutable) {
  PROFILE_NEEDS_ROOT();
  auto r = run_profile({"enforce", "--", "/nonexistent-binary"}, 60);
  EXPECT_EQ(r.exit_code, 127) << r.err;
  r = run_profile({"enforce", "--", "/etc/hostname"}, 60);
  EXPECT_EQ(r.exit_code, 126) << r.err;
}

}  // namespace
}  // namespace profile::test

// `profile enforce --seccomp FILE -- CMD`: real workloads under Docker's
// default profile and hand-written ones.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "recording_helpers.h"
#include "test_util.h"

namespace profile {
namespace {

using test::helper;
using test::run;
using test::run_profile;
using test::TempDir;

using test::kDockerDefaultSeccomp;
const std::string kDataDir = std::string(PROFILE_SOURCE_DIR) + "/tests/data/seccomp/";

bool exists(const std::string& p) {
  struct stat st;
  return lstat(p.c_str(), &st) == 0;
}

TEST(EnforceSeccomp, DockerDefaultDeniesUserNamespace) {
  PROFILE_NEEDS_ROOT();
  // As root unshare -U works without a filter, so a failure here is the filter.
  auto plain = run({"unshare", "-U", "true"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  auto r = run_profile({"enforce", "--seccomp", kDockerDefaultSeccomp, "--", "unshare", "-U", "true"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, 125) << "profile itself failed: " << r.err;
  EXPECT_NE(r.err.find("unshare"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Operation not permitted"), std::string::npos) << r.err;
}

TEST(EnforceSeccomp, DockerDefaultRunsLsUnchanged) {
  PROFILE_NEEDS_ROOT();
  auto plain = run({"ls", "/"});
  ASSERT_EQ(plain.exit_code, 0);
  auto r = run_profile({"enforce", "--seccomp", kDockerDefaultSeccomp, "--", "ls", "/"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, plain.out);
  EXPECT_FALSE(r.out.empty());
}

TEST(EnforceSeccomp, DockerDefaultArgumentRules) {
  PROFILE_NEEDS_ROOT();
  auto try_sc = [](std::vector<std::string> args) {
    std::vector<std::string> a = {"enforce", "--seccomp", kDockerDefaultSeccomp, "--", helper("try_syscall")};
    a.insert(a.end(), args.begin(), args.end());
    return run_profile(a);
  };
  // personality: only a few exact values are allowed.
  auto ok = try_sc({"personality", "0xffffffff"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  auto denied = try_sc({"personality", "0x1234"});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_EQ(denied.out, "errno=1 (EPERM)\n");
  // socket(AF_VSOCK) is refused by the filter (EPERM), not by the kernel.
  EXPECT_EQ(try_sc({"socket", "40"}).out, "errno=1 (EPERM)\n");
  EXPECT_EQ(try_sc({"socket", "1"}).out, "ok\n");
  EXPECT_EQ(try_sc({"keyctl"}).out, "errno=1 (EPERM)\n");
}

TEST(EnforceSeccomp, MinimalAllowListDeniesTheRest) {
  PROFILE_NEEDS_ROOT();
#ifndef __x86_64__
  GTEST_SKIP() << "minimal.json lists x86_64 syscalls";
#endif
  TempDir dir;
  std::string profile = kDataDir + "minimal.json";
  auto ok = run_profile({"enforce", "--seccomp", profile, "--", helper("try_syscall"), "getpid"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "ok\n");
  // The same helper without a filter creates the directory.
  auto plain = run({helper("try_syscall"), "mkdir", dir / "plain"});
  ASSERT_EQ(plain.out, "ok\n");
  auto denied = run_profile({"enforce", "--seccomp", profile, "--", helper("try_syscall"), "mkdir", dir / "new"});
  EXPECT_EQ(denied.exit_code, 1) << denied.err;
  EXPECT_EQ(denied.out, "errno=1 (EPERM)\n");
  EXPECT_FALSE(exists(dir / "new"));
}

TEST(EnforceSeccomp, ErrnoRetAndKillHonoured) {
  PROFILE_NEEDS_ROOT();
  TempDir dir;
  std::string profile = kDataDir + "errno_ret.json";
  auto mk = run_profile({"enforce", "--seccomp", profile, "--", helper("try_syscall"), "mkdir", dir / "d"});
  EXPECT_EQ(mk.exit_code, 1) << mk.err;
  EXPECT_EQ(mk.out, "errno=28 (ENOSPC)\n");
  EXPECT_FALSE(exists(dir / "d"));
  // ERRNO without errnoRet means EPERM.
  auto ch = run_profile({"enforce", "--seccomp", profile, "--", helper("try_syscall"), "chroot", "/"});
  EXPECT_EQ(ch.out, "errno=1 (EPERM)\n");
  // SCMP_ACT_KILL_PROCESS: the workload dies of SIGSYS, reported as 128+31.
  auto kill = run_profile({"enforce", "--seccomp", profile, "--", helper("try_syscall"), "getpid"});
  EXPECT_EQ(kill.exit_code, 128 + SIGSYS) << kill.out << kill.err;
  EXPECT_EQ(kill.out, "");
}

TEST(EnforceSeccomp, MalformedFileNeverStartsWorkload) {
  PROFILE_NEEDS_ROOT();
  TempDir dir;
  std::string marker = dir / "started";
  for (const char* f : {"malformed.json", "unknown_action.json", "arg_index_6.json"}) {
    std::string path = kDataDir + f;
    auto r = run_profile({"enforce", "--seccomp", path, "--", "touch", marker});
    EXPECT_EQ(r.exit_code, 125) << f;
    EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
    EXPECT_FALSE(exists(marker)) << f << ": the workload ran";
  }
  // The same command does create the marker when the profile is good.
  auto good = run_profile({"enforce", "--seccomp", kDockerDefaultSeccomp, "--", "touch", marker});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_TRUE(exists(marker));
}

TEST(EnforceSeccomp, CommandNotFoundAndNotExecutable) {
  PROFILE_NEEDS_ROOT();
  auto r = run_profile({"enforce", "--seccomp", kDockerDefaultSeccomp, "--", "no-such-command-for-profile-tests"});
  EXPECT_EQ(r.exit_code, 127) << r.err;
  EXPECT_NE(r.err.find("no-such-command-for-profile-tests"), std::string::npos) << r.err;
  auto dir = run_profile({"enforce", "--seccomp", kDockerDefaultSeccomp, "--", "/"});
  EXPECT_EQ(dir.exit_code, 126) << dir.err;
}

}  // namespace
}  // namespace profile

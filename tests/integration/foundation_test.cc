// End-to-end behaviour of the first loop: record, generate, enforce,
// including the compat-syscall bypass and the CLI's error paths.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "profilegen/profile.h"
#include "test_util.h"

namespace profile {
namespace {

using test::helper;
using test::run;
using test::run_profile;

Profile load(const std::string& dir) {
  auto p = profile_from_json(test::read_file(dir + "/profile.json"), dir);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? *p : Profile{};
}

bool ia32_emulation_works() {
  auto r = run({helper("int80")}, 30);
  return r.exit_code == 0;
}

TEST(Foundation, CompatSyscallDeniedUnderX86_64OnlyProfile) {
  PROFILE_NEEDS_ROOT();
  if (!ia32_emulation_works()) GTEST_SKIP() << "kernel has no IA-32 emulation (int $0x80 raises SIGSEGV)";
  test::TempDir d;
  // Record int80 (its files and 64-bit syscalls), then take the i386
  // architecture out of the profile, as a profile recorded from a 64-bit-only
  // build of the program would be.
  auto rec = run_profile({"record", "--tracer", "ptrace", "-o", d / "p", "--", helper("int80")});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  Profile p = load(d / "p");
  ASSERT_EQ(p.syscalls.erase("x86"), 1u);
  test::write_file(d / "p/profile.json", profile_to_json(p));
  ASSERT_EQ(run_profile({"generate", d / "p"}).exit_code, 0);
  EXPECT_EQ(test::read_file(d / "p/seccomp.json").find("SCMP_ARCH_X86\""), std::string::npos);
  // int80 makes getpid through the i386 table: the filter does not cover
  // that architecture, so the process dies of SIGSYS instead of running it.
  auto enf = run_profile({"enforce", "--profile", d / "p", "--", helper("int80")});
  EXPECT_EQ(enf.exit_code, 128 + SIGSYS) << enf.out << enf.err;
  EXPECT_EQ(enf.out.find("int80 getpid"), std::string::npos) << enf.out;
}

TEST(Foundation, CompatSyscallRecordedAndAllowedUnderItsArch) {
  PROFILE_NEEDS_ROOT();
  if (!ia32_emulation_works()) GTEST_SKIP() << "kernel has no IA-32 emulation (int $0x80 raises SIGSEGV)";
  test::TempDir d;
  auto rec = run_profile({"record", "--tracer", "ptrace", "-o", d / "p", "--", helper("int80")});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  Profile p = load(d / "p");
  ASSERT_TRUE(p.syscalls.count("x86"));
  EXPECT_TRUE(p.syscalls.at("x86").count("getpid"));
  // i386 getpid is number 20, which is writev on x86_64: the i386 call must
  // not put writev into the x86_64 set. (writev is allowed there anyway, for
  // the error path; its widening says it was not recorded.)
  auto writev = std::find_if(p.widenings.begin(), p.widenings.end(),
                             [](const Widening& w) { return w.rule == "syscall x86_64 writev"; });
  ASSERT_NE(writev, p.widenings.end()) << "writev was recorded on x86_64";
  EXPECT_EQ(writev->kind, "error-path");
  std::string sec = test::read_file(d / "p/seccomp.json");
  EXPECT_NE(sec.find("SCMP_ARCH_X86\""), std::string::npos);
  auto enf = run_profile({"enforce", "--profile", d / "p", "--", helper("int80")});
  EXPECT_EQ(enf.exit_code, 0) << enf.err;
  EXPECT_NE(enf.out.find("int80 getpid"), std::string::npos);
}

TEST(Foundation, AppendMergesIntoExistingProfile) {
  PROFILE_NEEDS_ROOT();
  test::TempDir d;
  auto a = run_profile({"record", "--tracer", "ptrace", "--name", "both", "-o", d / "p", "--", helper("try_syscall"),
                        "getpid"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  Profile first = load(d / "p");
  auto b = run_profile({"record", "--tracer", "ptrace", "--append", "-o", d / "p", "--", helper("try_syscall"),
                        "uname"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  Profile merged = load(d / "p");
  EXPECT_EQ(merged.name, "both");
  EXPECT_TRUE(merged.syscalls["x86_64"].count("getpid"));
  EXPECT_TRUE(merged.syscalls["x86_64"].count("uname"));
  EXPECT_FALSE(first.syscalls["x86_64"].count("uname"));
  // Without --append the directory is replaced.
  auto c = run_profile({"record", "--tracer", "ptrace", "-o", d / "p", "--", helper("try_syscall"), "getpid"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_FALSE(load(d / "p").syscalls["x86_64"].count("uname"));
}

TEST(Foundation, GenerateRendersHandEdits) {
  PROFILE_NEEDS_ROOT();
  test::TempDir d;
  auto rec = run_profile({"record", "--tracer", "ptrace", "-o", d / "p", "--", helper("try_syscall"), "uname"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  // Hand edit: drop uname from the profile, then re-render.
  Profile p = load(d / "p");
  ASSERT_TRUE(p.syscalls["x86_64"].erase("uname"));
  test::write_file(d / "p/profile.json", profile_to_json(p));
  auto gen = run_profile({"generate", d / "p"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  EXPECT_EQ(test::read_file(d / "p/seccomp.json").find("\"uname\""), std::string::npos);
  auto enf = run_profile({"enforce", "--profile", d / "p", "--", helper("try_syscall"), "uname"});
  EXPECT_NE(enf.exit_code, 0);
  EXPECT_NE(enf.out.find("EPERM"), std::string::npos) << enf.out;
}

TEST(Foundation, GenerateRefusesBrokenProfileAndKeepsFiles) {
  test::TempDir d;
  ASSERT_EQ(mkdir((d / "p").c_str(), 0755), 0);
  test::write_file(d / "p/profile.json", R"({"schema":1,"name":"x","syscalls":{"x86_64":["read","nosuchcall"]}})");
  test::write_file(d / "p/seccomp.json", "previous\n");
  auto gen = run_profile({"generate", d / "p"});
  EXPECT_EQ(gen.exit_code, 125);
  EXPECT_NE(gen.err.find("nosuchcall"), std::string::npos) << gen.err;
  EXPECT_NE(gen.err.find("profile.json"), std::string::npos) << gen.err;
  EXPECT_EQ(test::read_file(d / "p/seccomp.json"), "previous\n");
}

TEST(Foundation, CommandNotFoundAndBadUsage) {
  PROFILE_NEEDS_ROOT();
  test::TempDir d;
  auto nf = run_profile({"record", "--tracer", "ptrace", "-o", d / "p", "--", "/nonexistent/cmd"});
  EXPECT_EQ(nf.exit_code, 127) << nf.err;
  EXPECT_NE(nf.err.find("/nonexistent/cmd"), std::string::npos);
  auto bad = run_profile({"record", "--tracer", "magic", "--", "true"});
  EXPECT_EQ(bad.exit_code, 125);
  EXPECT_NE(bad.err.find("magic"), std::string::npos);
  auto missing = run_profile({"enforce", "--profile", d / "absent", "--", "true"});
  EXPECT_EQ(missing.exit_code, 125);
  EXPECT_NE(missing.err.find("absent"), std::string::npos);
}

}  // namespace
}  // namespace profile

namespace profile {
namespace {
// The committed example profile is enforceable as committed: `ls /` runs
// under it with its usual output.
TEST(Foundation, CommittedLsProfileEnforces) {
  PROFILE_NEEDS_ROOT();
  std::string dir = std::string(PROFILE_SOURCE_DIR) + "/profiles/ls";
  auto plain = test::run_profile({"enforce", "--", "ls", "/"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  auto enf = test::run_profile({"enforce", "--profile", dir, "--", "ls", "/"});
  EXPECT_EQ(enf.exit_code, 0) << enf.err;
  EXPECT_EQ(enf.out, plain.out);
  // Something ls never does is denied under it: running another program.
  auto other = test::run_profile({"enforce", "--profile", dir, "--", "cat", "/etc/hostname"});
  EXPECT_NE(other.exit_code, 0) << "cat ran under the committed profile of ls";
}
}  // namespace
}  // namespace profile

namespace profile {
namespace {
// Live-state checks of the ptrace recorder look at the tracee's own mounts:
// a file in the sandbox's private /tmp does not exist on the host.
TEST(Foundation, PtraceChecksFilesInTheWorkloadsMounts) {
  PROFILE_NEEDS_ROOT();
  test::TempDir d;
  auto r = test::run_profile({"record", "--tracer", "ptrace", "-o", d / "p", "--", "sh", "-c",
                              "touch /tmp/only-inside && chgrp 65534 /tmp/only-inside"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Profile p = load(d / "p");
  ASSERT_EQ(p.capabilities.count("CHOWN"), 1u) << test::read_file(d / "p/profile.json");
  EXPECT_EQ(p.capabilities.at("CHOWN").kind, CapEvidenceKind::kInferred);
  EXPECT_NE(access("/tmp/only-inside", F_OK), 0) << "the file was created on the host, not in the sandbox";
}
}  // namespace
}  // namespace profile

namespace profile {
namespace {
// The dynamic loader is opened by the kernel inside execve, unseen by either
// recorder; the profile still carries it, resolved, so AppArmor ("mr") and
// Landlock (execute) let the program start.
TEST(Foundation, DynamicLoaderOfExecutedBinariesIsInTheProfile) {
  PROFILE_NEEDS_ROOT();
  char* real = realpath("/lib64/ld-linux-x86-64.so.2", nullptr);
  if (real == nullptr) GTEST_SKIP() << "no /lib64/ld-linux-x86-64.so.2 on this system";
  std::string loader(real);
  free(real);
  for (const char* tracer : {"ptrace", "ebpf"}) {
    SCOPED_TRACE(tracer);
    test::TempDir d;
    auto r = test::run_profile({"record", "--tracer", tracer, "-o", d / "p", "--", "/bin/true"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Profile p = load(d / "p");
    ASSERT_EQ(p.files.count(loader), 1u) << test::read_file(d / "p/profile.json");
    EXPECT_EQ(p.files.at(loader), (std::set<std::string>{"mmap-exec", "read"}));
    EXPECT_NE(test::read_file(d / "p/apparmor.profile").find(loader + " rm,"), std::string::npos);
  }
}
}  // namespace
}  // namespace profile

namespace profile {
namespace {
// A directory the profile grants, replaced by a symlink (as a workload that
// can write its parent could do between runs), must not carry its rights to
// the link's target.
TEST(Foundation, LandlockRuleIsNotRedirectedThroughASymlink) {
  PROFILE_NEEDS_ROOT();
  test::TempDir d;
  std::string data = d / "data";
  ASSERT_EQ(mkdir(data.c_str(), 0755), 0);
  test::write_file(data + "/one", "1\n");
  auto rec = run_profile({"record", "--tracer", "ptrace", "-o", d / "p", "--", "ls", data});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  auto ok = run_profile({"enforce", "--profile", d / "p", "--", "ls", data});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "one\n");
  // Swap the directory for a symlink to /etc: listing it must now fail.
  ASSERT_EQ(unlink((data + "/one").c_str()), 0);
  ASSERT_EQ(rmdir(data.c_str()), 0);
  ASSERT_EQ(symlink("/etc", data.c_str()), 0);
  auto redirected = run_profile({"enforce", "--profile", d / "p", "--", "ls", data + "/"});
  EXPECT_NE(redirected.exit_code, 0) << redirected.out;
  EXPECT_EQ(redirected.out.find("hostname"), std::string::npos) << redirected.out;
}
}  // namespace
}  // namespace profile

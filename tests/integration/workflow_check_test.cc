// profile check on a real workload, and the exit codes of diff, merge and
// lint through the built binary.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "test_util.h"

namespace profile {
namespace {

using test::TempDir;

std::string record(const TempDir& dir, const std::string& mode) {
  auto r = test::run_profile({"record", "--tracer", "ptrace", "-o", dir / "prof", "--", test::helper("wf_check"), mode});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return dir / "prof";
}

TEST(WorkflowCheck, FailsNamingTheNewSyscallAndFileAndUpdateMakesItPass) {
  PROFILE_NEEDS_ROOT();
  TempDir dir;
  std::string prof = record(dir, "base");
  auto same = test::run_profile({"check", "--tracer", "ptrace", "--profile", prof, "--", test::helper("wf_check"), "base"});
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;

  auto more = test::run_profile({"check", "--tracer", "ptrace", "--profile", prof, "--", test::helper("wf_check"), "more"});
  EXPECT_EQ(more.exit_code, 1) << more.out << more.err;
  EXPECT_NE(more.out.find("needs: syscall x86_64 getpriority\n"), std::string::npos) << more.out;
  EXPECT_NE(more.out.find("needs: file '/etc/group' read\n"), std::string::npos) << more.out;

  auto upd = test::run_profile(
      {"check", "--update", "--tracer", "ptrace", "--profile", prof, "--", test::helper("wf_check"), "more"});
  EXPECT_EQ(upd.exit_code, 0) << upd.out << upd.err;
  EXPECT_NE(test::read_file(prof + "/seccomp.json").find("\"getpriority\""), std::string::npos);
  auto again = test::run_profile({"check", "--tracer", "ptrace", "--profile", prof, "--", test::helper("wf_check"), "more"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  // The widened profile is still a valid, enforceable directory.
  auto enf = test::run_profile({"enforce", "--profile", prof, "--", test::helper("wf_check"), "more"});
  EXPECT_EQ(enf.exit_code, 0) << enf.err;
}

TEST(WorkflowCheck, AFailingCommandFailsTheCheckWithItsStatus) {
  PROFILE_NEEDS_ROOT();
  TempDir dir;
  std::string prof = record(dir, "base");
  auto r = test::run_profile({"check", "--tracer", "ptrace", "--profile", prof, "--", test::helper("wf_check"), "fail"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
}

TEST(WorkflowCheck, CatchesAHandEditOfSeccompJson) {
  PROFILE_NEEDS_ROOT();
  TempDir dir;
  std::string prof = record(dir, "base");
  std::string s = test::read_file(prof + "/seccomp.json");
  auto at = s.find("\"read\"");
  ASSERT_NE(at, std::string::npos);
  s.insert(at, "\"ptrace\",\n        ");
  test::write_file(prof + "/seccomp.json", s);
  auto r = test::run_profile({"check", "--tracer", "ptrace", "--profile", prof, "--", test::helper("wf_check"), "base"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find(prof + "/seccomp.json: not what profile.json renders to"), std::string::npos) << r.out;
  // --update must not overwrite the edit silently.
  r = test::run_profile(
      {"check", "--update", "--tracer", "ptrace", "--profile", prof, "--", test::helper("wf_check"), "base"});
  EXPECT_EQ(r.exit_code, 125) << r.out << r.err;
  EXPECT_NE(r.err.find("seccomp.json"), std::string::npos) << r.err;
}

TEST(WorkflowCli, DiffMergeAndLintExitCodes) {
  PROFILE_NEEDS_ROOT();
  TempDir a, b, out;
  std::string pa = record(a, "base"), pb = record(b, "more");
  auto d = test::run_profile({"diff", pa, pb});
  EXPECT_EQ(d.exit_code, 1) << d.out << d.err;
  EXPECT_NE(d.out.find("+ syscall x86_64 getpriority\n"), std::string::npos) << d.out;
  d = test::run_profile({"diff", "--json", pb, pa});
  EXPECT_EQ(d.exit_code, 0) << d.out << d.err;
  EXPECT_NE(d.out.find("\"grants_more\": false"), std::string::npos) << d.out;
  d = test::run_profile({"diff", pa, out / "none"});
  EXPECT_EQ(d.exit_code, 125) << d.err;

  auto m = test::run_profile({"merge", pb, pa, "-o", out / "m"});
  EXPECT_EQ(m.exit_code, 0) << m.err;
  d = test::run_profile({"diff", out / "m", pb});
  EXPECT_EQ(d.exit_code, 0) << d.out;
  auto l = test::run_profile({"lint", out / "m"});
  EXPECT_TRUE(l.exit_code == 0 || l.exit_code == 1) << l.err;
  l = test::run_profile({"lint", out / "nothing"});
  EXPECT_EQ(l.exit_code, 125) << l.err;
  for (const char* verb : {"merge", "diff", "check", "lint"}) {
    auto h = test::run_profile({verb, "--help"});
    EXPECT_EQ(h.exit_code, 0);
    EXPECT_NE(h.out.find("Example: profile "), std::string::npos) << verb << ": " << h.out;
  }
}

}  // namespace
}  // namespace profile

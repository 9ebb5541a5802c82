// profile learn DIR REPORT...: folds reported denials into a profile within
// the security model, and refuses bad reports before writing anything.
#include <gtest/gtest.h>

#include <string>

#include "recording_helpers.h"
#include "test_util.h"

namespace profile {
namespace {

using test::BuildTempDir;
using test::helper;
using test::run_profile;

std::string denial(const std::string& syscall, const std::string& extra = "") {
  return R"({"mechanism":"seccomp","action":"denied","arch":"x86_64","syscall":")" + syscall +
         R"(","pid":5,"comm":"w","count":4)" + extra + "}";
}

std::string report_of(const std::string& denials) {
  return R"({"version":1,"mode":"enforce","denials":[)" + denials + "]}";
}

class Learn : public ::testing::Test {
 protected:
  void SetUp() override {
    prof = dir / "prof";
    auto rec = run_profile({"record", "--tracer", "ptrace", "-o", prof, "--", helper("md_violate"), "base"});
    ASSERT_EQ(rec.exit_code, 0) << rec.err;
  }
  BuildTempDir dir{"learn"};
  std::string prof;
};

TEST_F(Learn, AddsWithEvidenceAndShowsTheDiff) {
  PROFILE_NEEDS_ROOT();
  std::string rep = dir / "r.json";
  std::string data = dir / "data.txt";
  test::write_file(data, "x\n");
  test::write_file(
      rep, report_of(denial("sysinfo") + "," + denial("openat", R"(,"path":")" + data + R"(","access":["read"])")));
  auto l = run_profile({"learn", prof, rep});
  ASSERT_EQ(l.exit_code, 0) << l.err;
  EXPECT_NE(l.err.find("+ syscall x86_64 sysinfo"), std::string::npos) << l.err;
  EXPECT_NE(l.err.find("+ file " + data + " read"), std::string::npos) << l.err;
  EXPECT_NE(l.err.find("learn: diff of profile.json:"), std::string::npos) << l.err;
  std::string pj = test::read_file(prof + "/profile.json");
  EXPECT_NE(pj.find("\"learned\""), std::string::npos) << pj;
  EXPECT_NE(pj.find(rep + ": denied 4 times (seccomp, sysinfo)"), std::string::npos) << pj;
  EXPECT_NE(test::read_file(prof + "/seccomp.json").find("\"sysinfo\""), std::string::npos);
  // The directory is consistent again: enforce accepts it.
  auto e = run_profile({"enforce", "--profile", prof, "--", helper("md_violate"), "base"});
  EXPECT_EQ(e.exit_code, 0) << e.err;
  // Learning the same report again adds nothing.
  auto again = run_profile({"learn", prof, rep});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.err.find("+ syscall"), std::string::npos) << again.err;
}

TEST_F(Learn, RefusesWhatTheModelForbidsUnlessAddedByHand) {
  PROFILE_NEEDS_ROOT();
  std::string rep = dir / "r.json";
  test::write_file(rep, report_of(denial("unshare") + "," + denial("sysinfo") + "," +
                                  denial("openat", R"(,"path":"/etc/shadow","access":["read"])")));
  std::string before = test::read_file(prof + "/seccomp.json");
  auto l = run_profile({"learn", prof, rep});
  EXPECT_EQ(l.exit_code, 1) << l.err;
  EXPECT_NE(l.err.find("refused syscall x86_64 unshare"), std::string::npos) << l.err;
  EXPECT_NE(l.err.find("profile.yaml"), std::string::npos) << l.err;
  EXPECT_NE(l.err.find("refused file '/etc/shadow'"), std::string::npos) << l.err;
  // The rest is learned; the refused items are not.
  std::string after = test::read_file(prof + "/seccomp.json");
  EXPECT_NE(after.find("\"sysinfo\""), std::string::npos);
  EXPECT_EQ(after.find("\"unshare\""), std::string::npos);
  EXPECT_EQ(test::read_file(prof + "/profile.json").find("/etc/shadow"), std::string::npos);
  // Added by hand in profile.yaml, as the refusal says: no longer refused.
  test::write_file(prof + "/profile.yaml",
                   "add:\n  syscalls:\n    - {names: [unshare], reason: the test needs it}\n"
                   "  files:\n    - {path: /etc/shadow, access: [read], reason: the test needs it}\n");
  auto g = run_profile({"generate", prof});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  auto again = run_profile({"learn", prof, rep});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.err.find("refused"), std::string::npos) << again.err;
  EXPECT_NE(test::read_file(prof + "/seccomp.json").find("\"unshare\""), std::string::npos);
}

TEST_F(Learn, BadReportIsAnErrorNamingFileAndValue) {
  PROFILE_NEEDS_ROOT();
  std::string rep = dir / "bad.json";
  test::write_file(rep, report_of(denial("sysinfo", R"(,"port":99999)")));
  std::string before = test::read_file(prof + "/profile.json");
  auto l = run_profile({"learn", prof, rep});
  EXPECT_EQ(l.exit_code, 125) << l.err;
  EXPECT_NE(l.err.find(rep), std::string::npos) << l.err;
  EXPECT_NE(l.err.find("99999"), std::string::npos) << l.err;
  test::write_file(rep, report_of(denial("no_such_call")));
  l = run_profile({"learn", prof, rep});
  EXPECT_EQ(l.exit_code, 125) << l.err;
  EXPECT_NE(l.err.find("no_such_call"), std::string::npos) << l.err;
  EXPECT_EQ(test::read_file(prof + "/profile.json"), before);
}

TEST_F(Learn, EnforceLearnIsComplainThenLearn) {
  PROFILE_NEEDS_ROOT();
  auto e = run_profile({"enforce", "--learn", "--profile", prof, "--", helper("md_violate"), "comm"});
  EXPECT_EQ(e.exit_code, 0) << e.out << e.err;
  EXPECT_NE(e.err.find("+ syscall x86_64 sysinfo"), std::string::npos) << e.err;
  auto again = run_profile({"enforce", "--profile", prof, "--", helper("md_violate"), "comm"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(again.out, "base\nsysinfo ok\n");
}

TEST(LearnOptions, EnforceLearnNeedsAProfileDirectory) {
  PROFILE_NEEDS_ROOT();
  auto e = run_profile({"enforce", "--learn", "--", "true"});
  EXPECT_EQ(e.exit_code, 125);
  EXPECT_NE(e.err.find("--learn folds the run's denials into --profile DIR"), std::string::npos) << e.err;
}

}  // namespace
}  // namespace profile

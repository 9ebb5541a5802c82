// profile.yaml end to end: a hand-written addition survives re-recording
// (with and without --append), reaches what `enforce` applies, and is
// covered by SHA256SUMS; a bad profile.yaml fails before the workload runs;
// `record` never changes the file.
#include <errno.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "test_util.h"

namespace profile {
namespace {

using test::CommandResult;
using test::TempDir;

CommandResult record(const std::string& dir, std::vector<std::string> cmd, bool append = false) {
  std::vector<std::string> args = {"record", "--tracer", "ptrace", "-o", dir};
  if (append) args.push_back("--append");
  args.push_back("--");
  args.insert(args.end(), cmd.begin(), cmd.end());
  return test::run_profile(args, 120);
}

CommandResult enforce(const std::string& dir, std::vector<std::string> cmd) {
  std::vector<std::string> args = {"enforce", "--profile", dir, "--"};
  args.insert(args.end(), cmd.begin(), cmd.end());
  return test::run_profile(args, 120);
}

bool exists(const std::string& p) { return access(p.c_str(), F_OK) == 0; }

std::string yaml_adding(const std::string& path) {
  return "# kept across recordings\n"
         "add:\n"
         "  files:\n"
         "    - path: " + path + "\n"
         "      access: [read]\n"
         "      reason: read in production, not by the tests\n";
}

TEST(ProfileYamlCli, AnAddedFileStaysGrantedAcrossRecordingsAndEnforceUsesIt) {
  PROFILE_NEEDS_ROOT();
  TempDir dir;
  const std::string prof = dir / "prof";
  test::write_file(dir / "recorded.txt", "a");
  test::write_file(dir / "added.txt", "b");
  const std::vector<std::string> open_recorded = {test::helper("pl_open"), dir / "recorded.txt", "r"};
  const std::vector<std::string> open_added = {test::helper("pl_open"), dir / "added.txt", "r"};

  auto rec = record(prof, open_recorded);
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  auto without = enforce(prof, open_added);
  ASSERT_EQ(without.exit_code, EACCES) << "the file is granted without profile.yaml: " << without.out << without.err;

  const std::string yaml = yaml_adding(dir / "added.txt");
  test::write_file(prof + "/profile.yaml", yaml);
  // Enforce sees a profile.yaml that the generated files do not reflect.
  auto stale = enforce(prof, open_added);
  EXPECT_EQ(stale.exit_code, 125) << stale.err;
  EXPECT_NE(stale.err.find("profile.yaml"), std::string::npos) << stale.err;
  EXPECT_NE(stale.err.find("profile generate"), std::string::npos) << stale.err;

  for (bool append : {false, true}) {
    SCOPED_TRACE(append ? "record --append" : "record");
    rec = record(prof, open_recorded, append);
    ASSERT_EQ(rec.exit_code, 0) << rec.err;
    EXPECT_NE(rec.err.find("applied " + prof + "/profile.yaml"), std::string::npos) << rec.err;
    EXPECT_EQ(test::read_file(prof + "/profile.yaml"), yaml) << "record changed profile.yaml";
    const std::string json = test::read_file(prof + "/profile.json");
    EXPECT_NE(json.find(dir / "added.txt"), std::string::npos);
    EXPECT_NE(json.find("read in production, not by the tests"), std::string::npos) << "no manual widening";
    EXPECT_NE(test::read_file(prof + "/SHA256SUMS").find("  profile.yaml\n"), std::string::npos);
    auto with = enforce(prof, open_added);
    EXPECT_EQ(with.exit_code, 0) << with.out << with.err;
    auto still = enforce(prof, open_recorded);
    EXPECT_EQ(still.exit_code, 0) << still.out << still.err;
  }

  // Deleting profile.yaml is a change enforce must not miss either.
  ASSERT_EQ(unlink((prof + "/profile.yaml").c_str()), 0);
  auto gone = enforce(prof, open_added);
  EXPECT_EQ(gone.exit_code, 125) << gone.err;
  EXPECT_NE(gone.err.find("profile.yaml"), std::string::npos) << gone.err;
}

TEST(ProfileYamlCli, GenerateAppliesProfileYaml) {
  PROFILE_NEEDS_ROOT();
  TempDir dir;
  const std::string prof = dir / "prof";
  test::write_file(dir / "recorded.txt", "a");
  test::write_file(dir / "added.txt", "b");
  auto rec = record(prof, {test::helper("pl_open"), dir / "recorded.txt", "r"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  const std::string yaml = yaml_adding(dir / "added.txt") +
                           "remove:\n"
                           "  syscalls:\n"
                           "    - names: [mount]\n"
                           "      reason: never\n";
  test::write_file(prof + "/profile.yaml", yaml);
  auto gen = test::run_profile({"generate", prof});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  // A removal of something never recorded is a warning with its line.
  EXPECT_NE(gen.err.find(prof + "/profile.yaml:9:"), std::string::npos) << gen.err;
  EXPECT_EQ(test::read_file(prof + "/profile.yaml"), yaml);
  auto with = enforce(prof, {test::helper("pl_open"), dir / "added.txt", "r"});
  EXPECT_EQ(with.exit_code, 0) << with.out << with.err;
}

TEST(ProfileYamlCli, ABadProfileYamlFailsWith125BeforeTheWorkloadRuns) {
  PROFILE_NEEDS_ROOT();
  TempDir dir;
  const std::string prof = dir / "prof";
  auto rec = record(prof, {"/bin/true"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  const std::string bad =
      "add:\n"
      "  files:\n"
      "    - path: /srv/www/**\n"
      "      access: [read, serve]\n"
      "      reason: r\n";
  test::write_file(prof + "/profile.yaml", bad);
  const std::string before = test::read_file(prof + "/profile.json");
  for (bool append : {false, true}) {
    SCOPED_TRACE(append ? "record --append" : "record");
    auto r = record(prof, {"/bin/sh", "-c", "touch '" + dir / "ran" + "'"}, append);
    EXPECT_EQ(r.exit_code, 125) << r.err;
    EXPECT_NE(r.err.find(prof + "/profile.yaml:4:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("'serve'"), std::string::npos) << r.err;
    EXPECT_FALSE(exists(dir / "ran")) << "the workload ran although profile.yaml is bad";
    EXPECT_EQ(test::read_file(prof + "/profile.yaml"), bad);
    EXPECT_EQ(test::read_file(prof + "/profile.json"), before);
  }
  auto gen = test::run_profile({"generate", prof});
  EXPECT_EQ(gen.exit_code, 125) << gen.err;
  EXPECT_NE(gen.err.find(prof + "/profile.yaml:4:"), std::string::npos) << gen.err;

  // Not a regular file: refused, not waited on.
  ASSERT_EQ(unlink((prof + "/profile.yaml").c_str()), 0);
  ASSERT_EQ(mkfifo((prof + "/profile.yaml").c_str(), 0644), 0);
  auto fifo = test::run_profile({"generate", prof}, 30);
  EXPECT_EQ(fifo.exit_code, 125) << fifo.err;
  EXPECT_NE(fifo.err.find("not a regular file"), std::string::npos) << fifo.err;
}

}  // namespace
}  // namespace profile

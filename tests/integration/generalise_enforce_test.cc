// A profile recorded from one run enforced on another run with other inputs
// (docs/generalisation.md): created trees, read-only content trees.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "profilegen/files.h"
#include "runner/landlock.h"
#include "test_util.h"

namespace profile {
namespace {

using test::CommandResult;
using test::TempDir;

CommandResult record(const std::string& dir, std::vector<std::string> cmd) {
  std::vector<std::string> args = {"record", "-o", dir, "--"};
  args.insert(args.end(), cmd.begin(), cmd.end());
  return test::run_profile(args, 180);
}

CommandResult enforce(const std::string& dir, std::vector<std::string> cmd) {
  std::vector<std::string> args = {"enforce", "--profile", dir, "--"};
  args.insert(args.end(), cmd.begin(), cmd.end());
  return test::run_profile(args, 180);
}

#define NEEDS(prog)                                                            \
  do {                                                                         \
    PROFILE_NEEDS_ROOT();                                                      \
    if (landlock_abi() == 0) GTEST_SKIP() << "kernel lacks Landlock";          \
    if (access(prog, X_OK) != 0) GTEST_SKIP() << prog << " is not installed";  \
  } while (0)

TEST(GeneraliseEnforce, GitInitInAFreshDirectoryUnderTheRecordedOne) {
  NEEDS("/usr/bin/git");
  TempDir dir;
  // The sandbox's /tmp is private: /tmp/r does not exist when enforce starts.
  auto rec = record(dir / "prof", {"/usr/bin/git", "init", "-q", "/tmp/r"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  EXPECT_NE(test::read_file(dir / "prof/profile.json").find("\"created-tree\""), std::string::npos);
  for (const char* target : {"/tmp/r", "/tmp/r2"}) {
    auto enf = enforce(dir / "prof", {"/usr/bin/git", "init", "-q", target});
    EXPECT_EQ(enf.exit_code, 0) << target << ": " << enf.err;
  }
}

TEST(GeneraliseEnforce, CompilerIncludesASystemHeaderNotIncludedDuringTheRecording) {
  NEEDS("/usr/bin/gcc");
  TempDir dir;
  // Only a few headers of /usr/include itself are read: too few to collapse
  // to /usr/include/*.h, enough for the read-only tree.
  test::write_file(dir / "a.c", "#include <stdio.h>\nint main(void) { printf(\"x\"); return 0; }\n");
  auto rec = record(dir / "prof", {"/usr/bin/gcc", "-fsyntax-only", dir / "a.c"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  // The same source file, edited: it now includes a header the recording
  // never saw.
  test::write_file(dir / "a.c", "#include <math.h>\n#include <stdio.h>\nint main(void) { printf(\"%f\", sqrt(2.0)); return 0; }\n");
  auto enf = enforce(dir / "prof", {"/usr/bin/gcc", "-fsyntax-only", dir / "a.c"});
  EXPECT_EQ(enf.exit_code, 0) << enf.err;
  EXPECT_EQ(enf.err.find("Permission denied"), std::string::npos) << enf.err;
}

TEST(GeneraliseEnforce, ScriptCreatesAndWalksAnotherTreeThanRecorded) {
  NEEDS("/usr/bin/python3");
  TempDir dir;
  test::write_file(dir / "walk.py",
                   "import os, sys\n"
                   "root = os.path.join(sys.argv[1], 'work')\n"
                   "for i in range(int(sys.argv[2])):\n"
                   "    d = os.path.join(root, 'd%d' % i, 'sub')\n"
                   "    os.makedirs(d)\n"
                   "    open(os.path.join(d, 'f%d.txt' % i), 'w').write('x')\n"
                   "n = sum(len(fs) for _, _, fs in os.walk(root))\n"
                   "print('files', n)\n");
  auto rec = record(dir / "prof", {"/usr/bin/python3", dir / "walk.py", dir / "out", "2"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  // The rules stay few: the library once, the created tree once.
  std::string pj = test::read_file(dir / "prof/profile.json");
  size_t rules = 0;
  for (size_t at = pj.find("\"path\":"); at != std::string::npos; at = pj.find("\"path\":", at + 1)) ++rules;
  EXPECT_LE(rules, 60u) << pj;
  // Another run: the tree left by the recording removed, more and other names.
  test::run({"rm", "-rf", dir / "out"});
  auto enf = enforce(dir / "prof", {"/usr/bin/python3", dir / "walk.py", dir / "out", "5"});
  EXPECT_EQ(enf.exit_code, 0) << enf.err;
  EXPECT_NE(enf.out.find("files 5"), std::string::npos) << enf.out << enf.err;
}

std::vector<std::string> in_dir(const std::string& op, const std::string& dir, const std::string& prof,
                                std::vector<std::string> cmd, bool exact = false) {
  std::vector<std::string> args = {op, "--workdir", dir};
  if (op == "record") {
    args.insert(args.end(), {"-o", prof});
    if (exact) args.push_back("--exact");
  } else {
    args.insert(args.end(), {"--profile", prof});
  }
  args.push_back("--");
  args.insert(args.end(), cmd.begin(), cmd.end());
  return args;
}

TEST(GeneraliseEnforce, TheNextJobReadsAnotherFileOfTheDirectoryItWasStartedIn) {
  NEEDS("/usr/bin/busybox");
  TempDir dir;
  std::string work = dir / "work";
  ASSERT_EQ(mkdir(work.c_str(), 0755), 0);
  char real[PATH_MAX];
  ASSERT_NE(realpath(work.c_str(), real), nullptr);
  // The test directories are under the build tree, which may lie where no
  // data tree is allowed (/root/src/...).
  if (const char* why = data_root_refused(real)) GTEST_SKIP() << real << " is no data root: " << why;
  ASSERT_EQ(mkdir((work + "/api").c_str(), 0755), 0);
  test::write_file(work + "/orders.json", "{\"items\":3}\n");
  test::write_file(work + "/api/users.json", "{\"users\":2}\n");
  auto rec = test::run_profile(in_dir("record", work, dir / "prof", {"/usr/bin/busybox", "cat", "orders.json"}), 180);
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  std::string json = test::read_file(dir / "prof/profile.json");
  EXPECT_NE(json.find("\"data-tree\""), std::string::npos) << json;
  EXPECT_NE(rec.err.find("data-tree (1): "), std::string::npos) << rec.err;
  auto enf = test::run_profile(in_dir("enforce", work, dir / "prof", {"/usr/bin/busybox", "cat", "api/users.json"}), 180);
  EXPECT_EQ(enf.exit_code, 0) << enf.err;
  EXPECT_EQ(enf.out, "{\"users\":2}\n");
  // --exact: the file read, nothing else.
  auto exact = test::run_profile(
      in_dir("record", work, dir / "exact", {"/usr/bin/busybox", "cat", "orders.json"}, true), 180);
  ASSERT_EQ(exact.exit_code, 0) << exact.err;
  auto denied = test::run_profile(in_dir("enforce", work, dir / "exact", {"/usr/bin/busybox", "cat", "api/users.json"}), 180);
  EXPECT_NE(denied.exit_code, 0);
  EXPECT_NE(denied.err.find("Permission denied"), std::string::npos) << denied.err;
}

TEST(GeneraliseEnforce, TheWorkloadCannotSteerItsDataTreeOntoASystemTree) {
  NEEDS("/usr/bin/busybox");
  TempDir dir;
  std::string work = dir / "work";
  ASSERT_EQ(mkdir(work.c_str(), 0755), 0);
  // A symlink in the launch directory and a chdir of the workload's own
  // both lead into /etc: what it reads there stays literal.
  ASSERT_EQ(symlink("/etc", (work + "/etc-link").c_str()), 0);
  auto rec = test::run_profile(
      in_dir("record", work, dir / "prof",
             {"/usr/bin/busybox", "sh", "-c", "cat etc-link/hostname >/dev/null; cd /etc && cat hostname >/dev/null"}),
      180);
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  std::string json = test::read_file(dir / "prof/profile.json");
  EXPECT_EQ(json.find("/etc/**"), std::string::npos) << json;
  EXPECT_EQ(json.find("\"data-tree\""), std::string::npos) << json;
  auto enf = test::run_profile(
      in_dir("enforce", work, dir / "prof", {"/usr/bin/busybox", "sh", "-c", "cat etc-link/os-release"}), 180);
  EXPECT_NE(enf.exit_code, 0) << enf.out;
  EXPECT_NE(enf.err.find("Permission denied"), std::string::npos) << enf.err;
}

}  // namespace
}  // namespace profile

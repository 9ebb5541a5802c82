// record -> enforce with a workload that steers its own policy: reading a few
// files of /etc must not open /etc/shadow to it, and a script it may write
// must not name what the next enforce grants.
#include <errno.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "profilegen/policy.h"
#include "runner/landlock.h"
#include "recording_helpers.h"
#include "test_util.h"

namespace profile {
namespace {

using test::CommandResult;
using test::TempDir;

CommandResult record(const std::string& dir, const std::vector<std::string>& cmd) {
  return test::record_with("ptrace", dir, cmd);
}

using test::enforce_with;

// Eight readable regular files of /etc, none of them sensitive.
std::vector<std::string> ordinary_etc_files() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator("/etc")) {
    std::string p = e.path().string();
    if (!e.is_regular_file() || e.is_symlink() || sensitive_entry(p, true)) continue;
    if (p.find_first_of(" '\"\\$`*?[") != std::string::npos || access(p.c_str(), R_OK) != 0) continue;
    out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  if (out.size() > 8) out.resize(8);
  return out;
}

TEST(TrustLandlockEnforce, ReadingEightFilesOfEtcDoesNotOpenEtcShadow) {
  PROFILE_NEEDS_ROOT();
  NEEDS_LANDLOCK();
  struct stat st;
  if (stat("/etc/shadow", &st) != 0) GTEST_SKIP() << "this host has no /etc/shadow";
  auto files = ordinary_etc_files();
  if (files.size() < kCollapseThreshold) GTEST_SKIP() << "fewer than 8 ordinary readable files in /etc";
  std::string cat = "cat";
  for (const auto& f : files) cat += " " + f;
  auto cmd = [&](const std::string& target) {
    return std::vector<std::string>{"/bin/sh", "-c", cat + " >/dev/null && exec " + test::helper("pl_open") + " " + target + " r"};
  };
  TempDir dir;
  auto rec = record(dir / "prof", cmd(files[0]));
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  std::string pj = test::read_file(dir / "prof/profile.json");
  ASSERT_NE(pj.find("\"/etc/*\""), std::string::npos) << "the reads did not collapse to /etc/*: " << pj;
  auto ll = nlohmann::json::parse(test::read_file(dir / "prof/landlock.json"));
  for (const auto& r : ll["path_beneath"]) EXPECT_NE(r["path"], "/etc") << ll.dump(2);

  auto ok = enforce_with(dir / "prof", cmd(files[1]));
  EXPECT_EQ(ok.exit_code, 0) << ok.err << ok.out;
  EXPECT_NE(ok.err.find("landlock: active"), std::string::npos) << ok.err;
  auto shadow = enforce_with(dir / "prof", cmd("/etc/shadow"));
  EXPECT_EQ(shadow.exit_code, EACCES) << "read /etc/shadow under a profile that only read " << cat << "\n"
                                      << shadow.err << shadow.out;
}

// The recorded workload appends to the script it runs, so its profile lets
// it write the script. It puts "#!/" there (an earlier run could): the next
// enforce must not grant read on all of "/".
TEST(TrustLandlockEnforce, WorkloadWrittenShebangGrantsNothing) {
  PROFILE_NEEDS_ROOT();
  NEEDS_LANDLOCK();
  struct stat st;
  if (stat("/etc/shadow", &st) != 0) GTEST_SKIP() << "this host has no /etc/shadow";
  TempDir dir;
  std::string script = dir / "run.sh";
  test::write_file(script, "#!/bin/sh\nexec " + test::helper("pl_open") + " \"$1\" r\n");
  chmod(script.c_str(), 0755);
  // Opened for writing without O_CREAT, so the rule is on the script itself.
  std::string pl_open = test::helper("pl_open");
  auto rec = record(dir / "prof", {"/bin/sh", "-c", pl_open + " " + script + " w && " + script + " /etc/hostname"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  std::string pj = test::read_file(dir / "prof/profile.json");
  ASSERT_NE(pj.find(script), std::string::npos) << pj;
  auto ll = nlohmann::json::parse(test::read_file(dir / "prof/landlock.json"));
  bool script_rule = false;
  for (const auto& r : ll["path_beneath"]) script_rule = script_rule || r["path"] == script;
  ASSERT_TRUE(script_rule) << "the attack needs a rule on the script itself: " << ll.dump(2);

  std::string body = test::read_file(script);
  test::write_file(script, "#!/\n" + body.substr(body.find('\n') + 1));
  auto r = enforce_with(dir / "prof", {"/bin/sh", "-c", "exec " + pl_open + " /etc/shadow r"});
  EXPECT_EQ(r.exit_code, EACCES) << "a #! line the workload wrote granted /etc/shadow\n" << r.err << r.out;
  EXPECT_EQ(r.err.find("execve opens: /,"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("execve opens: /\n"), std::string::npos) << r.err;
}

// What the "#!" reading is for: a profile without the interpreter (recorded
// before recorders saw it, or written by hand) still runs a script the
// workload cannot modify.
TEST(TrustLandlockEnforce, ReadOnlyScriptStillGetsItsInterpreter) {
  PROFILE_NEEDS_ROOT();
  NEEDS_LANDLOCK();
  TempDir dir;
  std::string script = dir / "run.sh";
  test::write_file(script, "#!/bin/sh\nexit 7\n");
  chmod(script.c_str(), 0755);
  auto rec = record(dir / "prof", {script});
  ASSERT_EQ(rec.exit_code, 7) << rec.err;
  // Leave the interpreter out, as an older recording would have.
  char* real = realpath("/bin/sh", nullptr);
  ASSERT_NE(real, nullptr);
  std::string sh = real;
  free(real);
  auto pj = nlohmann::json::parse(test::read_file(dir / "prof/profile.json"));
  auto& files = pj["files"];
  for (auto it = files.begin(); it != files.end();) {
    std::string p = (*it)["path"].get<std::string>();
    if (p == sh || p == "/bin/sh" || p == "/usr/bin/sh") {
      it = files.erase(it);
    } else {
      ++it;
    }
  }
  test::write_file(dir / "prof/profile.json", pj.dump(2) + "\n");
  auto gen = test::run_profile({"generate", dir / "prof"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  auto r = enforce_with(dir / "prof", {script});
  EXPECT_EQ(r.exit_code, 7) << r.err;
  // Granted from the "#!" line, whether or not the recording had it.
  EXPECT_NE(r.err.find("execve opens: " + sh), std::string::npos) << r.err;
}

}  // namespace
}  // namespace profile

namespace profile {
namespace {

// A file the workload creates and removes in /etc while it is recorded must
// not let the enforced workload rewrite another file of /etc (a victim made
// by the test, standing in for /etc/passwd) or create new ones there.
TEST(TrustLandlockEnforce, ATemporaryFileInEtcDoesNotOpenEtcToWrites) {
  PROFILE_NEEDS_ROOT();
  if (landlock_abi() == 0) GTEST_SKIP() << "kernel lacks Landlock";
  TempDir dir;
  std::string tag = std::to_string(getpid());
  std::string victim = "/etc/profile-test-victim-" + tag;
  std::string scratch = "/etc/profile-test-tmp-" + tag;
  test::write_file(victim, "original\n");
  struct Cleanup {
    std::string a, b, c;
    ~Cleanup() {
      unlink(a.c_str());
      unlink(b.c_str());
      unlink(c.c_str());
    }
  } cleanup{victim, scratch, "/etc/profile-test-new-" + tag};
  auto rec = test::run_profile({"record", "--tracer", "ptrace", "-o", dir / "p", "--", "/bin/sh", "-c",
                                "echo x > " + scratch + " && rm " + scratch},
                               120);
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  auto enf = test::run_profile({"enforce", "--profile", dir / "p", "--", "/bin/sh", "-c",
                                "echo pwned > " + victim + "; echo new > /etc/profile-test-new-" + tag},
                               120);
  EXPECT_NE(enf.exit_code, 0) << enf.err;
  EXPECT_EQ(test::read_file(victim), "original\n") << enf.err;
  EXPECT_NE(access(("/etc/profile-test-new-" + tag).c_str(), F_OK), 0) << "created a new file in /etc";
}

}  // namespace
}  // namespace profile

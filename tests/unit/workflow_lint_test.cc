// profile lint: one planted defect per test, each asserting its line.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "cli/app/lint.h"
#include "cli/app/profile_dir.h"
#include "profilegen/lint.h"
#include "profilegen/profile.h"
#include "test_util.h"

namespace profile {
namespace {

std::string seccomp(const std::string& rules, const std::string& def = "SCMP_ACT_ERRNO",
                    const std::string& arches = "\"SCMP_ARCH_X86_64\"") {
  return "{\"defaultAction\": \"" + def + "\", \"defaultErrnoRet\": 1, \"architectures\": [" + arches +
         "], \"syscalls\": [" + rules + "]}";
}

Profile clean() {
  Profile p;
  p.name = "t";
  p.syscalls["x86_64"] = {"read", "write", "exit_group"};
  p.files["/etc/hosts"] = {"read"};
  p.files["/tmp/app/*"] = {"read", "write", "create"};
  return p;
}

// Writes `p` as a directory, applies `edit` to one file, lints, and returns
// the findings.
std::vector<std::string> lint_dir_with(const Profile& p, const std::string& file = "",
                                       const std::string& content = "", std::string* dir_out = nullptr) {
  static int n = 0;
  static test::TempDir root;
  std::string dir = root / ("d" + std::to_string(n++));
  EXPECT_TRUE(make_dirs(dir).ok());
  EXPECT_TRUE(write_profile_dir(dir, p).ok());
  if (!file.empty()) test::write_file(dir + "/" + file, content);
  if (dir_out) *dir_out = dir;
  app::LintRequest req;
  req.path = dir;
  auto r = app::lint(req, {});
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r ? r->findings : std::vector<std::string>{};
}

bool has(const std::vector<std::string>& v, const std::string& needle) {
  for (const auto& s : v)
    if (s.find(needle) != std::string::npos) return true;
  return false;
}

std::string all(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

TEST(WorkflowLint, AGeneratedCleanProfileHasNoFindings) {
  auto f = lint_dir_with(clean());
  EXPECT_TRUE(f.empty()) << all(f);
}

TEST(WorkflowLint, UnknownSyscallForTheArchitecture) {
  // Known on x86 (i386) but not on x86_64: unknown "for the target architecture".
  auto f = lint_seccomp(seccomp("{\"names\": [\"read\", \"socketcall\"], \"action\": \"SCMP_ACT_ALLOW\"}"));
  EXPECT_TRUE(has(f, "syscalls[0]: unknown syscall 'socketcall' for x86_64")) << all(f);
  f = lint_seccomp(seccomp("{\"names\": [\"read\", \"nosuchcall\"], \"action\": \"SCMP_ACT_ALLOW\"}"));
  EXPECT_TRUE(has(f, "syscalls[0]: unknown syscall 'nosuchcall' for x86_64")) << all(f);
}

TEST(WorkflowLint, UnknownArchitecture) {
  auto f = lint_seccomp(seccomp("", "SCMP_ACT_ERRNO", "\"SCMP_ARCH_PDP11\""));
  EXPECT_TRUE(has(f, "unknown architecture 'SCMP_ARCH_PDP11'")) << all(f);
}

TEST(WorkflowLint, DuplicateRule) {
  auto f = lint_seccomp(seccomp("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"},"
                                "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}"));
  EXPECT_TRUE(has(f, "syscalls[1]: duplicate rule for 'read'")) << all(f);
}

TEST(WorkflowLint, ContradictoryRules) {
  auto f = lint_seccomp(seccomp("{\"names\": [\"write\"], \"action\": \"SCMP_ACT_ALLOW\"},"
                                "{\"names\": [\"write\"], \"action\": \"SCMP_ACT_KILL\"}"));
  EXPECT_TRUE(has(f, "syscalls[1]: contradictory rules for 'write': SCMP_ACT_ALLOW and SCMP_ACT_KILL")) << all(f);
}

TEST(WorkflowLint, RuleShadowedByTheDefaultAction) {
  auto f = lint_seccomp(seccomp("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"},"
                                "{\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1}"));
  EXPECT_TRUE(has(f, "syscalls[1] has the default action SCMP_ACT_ERRNO(1): it changes nothing ('kill')")) << all(f);
}

TEST(WorkflowLint, DefaultActionThatAllows) {
  auto f = lint_seccomp(seccomp("{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ERRNO\"}", "SCMP_ACT_ALLOW"));
  EXPECT_TRUE(has(f, "defaultAction SCMP_ACT_ALLOW allows every syscall the rules do not name")) << all(f);
}

TEST(WorkflowLint, SeccompAllowsPtraceAndMountAndBpf) {
  auto f = lint_seccomp(seccomp("{\"names\": [\"bpf\", \"mount\", \"ptrace\"], \"action\": \"SCMP_ACT_ALLOW\"}"));
  EXPECT_TRUE(has(f, "syscalls[0]: allows ptrace (reads and writes other processes)")) << all(f);
  EXPECT_TRUE(has(f, "syscalls[0]: allows mount (changes the mount table)")) << all(f);
  EXPECT_TRUE(has(f, "syscalls[0]: allows bpf (loads programs into the kernel)")) << all(f);
}

TEST(WorkflowLint, SeccompNotJsonOrWithoutDefaultAction) {
  EXPECT_TRUE(has(lint_seccomp("{\"defaultAction\": "), "not valid JSON")) << all(lint_seccomp("{"));
  auto f = lint_seccomp("{\"syscalls\": []}");
  EXPECT_TRUE(has(f, "no \"defaultAction\"")) << all(f);
  f = lint_seccomp("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultAction\": \"SCMP_ACT_ALLOW\"}");
  EXPECT_TRUE(has(f, "key 'defaultAction' repeated")) << all(f);
}

TEST(WorkflowLint, ProfileGrantsSysAdmin) {
  Profile p = clean();
  p.capabilities["SYS_ADMIN"] = CapEvidence{CapEvidenceKind::kObserved, "mount"};
  std::string dir;
  auto f = lint_dir_with(p, "", "", &dir);
  EXPECT_TRUE(has(f, dir + "/profile.json: grants capability SYS_ADMIN")) << all(f);
  EXPECT_TRUE(has(f, dir + "/caps.txt: line 1: grants capability SYS_ADMIN")) << all(f);
}

TEST(WorkflowLint, ProfileAllowsPtrace) {
  Profile p = clean();
  p.syscalls["x86_64"].insert("ptrace");
  std::string dir;
  auto f = lint_dir_with(p, "", "", &dir);
  EXPECT_TRUE(has(f, dir + "/profile.json: allows ptrace on x86_64")) << all(f);
  EXPECT_TRUE(has(f, dir + "/seccomp.json: syscalls[0]: allows ptrace")) << all(f);
}

TEST(WorkflowLint, WriteOnASystemPath) {
  Profile p = clean();
  p.files["/usr/lib/libx.so"] = {"read", "write"};
  std::string dir;
  auto f = lint_dir_with(p, "", "", &dir);
  EXPECT_TRUE(has(f, dir + "/profile.json: write access to the system path '/usr/lib/libx.so'")) << all(f);
  // Reading it is what every program does.
  p.files["/usr/lib/libx.so"] = {"read"};
  f = lint_dir_with(p);
  EXPECT_FALSE(has(f, "system path")) << all(f);
}

TEST(WorkflowLint, SensitivePath) {
  Profile p = clean();
  p.files["/etc/shadow"] = {"read"};
  std::string dir;
  auto f = lint_dir_with(p, "", "", &dir);
  EXPECT_TRUE(has(f, dir + "/profile.json: access to the sensitive path /etc/shadow through '/etc/shadow'")) << all(f);
}

TEST(WorkflowLint, IncompleteRecording) {
  Profile p = clean();
  p.recording.complete = false;
  p.recording.lost_events = 7;
  auto f = lint_dir_with(p);
  EXPECT_TRUE(has(f, "profile.json: the recording is incomplete (7 events lost)")) << all(f);
}

TEST(WorkflowLint, ProfileJsonWithAnUnknownKey) {
  std::string dir;
  auto f = lint_dir_with(clean(), "profile.json", "{\"schema\": 1, \"name\": \"t\", \"colour\": \"red\"}", &dir);
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(f[0].rfind(dir + "/profile.json: ", 0), 0u) << all(f);
  EXPECT_TRUE(has(f, "colour")) << all(f);
}

TEST(WorkflowLint, LandlockJsonWithAnUnknownRight) {
  std::string dir;
  auto f = lint_dir_with(clean(), "landlock.json",
                         "{\"schema\": 1, \"abi\": 6, \"handled_access_fs\": [\"read_file\", \"fly\"], "
                         "\"path_beneath\": []}",
                         &dir);
  EXPECT_TRUE(has(f, dir + "/landlock.json: ")) << all(f);
  EXPECT_TRUE(has(f, "fly")) << all(f);
}

TEST(WorkflowLint, CapsTxtWithAnUnknownCapability) {
  std::string dir;
  auto f = lint_dir_with(clean(), "caps.txt", "NET_BIND_SERVICE\nFLY\n", &dir);
  EXPECT_TRUE(has(f, dir + "/caps.txt: line 2: unknown capability 'FLY'")) << all(f);
}

TEST(WorkflowLint, AppArmorProfileThatDoesNotParse) {
  if (access("/usr/sbin/apparmor_parser", X_OK) != 0 && access("/sbin/apparmor_parser", X_OK) != 0)
    GTEST_SKIP() << "apparmor_parser (package apparmor) is not installed";
  std::string dir;
  auto f = lint_dir_with(clean(), "apparmor.profile", "profile t {\n  /etc/hosts rX,\n  this is not a rule\n}\n", &dir);
  EXPECT_TRUE(has(f, dir + "/apparmor.profile: apparmor_parser refuses it: ")) << all(f);
}

TEST(WorkflowLint, UnreadableOrUnknownInputIsAnError) {
  test::TempDir d;
  app::LintRequest req;
  req.path = d / "missing";
  auto r = app::lint(req, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().exit_code, 125);
  EXPECT_NE(r.error().message.find("missing"), std::string::npos);
  req.path = d.path();
  r = app::lint(req, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("is not a profile directory"), std::string::npos) << r.error().message;
  test::write_file(d / "notes.txt", "hello\n");
  req.path = d / "notes.txt";
  r = app::lint(req, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("unknown format"), std::string::npos) << r.error().message;
  ASSERT_EQ(mkfifo((d / "seccomp.json").c_str(), 0600), 0);
  req.path = d / "seccomp.json";
  r = app::lint(req, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not a regular file"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace profile

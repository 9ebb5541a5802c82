// profile diff on synthetic profiles: sections, pattern coverage, exit codes.
#include <gtest/gtest.h>

#include <string>

#include "cli/app/diff.h"
#include "cli/app/profile_dir.h"
#include "profilegen/profile.h"
#include "core/path_pattern.h"
#include "profilegen/profile_diff.h"
#include "test_util.h"

namespace profile {
namespace {

Profile base() {
  Profile p;
  p.name = "web";
  p.syscalls["x86_64"] = {"read", "write", "openat", "ioctl"};
  p.args.insert(ArgRule{"x86_64", "ioctl", 1, {21505}});
  p.files["/etc/ssl/**"] = {"read"};
  p.files["/var/log/web/*.log"] = {"append", "create", "write"};
  p.files["/proc/@{pid}/status"] = {"read"};
  p.network.ports.insert(PortRule{"bind", "tcp", 8080});
  p.capabilities["NET_BIND_SERVICE"] = CapEvidence{CapEvidenceKind::kObserved, "bind tcp port 80"};
  return p;
}

TEST(WorkflowDiff, IdenticalProfilesHaveNoChangesAndExitZero) {
  auto d = diff_profiles(base(), base());
  EXPECT_TRUE(d.added.empty());
  EXPECT_TRUE(d.dropped.empty());
  EXPECT_EQ(diff_to_text(d), "no changes\n");
}

TEST(WorkflowDiff, ListsEachSectionAddedAndDropped) {
  Profile n = base();
  n.syscalls["x86_64"].erase("write");
  n.syscalls["x86_64"].insert("getpid");
  n.syscalls["x86"].insert("read");
  n.files["/home/web/data"] = {"read", "write"};
  n.network.ports.insert(PortRule{"connect", "tcp", 5432});
  n.network.sockets.insert(SocketRule{"inet", "stream", 0});
  n.capabilities["SYS_ADMIN"] = CapEvidence{CapEvidenceKind::kObserved, "mount"};
  n.capabilities.erase("NET_BIND_SERVICE");
  add_widening(&n, "syscall-family", "syscall x86_64 getpid", "why", {});
  auto d = diff_profiles(base(), n);
  std::string t = diff_to_text(d);
  EXPECT_NE(t.find("+ syscall x86_64 getpid\n"), std::string::npos) << t;
  EXPECT_NE(t.find("+ syscall x86 read\n"), std::string::npos) << t;
  EXPECT_NE(t.find("- syscall x86_64 write\n"), std::string::npos) << t;
  EXPECT_NE(t.find("+ file '/home/web/data' read,write\n"), std::string::npos) << t;
  EXPECT_NE(t.find("+ port connect tcp 5432\n"), std::string::npos) << t;
  EXPECT_NE(t.find("+ socket inet stream protocol 0\n"), std::string::npos) << t;
  EXPECT_NE(t.find("+ capability SYS_ADMIN\n"), std::string::npos) << t;
  EXPECT_NE(t.find("- capability NET_BIND_SERVICE\n"), std::string::npos) << t;
  EXPECT_NE(t.find("+ widening syscall-family 'syscall x86_64 getpid'\n"), std::string::npos) << t;
  EXPECT_TRUE(d.added.grants());
  std::string j = diff_to_json(d);
  EXPECT_NE(j.find("\"grants_more\": true"), std::string::npos) << j;
}

TEST(WorkflowDiff, ADroppedRuleAloneIsNoAddition) {
  Profile n = base();
  n.syscalls["x86_64"].erase("write");
  n.files.erase("/etc/ssl/**");
  auto d = diff_profiles(base(), n);
  EXPECT_FALSE(d.added.grants());
  EXPECT_TRUE(d.dropped.grants());
}

TEST(WorkflowDiff, AFileCoveredByAnOldPatternWithMoreAccessIsNoAddition) {
  Profile n = base();
  n.files["/etc/ssl/certs/ca.pem"] = {"read"};
  n.files["/var/log/web/access.log"] = {"append"};
  n.files["/proc/1234/status"] = {"read"};
  n.files["/proc/self/status"] = {"read"};
  auto d = diff_profiles(base(), n);
  EXPECT_TRUE(d.added.files.empty()) << diff_to_text(d);
  EXPECT_FALSE(d.added.grants()) << diff_to_text(d);
}

TEST(WorkflowDiff, ACoveredPathWithMoreAccessAddsOnlyTheExtraAccess) {
  Profile n = base();
  n.files["/etc/ssl/certs/ca.pem"] = {"read", "write"};
  auto d = diff_profiles(base(), n);
  ASSERT_EQ(d.added.files.size(), 1u) << diff_to_text(d);
  EXPECT_EQ(d.added.files.begin()->second, std::set<std::string>{"write"});
}

TEST(WorkflowDiff, AOneComponentStarDoesNotCoverDeeperPaths) {
  Profile n = base();
  n.files["/var/log/web/sub/x.log"] = {"append"};
  auto d = diff_profiles(base(), n);
  EXPECT_EQ(d.added.files.count("/var/log/web/sub/x.log"), 1u) << diff_to_text(d);
}

TEST(WorkflowDiff, PatternCoverage) {
  EXPECT_TRUE(pattern_covers("/etc/**", "/etc/ssl/*.pem"));
  EXPECT_TRUE(pattern_covers("/etc/*/*.pem", "/etc/ssl/*.pem"));
  EXPECT_TRUE(pattern_covers("/tmp/*", "/tmp/a*b"));
  EXPECT_FALSE(pattern_covers("/tmp/*", "/tmp/**"));
  EXPECT_FALSE(pattern_covers("/etc/ssl/*.pem", "/etc/**"));
  EXPECT_FALSE(pattern_covers("/etc/*", "/etc/a/b"));
  EXPECT_TRUE(pattern_covers("/proc/@{pid}/maps", "/proc/42/maps"));
  EXPECT_FALSE(pattern_covers("/proc/@{pid}/maps", "/proc/4x/maps"));
  EXPECT_FALSE(pattern_covers("/etc/passwd", "/etc/passw"));
  EXPECT_FALSE(pattern_covers("not a pattern", "/etc"));
}

// Many wildcards against a long path: a backtracking matcher takes
// exponential time here; the table answers at once.
TEST(WorkflowDiff, HostilePatternsAreDecidedQuickly) {
  std::string outer = "/";
  for (int i = 0; i < 60; ++i) outer += "*a";
  outer += "b";
  std::string inner = "/" + std::string(250, 'a');
  FlatPattern parsed;
  ASSERT_TRUE(parse_path_pattern(outer, &parsed).ok());
  EXPECT_FALSE(pattern_covers(outer, inner));
  EXPECT_TRUE(pattern_covers(outer + "*", "/" + std::string(200, 'a') + "b"));
  // Too large to decide within the bound: not covered, so the diff shows it.
  std::string huge(12000, 'x');
  EXPECT_FALSE(pattern_covers("/**" + huge, "/" + huge + "/" + huge));
}

TEST(WorkflowDiff, ArgumentValuesBeyondOldAndAnUnrestrictedArgumentAreAdditions) {
  Profile n = base();
  n.args.clear();
  n.args.insert(ArgRule{"x86_64", "ioctl", 1, {21505, 21506}});
  auto d = diff_profiles(base(), n);
  ASSERT_EQ(d.added.args.size(), 1u);
  EXPECT_EQ(d.added.args[0].values, std::set<uint64_t>{21506});
  n.args.clear();
  d = diff_profiles(base(), n);
  ASSERT_EQ(d.added.args.size(), 1u);
  EXPECT_TRUE(d.added.args[0].unrestricted);
  EXPECT_NE(diff_to_text(d).find("+ argument x86_64 ioctl arg1 any value"), std::string::npos) << diff_to_text(d);
  // The reverse (NEW narrows) is a drop, not an addition.
  d = diff_profiles(n, base());
  EXPECT_FALSE(d.added.grants());
}

TEST(WorkflowDiff, AppReadsDirectoriesAndFilesAndSetsTheExitCode) {
  test::TempDir a, b;
  ASSERT_TRUE(write_profile_dir(a.path(), base()).ok());
  Profile n = base();
  n.syscalls["x86_64"].insert("getpid");
  ASSERT_TRUE(write_profile_dir(b.path(), n).ok());
  app::DiffRequest req;
  req.old_path = a.path();
  req.new_path = b / "profile.json";
  auto r = app::diff(req, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->exit_code, 1);
  req.old_path = b.path();
  req.new_path = a.path();
  r = app::diff(req, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->exit_code, 0);
  req.new_path = a / "nothing";
  r = app::diff(req, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().exit_code, 125);
  EXPECT_NE(r.error().message.find("nothing"), std::string::npos);
  test::TempDir empty;
  req.new_path = empty.path();
  r = app::diff(req, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("is not a profile directory"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace profile

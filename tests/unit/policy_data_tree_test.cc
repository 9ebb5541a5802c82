// The workload's own files: what it created (created-tree on files) and the
// data trees of its launch (data-tree), on synthetic observations.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "profilegen/apparmor.h"
#include "profilegen/files.h"
#include "profilegen/landlock_gen.h"
#include "profilegen/policy.h"
#include "profilegen/profile.h"
#include "test_util.h"

namespace profile {
namespace {

using Names = std::set<std::string>;
using test::TempDir;

Profile gen(const Observations& o, const std::vector<DataRoot>& roots = {}) {
  Profile p;
  p.name = "t";
  generalise_files(o, &p, roots);
  return p;
}

const Widening* find_widening(const Profile& p, const std::string& kind, const std::string& rule) {
  for (const auto& w : p.widenings)
    if (w.kind == kind && w.rule == rule) return &w;
  return nullptr;
}

nlohmann::json landlock(const Profile& p) {
  auto text = render_landlock(p);
  EXPECT_TRUE(text.ok());
  return nlohmann::json::parse(text.ok() ? *text : std::string("{}"));
}

Names rights_on(const nlohmann::json& ll, const std::string& path) {
  Names out;
  for (const auto& r : ll["path_beneath"])
    if (r["path"] == path)
      for (const auto& a : r["access"]) out.insert(a.get<std::string>());
  return out;
}

// redis SAVE in /srv/app/data: temp-2.rdb written, renamed to dump.rdb
// (which the recorders mark create only).
Observations redis_save() {
  Observations o;
  o.add_file("/srv/app/data/temp-2.rdb", kAccessCreate | kAccessWrite | kAccessDelete);
  o.add_file("/srv/app/data/dump.rdb", kAccessCreate);
  o.add_file("/etc/ld.so.cache", kAccessRead);
  return o;
}

TEST(PolicyCreatedFiles, AFileTheWorkloadCreatedIsItsOwnToReadRewriteAndRemove) {
  Profile p = gen(redis_save());
  EXPECT_EQ(p.files.at("/srv/app/data/dump.rdb"), (Names{"create", "delete", "read", "write"}));
  const Widening* w = find_widening(p, "created-tree", "/srv/app/data/dump.rdb");
  ASSERT_NE(w, nullptr);
  EXPECT_NE(w->reason.find("created this file"), std::string::npos) << w->reason;
  EXPECT_NE(w->reason.find("recorded: create"), std::string::npos) << w->reason;
  ASSERT_EQ(w->evidence.size(), 1u);
  EXPECT_EQ(w->evidence[0], "/srv/app/data/dump.rdb (create)");
  // The literal observation is kept when nothing was widened.
  EXPECT_EQ(p.files.at("/etc/ld.so.cache"), (Names{"read"}));
  EXPECT_EQ(find_widening(p, "created-tree", "/etc/ld.so.cache"), nullptr);
}

TEST(PolicyCreatedFiles, LandlockGrantsTheOwnRightsOnTheDirectoryItIsCreatedIn) {
  // The restart reads dump.rdb back: read_file beneath the data directory,
  // with the rights to replace it (remove the old name, create the new).
  auto ll = landlock(gen(redis_save()));
  auto data = rights_on(ll, "/srv/app/data");
  for (const char* r : {"read_file", "write_file", "truncate", "make_reg", "remove_file"})
    EXPECT_TRUE(data.count(r)) << r << " missing: " << ll.dump();
  EXPECT_FALSE(data.count("make_dir")) << ll.dump();
  EXPECT_FALSE(data.count("execute")) << ll.dump();
}

TEST(PolicyCreatedFiles, AppArmorRuleCarriesTheWideningComment) {
  auto aa = render_apparmor(gen(redis_save()));
  ASSERT_TRUE(aa.ok());
  EXPECT_NE(aa->find("# created-tree: the workload created this file"), std::string::npos) << *aa;
}

TEST(PolicyCreatedFiles, ALinkItMadeKeepsWhatWasRecorded) {
  // Reading through a link is checked on its target, not on the name.
  Observations o;
  o.add_file("/srv/app/data/current", kAccessCreate | kAccessLink | kAccessDelete);
  Profile p = gen(o);
  EXPECT_EQ(p.files.at("/srv/app/data/current"), (Names{"create", "delete", "link"}));
  EXPECT_TRUE(p.widenings.empty());
}

TEST(PolicyCreatedFiles, NotInSystemSharedTemporaryOrSensitiveDirectories) {
  Observations o;
  o.add_file("/etc/app.conf.new", kAccessCreate | kAccessWrite);
  o.add_file("/tmp/out.txt", kAccessCreate | kAccessWrite);
  o.add_file("/var/tmp/out.txt", kAccessCreate | kAccessWrite);
  o.add_file("/home/u/.ssh/known_hosts2", kAccessCreate | kAccessWrite);
  // Its rights would go on /home/u, above /home/u/.ssh.
  o.add_file("/home/u/out.txt", kAccessCreate | kAccessWrite);
  Profile p = gen(o);
  for (const auto& [path, access] : p.files) EXPECT_EQ(access, (Names{"create", "write"})) << path;
  EXPECT_TRUE(p.widenings.empty());
  auto ll = landlock(p);
  EXPECT_FALSE(rights_on(ll, "/tmp").count("read_file")) << ll.dump();
}

TEST(PolicyCreatedFiles, ACreatedTreeIsGrantedTheOwnRightsBeneathIt) {
  Observations o;
  o.add_file("/srv/w/build", kAccessCreate | kAccessList);
  o.add_file("/srv/w/build/out.o", kAccessCreate | kAccessWrite);
  Profile p = gen(o);
  EXPECT_EQ(p.files.at("/srv/w/build/**"), (Names{"create", "delete", "list", "read", "write"}));
  EXPECT_EQ(p.files.at("/srv/w/build"), (Names{"create", "delete", "list"}));
  const Widening* w = find_widening(p, "created-tree", "/srv/w/build/**");
  ASSERT_NE(w, nullptr);
  EXPECT_NE(w->reason.find("recorded: create, write"), std::string::npos) << w->reason;
  // In the shared /tmp the tree keeps what was recorded: its rights go on /tmp.
  Observations t;
  t.add_file("/tmp/r", kAccessCreate | kAccessList);
  t.add_file("/tmp/r/x", kAccessCreate | kAccessWrite);
  EXPECT_EQ(gen(t).files.at("/tmp/r/**"), (Names{"create", "write"}));
}

// jq '.items | length' orders.json in /srv/work.
Observations jq_in(const std::string& w) {
  Observations o;
  o.add_file(w + "/orders.json", kAccessRead);
  o.add_file("/usr/lib/x86_64-linux-gnu/libjq.so.1", kAccessRead | kAccessMmapExec);
  o.execs.insert("/usr/bin/jq");
  return o;
}

TEST(PolicyDataTree, AFileReadInTheLaunchDirectoryGrantsReadingBeneathIt) {
  Profile p = gen(jq_in("/srv/work"), {{"/srv/work", "the working directory"}});
  EXPECT_EQ(p.files.count("/srv/work/orders.json"), 0u);
  EXPECT_EQ(p.files.at("/srv/work/**"), (Names{"list", "read"}));
  const Widening* w = find_widening(p, "data-tree", "/srv/work/**");
  ASSERT_NE(w, nullptr);
  EXPECT_NE(w->reason.find("the working directory /srv/work"), std::string::npos) << w->reason;
  EXPECT_NE(w->reason.find("(read)"), std::string::npos) << w->reason;
  EXPECT_EQ(w->evidence, (std::vector<std::string>{"/srv/work/orders.json"}));
  auto ll = landlock(p);
  EXPECT_EQ(rights_on(ll, "/srv/work"), (Names{"read_dir", "read_file"})) << ll.dump();
  // System files stay as they were.
  EXPECT_TRUE(p.files.count("/usr/bin/jq"));
}

TEST(PolicyDataTree, WithoutADataRootTheReadStaysLiteral) {
  Profile p = gen(jq_in("/srv/work"));
  EXPECT_EQ(p.files.at("/srv/work/orders.json"), (Names{"read"}));
  EXPECT_EQ(p.files.count("/srv/work/**"), 0u);
}

TEST(PolicyDataTree, OutputCreatedInOneSubdirectoryMayBeCreatedInAnother) {
  // xz -k logs/app.log: the next run compresses backups/db.sql.
  Observations o;
  o.add_file("/srv/work/logs/app.log", kAccessRead);
  o.add_file("/srv/work/logs/app.log.xz", kAccessCreate | kAccessWrite);
  o.add_file("/srv/work/run.sh", kAccessRead | kAccessExecute);
  Profile p = gen(o, {{"/srv/work", "the working directory"}});
  EXPECT_EQ(p.files.at("/srv/work/**"), (Names{"create", "delete", "list", "read", "write"}));
  // Running a program of the data tree is no data access: its own rule.
  EXPECT_EQ(p.files.at("/srv/work/run.sh"), (Names{"execute", "read"}));
  auto ll = landlock(p);
  auto work = rights_on(ll, "/srv/work");
  for (const char* r : {"make_reg", "write_file", "read_file", "read_dir"})
    EXPECT_TRUE(work.count(r)) << r << ": " << ll.dump();
  EXPECT_FALSE(work.count("execute")) << ll.dump();
}

TEST(PolicyDataTree, RefusedRootsNeverBecomeATreeWhateverTheCallerPasses) {
  for (const char* bad : {"/", "/home", "/home/alice", "/etc/app", "/usr/src/linux", "/var/lib", "/var/tmp",
                          "/proc/1", "/sys/fs", "/dev/shm", "/run/user", "/root/work", "/home/alice/.ssh",
                          "/home/alice/.ssh/keys", "/srv/../etc", "/srv/./w", "srv/w", "/srv//w", "/tmp"}) {
    EXPECT_NE(data_root_refused(bad), nullptr) << bad;
    Observations o;
    o.add_file(std::string(bad == std::string("/") ? "" : bad) + "/x", kAccessRead);
    Profile p = gen(o, {{bad, "the working directory"}});
    for (const auto& w : p.widenings) EXPECT_NE(w.kind, "data-tree") << bad << " " << w.rule;
  }
  // A directory above a sensitive area holds it: /home/alice/proj does not.
  EXPECT_STREQ(data_root_refused("/home/alice"), "a home directory as a whole");
  EXPECT_EQ(data_root_refused("/home/alice/proj"), nullptr);
  EXPECT_EQ(data_root_refused("/var/www/site"), nullptr);
  EXPECT_STREQ(data_root_refused("/etc/ssh"), "a system tree");
}

TEST(PolicyDataTree, ANestedRootFoldsIntoTheOuterOne) {
  Observations o;
  o.add_file("/srv/w/a/in.txt", kAccessRead);
  o.add_file("/srv/w/b.txt", kAccessRead);
  Profile p = gen(o, {{"/srv/w/a", "the argument 'a' names"}, {"/srv/w", "the working directory"}});
  EXPECT_EQ(p.files.size(), 1u);
  EXPECT_TRUE(p.files.count("/srv/w/**"));
}

TEST(PolicyDataTree, RecordExactLeavesItOut) {
  BuildOptions exact;
  exact.exact = true;
  exact.data_roots = {{"/srv/work", "the working directory"}};
  auto p = profile_from_observations(jq_in("/srv/work"), "t", exact);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->files.at("/srv/work/orders.json"), (Names{"read"}));
  BuildOptions wide = exact;
  wide.exact = false;
  auto q = profile_from_observations(jq_in("/srv/work"), "t", wide);
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->files.count("/srv/work/**"));
}

std::string real(const std::string& p) {
  char buf[PATH_MAX];
  return ::realpath(p.c_str(), buf) ? buf : "";
}

// The test directories are under the build tree, which may itself lie where
// no data tree is allowed (/root/src/...).
#define NEEDS_DATA_ROOT(dir)                                                   \
  do {                                                                         \
    if (const char* why = data_root_refused(real(dir)))                        \
      GTEST_SKIP() << "the build tree " << real(dir) << " is no data root: " << why; \
  } while (0)

TEST(PolicyDataTree, TheWorkingDirectoryIsTheRootWhenItQualifies) {
  TempDir t;
  NEEDS_DATA_ROOT(t.path());
  auto roots = resolve_data_roots(t.path(), {"jq", ".", "/etc/passwd"});
  ASSERT_EQ(roots.size(), 1u);
  EXPECT_EQ(roots[0].path, real(t.path()));
  EXPECT_EQ(roots[0].origin, "the working directory");
}

TEST(PolicyDataTree, WhereTheWorkingDirectoryIsRefusedTheOperandsNameTheRoots) {
  // Started in "/": only what the command line names beneath it, with every
  // symlink resolved, and never a refused directory.
  TempDir t;
  NEEDS_DATA_ROOT(t.path());
  std::string base = real(t.path());
  ASSERT_EQ(mkdir((base + "/data").c_str(), 0755), 0);
  ASSERT_EQ(mkdir((base + "/out").c_str(), 0755), 0);
  std::ofstream(base + "/data/in.txt") << "x";
  ASSERT_EQ(symlink("/etc", (base + "/etc-link").c_str()), 0);
  ASSERT_EQ(symlink("/home", (base + "/data/home-link").c_str()), 0);
  auto roots = resolve_data_roots("/", {base + "/prog-as-argv0", base + "/data/in.txt", base + "/etc-link/passwd",
                                        "--out=" + base + "/out", "-v", base + "/missing/file",
                                        base + "/data/home-link"});
  ASSERT_EQ(roots.size(), 2u);
  EXPECT_EQ(roots[0].path, base + "/data");
  EXPECT_EQ(roots[0].origin, "the argument '" + base + "/data/in.txt' names");
  EXPECT_EQ(roots[1].path, base + "/out");
}

TEST(PolicyDataTree, ASharedStickyWorkingDirectoryIsNoRoot) {
  TempDir t;
  NEEDS_DATA_ROOT(t.path());
  std::string shared = real(t.path()) + "/shared";
  ASSERT_EQ(mkdir(shared.c_str(), 0777), 0);
  ASSERT_EQ(chmod(shared.c_str(), 01777), 0);
  ASSERT_EQ(mkdir((shared + "/mine").c_str(), 0755), 0);
  auto roots = resolve_data_roots(shared, {"prog", "mine", "../"});
  ASSERT_EQ(roots.size(), 1u);
  EXPECT_EQ(roots[0].path, shared + "/mine");
}

}  // namespace
}  // namespace profile

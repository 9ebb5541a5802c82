// The generalisation model (docs/generalisation.md): observations in, rules
// and widenings out, and what Landlock and AppArmor make of them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "profilegen/apparmor.h"
#include "profilegen/files.h"
#include "profilegen/landlock_gen.h"
#include "profilegen/policy.h"
#include "profilegen/profile.h"

namespace profile {
namespace {

using Rules = std::map<std::string, std::set<std::string>>;
constexpr uint32_t kDir = kAccessCreate | kAccessList;

Profile gen(const Observations& o) {
  Profile p;
  p.name = "t";
  generalise_files(o, &p);
  return p;
}

const Widening* find_widening(const Profile& p, const std::string& kind, const std::string& rule) {
  for (const auto& w : p.widenings)
    if (w.kind == kind && w.rule == rule) return &w;
  return nullptr;
}

// git init /tmp/r, as recorded.
Observations git_init() {
  Observations o;
  o.add_file("/tmp/r", kDir);
  o.add_file("/tmp/r/.git", kDir);
  o.add_file("/tmp/r/.git/hooks", kDir);
  o.add_file("/tmp/r/.git/description", kAccessCreate | kAccessWrite);
  o.add_file("/tmp/r/.git/HEAD.lock", kAccessCreate | kAccessWrite | kAccessDelete);
  o.add_file("/tmp/r/.git/hooks/pre-commit.sample", kAccessCreate | kAccessWrite);
  o.add_file("/usr/share/git-core/templates/description", kAccessRead);
  return o;
}

nlohmann::json landlock(const Profile& p) {
  auto text = render_landlock(p);
  EXPECT_TRUE(text.ok());
  return nlohmann::json::parse(text.ok() ? *text : std::string("{}"));
}

std::set<std::string> rights_on(const nlohmann::json& ll, const std::string& path) {
  std::set<std::string> out;
  for (const auto& r : ll["path_beneath"])
    if (r["path"] == path)
      for (const auto& a : r["access"]) out.insert(a.get<std::string>());
  return out;
}

TEST(PolicyGeneralise, CreatedTreeBecomesOneRuleBeneathItsRootWithAWidening) {
  Profile p = gen(git_init());
  EXPECT_EQ(p.files.at("/tmp/r"), (std::set<std::string>{"create", "list"}));
  EXPECT_EQ(p.files.at("/tmp/r/**"), (std::set<std::string>{"create", "delete", "list", "write"}));
  for (const auto& [path, access] : p.files) EXPECT_NE(path.rfind("/tmp/r/.git", 0), 0u) << path;
  const Widening* w = find_widening(p, "created-tree", "/tmp/r/**");
  ASSERT_NE(w, nullptr);
  EXPECT_NE(w->reason.find("created /tmp/r"), std::string::npos) << w->reason;
  EXPECT_FALSE(w->evidence.empty());
  EXPECT_LE(w->evidence.size(), kMaxWideningEvidence);
}

TEST(PolicyGeneralise, CreatedTreeRightsGoOnTheDirectoryItIsCreatedIn) {
  // The tree does not exist when a later run builds its ruleset: a rule on
  // /tmp/r/.git alone would be skipped and the copy of the templates denied.
  Profile p = gen(git_init());
  auto ll = landlock(p);
  auto tmp = rights_on(ll, "/tmp");
  for (const char* r : {"make_dir", "make_reg", "write_file", "remove_file", "read_dir"})
    EXPECT_TRUE(tmp.count(r)) << r << " missing on /tmp: " << ll.dump();
  bool noted = false;
  for (const auto& n : ll["notes"]) noted = noted || n.get<std::string>().find("/tmp/r/**: created by the workload") == 0;
  EXPECT_TRUE(noted) << ll["notes"].dump();
}

TEST(PolicyGeneralise, CreatedTreeInASystemDirectoryOrSensitivePathStaysLiteral) {
  Observations o;
  o.add_file("/etc/app", kDir);
  o.add_file("/etc/app/state", kAccessCreate | kAccessWrite);
  o.add_file("/usr/local/share/x", kDir);
  o.add_file("/usr/local/share/x/y", kAccessCreate | kAccessWrite);
  o.add_file("/root/cache", kDir);
  o.add_file("/root/cache/f", kAccessCreate | kAccessWrite);
  o.add_file("/newtop", kDir);
  o.add_file("/newtop/f", kAccessCreate | kAccessWrite);
  Profile p = gen(o);
  for (const auto& [path, access] : p.files) EXPECT_EQ(path.find('*'), std::string::npos) << path;
  EXPECT_TRUE(p.widenings.empty());
}

TEST(PolicyGeneralise, NestedCreatedDirectoriesFoldIntoTheTopmostTree) {
  Observations o;
  o.add_file("/srv/data/out", kDir);
  o.add_file("/srv/data/out/a", kDir);
  o.add_file("/srv/data/out/a/b", kDir);
  o.add_file("/srv/data/out/a/b/f.txt", kAccessCreate | kAccessWrite | kAccessRead);
  Profile p = gen(o);
  EXPECT_EQ(p.files, (Rules{{"/srv/data/out", {"create", "delete", "list"}},
                            {"/srv/data/out/**", {"create", "delete", "list", "read", "write"}}}));
  auto ll = landlock(p);
  EXPECT_TRUE(rights_on(ll, "/srv/data").count("make_dir"));
  EXPECT_TRUE(rights_on(ll, "/srv/data").count("write_file"));
}

TEST(PolicyGeneralise, TemporaryDirectoryTreeKeepsItsNamePattern) {
  Observations o;
  o.add_file("/tmp/tmpk2j3h4_q", kDir | kAccessDelete);
  o.add_file("/tmp/tmpk2j3h4_q/data.bin", kAccessCreate | kAccessWrite);
  Profile p = gen(o);
  EXPECT_EQ(p.files, (Rules{{"/tmp/tmp*", {"create", "delete", "list"}}, {"/tmp/tmp*/**", {"create", "write"}}}));
  EXPECT_NE(find_widening(p, "temporary-name", "/tmp/tmp*"), nullptr);
  EXPECT_NE(find_widening(p, "created-tree", "/tmp/tmp*/**"), nullptr);
}

TEST(PolicyGeneralise, SeveralReadOnlyFilesOfASystemTreeBecomeATreeReadRule) {
  Observations o;
  for (const char* f : {"/usr/include/stdio.h", "/usr/include/stdlib.h", "/usr/include/features.h",
                        "/usr/include/errno.h", "/usr/include/x86_64-linux-gnu/bits/types.h"})
    o.add_file(f, kAccessRead);
  o.execs.insert("/usr/lib/gcc/x86_64-linux-gnu/12/cc1");  // executed: keeps its own rule
  Profile p = gen(o);
  EXPECT_EQ(p.files, (Rules{{"/usr/include/**", {"list", "read"}},
                            {"/usr/lib/gcc/x86_64-linux-gnu/12/cc1", {"execute", "read"}}}));
  const Widening* w = find_widening(p, "content-tree", "/usr/include/**");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->evidence.size(), 5u);
  auto ll = landlock(p);
  EXPECT_EQ(rights_on(ll, "/usr/include"), (std::set<std::string>{"read_dir", "read_file"}));
  auto aa = render_apparmor(p);
  ASSERT_TRUE(aa.ok());
  EXPECT_NE(aa->find("  /usr/include/** r,\n"), std::string::npos) << *aa;
  EXPECT_NE(aa->find("  # content-tree: 5 files of /usr/include"), std::string::npos) << *aa;
}

TEST(PolicyGeneralise, ContentTreeNeedsSeveralFilesASystemAreaAndNoWrites) {
  Observations few;
  for (const char* f : {"/usr/include/a.h", "/usr/include/b.h", "/usr/include/c.h"}) few.add_file(f, kAccessRead);
  EXPECT_TRUE(gen(few).widenings.empty());

  Observations etc;  // configuration, never a content tree
  for (int i = 0; i < 6; ++i) etc.add_file("/etc/app/d" + std::to_string(i) + "/f", kAccessRead);
  Profile pe = gen(etc);
  for (const auto& [path, access] : pe.files) EXPECT_EQ(path.find('*'), std::string::npos) << path;

  Observations written;  // the workload writes there: not read-only
  for (int i = 0; i < 5; ++i) written.add_file("/opt/app/data/f" + std::to_string(i), kAccessRead);
  written.add_file("/opt/app/data/log", kAccessWrite);
  Profile pw = gen(written);
  EXPECT_EQ(pw.files.count("/opt/app/**"), 0u);
  EXPECT_EQ(pw.files.size(), 6u);

  Observations top;  // never a top-level directory as a whole
  for (int i = 0; i < 6; ++i) top.add_file("/usr/f" + std::to_string(i), kAccessRead);
  for (const auto& [path, access] : gen(top).files) EXPECT_EQ(path.find('*'), std::string::npos) << path;
}

TEST(PolicyGeneralise, PythonLibraryIsListedOnceNotEveryFile) {
  Observations o;
  o.execs.insert("/usr/bin/python3.11");
  o.add_file("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", kAccessMmapExec | kAccessRead);
  o.add_file("/usr/lib/x86_64-linux-gnu/libc.so.6", kAccessMmapExec | kAccessRead);
  for (int d = 0; d < 30; ++d) {
    std::string dir = "/usr/lib/python3.11/pkg" + std::to_string(d);
    o.add_file(dir, kAccessList);
    o.add_file(dir + "/__pycache__", kAccessList);
    for (int f = 0; f < 10; ++f) {
      o.add_file(dir + "/m" + std::to_string(f) + ".py", kAccessRead);
      o.add_file(dir + "/__pycache__/m" + std::to_string(f) + ".cpython-311.pyc", kAccessRead);
    }
  }
  Profile p = gen(o);
  EXPECT_LE(p.files.size(), 60u);
  EXPECT_EQ(p.files.at("/usr/lib/python3.11/**"), (std::set<std::string>{"list", "read"}));
}

TEST(PolicyGeneralise, DynamicLoaderKeepsItsOwnRuleAndExecuteThroughCollapseAndTrees) {
  // A shell script running many programs: the libraries collapse (outside a
  // content area) or fold into a tree, the loader keeps its rule.
  for (const std::string lib : {"/nix/lib", "/usr/lib/x86_64-linux-gnu"}) {
    Observations o;
    for (int i = 0; i < 10; ++i) o.add_file(lib + "/libx" + std::to_string(i) + ".so", kAccessMmapExec | kAccessRead);
    o.add_file(lib + "/ld-linux-x86-64.so.2", kAccessMmapExec | kAccessRead);
    for (int i = 0; i < 10; ++i) o.execs.insert("/usr/bin/tool" + std::to_string(i));
    Profile p = gen(o);
    EXPECT_EQ(p.files.count(lib + "/ld-linux-x86-64.so.2"), 1u) << lib;
    EXPECT_EQ(p.files.at("/usr/bin/*"), (std::set<std::string>{"execute", "read"}));
    EXPECT_NE(find_widening(p, "collapse", "/usr/bin/*"), nullptr);
    auto ll = landlock(p);
    EXPECT_TRUE(rights_on(ll, lib + "/ld-linux-x86-64.so.2").count("execute")) << ll.dump();
  }
}

TEST(PolicyGeneralise, VolatileAndTemporaryNamesAndCollapsesAreRecorded) {
  Observations o;
  o.add_file("/proc/self/status", kAccessRead);
  o.add_file("/proc/4242/status", kAccessRead);
  o.add_file("/tmp/xyz.A8f3k2", kAccessCreate | kAccessWrite);
  for (int i = 0; i < 8; ++i) o.add_file("/data/in/f" + std::to_string(i), kAccessRead);
  Profile p = gen(o);
  const Widening* v = find_widening(p, "volatile-name", "/proc/@{pid}/status");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->evidence, (std::vector<std::string>{"/proc/4242/status", "/proc/self/status"}));
  const Widening* t = find_widening(p, "temporary-name", "/tmp/xyz.*");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->evidence, (std::vector<std::string>{"/tmp/xyz.A8f3k2"}));
  const Widening* c = find_widening(p, "collapse", "/data/in/*");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->evidence.size(), 8u);
  EXPECT_EQ(p.widenings.size(), 3u);
  // Each one is explained where the rule is.
  auto aa = render_apparmor(p);
  ASSERT_TRUE(aa.ok());
  EXPECT_NE(aa->find("  # volatile-name: "), std::string::npos);
  EXPECT_NE(aa->find("  # collapse: 8 files of /data/in"), std::string::npos);
}

TEST(PolicyGeneralise, LiteralRecordingWidensNothing) {
  Observations o;
  o.add_file("/etc/hostname", kAccessRead);
  o.add_file("/data/out.txt", kAccessCreate | kAccessWrite);
  Profile p = gen(o);
  EXPECT_TRUE(p.widenings.empty());
}

}  // namespace
}  // namespace profile

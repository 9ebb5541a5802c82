#include <gtest/gtest.h>

#include "profilegen/files.h"
#include "profilegen/policy.h"
#include "profilegen/profile.h"
#include "profilegen/render.h"

namespace profile {
namespace {

Result<FlatPattern> parse_pattern(const std::string& pattern) {
  FlatPattern f;
  PROFILE_TRY(parse_path_pattern(pattern, &f));
  return f;
}

using Rules = std::map<std::string, std::set<std::string>>;

Rules gen(std::initializer_list<std::pair<const char*, uint32_t>> files) {
  Observations o;
  for (const auto& [p, b] : files) o.add_file(p, b);
  return generalise_files(o);
}

TEST(PolicyFiles, ProcPidAndSelfBecomeOnePidPattern) {
  auto r = gen({{"/proc/self/status", kAccessRead},
                {"/proc/1234/maps", kAccessRead},
                {"/proc/thread-self/comm", kAccessRead},
                {"/proc/77/task/78/stat", kAccessRead},
                {"/proc/self/fd/3", kAccessRead},
                {"/proc/cpuinfo", kAccessRead}});
  Rules want = {{"/proc/@{pid}/status", {"read"}},
                {"/proc/@{pid}/maps", {"read"}},
                {"/proc/@{pid}/task/@{pid}/comm", {"read"}},
                {"/proc/@{pid}/task/@{pid}/stat", {"read"}},
                {"/proc/@{pid}/fd/*", {"read"}},
                {"/proc/cpuinfo", {"read"}}};
  EXPECT_EQ(r, want);
}

TEST(PolicyFiles, TerminalAndFdNumbersBecomeOneComponentWildcards) {
  auto r = gen({{"/dev/pts/3", kAccessRead | kAccessWrite}, {"/dev/fd/5", kAccessRead}, {"/dev/null", kAccessWrite}});
  Rules want = {{"/dev/pts/*", {"read", "write"}}, {"/dev/fd/*", {"read"}}, {"/dev/null", {"write"}}};
  EXPECT_EQ(r, want);
}

TEST(PolicyFiles, MkstempNameBecomesPrefixPatternWithCreate) {
  uint32_t tmp = kAccessCreate | kAccessWrite | kAccessRead | kAccessDelete;
  auto r = gen({{"/tmp/xyz.A8f3k2", tmp}, {"/tmp/xyz.Qz9Lm0", tmp}});
  Rules want = {{"/tmp/xyz.*", {"create", "delete", "read", "write"}}};
  EXPECT_EQ(r, want);
}

TEST(PolicyFiles, PythonTempfileNamesIncludingAllLetterOnes) {
  uint32_t tmp = kAccessCreate | kAccessWrite;
  // Python draws 8 characters from [a-z0-9_]: all-letter names are common.
  auto r = gen({{"/tmp/tmpabcdefgh", tmp}, {"/tmp/tmp3k_9zq1x", tmp}, {"/var/tmp/tmpq1w2e3r4.txt", tmp}});
  Rules want = {{"/tmp/tmp*", {"create", "write"}}, {"/var/tmp/tmp*.txt", {"create", "write"}}};
  EXPECT_EQ(r, want);
  // gettempdir() probes a directory with a prefix-less name it removes at once.
  auto probe = gen({{"/tmp/k2j_q9zx", tmp | kAccessDelete}});
  EXPECT_EQ(probe, (Rules{{"/tmp/*", {"create", "delete", "write"}}}));
}

TEST(PolicyFiles, OrdinaryCreatedNamesStayLiteral) {
  uint32_t c = kAccessCreate | kAccessWrite;
  auto r = gen({{"/tmp/output.log", c}, {"/var/lib/app/backup", c}, {"/srv/data/report2024", c}});
  // Literal names; outside the shared temporary directories a file the
  // workload created is its own (created-tree): read, write, delete too.
  Rules want = {{"/tmp/output.log", {"create", "write"}},
                {"/var/lib/app/backup", {"create", "delete", "read", "write"}},
                {"/srv/data/report2024", {"create", "delete", "read", "write"}}};
  EXPECT_EQ(r, want);
}

TEST(PolicyFiles, RandomLookingNamesNotCreatedByTheWorkloadStayLiteral) {
  auto r = gen({{"/usr/share/app/A8f3k2", kAccessRead}});
  EXPECT_EQ(r, (Rules{{"/usr/share/app/A8f3k2", {"read"}}}));
}

TEST(PolicyFiles, MkdtempDirectoryChildrenFollowTheDirectoryPattern) {
  auto r = gen({{"/tmp/tmpk2j3h4_q", kAccessCreate | kAccessList | kAccessDelete},
                {"/tmp/tmpk2j3h4_q/data.bin", kAccessCreate | kAccessWrite}});
  // The temporary directory is a created tree: its children fold into it.
  Rules want = {{"/tmp/tmp*", {"create", "delete", "list"}}, {"/tmp/tmp*/**", {"create", "write"}}};
  EXPECT_EQ(r, want);
}

TEST(PolicyFiles, NestedTempDirectoriesAreEachGeneralised) {
  uint32_t dir = kAccessCreate | kAccessList;
  auto r = gen({{"/tmp/tmpk2j3h4_q", dir}, {"/tmp/tmpk2j3h4_q/sub.Ab3dE9", dir}, {"/tmp/tmpk2j3h4_q/sub.Ab3dE9/f", kAccessCreate | kAccessWrite}});
  Rules want = {{"/tmp/tmp*", {"create", "list"}}, {"/tmp/tmp*/**", {"create", "list", "write"}}};
  EXPECT_EQ(r, want);
  // Outside a created tree (a directory made elsewhere), each is generalised.
  Observations o;
  o.add_file("/tmp/tmpk2j3h4_q/sub.Ab3dE9", dir);
  o.add_file("/tmp/tmpk2j3h4_q/sub.Ab3dE9/f", kAccessCreate | kAccessWrite);
  o.add_file("/tmp/tmpk2j3h4_q/g.Qz9Lm0", kAccessCreate | kAccessWrite);
  EXPECT_EQ(generalise_files(o), (Rules{{"/tmp/tmpk2j3h4_q/g.*", {"create", "write"}},
                                        {"/tmp/tmpk2j3h4_q/sub.*", {"create", "list"}},
                                        {"/tmp/tmpk2j3h4_q/sub.*/**", {"create", "write"}}}));
}

TEST(PolicyFiles, SharedLibrariesBecomeReadMmapExecRules) {
  auto r = gen({{"/usr/lib/x86_64-linux-gnu/libc.so.6", kAccessMmapExec}});
  EXPECT_EQ(r, (Rules{{"/usr/lib/x86_64-linux-gnu/libc.so.6", {"mmap-exec", "read"}}}));
}

TEST(PolicyFiles, ExecutedBinariesGetExecuteAndRead) {
  Observations o;
  o.execs.insert("/usr/bin/busybox");
  auto r = generalise_files(o);
  EXPECT_EQ(r, (Rules{{"/usr/bin/busybox", {"execute", "read"}}}));
}

TEST(PolicyFiles, ManyFilesOfOneDirectoryCollapseAtTheThreshold) {
  Observations below, at;
  for (size_t i = 0; i < kCollapseThreshold; ++i) {
    std::string p = "/data/python3/json/m" + std::to_string(i) + ".py";  // not a content tree
    if (i + 1 < kCollapseThreshold) below.add_file(p, kAccessRead);
    at.add_file(p, kAccessRead);
  }
  EXPECT_EQ(generalise_files(below).size(), kCollapseThreshold - 1);
  EXPECT_EQ(generalise_files(at), (Rules{{"/data/python3/json/*.py", {"read"}}}));
}

TEST(PolicyFiles, CollapseNeedsOneAccessSetAndUsesPlainStarForMixedExtensions) {
  Observations o;
  for (size_t i = 0; i < kCollapseThreshold; ++i)
    o.add_file("/etc/app/f" + std::to_string(i) + (i % 2 ? ".conf" : ".ini"), kAccessRead);
  o.add_file("/etc/app/secret.key", kAccessRead | kAccessWrite);  // different access: not folded in
  auto r = generalise_files(o);
  EXPECT_EQ(r, (Rules{{"/etc/app/*", {"read"}}, {"/etc/app/secret.key", {"read", "write"}}}));
}

TEST(PolicyFiles, NeverWiderThanOneComponentWithoutObservedNeed) {
  Observations o;
  for (int d = 0; d < 20; ++d) o.add_file("/data/d" + std::to_string(d) + "/file", kAccessRead);
  auto r = generalise_files(o);
  EXPECT_EQ(r.size(), 20u);  // one file per directory: nothing to collapse
  for (const auto& [p, a] : r) EXPECT_EQ(p.find("**"), std::string::npos) << p;
}

TEST(PolicyFiles, HostileAndNonFilePathsAreDroppedOrNormalised) {
  Observations o;
  o.add_file("pipe:[1234]", kAccessRead);
  o.add_file("relative/path", kAccessRead);
  o.add_file(std::string("/tmp/a\0b", 8), kAccessRead);
  o.add_file("/" + std::string(5000, 'a'), kAccessRead);
  o.add_file("/etc/../etc//./hosts", kAccessRead);
  o.add_file("/../../etc/shadow", kAccessRead);
  o.add_file("/tmp/bad\x01name", kAccessRead);
  o.add_file("/tmp/star*name", kAccessRead);
  auto r = generalise_files(o);
  // A control byte is spelled \x01: the rule names exactly the file read.
  Rules want = {{"/etc/hosts", {"read"}},
                {"/etc/shadow", {"read"}},
                {"/tmp/bad\\x01name", {"read"}},
                {"/tmp/star\\*name", {"read"}}};
  EXPECT_EQ(r, want);
  for (const auto& [p, a] : r) EXPECT_TRUE(parse_pattern(p).ok()) << p;
}

TEST(PolicyFiles, PatternSyntaxIsCheckedAndFixedPrefixIsTheLongestLiteralDirectory) {
  struct Case {
    const char* pattern;
    const char* prefix;
    bool literal;
  } cases[] = {
      {"/proc/@{pid}/status", "/proc", false}, {"/tmp/tmp*", "/tmp", false},
      {"/etc/passwd", "/etc/passwd", true},    {"/usr/lib/**", "/usr/lib", false},
      {"/tmp/a\\*b", "/tmp/a*b", true},        {"/*", "/", false},
      {"/", "/", true},
  };
  for (const auto& c : cases) {
    auto comps = parse_pattern(c.pattern);
    ASSERT_TRUE(comps.ok()) << c.pattern << ": " << comps.error().message;
    EXPECT_EQ(fixed_prefix(*comps), c.prefix) << c.pattern;
    EXPECT_EQ(pattern_is_literal(*comps), c.literal) << c.pattern;
  }
  for (const char* bad : {"relative", "/tmp/[ab]", "/tmp/@{user}", "/tmp/x\\", "/tmp/../etc", "/a/x@{pid}",
                          "/tmp/{a,b}"}) {
    auto r = parse_pattern(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find(bad), std::string::npos) << r.error().message;
  }
}

TEST(PolicyFiles, TempNameSplitting) {
  struct Case {
    const char* base;
    bool deleted;
    bool temp;
    const char* stem;
    const char* ext;
  } cases[] = {
      {"xyz.A8f3k2", false, true, "xyz.", ""},   {"fooQz9Lm0", false, true, "foo", ""},
      {"tmpabcdefgh", false, true, "tmp", ""},   {"tmpa1_b2c3d.json", false, true, "tmp", ".json"},
      {"backup", true, false, "", ""},           {"output.log", true, false, "", ""},
      {"abcdef", true, false, "", ""},           {"ABCDEF", true, false, "", ""},
      {"a1", true, false, "", ""},               {"sess-AbCdEf", false, true, "sess-", ""},
      {"data01", true, false, "", ""},           {"LOG2024", true, false, "", ""},
      {"ab12cd", false, true, "", ""},           {"39kq_z7m", true, true, "", ""},
      {"k2jqwxyz", true, true, "", ""},          {"abcdefgh", true, false, "", ""},
      {"backup01", false, false, "", ""},        {"my_notes", false, false, "", ""},
  };
  for (const auto& c : cases) {
    std::string stem, ext;
    EXPECT_EQ(split_temp_name(c.base, c.deleted, &stem, &ext), c.temp) << c.base;
    if (c.temp) {
      EXPECT_EQ(stem, c.stem) << c.base;
      EXPECT_EQ(ext, c.ext) << c.base;
    }
  }
}

}  // namespace
}  // namespace profile

namespace profile {
namespace {

// A name of characters patterns must escape can double in length (or grow
// fourfold as \xHH): the pattern still names it exactly, and renders.
TEST(PolicyFiles, OverLongEscapedNameStaysExact) {
  std::string name(3000, '*');
  std::string path = "/srv/" + name + "/data";
  auto r = gen({{path.c_str(), kAccessRead}, {"/srv/ok", kAccessRead}});
  std::string escaped;
  for (size_t i = 0; i < name.size(); ++i) escaped += "\\*";
  Rules want = {{"/srv/" + escaped + "/data", {"read"}}, {"/srv/ok", {"read"}}};
  EXPECT_EQ(r, want);
  Observations o;
  o.add_file(path, kAccessRead);
  auto p = profile_from_observations(o, "long");
  ASSERT_TRUE(p.ok()) << p.error().message;
  auto files = render_all(*p);
  ASSERT_TRUE(files.ok()) << files.error().message;
}

}  // namespace
}  // namespace profile

// A workload steers its own policy: what it reads decides which globs are
// generated, and what it may write decides what the next enforce reads.
// Neither may widen a rule onto a sensitive path, and no file the workload
// can modify may name an interpreter to grant.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "profilegen/apparmor.h"
#include "profilegen/files.h"
#include "profilegen/landlock_gen.h"
#include "profilegen/policy.h"
#include "runner/landlock.h"
#include "test_util.h"

namespace profile {
namespace {

using test::TempDir;

uint64_t bits(std::initializer_list<const char*> names) {
  uint64_t b = 0;
  for (const char* n : names)
    for (const auto& r : landlock_fs_rights())
      if (std::string(r.name) == n) b |= r.bit;
  return b;
}

const char* const kEtcFiles[] = {"/etc/passwd", "/etc/group",  "/etc/hostname", "/etc/hosts",
                                 "/etc/os-release", "/etc/issue", "/etc/services", "/etc/protocols"};

Profile reads(std::initializer_list<const char*> patterns) {
  Profile p;
  p.name = "t";
  for (const char* pat : patterns) p.files[pat] = {"read"};
  return p;
}

FlatPattern flat(const std::string& pattern) {
  FlatPattern f;
  EXPECT_TRUE(parse_path_pattern(pattern, &f).ok()) << pattern;
  return f;
}

// The rules the plan really applies, by path.
std::map<std::string, uint64_t> rules_of(const LandlockPlan& plan) {
  std::map<std::string, uint64_t> out;
  for (const auto& r : plan.paths) out[r.path] |= r.access;
  return out;
}

TEST(TrustLandlock, SensitiveTableParsesAndMatches) {
  for (const auto& s : sensitive_paths()) {
    FlatPattern f;
    EXPECT_TRUE(parse_path_pattern(s.pattern, &f).ok()) << s.pattern;
  }
  EXPECT_NE(sensitive_entry("/etc/shadow", false), nullptr);
  EXPECT_NE(sensitive_entry("/root/.bashrc", false), nullptr);
  EXPECT_NE(sensitive_entry("/home/alice/.ssh/id_ed25519", false), nullptr);
  EXPECT_NE(sensitive_entry("/etc/ssh/ssh_host_rsa_key", false), nullptr);
  EXPECT_NE(sensitive_entry("/var/run/docker.sock", false), nullptr);
  EXPECT_EQ(sensitive_entry("/etc/ssh/ssh_host_rsa_key.pub", false), nullptr);
  EXPECT_EQ(sensitive_entry("/etc/shadowsocks.json", false), nullptr);
  EXPECT_EQ(sensitive_entry("/home/alice/notes", false), nullptr);
  // Reading /proc/sys and /sys is what Docker allows too; writing is not.
  EXPECT_EQ(sensitive_entry("/proc/sys/kernel/ostype", false), nullptr);
  EXPECT_NE(sensitive_entry("/proc/sys/kernel/ostype", true), nullptr);
  EXPECT_NE(sensitive_entry("/sys/firmware/efi", false), nullptr);

  EXPECT_TRUE(pattern_may_reach(flat("/etc/*"), flat("/etc/shadow")));
  EXPECT_TRUE(pattern_may_reach(flat("/etc/sha*"), flat("/etc/shadow")));
  EXPECT_TRUE(pattern_may_reach(flat("/**"), flat("/root")));
  EXPECT_TRUE(pattern_may_reach(flat("/home/*/.ssh/*"), flat("/home/*/.ssh")));
  EXPECT_TRUE(pattern_may_reach(flat("/home/*/*"), flat("/home/*/.ssh")));
  EXPECT_FALSE(pattern_may_reach(flat("/etc/*.conf"), flat("/etc/shadow")));
  EXPECT_FALSE(pattern_may_reach(flat("/usr/lib/**"), flat("/etc/shadow")));
  EXPECT_FALSE(pattern_may_reach(flat("/proc/@{pid}/status"), flat("/proc/sys")));
  EXPECT_FALSE(pattern_may_reach(flat("/*"), flat("/etc/shadow")));  // one level: /etc itself, not beneath
}

// Eight reads in /etc collapse to /etc/*, but /etc/shadow read among them
// stays a literal rule of its own: the renderers must be able to tell that
// it was recorded.
TEST(TrustLandlock, CollapseKeepsASensitiveFileLiteral) {
  Observations o;
  for (const char* f : kEtcFiles) o.add_file(f, kAccessRead);
  o.add_file("/etc/shadow", kAccessRead);
  auto r = generalise_files(o);
  EXPECT_TRUE(r.count("/etc/*"));
  EXPECT_TRUE(r.count("/etc/shadow")) << "a sensitive file was folded into a glob";
  EXPECT_FALSE(r.count("/etc/passwd"));
}

TEST(TrustLandlock, EightReadsInEtcNeverBecomeAPathBeneathRuleOnEtc) {
  Observations o;
  for (const char* f : kEtcFiles) o.add_file(f, kAccessRead);
  Profile p;
  p.name = "t";
  p.files = generalise_files(o);
  ASSERT_TRUE(p.files.count("/etc/*"));
  auto text = render_landlock(p);
  ASSERT_TRUE(text.ok()) << text.error().message;
  auto j = nlohmann::json::parse(*text);
  for (const auto& r : j["path_beneath"]) EXPECT_NE(r["path"], "/etc") << *text;
  ASSERT_TRUE(j.contains("path_pattern")) << *text;
  ASSERT_EQ(j["path_pattern"].size(), 1u);
  EXPECT_EQ(j["path_pattern"][0]["pattern"], "/etc/*");
  EXPECT_EQ(j["path_pattern"][0]["access"], nlohmann::json::array({"read_file"}));

  // What the runner makes of it: the files of /etc, never /etc itself nor
  // /etc/shadow.
  auto spec = parse_landlock_json(*text, "landlock.json");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  std::vector<std::string> notes;
  auto plan = plan_landlock(*spec, 7, &notes);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  auto rules = rules_of(*plan);
  EXPECT_FALSE(rules.count("/etc"));
  EXPECT_FALSE(rules.count("/etc/shadow"));
  EXPECT_FALSE(rules.count("/etc/gshadow"));
  EXPECT_EQ(rules["/etc/passwd"], bits({"read_file"}));
  for (const auto& [path, access] : rules)
    if (path.rfind("/etc/", 0) == 0) {
      struct stat st;
      ASSERT_EQ(lstat(path.c_str(), &st), 0) << path;
      EXPECT_FALSE(S_ISLNK(st.st_mode)) << path << ": a symlink's rule would never apply";
      if (S_ISDIR(st.st_mode)) {
        EXPECT_EQ(access, 0u) << path << ": /etc/* read_file must not reach beneath " << path;
      }
    }
}

TEST(TrustLandlock, AppArmorDeniesSensitivePathsAGlobReachesUnlessRecorded) {
  auto text = render_apparmor(reads({"/etc/*"}));
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_NE(text->find("  deny /etc/shadow rwklx,\n"), std::string::npos) << *text;
  EXPECT_NE(text->find("  deny /etc/gshadow rwklx,\n"), std::string::npos) << *text;
  EXPECT_NE(text->find("  deny /etc/sudoers.d/** rwklx,\n"), std::string::npos) << *text;
  EXPECT_EQ(text->find("deny /root"), std::string::npos) << "/etc/* does not reach /root";

  // Read literally, /etc/shadow is the workload's own business.
  auto recorded = render_apparmor(reads({"/etc/*", "/etc/shadow"}));
  ASSERT_TRUE(recorded.ok());
  EXPECT_EQ(recorded->find("deny /etc/shadow "), std::string::npos) << *recorded;
  EXPECT_NE(recorded->find("deny /etc/gshadow rwklx,"), std::string::npos);

  // Nothing changes for a profile whose globs reach no sensitive path.
  auto plain = render_apparmor(reads({"/usr/lib/**", "/etc/*.conf"}));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->find("never named"), std::string::npos) << *plain;

  // Writes-only areas: reading /proc/sys through a glob is allowed, writing
  // is denied.
  Profile w;
  w.name = "t";
  w.files["/proc/*"] = {"read", "write"};
  auto writes = render_apparmor(w);
  ASSERT_TRUE(writes.ok());
  EXPECT_NE(writes->find("  deny /proc/sys/** wkl,\n"), std::string::npos) << *writes;
  EXPECT_NE(writes->find("  deny /proc/kcore rwklx,\n"), std::string::npos) << *writes;

  if (access("/sbin/apparmor_parser", X_OK) == 0 || access("/usr/sbin/apparmor_parser", X_OK) == 0) {
    TempDir d;
    test::write_file(d / "p", *text);
    auto r = test::run({"apparmor_parser", "-Q", "-K", d / "p"}, 60);
    EXPECT_EQ(r.exit_code, 0) << r.err << *text;
  }
}

// A recursive rule above a sensitive path is split: /etc/** read still reads
// /etc/passwd, but the read rights no longer reach /etc/shadow.
TEST(TrustLandlock, RecursiveRuleAboveASensitivePathIsSplitAroundIt) {
  auto text = render_landlock(reads({"/etc/**"}));
  ASSERT_TRUE(text.ok());
  auto spec = parse_landlock_json(*text, "landlock.json");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  std::vector<std::string> notes;
  auto plan = plan_landlock(*spec, 7, &notes);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  auto rules = rules_of(*plan);
  EXPECT_EQ(rules["/etc"] & bits({"read_file"}), 0u) << "read_file beneath /etc reaches /etc/shadow";
  EXPECT_FALSE(rules.count("/etc/shadow"));
  EXPECT_EQ(rules["/etc/passwd"], bits({"read_file"}));
  std::string all;
  for (const auto& n : notes) all += n + "\n";
  EXPECT_NE(all.find("/etc/shadow"), std::string::npos) << all;

  // A rule that names the sensitive path is honoured.
  spec->paths.push_back({"/etc/shadow", bits({"read_file"})});
  auto named = plan_landlock(*spec, 7, &notes);
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(rules_of(*named)["/etc/shadow"], bits({"read_file"}));
}

TEST(TrustLandlock, GeneratorGrantsNothingBeneathASensitiveAreaThroughAGlob) {
  Profile p = reads({"/root/.cache/**"});
  p.files["/sys/devices/**"] = {"read", "write"};
  auto text = render_landlock(p);
  ASSERT_TRUE(text.ok());
  auto j = nlohmann::json::parse(*text);
  for (const auto& r : j["path_beneath"]) {
    EXPECT_NE(r["path"], "/root/.cache") << *text;
    if (r["path"] == "/sys/devices") {
      EXPECT_EQ(r["access"], nlohmann::json::array({"read_file"})) << *text;
    }
  }
}

TEST(TrustLandlock, PathPatternExpandsToMatchingEntriesWithoutSymlinksOrDirectoryReach) {
  TempDir d;
  test::write_file(d / "a.conf", "x");
  test::write_file(d / "b.conf", "x");
  test::write_file(d / "c.txt", "x");
  std::filesystem::create_directory(d / "sub.conf");
  std::filesystem::create_symlink("/etc/shadow", d / "link.conf");
  std::string json = R"({"schema":1,"abi":6,"handled_access_fs":["read_file","read_dir"],"path_pattern":[)"
                     R"({"pattern":")" + d.path() + R"(/*.conf","access":["read_file","read_dir"]}]})";
  auto spec = parse_landlock_json(json, "landlock.json");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  std::vector<std::string> notes;
  auto plan = plan_landlock(*spec, 7, &notes);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  auto rules = rules_of(*plan);
  std::map<std::string, uint64_t> want = {{d / "a.conf", bits({"read_file"})},
                                          {d / "b.conf", bits({"read_file"})},
                                          {d / "sub.conf", bits({"read_dir"})}};
  EXPECT_EQ(rules, want);
}

TEST(TrustLandlock, PathPatternMustBeOneLevel) {
  std::string head = R"({"schema":1,"abi":6,"handled_access_fs":["read_file"],"path_pattern":[)";
  for (const char* bad : {"/etc/**", "/etc/*/passwd", "/proc/@{pid}", "/etc"}) {
    auto r = parse_landlock_json(head + R"({"pattern":")" + bad + R"(","access":["read_file"]}]})", "ll.json");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find(std::string("'") + bad + "' is not a one-level pattern"), std::string::npos)
        << r.error().message;
  }
}

// The script's "#!" line is only believed when the policy lets the workload
// modify neither the script nor a directory above it.
class Interpreters : public ::testing::Test {
 protected:
  LandlockSpec spec_for(const std::string& script, uint64_t script_access, uint64_t dir_access = 0) {
    LandlockSpec s;
    s.abi = 6;
    for (const auto& r : landlock_fs_rights())
      if (r.min_abi <= 5) s.handled_fs |= r.bit;
    s.paths.push_back({script, script_access});
    if (dir_access) s.paths.push_back({dir_.path(), dir_access});
    return s;
  }
  std::map<std::string, uint64_t> plan(const LandlockSpec& s, std::string* notes) {
    std::vector<std::string> n;
    auto p = plan_landlock(s, 7, &n);
    EXPECT_TRUE(p.ok()) << p.error().message;
    for (const auto& l : n) *notes += l + "\n";
    return p.ok() ? rules_of(*p) : std::map<std::string, uint64_t>{};
  }
  std::string script(const std::string& first_line) {
    std::string path = dir_ / "run.sh";
    test::write_file(path, first_line + "\nexit 0\n");
    chmod(path.c_str(), 0755);
    return path;
  }
  TempDir dir_;
};

TEST_F(Interpreters, WritableScriptNamingRootGrantsNothing) {
  std::string s = script("#!/");
  std::string notes;
  auto rules = plan(spec_for(s, bits({"execute", "read_file", "write_file", "truncate"})), &notes);
  EXPECT_FALSE(rules.count("/")) << "a workload-written #! line granted all of /\n" << notes;
  EXPECT_NE(notes.find("the workload may modify " + s), std::string::npos) << notes;
}

TEST_F(Interpreters, ScriptInAWritableDirectoryIsNotBelieved) {
  std::string sh = script("#!/bin/sh");
  std::string notes;
  auto rules = plan(spec_for(sh, bits({"execute", "read_file"}), bits({"make_reg", "remove_file"})), &notes);
  char* real = realpath("/bin/sh", nullptr);
  ASSERT_NE(real, nullptr);
  EXPECT_FALSE(rules.count(real)) << notes;
  free(real);
}

TEST_F(Interpreters, TrustedScriptStillGetsItsInterpreter) {
  std::string sh = script("#!/bin/sh -e");
  std::string notes;
  auto rules = plan(spec_for(sh, bits({"execute", "read_file"})), &notes);
  char* real = realpath("/bin/sh", nullptr);
  ASSERT_NE(real, nullptr);
  EXPECT_EQ(rules[real], bits({"execute", "read_file"})) << notes;
  free(real);
}

TEST_F(Interpreters, TrustedScriptNamingADirectoryOrASecretGrantsNothing) {
  for (const char* line : {"#!/", "#!/etc", "#!/etc/shadow"}) {
    std::string s = script(line);
    std::string notes;
    auto rules = plan(spec_for(s, bits({"execute", "read_file"})), &notes);
    EXPECT_EQ(rules.size(), 1u) << line << "\n" << notes;
    EXPECT_NE(notes.find("not a regular program file"), std::string::npos) << line << "\n" << notes;
  }
}

}  // namespace
}  // namespace profile

namespace profile {
namespace {

// A temporary file made in /etc (or a name like "\x01" created in /) during
// the recording once gave write, truncate, make_reg and remove_file beneath
// the whole directory: the enforced workload could then rewrite /etc/passwd
// or create /etc/ld.so.preload. In "/" and the system trees only the path
// itself is granted; an ordinary directory keeps the grant creation needs.
TEST(TrustLandlock, CreatingANameInASystemDirectoryGrantsNothingOnTheDirectory) {
  for (const char* created : {"/etc/app.tmp", "/\x01", "/usr/bin/tool.new", "/usr/lib/x86_64-linux-gnu/y"}) {
    Profile p;
    p.name = "t";
    p.files[escape_path_bytes(created)] = {"create", "write", "delete"};
    auto text = render_landlock(p);
    ASSERT_TRUE(text.ok()) << text.error().message;
    auto j = nlohmann::json::parse(*text);
    std::string parent = std::string(created).substr(0, std::string(created).find_last_of('/'));
    if (parent.empty()) parent = "/";
    for (const auto& r : j["path_beneath"]) EXPECT_NE(r["path"], parent) << created << "\n" << *text;
  }
  Profile ok;
  ok.name = "t";
  ok.files["/srv/app/data/out.tmp"] = {"create", "write"};
  auto text = render_landlock(ok);
  ASSERT_TRUE(text.ok()) << text.error().message;
  auto j = nlohmann::json::parse(*text);
  bool dir_rule = false;
  for (const auto& r : j["path_beneath"]) dir_rule |= r["path"] == "/srv/app/data";
  EXPECT_TRUE(dir_rule) << "a file created in an ordinary directory still needs make_reg there\n" << *text;
}

}  // namespace
}  // namespace profile

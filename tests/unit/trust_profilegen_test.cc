// Names and profile.json contents chosen by an adversary: every name a
// workload can create is written exactly (no widening), round-trips through
// profile.json, AppArmor and Landlock, and compiles with apparmor_parser;
// hostile profile.json values are refused or quoted safely.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "profilegen/apparmor.h"
#include "profilegen/files.h"
#include "profilegen/landlock_gen.h"
#include "profilegen/profile.h"
#include "runner/landlock.h"
#include "test_util.h"

namespace profile {
namespace {

Result<FlatPattern> parse_pattern(const std::string& pattern) {
  FlatPattern f;
  PROFILE_TRY(parse_path_pattern(pattern, &f));
  return f;
}

using test::TempDir;

// Every byte a file name may hold, in the forms that used to go wrong.
std::vector<std::string> hostile_names() {
  std::vector<std::string> v = {"end\\", "q\"uote", "sp ace", "{", "}", "[", "]", "*", "?", "^", ",", "#",
                                "new\nline", "\x01", "\xff", "\\x41", "@{pid}", "tab\tx", "\x7f\xc3\x28",
                                "ok-\xc3\xa9", "\xed\xa0\x80" /* a UTF-16 surrogate: not UTF-8 */};
  v.push_back(std::string(254, 'L') + "\xfe");
  return v;
}

Profile profile_of(const Observations& obs, const std::string& name = "t") {
  auto p = profile_from_observations(obs, name);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? *p : Profile{};
}

void expect_parser_accepts(const std::string& text, const std::string& what) {
  TempDir dir;
  test::write_file(dir / "p", text);
  auto r = test::run({"apparmor_parser", "-Q", "-K", dir / "p"}, 60);
  ASSERT_NE(r.exit_code, 127) << "apparmor_parser not found: install the package apparmor";
  EXPECT_EQ(r.exit_code, 0) << what << ":\n" << r.err << "\n" << text;
}

std::string printable(const std::string& s) { return quote_value(s, 100); }

TEST(TrustNames, EveryNameIsOneExactRuleThatRoundTrips) {
  for (const auto& name : hostile_names()) {
    SCOPED_TRACE(printable(name));
    const std::string path = "/srv/D/" + name;
    Observations obs;
    obs.add_file(path, kAccessCreate | kAccessWrite);
    Profile p = profile_of(obs);
    ASSERT_EQ(p.files.size(), 1u);
    const std::string& pat = p.files.begin()->first;
    FlatPattern parsed;
    auto ok = parse_path_pattern(pat, &parsed);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    // Literal and naming exactly the created bytes: no widening to D/*.
    EXPECT_TRUE(pattern_is_literal(parsed)) << pat;
    EXPECT_EQ(fixed_prefix(parsed), path);

    // profile.json is valid JSON (UTF-8) and reads back as the same profile.
    std::string text = profile_to_json(p);
    auto back = profile_from_json(text, "profile.json");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, p);
  }
}

TEST(TrustNames, ControlByteAtRootIsNotAWildcardOnRoot) {
  Observations obs;
  obs.add_file("/\x01", kAccessCreate | kAccessWrite);
  obs.add_file("/srv/\x02", kAccessWrite);
  Profile p = profile_of(obs);
  EXPECT_EQ(p.files.count("/*"), 0u);
  EXPECT_EQ(p.files.count("/srv/*"), 0u);
  EXPECT_EQ(p.files.count("/\\x01"), 1u);
  EXPECT_EQ(p.files.count("/srv/\\x02"), 1u);
  auto ll = render_landlock(p);
  ASSERT_TRUE(ll.ok()) << ll.error().message;
  // The written file is granted by its exact name, not beneath /srv.
  auto spec = parse_landlock_json(*ll, "landlock.json");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  bool exact = false;
  for (const auto& r : spec->paths) {
    EXPECT_NE(r.path, "/srv") << *ll;
    exact = exact || r.path == "/srv/\x02";
  }
  EXPECT_TRUE(exact) << *ll;
}

TEST(TrustNames, LandlockRulesHoldTheExactBytes) {
  // Fewer than the collapse threshold per directory, outside the content
  // trees (docs/generalisation.md): split the names.
  Observations split;
  size_t i = 0;
  for (const auto& name : hostile_names()) split.add_file("/data/R" + std::to_string(i++ % 4) + "/" + name, kAccessRead);
  Profile p = profile_of(split);
  auto ll = render_landlock(p);
  ASSERT_TRUE(ll.ok()) << ll.error().message;
  auto spec = parse_landlock_json(*ll, "landlock.json");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  std::set<std::string> paths;
  for (const auto& r : spec->paths) paths.insert(r.path);
  i = 0;
  for (const auto& name : hostile_names()) {
    std::string want = "/data/R" + std::to_string(i++ % 4) + "/" + name;
    EXPECT_EQ(paths.count(want), 1u) << printable(want) << "\n" << *ll;
  }
}

TEST(TrustNames, LandlockPathEscapesAreStrict) {
  EXPECT_EQ(escape_path_bytes("/a\\b\x01\xff\xc3\xa9"), "/a\\\\b\\x01\\xff\xc3\xa9");
  auto back = unescape_path_bytes("/a\\\\b\\x01\\xff\xc3\xa9");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "/a\\b\x01\xff\xc3\xa9");
  for (const char* bad : {"/a\\", "/a\\q", "/a\\x0", "/a\\x00", "/a\\xzz"})
    EXPECT_FALSE(unescape_path_bytes(bad).ok()) << bad;
}

TEST(TrustNames, PatternByteEscapes) {
  auto c = parse_pattern("/a/\\x01\\xffb");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(fixed_prefix(*c), "/a/\x01\xff" "b");
  for (const char* bad : {"/a/\\x", "/a/\\x1", "/a/\\xg1", "/a/\\x00", "/a/b\\x2fc", "/a/\\x2e", "/\\x2e\\x2e/etc"}) {
    auto r = parse_pattern(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
}

TEST(TrustAppArmor, EveryHostileNameCompiles) {
  for (const auto& name : hostile_names()) {
    SCOPED_TRACE(printable(name));
    Observations obs;
    obs.add_file("/srv/D/" + name, kAccessCreate | kAccessWrite);
    obs.add_file("/srv/E/" + name, kAccessRead | kAccessList);
    obs.unix_sockets.insert("/run/s/" + name);
    Profile p = profile_of(obs);
    auto aa = render_apparmor(p);
    ASSERT_TRUE(aa.ok()) << aa.error().message;
    expect_parser_accepts(*aa, "name " + printable(name));
  }
}

TEST(TrustAppArmor, BytesAreSpelledExactly) {
  auto a = apparmor_path("/D/\\x01\\xff\xc3\xa9" "end\\\\");
  ASSERT_TRUE(a.ok()) << a.error().message;
  // \xHH is exactly one byte to apparmor_parser; a backslash is one too
  // (as "\\" at the end of a quoted name it does not parse).
  EXPECT_EQ(*a, "\"/D/\\x01\\xff\xc3\xa9" "end\\x5c\"");
}

TEST(TrustAppArmor, ProfileNamesWithGlobCharactersCompile) {
  for (const std::string name : {"web{1}", "a[b]", "x*y?", "^n", "a,b", "a b", "q\"", "b\\", ":ns:x", "@{x}",
                                 "a=b", "\xff\x01", "-x"}) {
    SCOPED_TRACE(printable(name));
    Observations obs;
    obs.add_file("/etc/hosts", kAccessRead);
    obs.syscalls["x86_64"].insert(62);  // kill: the signal rules name the profile
    Profile p = profile_of(obs, name);
    auto aa = render_apparmor(p);
    ASSERT_TRUE(aa.ok()) << aa.error().message;
    expect_parser_accepts(*aa, "profile name " + printable(name));
  }
}

Result<Profile> from_files(const std::string& files_json) {
  return profile_from_json(R"({"schema":1,"name":"t","syscalls":{},"files":)" + files_json + "}", "dir/profile.json");
}

TEST(TrustProfileJson, WideWritePatternsAreRefusedNamingFileAndPath) {
  for (const char* pat : {"/*", "/**", "/etc/*", "/usr/**", "/*.conf"}) {
    auto r = from_files(std::string(R"([{"path":"/tmp/x","access":["read"]},{"path":")") + pat +
                        R"(","access":["write"]}])");
    ASSERT_FALSE(r.ok()) << pat;
    const std::string& m = r.error().message;
    EXPECT_EQ(m.rfind("dir/profile.json: files[1].path: ", 0), 0u) << m;
    EXPECT_NE(m.find("must not widen"), std::string::npos) << m;
  }
  // Reading widely, or writing below a system directory, stays allowed.
  for (const char* ok : {R"([{"path":"/**","access":["read"]}])", R"([{"path":"/tmp/*","access":["write"]}])",
                         R"([{"path":"/var/tmp/*","access":["create"]}])", R"([{"path":"/etc/x","access":["write"]}])"}) {
    auto r = from_files(ok);
    EXPECT_TRUE(r.ok()) << ok << ": " << r.error().message;
  }
}

TEST(TrustProfileJson, BadPatternIsReportedAgainstProfileJson) {
  auto r = from_files(R"([{"path":"/a/[x]","access":["read"]}])");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("dir/profile.json: files[0].path: path pattern '/a/[x]'", 0), 0u)
      << r.error().message;
}

TEST(TrustProfileJson, DuplicateKeysAreRefused) {
  struct Case {
    std::string text, where, key;
  };
  const std::string head = R"({"schema":1,"syscalls":{},)";
  std::vector<Case> cases = {
      {head + R"("name":"a","name":"b"})", "dir/profile.json: profile: ", "name"},
      {head + R"("name":"a","files":[{"path":"/a","access":["read"]},{"path":"/b","path":"/etc/shadow","access":["read"]}]})",
       "dir/profile.json: files[1]: ", "path"},
      {head + R"("name":"a","network":{"ports":[{"kind":"bind","protocol":"tcp","port":1,"port":2}]}})",
       "dir/profile.json: network.ports[0]: ", "port"},
      {head + R"("name":"a","files":[],"files":[{"path":"/a","access":["write"]}]})", "dir/profile.json: profile: ",
       "files"},
      {R"({"schema":1,"name":"a","syscalls":{"x86_64":["read"],"x86_64":["write"]}})", "dir/profile.json: syscalls: ",
       "x86_64"},
  };
  for (const auto& c : cases) {
    auto r = profile_from_json(c.text, "dir/profile.json");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().message, c.where + "duplicate key '" + c.key + "' (each key may appear once)") << c.text;
  }
}

TEST(TrustProfileJson, HostileValuesAreQuotedOnOneLine) {
  auto r = from_files(R"([{"path":"/a","access":["x\ny\u0001\\"]}])");
  ASSERT_FALSE(r.ok());
  const std::string& m = r.error().message;
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  EXPECT_EQ(m.find('\x01'), std::string::npos) << m;
  EXPECT_NE(m.find(R"('x\x0ay\x01\\')"), std::string::npos) << m;

  std::string long_key(5000, 'k');
  auto l = profile_from_json(R"({"schema":1,"name":"a","syscalls":{},")" + long_key + R"(":1})", "p.json");
  ASSERT_FALSE(l.ok());
  EXPECT_LT(l.error().message.size(), 400u) << l.error().message.substr(0, 400);
  EXPECT_NE(l.error().message.find("... (5000 bytes)"), std::string::npos) << l.error().message.substr(0, 400);

  // A byte that is not UTF-8 makes the JSON invalid; the message must still
  // be printable text.
  auto u = profile_from_json("{\"schema\":1,\"name\":\"\xff\x1b[31m\",\"syscalls\":{}}", "p.json");
  ASSERT_FALSE(u.ok());
  for (char ch : u.error().message) {
    auto b = static_cast<unsigned char>(ch);
    EXPECT_TRUE(b >= 0x20 && b < 0x7f) << u.error().message;
  }
}

TEST(TrustGeneralise, NoGeneratedWriteWildcardOnRootOrSystemDirectories) {
  Observations obs;
  obs.add_file("/tmpab12_xyz", kAccessCreate | kAccessWrite);  // a Python temp name, in /
  obs.add_file("/etc/tmpab12_xyz", kAccessCreate | kAccessWrite);
  for (int i = 0; i < 10; ++i) obs.add_file("/etc/f" + std::to_string(i), kAccessCreate | kAccessWrite);
  Profile p = profile_of(obs);
  for (const auto& [pat, acc] : p.files) {
    auto c = parse_pattern(pat);
    ASSERT_TRUE(c.ok());
    EXPECT_TRUE(pattern_is_literal(*c)) << pat;
  }
  EXPECT_EQ(p.files.count("/tmpab12_xyz"), 1u);
  // Generated profiles always load again.
  auto back = profile_from_json(profile_to_json(p), "profile.json");
  EXPECT_TRUE(back.ok()) << back.error().message;
}

}  // namespace
}  // namespace profile

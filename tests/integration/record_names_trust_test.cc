// A workload that creates files with hostile names (control bytes, bytes
// that are not UTF-8, glob and AppArmor metacharacters, a trailing
// backslash, 255 bytes) is recorded by both recorders: the recording
// succeeds, every name is one exact rule, nothing is widened to its
// directory, and the generated AppArmor and Landlock files load.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <map>
#include <string>
#include <vector>

#include "profilegen/files.h"
#include "profilegen/profile.h"
#include "runner/landlock.h"
#include "recording_helpers.h"
#include "test_util.h"

namespace profile {
namespace {

Result<FlatPattern> parse_pattern(const std::string& pattern) {
  FlatPattern f;
  PROFILE_TRY(parse_path_pattern(pattern, &f));
  return f;
}

using test::helper;
using test::run;

// The names tn_names creates, in the same order (name i goes to g<i % 4>).
std::vector<std::string> created_names() {
  std::vector<std::string> v = {"end\\", "q\"uote", "sp ace", "{", "}", "[", "]", "*", "?", "^", ",", "#",
                                "new\nline", "\x01", "\xff", "\\x41", "@{pid}", "tab\tx", "\x7f\xc3\x28"};
  v.push_back(std::string(254, 'L') + "\xfe");
  return v;
}

bool under(const std::string& path, const std::string& dir) {
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

void record_hostile_names(const std::string& tracer) {
  PROFILE_NEEDS_ROOT();
  test::BuildTempDir work("names-test");
  ASSERT_FALSE(work.path().empty());
  const std::string d = work / "D";
  for (const char* g : {"", "/g0", "/g1", "/g2", "/g3"}) ASSERT_EQ(run({"mkdir", "-p", d + g}).exit_code, 0);
  const std::string out = work / "prof";
  auto r = test::record_with(tracer, out, {helper("tn_names"), d});
  if (tracer == "ebpf" && r.exit_code == 125 && r.err.find("eBPF") != std::string::npos) {
    if (test::require_privileged()) FAIL() << "the eBPF recorder does not load, and CI requires it: " << r.err;
    GTEST_SKIP() << "the eBPF recorder cannot load on this kernel: " << r.err;
  }
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "tn_names ok\n");

  auto p = profile_from_json(test::read_file(out + "/profile.json"), out + "/profile.json");
  ASSERT_TRUE(p.ok()) << p.error().message;
  // Exact path -> access, for the rules under D; every one must be literal.
  std::map<std::string, std::set<std::string>> exact;
  for (const auto& [pat, acc] : p->files) {
    auto c = parse_pattern(pat);
    ASSERT_TRUE(c.ok()) << c.error().message;
    std::string prefix = fixed_prefix(*c);
    if (!under(prefix, d) && !under(d, prefix)) continue;
    EXPECT_TRUE(pattern_is_literal(*c)) << "widened: " << pat;
    if (pattern_is_literal(*c)) exact[prefix] = acc;
  }
  for (const char* dir : {"", "/g0", "/g1", "/g2", "/g3"}) {
    auto it = exact.find(d + dir);
    if (it == exact.end()) continue;
    for (const char* a : {"write", "create", "append", "delete"})
      EXPECT_EQ(it->second.count(a), 0u) << "rule on the directory " << d + dir << " grants " << a;
  }
  auto names = created_names();
  for (size_t i = 0; i < names.size(); ++i) {
    std::string path = d + "/g" + std::to_string(i % 4) + "/" + names[i];
    auto it = exact.find(path);
    ASSERT_NE(it, exact.end()) << "no exact rule for " << quote_value(path) << "\n"
                               << test::read_file(out + "/profile.json");
    EXPECT_EQ(it->second.count("create"), 1u) << quote_value(path);
  }

  auto aa = run({"apparmor_parser", "-Q", "-K", out + "/apparmor.profile"}, 60);
  ASSERT_NE(aa.exit_code, 127) << "apparmor_parser not found: install the package apparmor";
  EXPECT_EQ(aa.exit_code, 0) << aa.err << "\n" << test::read_file(out + "/apparmor.profile");
  auto ll = parse_landlock_json(test::read_file(out + "/landlock.json"), "landlock.json");
  EXPECT_TRUE(ll.ok()) << ll.error().message;
}

TEST(RecordNamesTrust, PtraceRecordsHostileNamesExactly) { record_hostile_names("ptrace"); }
TEST(RecordNamesTrust, EbpfRecordsHostileNamesExactly) { record_hostile_names("ebpf"); }

}  // namespace
}  // namespace profile

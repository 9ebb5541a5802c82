// profile.json and landlock.json read through the one strict JSON helper
// (core/json_read.h), and capability evidence through its one name table.
#include <gtest/gtest.h>

#include <string>

#include "core/observations.h"
#include "profilegen/profile.h"
#include "runner/landlock.h"

namespace profile {
namespace {

Profile with_cap(const CapEvidence& ev) {
  Profile p;
  p.name = "caps";
  p.syscalls["x86_64"] = {"read"};
  p.capabilities["NET_ADMIN"] = ev;
  return p;
}

// A capability whose evidence nobody set is one added by hand: it is
// written as "manual" and reads back, never as an evidence the reader
// refuses.
TEST(StrictReaders, CapabilityWithoutEvidenceRoundTrips) {
  Profile p = with_cap(CapEvidence{});
  std::string text = profile_to_json(p);
  EXPECT_NE(text.find("\"evidence\": \"manual\""), std::string::npos) << text;
  auto back = profile_from_json(text, "p.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, p);
}

TEST(StrictReaders, EveryEvidenceNameReadsAndWritesAsItself) {
  for (const auto& [kind, name] : kCapEvidenceNames) {
    Profile p = with_cap(CapEvidence{kind, "why"});
    std::string text = profile_to_json(p);
    EXPECT_NE(text.find(std::string("\"evidence\": \"") + name + "\""), std::string::npos) << name;
    auto back = profile_from_json(text, "p.json");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->capabilities.at("NET_ADMIN").kind, kind) << name;
    EXPECT_EQ(cap_evidence_from_name(name), kind);
    EXPECT_STREQ(cap_evidence_name(kind), name);
  }
  EXPECT_FALSE(cap_evidence_from_name("").has_value());
  EXPECT_FALSE(cap_evidence_from_name("Observed").has_value());
  auto bad = profile_from_json(R"({"schema":1,"name":"a","syscalls":{},"capabilities":[{"name":"CHOWN","evidence":"guessed"}]})",
                               "p.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "p.json: capabilities[0].evidence: unknown evidence 'guessed'");
  auto absent = profile_from_json(R"({"schema":1,"name":"a","syscalls":{},"capabilities":[{"name":"CHOWN"}]})", "p.json");
  ASSERT_TRUE(absent.ok()) << absent.error().message;
  EXPECT_EQ(absent->capabilities.at("CHOWN").kind, CapEvidenceKind::kManual);
}

// Keys and names in landlock.json come from whoever wrote the file: a
// message quoting them cannot carry a terminal escape sequence.
TEST(StrictReaders, LandlockMessagesArePrintable) {
  const std::string head = R"({"schema":1,"abi":6,"handled_access_fs":["read_file"],)";
  struct Case {
    std::string text, message;
  } cases[] = {
      {head + "\"\\u001b[2J\":1}", "ll.json: landlock: unknown key '\\x1b[2J'"},
      {head + R"("path_beneath":[{"path":"/etc","access":["read_file"],"x\u0007":1}]})",
       "ll.json: path_beneath[0]: unknown key 'x\\x07'"},
      {head + R"("path_beneath":[{"path":"/etc","access":["fly\r"]}]})",
       "ll.json: path_beneath[0].access: unknown right 'fly\\x0d'"},
      // Ordinary input keeps its message byte for byte, backslashes too.
      {head + R"("path_pattern":[{"pattern":"/a\\*/*/b","access":["read_file"]}]})",
       "ll.json: path_pattern[0].pattern: '/a\\*/*/b' is not a one-level pattern (only '*' in its last component)"},
      {head + R"("bogus":1})", "ll.json: landlock: unknown key 'bogus'"},
  };
  for (const auto& c : cases) {
    auto r = parse_landlock_json(c.text, "ll.json");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().message, c.message) << c.text;
  }
}

}  // namespace
}  // namespace profile

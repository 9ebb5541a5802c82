// The widenings list of profile.json: what the generator granted beyond the
// recording, each with a kind, a reason and its evidence.
#include <gtest/gtest.h>

#include "profilegen/profile.h"
#include "profilegen/summary.h"

namespace profile {
namespace {

Profile minimal() {
  Profile p;
  p.name = "w";
  p.syscalls["x86_64"] = {"read", "readlink", "readlinkat"};
  return p;
}

TEST(Widenings, RoundTripKeepsKindRuleReasonAndExactEvidence) {
  Profile p = minimal();
  add_widening(&p, "syscall-family", "syscall x86_64 readlinkat", "readlink was recorded", {"readlink"});
  add_widening(&p, "collapse", "/srv/www/*", "8 files read", {"/srv/www/a\x01.html", "/srv/www/\xff"});
  std::string text = profile_to_json(p);
  EXPECT_NE(text.find("\"widenings\""), std::string::npos);
  EXPECT_NE(text.find("/srv/www/a\\\\x01.html"), std::string::npos) << text;
  auto back = profile_from_json(text, "profile.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, p);
  EXPECT_EQ(profile_to_json(*back), text);
}

TEST(Widenings, AbsentWhenNothingWasWidened) {
  EXPECT_EQ(profile_to_json(minimal()).find("widenings"), std::string::npos);
}

TEST(Widenings, EvidenceIsBoundedAndMergedWithoutRepeats) {
  Profile p = minimal();
  std::vector<std::string> ev;
  for (int i = 0; i < 20; ++i) ev.push_back("/d/f" + std::to_string(i));
  add_widening(&p, "collapse", "/d/*", "many files", ev);
  add_widening(&p, "collapse", "/d/*", "other reason", {"/d/f0", "/d/g"});
  ASSERT_EQ(p.widenings.size(), 1u);
  EXPECT_EQ(p.widenings.begin()->evidence.size(), kMaxWideningEvidence);
  EXPECT_EQ(p.widenings.begin()->reason, "many files");
}

TEST(Widenings, MergeIsAUnion) {
  Profile a = minimal(), b = minimal();
  add_widening(&a, "timing", "syscall x86_64 futex", "threads", {"clone"});
  add_widening(&b, "timing", "syscall x86_64 futex", "threads", {"clone3"});
  add_widening(&b, "collapse", "/d/*", "many", {"/d/a"});
  Profile m = merge_profiles(a, b);
  ASSERT_EQ(m.widenings.size(), 2u);
  EXPECT_EQ(m.widenings.begin()->kind, "collapse");
  EXPECT_EQ(std::prev(m.widenings.end())->evidence, (std::vector<std::string>{"clone", "clone3"}));
}

std::string with_widenings(const std::string& list) {
  return R"({"schema": 1, "name": "w", "syscalls": {"x86_64": ["read"]}, "widenings": )" + list + "}";
}

TEST(Widenings, ReaderRefusesUnknownKindsKeysRepeatsAndLongEvidence) {
  auto bad_kind = profile_from_json(with_widenings(R"([{"kind": "because", "rule": "/x", "reason": "r"}])"), "p.json");
  ASSERT_FALSE(bad_kind.ok());
  EXPECT_NE(bad_kind.error().message.find("unknown widening kind 'because'"), std::string::npos)
      << bad_kind.error().message;
  auto bad_key = profile_from_json(
      with_widenings(R"([{"kind": "collapse", "rule": "/x", "reason": "r", "extra": 1}])"), "p.json");
  ASSERT_FALSE(bad_key.ok());
  EXPECT_NE(bad_key.error().message.find("extra"), std::string::npos) << bad_key.error().message;
  auto no_reason = profile_from_json(with_widenings(R"([{"kind": "collapse", "rule": "/x"}])"), "p.json");
  ASSERT_FALSE(no_reason.ok());
  EXPECT_NE(no_reason.error().message.find("reason"), std::string::npos) << no_reason.error().message;
  auto repeat = profile_from_json(with_widenings(R"([{"kind": "collapse", "rule": "/x", "reason": "r"},
                                                    {"kind": "collapse", "rule": "/x", "reason": "s"}])"),
                                  "p.json");
  ASSERT_FALSE(repeat.ok());
  EXPECT_NE(repeat.error().message.find("widenings[1]"), std::string::npos) << repeat.error().message;
  std::string nine = "[";
  for (int i = 0; i < 9; ++i) nine += std::string(i ? "," : "") + "\"/e" + std::to_string(i) + "\"";
  nine += "]";
  auto long_ev = profile_from_json(
      with_widenings(R"([{"kind": "collapse", "rule": "/x", "reason": "r", "evidence": )" + nine + "}]"), "p.json");
  ASSERT_FALSE(long_ev.ok());
  EXPECT_NE(long_ev.error().message.find("more than 8"), std::string::npos) << long_ev.error().message;
}

TEST(Widenings, SummaryListsEachWithItsReason) {
  Profile p = minimal();
  add_widening(&p, "syscall-family", "syscall x86_64 readlinkat", "readlink was recorded", {"readlink"});
  std::string s = summarize(p);
  EXPECT_NE(s.find("widened beyond the recording (1)"), std::string::npos) << s;
  EXPECT_NE(s.find("syscall-family: syscall x86_64 readlinkat (readlink was recorded)"), std::string::npos) << s;
}

}  // namespace
}  // namespace profile

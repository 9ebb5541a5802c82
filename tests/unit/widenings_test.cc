// The widenings list of profile.json: what the generator granted beyond the
// recording, each with a kind, a reason and its evidence.
#include <algorithm>

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
  a.syscalls["x86_64"].insert("futex");
  b.files["/d/*"] = {"read"};
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

TEST(Widenings, SummaryGroupsThemPerKindWithACountAndExamples) {
  Profile p = minimal();
  for (int i = 0; i < 25; ++i)
    add_widening(&p, "content-tree", "/usr/share/t" + std::to_string(100 + i) + "/**",
                 std::string(300, 'r') + " a long reason that stays in profile.json", {"/usr/share/x"});
  add_widening(&p, "syscall-family", "syscall x86_64 readlinkat", "readlink was recorded", {"readlink"});
  add_widening(&p, "data-tree", "/srv/w/**", "the working directory", {"/srv/w/a"});
  std::string s = summarize(p);
  EXPECT_NE(s.find("widened beyond the recording (27;"), std::string::npos) << s;
  EXPECT_NE(s.find("    content-tree (25): /usr/share/t100/**, /usr/share/t101/**, /usr/share/t102/**, +22 more\n"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("    syscall-family (1): readlinkat (x86_64)\n"), std::string::npos) << s;
  EXPECT_NE(s.find("    data-tree (1): /srv/w/**\n"), std::string::npos) << s;
  // One line per kind: the reasons and the other rules stay in profile.json.
  EXPECT_EQ(s.find("a long reason"), std::string::npos) << s;
  EXPECT_EQ(s.find("/usr/share/t103"), std::string::npos) << s;
  std::string plain = summarize(minimal());
  EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), std::count(plain.begin(), plain.end(), '\n') + 4) << s;
}

TEST(Widenings, AppendedProfileListsExactlyTheWideningsOfItsRules) {
  // The first recording widened readlinkat and folded four headers into a
  // content tree; the appended one observed readlinkat itself and derived
  // the tree again from seven headers.
  Profile first = minimal(), next = minimal();
  first.syscalls["x86_64"].insert("readlinkat");
  add_widening(&first, "syscall-family", "syscall x86_64 readlinkat", "readlink was recorded", {"readlink"});
  first.files["/usr/include/**"] = {"list", "read"};
  add_widening(&first, "content-tree", "/usr/include/**", "4 files of /usr/include were read", {"/usr/include/a.h"});
  // A widening whose rule the profile no longer holds (removed by hand).
  add_widening(&first, "collapse", "/gone/*", "8 files", {"/gone/a"});
  next.syscalls["x86_64"].insert("readlinkat");
  next.files["/usr/include/**"] = {"list", "read"};
  add_widening(&next, "content-tree", "/usr/include/**", "7 files of /usr/include were read", {"/usr/include/b.h"});
  for (const Profile& m : {merge_profiles(first, next), merge_profiles(next, first)}) {
    ASSERT_EQ(m.widenings.size(), 1u);
    const Widening& w = *m.widenings.begin();
    EXPECT_EQ(w.kind, "content-tree");
    EXPECT_EQ(w.rule, "/usr/include/**");
    EXPECT_EQ(w.evidence.size(), 2u);
  }
  // The newer recording's reason describes the rule as now derived.
  EXPECT_EQ(merge_profiles(first, next).widenings.begin()->reason, "7 files of /usr/include were read");
  // Still a widening where the other side did not observe all of it.
  Profile partial = minimal();
  partial.files["/srv/d/dump.rdb"] = {"create"};
  Profile own = minimal();
  own.files["/srv/d/dump.rdb"] = {"create", "delete", "read", "write"};
  add_widening(&own, "created-tree", "/srv/d/dump.rdb", "created", {"/srv/d/dump.rdb (create)"});
  EXPECT_EQ(merge_profiles(partial, own).widenings.size(), 1u);
  EXPECT_EQ(merge_profiles(own, partial).widenings.size(), 1u);
}

}  // namespace
}  // namespace profile

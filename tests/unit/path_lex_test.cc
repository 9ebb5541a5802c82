// The one lexical path normaliser (core/path_lex.h) and its users: the
// recorders' joining of a task's names (tracer/path_join.h) and the
// runner's bind checks (runner/mounts.h).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/path_lex.h"
#include "runner/mounts.h"
#include "test_util.h"
#include "tracer/path_join.h"

namespace profile {
namespace {

std::vector<std::string> components(std::string_view s) {
  std::vector<std::string> out;
  for_each_path_component(s, [&out](std::string_view c) {
    out.emplace_back(c);
    return true;
  });
  return out;
}

TEST(PathLex, ComponentsSkipEmptyOnes) {
  EXPECT_EQ(components("//a///b/"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(components("a/./.."), (std::vector<std::string>{"a", ".", ".."}));
  EXPECT_TRUE(components("///").empty());
  EXPECT_TRUE(components("").empty());
}

TEST(PathLex, LexicalNormalise) {
  EXPECT_EQ(lexical_normalise("/a/./b//c/"), "/a/b/c");
  EXPECT_EQ(lexical_normalise("/a/b/../c"), "/a/c");
  EXPECT_EQ(lexical_normalise("/../../x"), "/x");
  EXPECT_EQ(lexical_normalise("/a/.."), "/");
  EXPECT_EQ(lexical_normalise("/"), "/");
  EXPECT_EQ(lexical_normalise(""), "/");
  EXPECT_EQ(lexical_normalise("rel/x/../y"), "/rel/y");
  // Bytes other than '/' are names, whatever they are.
  EXPECT_EQ(lexical_normalise(std::string("/a\n/\xff/...", 9)), std::string("/a\n/\xff/...", 9));
}

TEST(PathLex, UntrustedNamesStopAtDotDot) {
  LexPath p;
  p.parts = {"w"};
  p.resolved = 1;
  EXPECT_EQ(lex_walk(&p, "../x/y", false), LexWalk::kOk);
  EXPECT_EQ(lex_join(p.parts), "/x/y");
  // "y" came from the name: it may be a symbolic link, so ".." after it is unknown.
  EXPECT_EQ(lex_walk(&p, "..", false), LexWalk::kDotDotAfterName);
  // The lexical reading removes it.
  LexPath q;
  q.parts = {"x", "y"};
  EXPECT_EQ(lex_walk(&q, "..", true), LexWalk::kOk);
  EXPECT_EQ(lex_join(q.parts), "/x");
}

TEST(PathLex, FloorIsNeverClimbed) {
  LexPath p;
  p.parts = {"root", "w"};
  p.floor = 1;
  p.resolved = 2;
  EXPECT_EQ(lex_walk(&p, "../../../../etc", false), LexWalk::kOk);
  EXPECT_EQ(lex_join(p.parts), "/root/etc");
}

// The bound is on the walk, not the result: a path that is long on the way
// is refused even when later ".." shorten it, so a caller's limit cannot be
// dodged by padding.
TEST(PathLex, MaxPartsBoundsTheWalk) {
  LexPath p;
  EXPECT_EQ(lex_walk(&p, "/a/b/c", true, 3), LexWalk::kOk);
  LexPath q;
  EXPECT_EQ(lex_walk(&q, "/a/b/c/d/../..", true, 3), LexWalk::kTooLong);
}

// The recorders and the lexical reading agree wherever no ".." follows a
// name taken from the string.
TEST(PathLex, RecorderJoinAgreesWithLexicalReading) {
  for (const char* name : {"/a/./b//c/", "/../x", "/", "/a\x01/b", "//", "/.//./a"}) {
    std::string joined;
    ASSERT_EQ(join_resolved("/", "", name, &joined), PathJoin::kOk) << name;
    EXPECT_EQ(joined, lexical_normalise(name)) << name;
  }
  std::string joined;
  ASSERT_EQ(join_resolved("/", "/s/w/a", "../../b/./c", &joined), PathJoin::kOk);
  EXPECT_EQ(joined, lexical_normalise("/s/w/a/../../b/./c"));
}

// A bind source is accepted when its lexical reading is where it really
// leads, and refused when a symbolic link made the two differ.
TEST(PathLex, BindSourceDotDotThroughALinkIsRefused) {
  test::TempDir d;
  ASSERT_EQ(mkdir((d / "sub").c_str(), 0755), 0);
  ASSERT_EQ(mkdir((d / "sub/deeper").c_str(), 0755), 0);
  ASSERT_EQ(symlink((d / "sub/deeper").c_str(), (d / "link").c_str()), 0);
  auto ok = parse_bind(d / "sub/deeper/..:/data", true);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->src, d / "sub");
  auto via_link = parse_bind(d / "link/..:/data", true);
  ASSERT_FALSE(via_link);
  EXPECT_NE(via_link.error().message.find("symbolic link"), std::string::npos) << via_link.error().message;
  auto dst = parse_bind(d / "sub:/a/./b//", true);
  ASSERT_TRUE(dst) << dst.error().message;
  EXPECT_EQ(dst->dst, "/a/b");
  auto up = parse_bind(d / "sub:/a/b/../../etc", true);
  ASSERT_FALSE(up);
  EXPECT_NE(up.error().message.find("contains '..'"), std::string::npos) << up.error().message;
}

}  // namespace
}  // namespace profile

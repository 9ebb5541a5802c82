// The strict JSON reading helper and the readers built on it.
#include "core/json_read.h"

#include <gtest/gtest.h>

#include <string>

#include "runner/landlock.h"

namespace profile {
namespace {

TEST(JsonRead, RepeatedKeyNamesItsObjectPath) {
  auto top = parse_json_strict(R"({"a":1,"a":2})", "root");
  EXPECT_FALSE(top.ok);
  ASSERT_TRUE(top.duplicate_at.has_value());
  EXPECT_EQ(*top.duplicate_at, "root");
  EXPECT_EQ(top.duplicate_key, "a");

  auto nested = parse_json_strict(R"({"x":[{"k":1},[0,{"y":{"b":1,"c":2,"b":3}}]]})", "");
  EXPECT_FALSE(nested.ok);
  ASSERT_TRUE(nested.duplicate_at.has_value());
  EXPECT_EQ(*nested.duplicate_at, "x[1][1].y");
  EXPECT_EQ(nested.duplicate_key, "b");

  // The same key in sibling objects is no repeat.
  auto siblings = parse_json_strict(R"({"x":[{"k":1},{"k":2}],"y":{"k":3}})", "");
  EXPECT_TRUE(siblings.ok);
  EXPECT_FALSE(siblings.duplicate_at.has_value());
  EXPECT_EQ(siblings.value["x"][1]["k"], 2);
}

TEST(JsonRead, SyntaxErrorKeepsTheLibraryMessage) {
  auto r = parse_json_strict("{not json", "root");
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.duplicate_at.has_value());
  EXPECT_EQ(r.syntax_error.rfind("[json.exception.parse_error.101] parse error at line 1", 0), 0u) << r.syntax_error;
  EXPECT_EQ(strip_json_exception_prefix(r.syntax_error).rfind("parse error at line 1", 0), 0u);
}

TEST(JsonRead, NestingAndUnknownKeys) {
  EXPECT_FALSE(json_nesting_error("[[[]]]", 3).has_value());
  auto deep = json_nesting_error("[[[[]]]]", 3);
  ASSERT_TRUE(deep.has_value());
  EXPECT_EQ(*deep, "JSON nested deeper than 3 levels");
  // Brackets inside strings do not count.
  EXPECT_FALSE(json_nesting_error(R"(["[[[[\"[["])", 1).has_value());

  auto obj = nlohmann::json::parse(R"({"a":1,"b":2,"zz":3})");
  EXPECT_FALSE(first_unknown_key(obj, {"a", "b", "zz"}).has_value());
  EXPECT_EQ(first_unknown_key(obj, {"a", "b"}).value_or(""), "zz");
}

TEST(JsonRead, LandlockRefusesRepeatedKeys) {
  const std::string head = R"({"schema":1,"abi":6,"handled_access_fs":["read_file"],)";
  auto r = parse_landlock_json(
      head + R"("path_beneath":[{"path":"/etc","access":["read_file"],"path":"/"}]})", "ll.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "ll.json: path_beneath[0]: duplicate key 'path' (each key may appear once)");
  r = parse_landlock_json(head + R"("abi":1,"path_beneath":[]})", "ll.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "ll.json: landlock: duplicate key 'abi' (each key may appear once)");
}

}  // namespace
}  // namespace profile

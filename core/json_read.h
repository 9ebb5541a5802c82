// Strict JSON reading shared by the readers of hand-editable files
// (profile.json, seccomp.json, landlock.json): a repeated key is refused instead of
// silently keeping the last value, unknown keys can be listed, and nesting
// can be bounded before the JSON library sees the text. Each reader formats
// its own messages from what these functions report.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace profile {

struct StrictJson {
  nlohmann::json value;
  bool ok = false;
  // Set when a key repeats in one object: the JSON path of that object
  // and the key.
  std::optional<std::string> duplicate_at;
  std::string duplicate_key;
  // Set on a syntax error: the JSON library's message, unchanged.
  std::string syntax_error;
};

// Parses `text`, refusing repeated keys. duplicate_at is `root` for the top
// level, else a path like "a.b[2].c" (without `root`). Never throws.
StrictJson parse_json_strict(const std::string& text, const std::string& root);

// "JSON nested deeper than N levels" when `text` opens more than
// `max_depth` arrays/objects at once, so a hostile "[[[[..." is refused
// before any recursive code sees it.
std::optional<std::string> json_nesting_error(const std::string& text, int max_depth);

// The first key of `obj` (an object) not in `allowed`.
std::optional<std::string> first_unknown_key(const nlohmann::json& obj,
                                             std::initializer_list<const char*> allowed);

// nlohmann's "[json.exception.parse_error.101] parse error at ..." without
// the bracketed prefix.
std::string strip_json_exception_prefix(const std::string& what);

}  // namespace profile

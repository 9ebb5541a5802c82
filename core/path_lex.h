// Lexical path handling: a path split into its components, with "." and
// ".." applied as text. One implementation for every place that normalises
// a path without asking the kernel: the recorders joining a task's name
// onto the directory it was resolved from (tracer/path_join.h) and the
// runner checking that a bind source names no symbolic link.
//
// Text cannot tell which components are symbolic links, and "L/.." is not
// "." when L is one. So a ".." is applied to a component only when the
// caller knows that component is a directory (the kernel resolved it, or
// the caller checks the result against the kernel's answer afterwards).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace profile {

// Calls fn(component) for each non-empty component of `s` in order ("//"
// and a trailing "/" yield nothing); stops early when fn returns false.
template <class Fn>
void for_each_path_component(std::string_view s, Fn fn) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == '/') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != '/') ++j;
    if (j > i && !fn(s.substr(i, j - i))) return;
    i = j;
  }
}

// A path under construction, as components that point into the strings
// they were taken from.
struct LexPath {
  std::vector<std::string_view> parts;
  size_t floor = 0;     // a ".." never removes parts[0, floor) (the root)
  size_t resolved = 0;  // parts[0, resolved) are known directories
};

enum class LexWalk {
  kOk,
  kDotDotAfterName,  // a ".." follows a component of `name` the caller did not trust
  kTooLong,          // more than max_parts components at some point
};

// Appends the components of `name` to `path`: "." is dropped, ".." removes
// the last part down to path->floor. A ".." after a component taken from
// `name` removes it only when `trust_names` (the purely lexical reading);
// otherwise the walk stops with kDotDotAfterName.
LexWalk lex_walk(LexPath* path, std::string_view name, bool trust_names, size_t max_parts = SIZE_MAX);

// "/a/b" for {"a", "b"}; "/" for no parts.
std::string lex_join(std::span<const std::string_view> parts);

// What `path` names if none of its components is a symbolic link: absolute,
// without ".", ".." or "//"; ".." at the top stays at "/". A relative path
// is taken from "/".
std::string lexical_normalise(std::string_view path);

}  // namespace profile

#include "core/path_lex.h"

namespace profile {

LexWalk lex_walk(LexPath* path, std::string_view name, bool trust_names, size_t max_parts) {
  auto& parts = path->parts;
  LexWalk result = LexWalk::kOk;
  for_each_path_component(name, [&](std::string_view c) {
    if (c == ".") return true;
    if (c == "..") {
      if (parts.size() > path->resolved && !trust_names) {
        result = LexWalk::kDotDotAfterName;
        return false;
      }
      if (parts.size() > path->floor) parts.pop_back();
      if (path->resolved > parts.size()) path->resolved = parts.size();
      return true;
    }
    parts.push_back(c);
    if (parts.size() > max_parts) {
      result = LexWalk::kTooLong;
      return false;
    }
    return true;
  });
  return result;
}

std::string lex_join(std::span<const std::string_view> parts) {
  size_t n = 0;
  for (auto c : parts) n += 1 + c.size();
  std::string out;
  out.reserve(n == 0 ? 1 : n);
  for (auto c : parts) {
    out.push_back('/');
    out.append(c);
  }
  if (out.empty()) out.push_back('/');
  return out;
}

std::string lexical_normalise(std::string_view path) {
  LexPath p;
  lex_walk(&p, path, true);
  return lex_join(p.parts);
}

}  // namespace profile

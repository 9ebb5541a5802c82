// The path pattern syntax of profile.json: parsing, escaping, prefixes.
#include "core/path_pattern.h"

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace profile {

namespace {

// Literal text in a pattern: its metacharacters as "\\c" (the escape
// parse_path_pattern reads back).
constexpr ByteEscaping kPatternBytes{true, "*?[]{},^\"@\\", ""};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void append_pattern_escaped(std::string* out, std::string_view s) { kPatternBytes.append(out, s); }

std::string escape_path_bytes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  kExactBytes.append(&out, s);
  return out;
}

Result<std::string> unescape_path_bytes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 1 < s.size() && s[i + 1] == '\\') {
      out.push_back('\\');
      ++i;
      continue;
    }
    int hi = i + 2 < s.size() && s[i + 1] == 'x' ? hex_value(s[i + 2]) : -1;
    int lo = i + 3 < s.size() && s[i + 1] == 'x' ? hex_value(s[i + 3]) : -1;
    if (hi < 0 || lo < 0 || hi * 16 + lo == 0)
      return make_error("path " + quote_value(s) + ": a backslash must start '\\\\' or '\\xHH' (a byte other than 0)");
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 3;
  }
  return out;
}

bool write_widening_root(std::string_view dir) {
  static const char* const kRoots[] = {"/",     "/bin",  "/boot", "/dev", "/etc",  "/home", "/lib",
                                       "/lib32", "/lib64", "/libx32", "/opt", "/root", "/sbin", "/srv",
                                       "/sys",  "/usr",  "/var"};
  for (const char* r : kRoots)
    if (dir == r) return true;
  return false;
}

Status check_pattern_scope(const FlatPattern& p, uint32_t bits) {
  if (!(bits & kWideningWriteBits) || pattern_is_literal(p)) return {};
  std::string prefix = fixed_prefix(p);
  if (!write_widening_root(prefix)) return {};
  return make_error("a pattern that writes must not widen to " + quote_value(prefix) +
                    " (Landlock would grant the write on everything beneath it); name the files, or a "
                    "directory below it");
}

std::string escape_pattern_literal(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  append_pattern_escaped(&out, s);
  return out;
}

namespace {

// Characters that stand for themselves in a pattern: everything but '/',
// control bytes, the escape, the wildcards, variables and the AppArmor
// metacharacters we reject.
struct PlainTable {
  bool plain[256];
  constexpr PlainTable() : plain() {
    for (int c = 0x20; c < 0x7f; ++c) plain[c] = true;
    for (int c = 0x80; c < 0x100; ++c) plain[c] = true;
    for (char c : std::string_view("/\\*@?[]{},^\"")) plain[static_cast<unsigned char>(c)] = false;
  }
};
constexpr PlainTable kPlain;
bool plain_char(char c) { return kPlain.plain[static_cast<unsigned char>(c)]; }

}  // namespace

Status parse_path_pattern(const std::string& pattern, FlatPattern* out) {
  auto bad = [&](const std::string& why) { return make_error("path pattern " + quote_value(pattern) + ": " + why); };
  out->parts.clear();
  out->text.clear();
  out->components = 0;
  if (pattern.empty() || pattern[0] != '/') return bad("not absolute");
  if (pattern.size() > kMaxPatternBytes) return bad("longer than 16384 bytes");
  auto& parts = out->parts;
  size_t comp_start = 0;  // index in parts of the current component's first part
  // The literal part being built, if the last part is one still open.
  bool open_lit = false;
  auto lit_part = [&]() -> void {
    if (open_lit) return;
    parts.push_back({PatternPart::kLiteral, out->components, out->text.size(), out->text.size()});
    open_lit = true;
  };
  auto add_part = [&](PatternPart::Kind k) {
    parts.push_back({k, out->components, 0, 0});
    open_lit = false;
  };
  size_t i = 1;
  while (i <= pattern.size()) {
    if (i == pattern.size() || pattern[i] == '/') {
      open_lit = false;
      if (parts.size() == comp_start) {
        if (i != pattern.size()) return bad("empty path component");
      } else {
        if (parts.size() == comp_start + 1 && parts.back().kind == PatternPart::kLiteral) {
          auto t = out->literal(parts.back());
          if (t == "." || t == "..") return bad("'.' and '..' components are not allowed");
        }
        ++out->components;
        comp_start = parts.size();
        if (out->components > kMaxPatternComponents) return bad("too many components");
      }
      ++i;
      continue;
    }
    char c = pattern[i];
    if (plain_char(c)) {
      // Copied a run at a time: most patterns are mostly plain text.
      size_t j = i + 1;
      while (j < pattern.size() && plain_char(pattern[j])) ++j;
      lit_part();
      out->text.append(pattern, i, j - i);
      parts.back().end = out->text.size();
      i = j;
      continue;
    }
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return bad("control character in pattern");
    if (c == '\\') {
      if (i + 1 >= pattern.size()) return bad("trailing backslash");
      char n = pattern[i + 1];
      if (n == '/' || static_cast<unsigned char>(n) < 0x20 || n == 0x7f) return bad("backslash before '/' or a control character");
      size_t len = 2;
      if (n == 'x') {
        int hi = i + 2 < pattern.size() ? hex_value(pattern[i + 2]) : -1;
        int lo = i + 3 < pattern.size() ? hex_value(pattern[i + 3]) : -1;
        if (hi < 0 || lo < 0) return bad("'\\x' must be followed by two hex digits (a byte of the name)");
        n = static_cast<char>(hi * 16 + lo);
        if (n == '\0' || n == '/') return bad("'\\x00' and '\\x2f' cannot be part of a name");
        len = 4;
      }
      lit_part();
      out->text.push_back(n);
      parts.back().end = out->text.size();
      i += len;
      continue;
    }
    if (c == '*') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '*') {
        add_part(PatternPart::kDoubleStar);
        i += 2;
      } else {
        add_part(PatternPart::kStar);
        ++i;
      }
      continue;
    }
    if (c == '@') {
      if (pattern.compare(i, 6, "@{pid}") == 0) {
        add_part(PatternPart::kPid);
        i += 6;
        continue;
      }
      return bad("unknown variable (only @{pid} is supported; escape a literal '@' as '\\@')");
    }
    return bad(std::string("unsupported pattern character '") + c + "' (escape it with '\\')");
  }
  for (size_t k = 0; k < parts.size(); ++k) {
    if (parts[k].kind != PatternPart::kPid) continue;
    bool alone = (k == 0 || parts[k - 1].component != parts[k].component) &&
                 (k + 1 == parts.size() || parts[k + 1].component != parts[k].component);
    if (!alone) return bad("@{pid} must be a whole component");
  }
  return {};
}

bool pattern_is_literal(const FlatPattern& p) {
  return std::all_of(p.parts.begin(), p.parts.end(),
                     [](const FlatPattern::Part& part) { return part.kind == PatternPart::kLiteral; });
}

std::string fixed_prefix(const FlatPattern& p) {
  // Components before the first wildcard; the literal parts of a component
  // with a wildcard stay out.
  size_t stop = p.components;
  for (const auto& part : p.parts)
    if (part.kind != PatternPart::kLiteral) {
      stop = part.component;
      break;
    }
  std::string out;
  size_t comp = SIZE_MAX;
  for (const auto& part : p.parts) {
    if (part.component >= stop) break;
    if (part.component != comp) {
      out += '/';
      comp = part.component;
    }
    out += p.literal(part);
  }
  return out.empty() ? "/" : out;
}

}  // namespace profile

// The byte-escaping functions share one engine (ByteEscaping, core/error.h)
// and keep the spellings they had, each checked here against a
// straightforward reference on every byte, every pair of bytes and a set of
// longer sequences (UTF-8 of every length, broken and overlong forms), with
// truncation where the function cuts.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/path_pattern.h"
#include "tracer/path_join.h"

namespace profile {
namespace {

void hex(std::string* out, unsigned char u) {
  static const char kHex[] = "0123456789abcdef";
  *out += "\\x";
  out->push_back(kHex[u >> 4]);
  out->push_back(kHex[u & 0xf]);
}

// Each reference: one byte or valid UTF-8 sequence at a time.
std::string ref_message(std::string_view m) {
  std::string out;
  for (size_t i = 0; i < m.size();) {
    auto u = static_cast<unsigned char>(m[i]);
    size_t n = utf8_sequence_length(m, i);
    if (u >= 0x20 && u != 0x7f && n > 0) {
      out.append(m.substr(i, n));
      i += n;
    } else {
      hex(&out, u);
      ++i;
    }
  }
  return out;
}

// Returns how many bytes were taken.
size_t ref_exact(std::string_view v, size_t max, std::string* out) {
  size_t i = 0;
  while (i < v.size() && i < max) {
    auto u = static_cast<unsigned char>(v[i]);
    size_t n = utf8_sequence_length(v, i);
    if (u >= 0x80 && n > 0) {
      out->append(v.substr(i, n));
      i += n;
      continue;
    }
    if (u == '\\') *out += "\\\\";
    else if (u < 0x20 || u >= 0x7f) hex(out, u);
    else out->push_back(static_cast<char>(u));
    ++i;
  }
  return i;
}

std::string ref_quote(std::string_view v, size_t max) {
  std::string out = "'";
  size_t i = ref_exact(v, max, &out);
  out += "'";
  if (i < v.size()) out += "... (" + std::to_string(v.size()) + " bytes)";
  return out;
}

std::string ref_pattern(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    auto u = static_cast<unsigned char>(s[i]);
    size_t n = utf8_sequence_length(s, i);
    if (u >= 0x80 && n > 0) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    if (u < 0x20 || u >= 0x7f) hex(&out, u);
    else if (std::string_view("*?[]{},^\"@\\").find(static_cast<char>(u)) != std::string_view::npos) out += std::string("\\") + static_cast<char>(u);
    else out.push_back(static_cast<char>(u));
    ++i;
  }
  return out;
}

std::string ref_ascii(std::string_view s, size_t max) {
  std::string out;
  size_t n = std::min(s.size(), max);
  for (size_t i = 0; i < n; ++i) {
    auto u = static_cast<unsigned char>(s[i]);
    if (u < 0x20 || u >= 0x7f || u == '\\' || u == '"') hex(&out, u);
    else out.push_back(static_cast<char>(u));
  }
  if (n < s.size()) out += "...";
  return out;
}

std::vector<std::string> inputs() {
  std::vector<std::string> out;
  for (int a = 0; a < 256; ++a) {
    out.push_back(std::string(1, static_cast<char>(a)));
    for (int b = 0; b < 256; ++b) out.push_back(std::string{static_cast<char>(a), static_cast<char>(b)});
  }
  for (const char* s : {"caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf", "\xf4\x90\x80\x80",
                        "\xed\xa0\x80", "\xe0\x80\xaf", "\xc0\xaf", "\xe2\x82", "\xf0\x9f\x98", "a\\b\"c'd",
                        "/tmp/st*r@{pid}", "x\x1b[31my\x7f", "\xff\xfe\xc3"})
    out.push_back(s);
  return out;
}

TEST(ByteEscaping, EverySpellingIsAsBefore) {
  for (const auto& s : inputs()) {
    EXPECT_EQ(printable_message(s), ref_message(s)) << ref_ascii(s, 64);
    std::string exact;
    ref_exact(s, std::string::npos, &exact);
    EXPECT_EQ(escape_path_bytes(s), exact) << ref_ascii(s, 64);
    EXPECT_EQ(quote_value(s), ref_quote(s, 200)) << ref_ascii(s, 64);
    EXPECT_EQ(escape_pattern_literal(s), ref_pattern(s)) << ref_ascii(s, 64);
    EXPECT_EQ(escape_for_message(s), ref_ascii(s, 256)) << ref_ascii(s, 64);
  }
}

TEST(ByteEscaping, CutsWhereTheyDidAndKeepASequenceWhole) {
  for (const auto& s : inputs()) {
    for (size_t max : {0, 1, 2, 3}) {
      EXPECT_EQ(quote_value(s, max), ref_quote(s, max)) << ref_ascii(s, 64) << " max " << max;
      EXPECT_EQ(escape_for_message(s, max), ref_ascii(s, max)) << ref_ascii(s, 64) << " max " << max;
    }
  }
  // A UTF-8 sequence that starts before the cut is quoted whole.
  EXPECT_EQ(quote_value("a\xf0\x9f\x98\x80z", 2), "'a\xf0\x9f\x98\x80'... (6 bytes)");
  EXPECT_EQ(escape_for_message("a\xf0\x9f\x98\x80z", 2), "a\\xf0...");
  EXPECT_EQ(printable_message("hint: \\xHH\n"), "hint: \\xHH\\x0a");
  EXPECT_EQ(escape_path_bytes("/a\\b"), "/a\\\\b");
}

}  // namespace
}  // namespace profile

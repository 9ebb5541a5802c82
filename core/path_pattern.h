// File path patterns of profile.json. Pattern syntax (documented in
// docs/policy.md):
//   *        any characters within one path component (never '/'), maybe none
//   **       any characters across components
//   @{pid}   one process or thread id component (/proc/<pid>, /proc/self)
//   \c       the character c itself (escapes * ? [ ] { } , ^ " @ \)
//   \xHH     the byte with hex value HH: how generated patterns spell control
//            bytes and bytes outside valid UTF-8, which JSON cannot hold
// Everything else is literal. Patterns are absolute.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/observations.h"

namespace profile {

// Bounds on hostile input: a path the kernel accepts is at most 4096 bytes,
// and a pattern spells a byte in at most four characters ("\\xff"), so
// any such path has a pattern within kMaxPatternBytes.
inline constexpr size_t kMaxPathBytes = 4096;
inline constexpr size_t kMaxPatternBytes = 4 * kMaxPathBytes;
inline constexpr size_t kMaxPatternComponents = 1024;

// A parsed pattern as one flat list of parts, each tagged with its
// component. The renderers parse tens of thousands of patterns into one
// reused FlatPattern, which keeps its buffers: no allocation per pattern
// (a vector of components, each a vector of parts with its own string, was
// 2.6x-3.6x slower on 100k patterns: docs/benchmarks.md).
struct FlatPattern {
  struct Part {
    enum Kind { kLiteral, kStar, kDoubleStar, kPid };
    Kind kind = kLiteral;
    size_t component = 0;          // 0-based
    size_t begin = 0, end = 0;     // kLiteral: unescaped text in `text`
  };
  std::vector<Part> parts;
  std::string text;  // the unescaped literal text of every part
  size_t components = 0;
  std::string_view literal(const Part& p) const { return std::string_view(text).substr(p.begin, p.end - p.begin); }
};
// The name callers spell a part's kind with (PatternPart::kStar).
using PatternPart = FlatPattern::Part;

// Splits a pattern into components; rejects relative paths, NUL/control
// bytes, unknown @{...} variables and unescaped AppArmor metacharacters we
// do not support, naming the offending pattern.
Status parse_path_pattern(const std::string& pattern, FlatPattern* out);

// Appends `s` in pattern syntax: metacharacters escaped, and every byte that
// JSON or a reviewer cannot take literally (control bytes, bytes outside a
// valid UTF-8 sequence) as \xHH, so the pattern names exactly that byte.
void append_pattern_escaped(std::string* out, std::string_view s);

// Escapes a literal path component so it reads back as itself.
std::string escape_pattern_literal(const std::string& s);

// An exact path as JSON text can hold it (landlock.json): '\' as "\\", and
// control bytes and bytes outside valid UTF-8 as \xHH. unescape_path_bytes
// gives the exact bytes back; any other backslash is an error.
std::string escape_path_bytes(std::string_view s);
Result<std::string> unescape_path_bytes(std::string_view s);

// Accesses that let a workload change what is beneath a directory.
inline constexpr uint32_t kWideningWriteBits =
    kAccessWrite | kAccessAppend | kAccessCreate | kAccessDelete | kAccessChmod | kAccessLink;
// "/" and the top-level system directories, which no pattern that writes
// may widen to (Landlock grants a pattern's rights beneath its fixed prefix).
bool write_widening_root(std::string_view dir);
// Refuses a wildcard pattern with write access whose fixed prefix is such a
// directory, naming it.
Status check_pattern_scope(const FlatPattern& p, uint32_t bits);

// True when the pattern has no wildcard at all (it names one path).
bool pattern_is_literal(const FlatPattern& p);

// The longest directory prefix with no wildcard, unescaped: "/proc" for
// "/proc/@{pid}/status", "/tmp" for "/tmp/tmp*", the path itself for a
// literal. Landlock rules attach to it (Landlock is path-beneath only).
std::string fixed_prefix(const FlatPattern& p);

}  // namespace profile

// Error and Result: failures carry their context up to the CLI boundary,
// where they become one clear message (docs/architecture.md, "Conventions").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace profile {

// Length of the well-formed UTF-8 sequence starting at s[i] (Unicode table
// 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or 0 when
// the byte there starts none. JSON text must be exactly this.
inline size_t utf8_sequence_length(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  unsigned c = at(i);
  if (c < 0x80) return i < s.size() ? 1 : 0;
  auto cont = [&](size_t k, unsigned lo = 0x80, unsigned hi = 0xbf) { return at(k) >= lo && at(k) <= hi; };
  if (c >= 0xc2 && c <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (c == 0xe0) return cont(i + 1, 0xa0) && cont(i + 2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) return cont(i + 1) && cont(i + 2) ? 3 : 0;
  if (c == 0xed) return cont(i + 1, 0x80, 0x9f) && cont(i + 2) ? 3 : 0;
  if (c == 0xf0) return cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c == 0xf4) return cont(i + 1, 0x80, 0x8f) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  return 0;
}

// The escaping of bytes for messages and files. Every spelling shares the
// \xHH form (lower-case hex) and keeps valid UTF-8 text as it is, except
// where noted; they differ on purpose in what else is escaped:
//  - kMessageBytes (printable_message): a whole message, whose own
//    backslashes are text (a hint may spell "\\xHH"); only what a terminal
//    cannot show is escaped.
//  - kExactBytes (quote_value, escape_path_bytes): a value that must read
//    back as exactly its bytes (unescape_path_bytes), so the backslash
//    itself is escaped, as "\\".
//  - the pattern syntax (core/path_pattern.cc): its metacharacters as "\c".
//  - the tracer's unresolved paths in double quotes (tracer/path_join.cc):
//    pure ASCII, so every byte >= 0x80, '\' and '"' are \xHH.
class ByteEscaping {
 public:
  // Control bytes and 0x7f are always \xHH. `keep_utf8`: valid UTF-8
  // sequences are kept (other bytes >= 0x80 are \xHH); else every byte
  // >= 0x80 is \xHH. `backslashed` characters are written as "\c",
  // `hexed` ones as \xHH.
  constexpr ByteEscaping(bool keep_utf8, std::string_view backslashed, std::string_view hexed) : action_() {
    for (int c = 0; c < 0x20; ++c) action_[c] = kHex;
    action_[0x7f] = kHex;
    for (int c = 0x80; c < 0x100; ++c) action_[c] = keep_utf8 ? kUtf8 : kHex;
    for (char c : backslashed) action_[static_cast<unsigned char>(c)] = kBackslash;
    for (char c : hexed) action_[static_cast<unsigned char>(c)] = kHex;
  }

  // Appends the spelling of s[0, max) to `out` (a UTF-8 sequence that
  // starts before `max` is kept whole); returns how many bytes of `s` it
  // took.
  size_t append(std::string* out, std::string_view s, size_t max = std::string_view::npos) const {
    static const char kDigits[] = "0123456789abcdef";
    size_t run = 0;  // start of the bytes not yet copied
    size_t i = 0;
    while (i < s.size() && i < max) {
      auto u = static_cast<unsigned char>(s[i]);
      unsigned char a = action_[u];
      if (a == kKeep) {
        ++i;
        continue;
      }
      if (a == kUtf8) {
        size_t n = utf8_sequence_length(s, i);
        if (n > 0) {
          i += n;
          continue;
        }
        a = kHex;
      }
      out->append(s.substr(run, i - run));
      if (a == kBackslash) {
        out->push_back('\\');
        out->push_back(s[i]);
      } else {
        *out += "\\x";
        out->push_back(kDigits[u >> 4]);
        out->push_back(kDigits[u & 0xf]);
      }
      run = ++i;
    }
    out->append(s.substr(run, i - run));
    return i;
  }

 private:
  enum : unsigned char { kKeep, kUtf8, kBackslash, kHex };
  unsigned char action_[256];
};

inline constexpr ByteEscaping kMessageBytes{true, "", ""};
inline constexpr ByteEscaping kExactBytes{true, "\\", ""};

// A value from an input file or the workload, fit to quote in a one-line
// message: control bytes, bytes outside valid UTF-8 and the backslash are
// written as \xHH / \\, and a long value is cut with a marker that says how
// long it was. The result is in single quotes.
inline std::string quote_value(std::string_view v, size_t max_bytes = 200) {
  std::string out = "'";
  size_t taken = kExactBytes.append(&out, v, max_bytes);
  out += "'";
  if (taken < v.size()) out += "... (" + std::to_string(v.size()) + " bytes)";
  return out;
}

// A whole message made safe for one line of a terminal or log: control bytes
// and bytes outside valid UTF-8 become \xHH; everything else is kept.
inline std::string printable_message(std::string_view m) {
  std::string out;
  out.reserve(m.size());
  kMessageBytes.append(&out, m);
  return out;
}

struct Error {
  std::string message;
  // Exit status the CLI should use; 125 is "profile itself failed".
  int exit_code = 125;
};

inline Error make_error(std::string message, int exit_code = 125) {
  return Error{std::move(message), exit_code};
}

// Prefixes an error with where it happened: "seccomp.json: syscalls[3]: ...".
inline Error with_context(Error e, const std::string& context) {
  e.message = context + ": " + e.message;
  return e;
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace profile

// PROFILE_TRY(expr): returns the error of an expression yielding a Result,
// if any. PROFILE_TRY(var, expr): the same, and on success declares `var`
// holding the value (moved out of the Result).
#define PROFILE_TRY_STATUS_(expr)                            \
  do {                                                       \
    auto _profile_try_r = (expr);                            \
    if (!_profile_try_r.ok()) return _profile_try_r.error(); \
  } while (0)
#define PROFILE_TRY_BIND_(var, expr)                   \
  auto var##_profile_try_r = (expr);                   \
  if (!var##_profile_try_r.ok()) return var##_profile_try_r.error(); \
  auto var = std::move(var##_profile_try_r).value()
#define PROFILE_TRY_PICK_(a, b, name, ...) name
#define PROFILE_TRY(...) PROFILE_TRY_PICK_(__VA_ARGS__, PROFILE_TRY_BIND_, PROFILE_TRY_STATUS_, unused)(__VA_ARGS__)

// Error and Result: failures carry their context up to the CLI boundary,
// where they become one clear message (DESIGN.md, convention 4).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace profile {

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

// Returns the error of an expression yielding a Result, if any.
#define PROFILE_TRY(expr)                              \
  do {                                                 \
    auto _profile_try_r = (expr);                      \
    if (!_profile_try_r.ok()) return _profile_try_r.error(); \
  } while (0)

// Helpers shared by the test tiers.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace profile::test {

inline bool require_privileged() {
  const char* v = std::getenv("PROFILE_REQUIRE_PRIVILEGED");
  return v != nullptr && std::string(v) == "1";
}

// Skips a test that needs root; under PROFILE_REQUIRE_PRIVILEGED=1 (CI) the
// lack of privilege is a failure instead.
#define PROFILE_NEEDS_ROOT()                                                        \
  do {                                                                              \
    if (geteuid() != 0) {                                                           \
      if (::profile::test::require_privileged()) FAIL() << "needs root, and CI requires privileged tests"; \
      GTEST_SKIP() << "needs root";                                                 \
    }                                                                               \
  } while (0)

struct CommandResult {
  int exit_code = -1;  // 128+N for signal N
  std::string out;     // stdout
  std::string err;     // stderr
};

// Runs argv (no shell), capturing stdout and stderr, with optional stdin text.
// A bounded run: killed after `timeout_s` seconds.
CommandResult run(const std::vector<std::string>& argv, int timeout_s = 120, const std::string& input = "");

// Runs the built `profile` binary with the given arguments.
inline CommandResult run_profile(std::vector<std::string> args, int timeout_s = 120) {
  args.insert(args.begin(), PROFILE_BIN);
  return run(args, timeout_s);
}

// A fresh temporary directory, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// errno of binding a TCP socket to 127.0.0.1:port (0 when it binds), then released.
int loopback_bind_errno(int port);
// A TCP port on 127.0.0.1 nobody uses right now (kernel-chosen, never `avoid`), or -1.
int free_loopback_port(int avoid = -1);
// A privileged TCP port (below 1024) free on 127.0.0.1, or -1.
int free_privileged_port();

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);
// Replaces the capabilities of the profile in `dir` (names without CAP_,
// evidence "manual") by editing profile.json and running `profile generate`,
// the supported way to change a generated file. Returns generate's result.
CommandResult set_profile_caps(const std::string& dir, const std::vector<std::string>& caps);
inline std::string helper(const std::string& name) { return std::string(PROFILE_HELPERS_DIR) + "/" + name; }

}  // namespace profile::test

// What the integration tests share for recording and enforcing through the
// built `profile` binary.
#pragma once

#include <stdlib.h>

#include <string>
#include <vector>

#include "runner/landlock.h"
#include "test_util.h"

namespace profile::test {

// Docker's default seccomp profile (tests/fixtures, with its source and licence).
inline const std::string kDockerDefaultSeccomp = std::string(PROFILE_FIXTURES_DIR) + "/docker-default-seccomp.json";

#define NEEDS_LANDLOCK()                                                \
  do {                                                                  \
    if (::profile::landlock_abi() == 0) GTEST_SKIP() << "kernel lacks Landlock"; \
  } while (0)

// A fresh directory inside the build tree, removed on destruction: a
// workload's /tmp may be private, and policy generalisation may treat paths
// under /tmp specially. Its path has no symbolic link in it.
class BuildTempDir {
 public:
  explicit BuildTempDir(const std::string& prefix) {
    std::string tmpl = std::string(PROFILE_BINARY_DIR) + "/" + prefix + ".XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (char* p = mkdtemp(buf.data())) {
      char* real = realpath(p, nullptr);
      path_ = real ? real : p;
      free(real);
    }
  }
  ~BuildTempDir() {
    if (!path_.empty()) run({"rm", "-rf", path_});
  }
  BuildTempDir(const BuildTempDir&) = delete;
  BuildTempDir& operator=(const BuildTempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& n) const { return path_ + "/" + n; }

 private:
  std::string path_;
};

// `profile record --tracer TRACER -o DIR OPTIONS... -- CMD...`
inline CommandResult record_with(const std::string& tracer, const std::string& dir, const std::vector<std::string>& cmd,
                                 const std::vector<std::string>& options = {}, int timeout_s = 120) {
  std::vector<std::string> args = {"record", "--tracer", tracer, "-o", dir};
  args.insert(args.end(), options.begin(), options.end());
  args.push_back("--");
  args.insert(args.end(), cmd.begin(), cmd.end());
  return run_profile(args, timeout_s);
}

// `profile enforce --profile DIR -- CMD...`
inline CommandResult enforce_with(const std::string& dir, const std::vector<std::string>& cmd, int timeout_s = 120) {
  std::vector<std::string> args = {"enforce", "--profile", dir, "--"};
  args.insert(args.end(), cmd.begin(), cmd.end());
  return run_profile(args, timeout_s);
}

}  // namespace profile::test

// Landlock: landlock.json is parsed strictly and its paths opened (O_PATH) in
// the parent; the child only creates the ruleset, adds the prepared rules and
// restricts itself, with no allocation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "profilegen/error.h"

namespace profile {

struct LandlockPathSpec {
  std::string path;
  uint64_t access = 0;
};
struct LandlockPortSpec {
  uint64_t port = 0;
  uint64_t access = 0;
};

// landlock.json as read, before any kernel is consulted.
struct LandlockSpec {
  int abi = 0;  // the ABI the file was written for
  uint64_t handled_fs = 0;
  uint64_t handled_net = 0;
  uint64_t scoped = 0;
  std::vector<LandlockPathSpec> paths;
  std::vector<LandlockPortSpec> ports;
};

// Strict parse: unknown keys, unknown rights, rights not in the handled set,
// relative paths, out-of-range ports are errors naming the value.
Result<LandlockSpec> parse_landlock_json(const std::string& text, const std::string& origin);

// Owns the O_PATH descriptors of a plan (closed when the last plan copy goes).
class LandlockFds {
 public:
  LandlockFds() = default;
  ~LandlockFds();
  LandlockFds(const LandlockFds&) = delete;
  LandlockFds& operator=(const LandlockFds&) = delete;
  void add(int fd) { fds_.push_back(fd); }

 private:
  std::vector<int> fds_;
};

struct LandlockPathRule {
  int fd = -1;
  uint64_t access = 0;
};
struct LandlockPortRule {
  uint64_t port = 0;
  uint64_t access = 0;
};

// What the child applies: masks already cut down to the kernel's ABI.
struct LandlockPlan {
  int abi = 0;  // kernel ABI in use
  uint64_t handled_fs = 0;
  uint64_t handled_net = 0;
  uint64_t scoped = 0;
  std::vector<LandlockPathRule> paths;
  std::vector<LandlockPortRule> ports;
  std::shared_ptr<LandlockFds> fds;
};

// The kernel's Landlock ABI version; 0 when Landlock is unavailable.
int landlock_abi() noexcept;

// Opens every path and cuts rights down to `kernel_abi` (best effort), adding
// one line to `notes` per thing that cannot be enforced here.
Result<LandlockPlan> plan_landlock(const LandlockSpec& spec, int kernel_abi, std::vector<std::string>* notes);

// Reads and plans a landlock.json file for this kernel.
Result<LandlockPlan> load_landlock_file(const std::string& path, std::vector<std::string>* notes);

// Child side, between fork and execve: no allocation, no exceptions. Sets
// no_new_privs, creates the ruleset, adds the rules and restricts the
// calling thread. Returns 0 or an errno value; *step names what failed.
int apply_landlock(const LandlockPlan& plan, const char** step) noexcept;

}  // namespace profile

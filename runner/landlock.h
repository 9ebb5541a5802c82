// Landlock: landlock.json is parsed strictly and its paths opened (O_PATH) in
// the parent; the child only creates the ruleset, adds the prepared rules and
// restricts itself, with no allocation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

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
  // "path_pattern": one-level patterns (`dir/*.conf`), granted on the
  // matching entries of the directory when the plan is made.
  std::vector<LandlockPathSpec> patterns;
  std::vector<LandlockPortSpec> ports;
};

// Strict parse: unknown keys, unknown rights, rights not in the handled set,
// relative paths, out-of-range ports are errors naming the value.
Result<LandlockSpec> parse_landlock_json(const std::string& text, const std::string& origin);

struct LandlockPathRule {
  // Opened by the child, after its mounts are in place: a path means what it
  // means in the workload's mount namespace (private /tmp, --rootfs).
  const char* path = nullptr;  // points into LandlockPlan::names
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
  uint64_t file_rights = 0;  // rights that apply to a file (the rest are directory-only)
  std::vector<LandlockPathRule> paths;
  std::vector<LandlockPortRule> ports;
  // Storage of the rule paths; never modified once the plan is built, so
  // the pointers in `paths` stay valid in every copy of the plan.
  std::shared_ptr<const std::vector<std::string>> names;
};

// The interpreter execve opens on its own for `path`: an ELF's PT_INTERP
// (the dynamic loader) or a script's "#!" program; empty when none.
std::string exec_interpreter(const std::string& path);
// The ELF PT_INTERP of `path` only; empty for scripts and static binaries.
std::string elf_interpreter(const std::string& path);

// The kernel's Landlock ABI version; 0 when Landlock is unavailable.
int landlock_abi() noexcept;

// Opens every path and cuts rights down to `kernel_abi` (best effort), adding
// one line to `notes` per thing that cannot be enforced here. Patterns are
// expanded to the matching entries present now; a sensitive path (see
// core/sensitive_paths.h) is never reached through a pattern or a rule on a
// directory above it, only through a rule naming it.
Result<LandlockPlan> plan_landlock(const LandlockSpec& spec, int kernel_abi, std::vector<std::string>* notes);

// Reads and plans a landlock.json file for this kernel.
Result<LandlockPlan> load_landlock_file(const std::string& path, std::vector<std::string>* notes);

// Complain mode (Landlock not applied): which of the rights `needed` the
// plan would refuse for `path` (absolute, symbolic links resolved), judged
// lexically: a rule grants its rights on its path and beneath it, and only
// handled rights are checked. Creating and removing are rights of the
// parent directory. 0: all granted.
uint64_t landlock_plan_refuses(const LandlockPlan& plan, const std::string& path, uint64_t needed);
// The same for a TCP port: `access` is landlock_bit::kBindTcp or kConnectTcp.
bool landlock_plan_refuses_port(const LandlockPlan& plan, uint64_t port, uint64_t access);
// The Landlock rights a file access (PROFILE_ACCESS_* bits) needs; rights
// Landlock does not control (chmod, lock, link) are left out.
uint64_t landlock_rights_for_access(uint32_t access);

// Child side, between fork and execve: no allocation, no exceptions. Sets
// no_new_privs, creates the ruleset, adds the rules and restricts the
// calling thread. Returns 0 or an errno value; *step names what failed.
int apply_landlock(const LandlockPlan& plan, const char** step) noexcept;

}  // namespace profile

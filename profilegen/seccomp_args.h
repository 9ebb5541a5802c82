// Argument-level seccomp rules, derived at render time from profile.json's
// "arguments" (the values the recorders saw), never stored: profile.json
// stays the one source. Which rule comes from what is in docs/seccomp.md,
// "Argument rules".
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/profile.h"

namespace profile {

// One condition of an OCI rule: {index, value, valueTwo, op}. For
// SCMP_CMP_MASKED_EQ, `value` is the mask and `value_two` the datum, as
// runc and Docker read them.
struct SeccompArgCmp {
  unsigned index = 0;
  uint64_t value = 0;
  uint64_t value_two = 0;
  bool masked = false;  // SCMP_CMP_MASKED_EQ, else SCMP_CMP_EQ
  auto key() const { return std::tie(index, value, value_two, masked); }
  bool operator<(const SeccompArgCmp& o) const { return key() < o.key(); }
  bool operator==(const SeccompArgCmp& o) const { return key() == o.key(); }
};

// One allow rule of seccomp.json: all conditions hold (AND). Several rules
// of one name are alternatives (OR), as in Docker's own profile.
struct SeccompArgRule {
  std::string name;
  std::vector<SeccompArgCmp> args;
};

struct SeccompArgPlan {
  // Names allowed only under `rules`: left out of the unconditional list.
  std::set<std::string> conditional;
  // Sorted by name, then by conditions.
  std::vector<SeccompArgRule> rules;
  // Names allowed that the plan needs beside `allowed` (clone, when clone3
  // is answered with ENOSYS and glibc falls back to it).
  std::set<std::string> added;
  // clone3 answered with ENOSYS: its flags live in memory seccomp cannot
  // read. False only when the recording saw clone3 create a namespace.
  bool clone3_enosys = true;
};

// Namespace-creating flags, as clone() and unshare() take them. clone()'s
// low byte is the exit signal, so CLONE_NEWTIME (0x80) is unshare's only.
inline constexpr uint64_t kCloneNamespaceFlags = 0x7e020000;  // NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET
inline constexpr uint64_t kUnshareNamespaceFlags = kCloneNamespaceFlags | 0x80;  // ... |NEWTIME

// `allowed`: every name seccomp.json allows, on any of its architectures
// (the profile's syscalls and its container runtimes' calls).
SeccompArgPlan plan_seccomp_args(const Profile& p, const std::set<std::string>& allowed);

}  // namespace profile

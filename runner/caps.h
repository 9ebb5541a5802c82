// Capability sets of the workload, applied in the child in this order
// (docs/architecture.md, "Conventions"): bounding set -> keepcaps -> set*id
// -> capset -> ambient -> no_new_privs.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <set>
#include <string>

#include "core/error.h"

namespace profile {

struct CapPlan {
  uint64_t keep = 0;  // bit N = capability N is kept
  int last_cap = 0;   // highest capability number this kernel knows
  // The workload's user (--user); ids are those of its user namespace.
  bool change_ids = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

// Parent side: names -> bit mask, checked against this kernel. `all` keeps
// every capability the kernel knows (--privileged).
Result<CapPlan> plan_caps(const std::set<std::string>& names, bool all = false);

// "UID[:GID]" (numbers; GID defaults to UID).
Status parse_user(const std::string& arg, CapPlan* plan);

// Child side (no allocation). Returns 0 or errno; *step names what failed.
int apply_caps(const CapPlan& plan, const char** step) noexcept;

}  // namespace profile

// Capability sets of the workload, applied in the child in the order of
// DESIGN.md: bounding set -> keepcaps -> set*id -> capset -> ambient ->
// no_new_privs.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "profilegen/error.h"

namespace profile {

struct CapPlan {
  uint64_t keep = 0;  // bit N = capability N is kept
  int last_cap = 0;   // highest capability number this kernel knows
};

// Parent side: names -> bit mask, checked against this kernel.
Result<CapPlan> plan_caps(const std::set<std::string>& names);

// Child side (no allocation). Returns 0 or errno; *step names what failed.
int apply_caps(const CapPlan& plan, const char** step) noexcept;

}  // namespace profile

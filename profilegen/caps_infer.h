// Capability inference from syscalls and arguments, and attribution of the
// new failures a replay with fewer capabilities shows (record --verify-caps).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "profilegen/profile.h"

namespace profile {

// Capabilities a failure of `syscall` with errno `err` may stand for, most
// likely first; empty when no capability would have changed the outcome.
std::vector<std::string> caps_for_failure(const std::string& syscall, int err);

struct CapAttribution {
  // Capabilities to add, evidence "verified" with the failing call as reason.
  std::map<std::string, CapEvidence> add;
  // New failures no capability explains ("x86_64 open: EACCES").
  std::vector<std::string> unexplained;
};

// Compares the error signature of a replay (run with only `granted`) with the
// recording: EPERM/EACCES failures of a syscall the recording did not see
// fail that way are attributed to the first candidate capability not granted.
CapAttribution attribute_new_failures(const Observations& recorded, const Observations& replay,
                                      const std::set<std::string>& granted);

}  // namespace profile

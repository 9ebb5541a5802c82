// Building, merging and (de)serialising profiles; the types are in
// core/profile.h.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/names.h"
#include "core/observations.h"
#include "core/profile.h"
#include "profilegen/files.h"

namespace profile {

struct BuildOptions {
  // record --exact: no syscall-family widenings. The error path and the
  // timing-dependent calls are still added: without them the same program
  // fails on the same input under other output or timing.
  bool exact = false;
  // The workload's data trees (resolve_data_roots, computed before the
  // run); `exact` leaves them out.
  std::vector<DataRoot> data_roots;
};
// Observations -> Profile (syscall numbers to names, the syscalls the
// recording implies, generalised files, network, capabilities). Fails on
// numbers the arch does not know.
Result<Profile> profile_from_observations(const Observations& obs, const std::string& name,
                                          const BuildOptions& options = {});
// Union; `base` keeps its name.
Profile merge_profiles(const Profile& base, const Profile& extra);

// Canonical JSON text (sorted, 2-space indent, trailing newline).
std::string profile_to_json(const Profile& p);
// Strict parse: unknown keys, wrong types, unknown names are errors naming
// the offending value. `origin` prefixes messages (usually the file name).
Result<Profile> profile_from_json(const std::string& text, const std::string& origin);

}  // namespace profile

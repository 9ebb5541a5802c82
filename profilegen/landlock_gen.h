// Profile -> landlock.json: the file policy as Landlock path-beneath rules,
// TCP port rules and scopes. The names and bits below are the kernel's
// (include/uapi/linux/landlock.h); they are defined here because the
// installed headers may predate the ABI the kernel offers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "profilegen/profile.h"

namespace profile {

inline constexpr int kLandlockSchema = 1;

struct LandlockRight {
  const char* name;  // as written in landlock.json
  uint64_t bit;
  int min_abi;    // first Landlock ABI with it
  bool file_ok;   // may be granted on a non-directory
};

const std::vector<LandlockRight>& landlock_fs_rights();
const std::vector<LandlockRight>& landlock_net_rights();
const std::vector<LandlockRight>& landlock_scopes();

// Text of landlock.json. A one-level pattern (`dir/*.conf`) without
// create/delete/link goes to "path_pattern", which the runner expands to the
// matching entries; other patterns become rules on their longest fixed
// directory (Landlock has no globs), never inside a sensitive area
// (profilegen/policy.h); every such widening is listed in "notes".
Result<std::string> render_landlock(const Profile& p);

}  // namespace profile

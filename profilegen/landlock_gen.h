// Profile -> landlock.json: the file policy as Landlock path-beneath rules,
// TCP port rules and scopes (the rights' names and bits: core/landlock_abi.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/landlock_abi.h"
#include "profilegen/profile.h"

namespace profile {

// Text of landlock.json. A one-level pattern (`dir/*.conf`) without
// create/delete/link goes to "path_pattern", which the runner expands to the
// matching entries; other patterns become rules on their longest fixed
// directory (Landlock has no globs), never inside a sensitive area
// (core/sensitive_paths.h); every such widening is listed in "notes".
Result<std::string> render_landlock(const Profile& p);

}  // namespace profile

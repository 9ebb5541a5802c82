// User namespace: the workload's root (and ids up to COUNT-1) map to an
// unprivileged host range, so root inside is nobody outside.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "core/error.h"

namespace profile {

struct UsernsMap {
  uint32_t host_base = 100000;  // first host uid and gid of the range
  uint32_t count = 65536;
};

// "HOSTID[:COUNT]". Host id 0 is refused: that would make root inside root outside.
Result<UsernsMap> parse_userns_map(const std::string& arg);

// Parent side, while the child is blocked: writes uid_map and gid_map.
Status write_id_maps(pid_t child, const UsernsMap& map);

}  // namespace profile

// Observations -> the file, network and capability parts of a Profile.
#pragma once

#include <map>
#include <set>
#include <string>

#include "core/sensitive_paths.h"
#include "profilegen/files.h"
#include "profilegen/profile.h"

namespace profile {

// Observed paths -> generalised path rules with access names.
std::map<std::string, std::set<std::string>> generalise_files(const Observations& obs);
NetworkPolicy network_from_observations(const Observations& obs);
// Capabilities the workload needs: observed ones plus ones inferred from
// syscalls and their arguments.
std::map<std::string, CapEvidence> infer_capabilities(const Observations& obs);

}  // namespace profile

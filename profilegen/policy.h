// Observations -> the file, network and capability parts of a Profile.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "core/sensitive_paths.h"
#include "profilegen/files.h"
#include "profilegen/profile.h"

namespace profile {

// Observed paths -> generalised path rules with access names in p->files;
// every rule granted beyond what was observed is added to p->widenings with
// its reason and the observations behind it (docs/generalisation.md).
// `data_roots` (resolve_data_roots) become data-tree widenings.
void generalise_files(const Observations& obs, Profile* p, const std::vector<DataRoot>& data_roots = {});
// The rules alone, for callers that do not keep the widenings.
std::map<std::string, std::set<std::string>> generalise_files(const Observations& obs);
// Directories where creating, removing or linking one name must never become
// rights on the whole directory (and so where no tree may be generalised):
// "/", the top-level system directories and the trees /etc, /usr, /bin,
// /sbin, /lib*, /boot, /sys, /proc.
bool no_directory_grant(std::string_view dir);
NetworkPolicy network_from_observations(const Observations& obs);
// Capabilities the workload needs: observed ones plus ones inferred from
// syscalls and their arguments.
std::map<std::string, CapEvidence> infer_capabilities(const Observations& obs);

}  // namespace profile

// The syscalls an OCI runtime (runc, crun) makes itself after it installs a
// container's seccomp filter and before it execs the workload. A filter that
// lacks them stops the container from starting, however exactly it fits the
// workload. Measured per runtime; the method is in docs/seccomp.md.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/profile.h"

namespace profile {

// The runtimes with a measured set, sorted: "crun", "runc".
const std::vector<std::string>& runtime_names();
// What `--runtime` means when not given: the runtimes Docker (runc) and
// Podman (crun on most distributions, runc on others) start containers with.
const std::set<std::string>& default_runtimes();
// `--runtime` value: a comma-separated list of runtime names, or "none".
// An unknown or repeated name is an error naming it.
Result<std::set<std::string>> parse_runtimes(const std::string& value);
// "crun,runc", or "none" for the empty set: the inverse of parse_runtimes.
std::string runtimes_to_string(const std::set<std::string>& runtimes);

// Sets the profile's runtime choice and records, as widenings of kind
// "runtime", each syscall of those runtimes' sets that the profile does not
// already allow (on every architecture the runtime itself runs as: not the
// 32-bit personalities). Replaces the runtime widenings of an earlier
// choice, so it can be applied again after a merge or a hand edit.
Status apply_runtimes(Profile* p, const std::set<std::string>& runtimes);

// The syscall names seccomp.json allows for p.runtimes on `arch` (a
// libseccomp name): empty on 32-bit personalities and when p.runtimes is.
std::set<std::string> runtime_syscalls(const Profile& p, const std::string& arch);

}  // namespace profile

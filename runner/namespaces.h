// Namespaces of a run: which are new (all but the user namespace by
// default), the clone flags they mean, and the child-side steps that only
// make sense inside them (hostname, loopback).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace profile {

struct NamespaceSet {
  bool pid = true;
  bool mnt = true;
  bool net = true;
  bool ipc = true;
  bool uts = true;
  bool cgroup = true;
  bool user = false;  // opt-in: --userns
};

// "--share net,ipc" (repeatable, comma separated) -> the namespaces kept
// from the host. Unknown names are an error naming them.
Result<NamespaceSet> namespaces_sharing(const std::vector<std::string>& share);

// Flags for clone(). The cgroup namespace is not among them: the root
// process unshares it after the supervisor has moved it into its cgroup,
// so that the namespace's root is the run's own cgroup.
int clone_flags(const NamespaceSet& ns);

// Child side (no allocation). Return 0 or errno.
int bring_loopback_up() noexcept;

}  // namespace profile

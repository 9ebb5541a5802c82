// Mount namespace layout of a run. The supervisor turns the request into an
// ordered list of operations with every path and message precomputed; the
// child only walks the list (no allocation between clone and execve).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/error.h"
#include "runner/secrets.h"

namespace profile {

struct BindSpec {
  std::string src;
  std::string dst;
  bool read_only = false;
};

// "SRC[:DST]" -> BindSpec; SRC must exist, DST defaults to SRC. A source
// that is, or passes through, a symbolic link is refused: whoever controls
// the link (a workload's earlier run, another user) would choose what gets
// mounted. The child later opens the resolved path refusing any symlink.
Result<BindSpec> parse_bind(const std::string& arg, bool read_only);

struct MountRequest {
  std::string rootfs;       // empty: the host's root, in a private mount namespace
  bool rootfs_rw = false;   // a rootfs is read-only unless this is set
  bool read_only = false;   // host root remounted read-only (no rootfs)
  bool new_pid_ns = true;   // mount a fresh /proc for it
  bool new_user_ns = false; // the child is root of a user namespace only
  std::vector<BindSpec> binds;
  std::vector<std::string> tmpfs;
  std::vector<Secret> secrets;  // written to /run/secrets
  uid_t owner_uid = 0;          // the workload user, owner of the secrets
  gid_t owner_gid = 0;
};

struct MountOp {
  enum Kind {
    kMount,          // mount(a, b, fstype, flags, data)
    kSetReadOnly,    // mount_setattr(b, read-only), recursive if `recursive`
    kClearReadOnly,  // mount_setattr(b, not read-only), recursive
    kEnsureDir,      // mkdir -p b
    kEnsureFile,     // create b (and its parents) when missing
    kSymlink,        // symlink a -> b
    kWriteFile,      // b gets `data`, mode 0400, owned by the workload user
    kChownDir,       // b is owned by the workload user
    kPivotRoot,      // b becomes / and the old root is detached
    kOpenSource,     // open(a, O_PATH) now, for a later kMount with src_op
    kSetNoDev,       // mount_setattr(b, nodev), recursive if `recursive`
    kClearNoDev,     // mount_setattr(b, not nodev) on that one mount
    kWriteSysctl,    // b gets `data` (an existing /proc/sys file)
  };
  Kind kind = kMount;
  std::string a, b, fstype, data;
  unsigned long flags = 0;
  bool recursive = false;
  // A kMount whose source is the kOpenSource op at this index: mounted from
  // /proc/self/fd/N, so a bind source stays reachable after the child's own
  // mounts (its private /tmp) have covered the host path.
  int src_op = -1;
  mutable int opened_fd = -1;  // set by kOpenSource in the child
  // ENOENT is no failure: a path this kernel may lack (Docker's masked
  // paths, newer sysctls).
  bool optional = false;
  std::string step;  // what the child reports when this fails
};

struct MountPlan {
  std::vector<MountOp> ops;
  uid_t owner_uid = 0;
  gid_t owner_gid = 0;
};

// Validates the request against the host (sources exist, rootfs is a
// directory, ...) and orders the operations.
Result<MountPlan> plan_mounts(const MountRequest& req);

// Child side: no allocation. Returns 0 or errno; *step says which op failed.
int apply_mounts(const MountPlan& plan, const char** step) noexcept;

}  // namespace profile

// Supervisor: starts the workload with the ordered setup steps of the child
// and waits for it (through a WorkloadWatcher, a recorder, when recording).
//
// With isolation, the first process is created in new namespaces and, with a
// new PID namespace, becomes the namespace's init (runner/init.h) that forks
// the workload. Order of the steps, supervisor side:
//   prepare everything (mount plan, caps, cgroup + limits, published ports)
//   -> clone (root blocked on the sync pipe) -> uid/gid maps -> cgroup
//   -> port proxy -> watcher->attach(root) -> release -> wait -> kill what is
//   left in the cgroup -> resource usage -> remove the cgroup.
// Root side: parent-death signal -> wait for release -> become root of the
// user namespace -> cgroup namespace -> mounts (+ secrets) -> hostname
// -> loopback -> [init: fork the workload].
// Workload side: default signals -> workdir -> bounding set -> keepcaps
// -> setresgid/setresuid -> capset -> ambient -> no_new_privs
// -> (Landlock, when RunSpec gains it) -> seccomp -> execve.
#pragma once

#include <sys/types.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/reporter.h"
#include "runner/cgroup.h"
#include "runner/landlock.h"
#include "runner/mounts.h"
#include "runner/namespaces.h"
#include "runner/proxy.h"
#include "runner/seccomp.h"
#include "runner/userns.h"

namespace profile {

struct Isolation {
  NamespaceSet ns;
  MountRequest mounts;   // used when ns.mnt
  std::string hostname;  // set when ns.uts and not empty
  std::string workdir;   // empty: the current directory (or / with a rootfs)
  std::vector<PortSpec> ports;
  UsernsMap userns;      // used when ns.user
  CgroupLimits limits;
};

struct RunSpec {
  std::vector<std::string> argv;  // argv[0] is searched in PATH when it has no '/'
  // Capabilities the workload keeps (names without CAP_).
  std::set<std::string> caps;
  bool all_caps = false;  // --privileged: every capability this kernel knows
  // --user UID[:GID], ids of the workload's user namespace.
  std::optional<std::pair<uid_t, gid_t>> user;
  // Namespaces, mounts, cgroup. Absent: the workload shares everything with
  // the supervisor (no cgroup either).
  std::optional<Isolation> isolation;
  // Installed as the last step before execve.
  std::optional<SeccompProgram> seccomp;
  // Answers the filter's notifications when seccomp->notify is set (then it
  // is required). Not owned; started before the workload is released and
  // stopped once everything under the filter has ended.
  class SeccompNotifier* notifier = nullptr;
  // --- file policy (runner/landlock.h, runner/apparmor_loader.h) ---
  // Applied after caps/no_new_privs and before seccomp.
  std::optional<LandlockPlan> landlock;
  std::string apparmor_exec;  // "exec NAME" for the exec attribute; empty: none
  // --- end file policy ---
  // After the first SIGINT/SIGTERM is forwarded, how long the workload has
  // to exit before everything in its run is killed (a second one kills at
  // once). 0: kill at the first.
  uint64_t stop_timeout_ms = 10000;
  // Notes during the run (stop signals, cleanup warnings, port publishing),
  // some from background threads.
  Reporter reporter;
};

struct RunOutcome {
  int wait_status = 0;  // as waitpid reports it
  int exit_code = 0;    // the workload's status, 128+N for signal N
  // From the run's cgroup (isolated runs only).
  std::optional<ResourceUsage> usage;
};

// The exit code convention (docs/architecture.md, "Conventions") from a wait
// status.
int exit_code_from_wait_status(int wait_status);

// What watches the workload while it runs (a recorder). The runner knows
// nothing of recorders: the app layer adapts one to this.
class WorkloadWatcher {
 public:
  virtual ~WorkloadWatcher() = default;
  // `root` is blocked before execve; called once, before it is released.
  virtual Status attach(pid_t root) = 0;
  // Called instead of the supervisor's own wait: returns when root and all
  // it watches have exited, with root's wait status (root reaped). A
  // non-zero *stop_requested asks it to stop early (Ctrl-C).
  virtual Result<int> run(pid_t root, const volatile int* stop_requested) = 0;
};

// Runs the workload to completion, watched by `watcher` when not null.
// Setup failures in the child come back as an Error whose exit_code is 125,
// 126 (cannot execute) or 127 (not found).
Result<RunOutcome> run_workload(const RunSpec& spec, WorkloadWatcher* watcher);

}  // namespace profile

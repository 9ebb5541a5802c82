// Supervisor: starts the workload with the ordered setup steps of the child
// and waits for it (through a Tracer when recording).
#pragma once

#include <sys/types.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "profilegen/error.h"
#include "runner/landlock.h"
#include "runner/seccomp.h"
#include "tracer/tracer.h"

namespace profile {

struct RunSpec {
  std::vector<std::string> argv;  // argv[0] is searched in PATH when it has no '/'
  // Capabilities the workload keeps (names without CAP_).
  std::set<std::string> caps;
  // Installed as the last step before execve.
  std::optional<SeccompProgram> seccomp;
  // --- file policy (runner/landlock.h, runner/apparmor_loader.h) ---
  // Applied after caps/no_new_privs and before seccomp.
  std::optional<LandlockPlan> landlock;
  std::string apparmor_exec;  // "exec NAME" for the exec attribute; empty: none
  // --- end file policy ---
};

struct RunOutcome {
  int wait_status = 0;  // as waitpid reports it
  int exit_code = 0;    // the workload's status, 128+N for signal N
};

// Exit code convention of DESIGN.md from a wait status.
int exit_code_from_wait_status(int wait_status);

// Runs the workload to completion. With a tracer, recording goes into `obs`.
// Setup failures in the child come back as an Error whose exit_code is 125,
// 126 (cannot execute) or 127 (not found).
Result<RunOutcome> run_workload(const RunSpec& spec, Tracer* tracer, Observations* obs);

}  // namespace profile

// profile enforce: run a command confined by a profile directory, a seccomp
// file or the built-in default policy.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/app/isolation.h"
#include "core/error.h"
#include "core/reporter.h"
#include "runner/supervisor.h"

namespace profile::app {

// `profile enforce`, its options as given on the command line.
struct EnforceRequest {
  std::string profile_dir;  // --profile
  std::string seccomp;      // --seccomp FILE, or "unconfined"
  std::string apparmor;     // --apparmor NAME
  // --require-signature PUB (or PROFILE_CONTENT_TRUST's key): --profile DIR
  // must be signed by it; "" for no signature check.
  std::string require_signature;
  std::vector<std::string> command;
  // --mode: "enforce" (deny and report), "complain" (allow and report),
  // "kill" (kill the process and report).
  std::string mode = "enforce";
  std::string report_path;  // --report FILE: the denials as JSON at exit
  // --learn: complain mode, then the report folded into --profile DIR.
  bool learn = false;
  // --watch (enforce and kill mode): Landlock is applied and the ptrace
  // recorder runs over the workload to name what Landlock denies.
  bool watch = false;
  IsolationOptions isolation;
  // Called once the workload has ended, before the closing notes: the CLI
  // prints the resource summary there.
  std::function<void(const RunOutcome&)> on_exit;
};

// Builds the plan (capabilities, hostname, AppArmor and/or Landlock, the
// compiled seccomp program) and runs the workload under it. Without
// --profile or --seccomp FILE the built-in default seccomp policy applies.
// Returns the workload's exit status. Notes go to `reporter`.
Result<int> enforce(const EnforceRequest& req, const Reporter& reporter);

}  // namespace profile::app

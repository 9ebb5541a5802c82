// profile check: a CI gate. Records the command again under the same
// isolation and fails when it now needs more than the committed profile, or
// when the committed generated files are not what profile.json renders to.
#pragma once

#include <string>
#include <vector>

#include "cli/app/record.h"
#include "core/error.h"
#include "core/reporter.h"
#include "profilegen/profile_diff.h"

namespace profile::app {

struct CheckRequest {
  std::string dir;       // the committed profile directory
  bool update = false;   // merge what is missing into DIR instead of failing
  // The recording: command, tracer and isolation options. Its output
  // directory and name are chosen by check.
  RecordRequest record;
};

struct CheckResult {
  int exit_code = 0;       // see check()
  int workload_exit = 0;   // the command's own status
  // Generated files of DIR that differ from what its profile.json renders to.
  std::vector<std::string> stale_files;
  ProfileDelta additions;  // what the run needed beyond DIR
  bool updated = false;    // DIR was rewritten (--update)
};

// Files of `dir` that are not byte for byte what its profile.json (with
// profile.yaml applied, when there is one) renders to, in render order.
Result<std::vector<std::string>> stale_rendered_files(const std::string& dir);

// Exit code: the workload's status when it is not 0 (a failing test fails
// the check too); else 1 when a rendered file is stale or the run needed
// more than DIR (and --update was not given); else 0. --update refuses to
// overwrite stale files (a hand edit would be lost).
Result<CheckResult> check(const CheckRequest& req, const Reporter& reporter);

}  // namespace profile::app

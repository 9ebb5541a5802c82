// profile diff: what a NEW profile grants beyond an OLD one, and what it
// drops.
#pragma once

#include <string>

#include "core/error.h"
#include "core/reporter.h"
#include "profilegen/profile_diff.h"

namespace profile::app {

struct DiffRequest {
  std::string old_path, new_path;  // profile directories or profile.json files
  bool json = false;
};

struct DiffResult {
  ProfileDiff diff;
  std::string text;  // diff_to_text or diff_to_json, per the request
  int exit_code = 0; // 1 when NEW grants anything beyond OLD
};

Result<DiffResult> diff(const DiffRequest& req, const Reporter& reporter);

}  // namespace profile::app

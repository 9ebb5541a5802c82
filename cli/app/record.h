// profile record, after the run: a recording -> the profile directory.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "core/observations.h"
#include "core/profile.h"
#include "core/reporter.h"
#include "runner/supervisor.h"
#include "tracer/tracer.h"

namespace profile {

struct SaveRequest {
  std::string dir;           // checked by check_output_dir before the run
  bool dir_missing = false;  // created (with its parents) here
  std::string name;
  bool append = false;       // merge into DIR/profile.json
  // The profile.json read before the run (append), merged in at once so a
  // failure below does not wait for the lock.
  std::optional<Profile> base;
  bool allow_loss = false;
  // --verify-caps: replay `spec` with the `kind` recorder.
  bool verify_caps = false;
  const RunSpec* spec = nullptr;
  TracerKind kind = TracerKind::kAuto;
};

// Builds the profile of `obs`, verifies its capabilities when asked, and
// writes every file of the directory under its exclusive lock (re-reading
// profile.json there for --append, so concurrent appends all count).
// Returns the profile written. Notes go to `reporter`.
Result<Profile> save_recording(const Observations& obs, const SaveRequest& req, const Reporter& reporter);

}  // namespace profile

// profile generate: render every file of a profile directory again from its
// profile.json (after a hand edit, say).
#pragma once

#include <string>

#include "core/error.h"
#include "core/reporter.h"

namespace profile::app {

// `profile generate`, its options as given on the command line.
struct GenerateRequest {
  std::string dir;
  // Render from profile.json even when the directory mixes generations.
  bool force = false;
  // --runtime: the container runtimes seccomp.json allows for ("runc",
  // "crun", "crun,runc", "none"); empty: keep profile.json's.
  std::string runtime;
  // --strict-args: set profile.json's "strict_args" (ioctl requests, W^X).
  bool strict_args = false;
};

struct GenerateResult {
  std::string dir;  // the directory written
};

// Takes the directory's exclusive lock, reads profile.json (checked against
// the manifest unless `force`), applies profile.yaml when there is one, and
// writes every rendered file and a new manifest. Notes go to `reporter`.
Result<GenerateResult> generate(const GenerateRequest& req, const Reporter& reporter);

}  // namespace profile::app

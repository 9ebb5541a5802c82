// profile generate: render every file of a profile directory again from its
// profile.json (after a hand edit, say), or a seccomp.json for another
// architecture (--arch).
#pragma once

#include <string>
#include <vector>

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
  // --arch: also translate the profile to this architecture (any spelling
  // parse_target_arch() takes) into DIR/seccomp.<arch>.json, which every
  // later generation renders again.
  std::string arch;
  // -o with --arch: write the translated seccomp.json to this file instead,
  // leaving the directory as it is.
  std::string out;
};

struct GenerateResult {
  std::string dir;      // the directory written
  std::string written;  // with --arch: the translated seccomp.json's path
};

// Takes the directory's exclusive lock, reads profile.json (checked against
// the manifest unless `force`), applies profile.yaml when there is one, and
// writes every rendered file and a new manifest. With `out`, reads the
// directory the same way under its shared lock and writes only the
// translation. Notes (what the translation replaced or left out) go to
// `reporter`.
Result<GenerateResult> generate(const GenerateRequest& req, const Reporter& reporter);

}  // namespace profile::app

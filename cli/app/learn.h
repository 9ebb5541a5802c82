// profile learn: folds the denials of enforce reports into a profile
// directory, within what the security model lets a machine widen.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/denial_report.h"
#include "core/error.h"
#include "core/reporter.h"

namespace profile::app {

struct LearnRequest {
  std::string dir;
  std::vector<std::string> reports;  // files written by enforce --report
  // Reports already in memory (enforce --learn), with the name they go by.
  std::vector<std::pair<std::string, DenialReport>> given;
};

struct LearnResult {
  std::vector<std::string> added;    // "syscall x86_64 mkdir", "file /etc/x read", ...
  std::vector<std::string> refused;  // one sentence each: what and how to add it by hand
  std::vector<std::string> skipped;  // not learnable (a relative path, an unknown protocol)
  std::string diff;                  // profile diff text of the change
};

// Reads every report (strictly: a bad one is an error naming the file and
// the value, before anything is written), adds what they were denied to
// DIR/profile.json with `learned` widenings carrying the reports' counts,
// refuses sensitive paths and never-widened syscalls unless DIR/profile.yaml
// adds them, re-renders every file and prints the diff to `reporter`.
Result<LearnResult> learn(const LearnRequest& req, const Reporter& reporter);

}  // namespace profile::app

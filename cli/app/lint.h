// profile lint: checks a profile directory, or one of its files, for
// mistakes and risky grants (profilegen/lint.h has the checks).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/reporter.h"

namespace profile::app {

struct LintRequest {
  std::string path;  // a profile directory or one file of it
};

struct LintResult {
  // "FILE: finding", in file then check order.
  std::vector<std::string> findings;
};

// Errors (exit 125): the path cannot be read, is a directory without any
// file of a profile, or a file of no known format. What a file holds is a
// finding. A missing apparmor_parser is a note to `reporter`, not a finding.
Result<LintResult> lint(const LintRequest& req, const Reporter& reporter);

}  // namespace profile::app

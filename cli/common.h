// Shared pieces of the subcommands: error reporting at the CLI boundary.
#pragma once

#include <string>

#include "core/error.h"
#include "core/reporter.h"

namespace profile::cli {

// Prints "profile: error: MESSAGE" and returns the error's exit code.
int report(const Error& e);
// Prints "profile: NOTE" to stderr.
void note(const std::string& message);
// A Reporter printing each note as "profile: NOTE" on stderr, in one write
// so that notes from background threads do not interleave.
Reporter reporter();

}  // namespace profile::cli

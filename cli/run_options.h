// The isolation options shared by `record` and `enforce` (namespaces,
// mounts, cgroup limits, capabilities, ports, secrets, users): their
// command-line parsing and the printing of the resource summary.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/app/isolation.h"
#include "runner/supervisor.h"

namespace profile::cli {

// What the options are and do is in cli/app/isolation.h; this side only
// parses them.
using RunOptions = app::IsolationOptions;

// Registers the options on a subcommand.
void add_run_options(CLI::App* sub, RunOptions& o);

// One line on stderr: peak memory, CPU time, peak pids (JSON with --json),
// plus a note when the kernel's OOM killer ended the workload.
void print_resource_summary(const RunOptions& o, const RunOutcome& outcome);

}  // namespace profile::cli

// profile record: run a command (or watch a cgroup) under a recorder and
// write its profile directory.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/app/isolation.h"

#include "core/error.h"
#include "core/observations.h"
#include "core/profile.h"
#include "core/reporter.h"
#include "profilegen/files.h"
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
  bool exact = false;  // --exact: no syscall-family widenings, no data trees
  // The workload's data trees, resolved from its launch before it ran.
  std::vector<DataRoot> data_roots;
  // --verify-caps: replay `spec` with the `kind` recorder.
  bool verify_caps = false;
  const RunSpec* spec = nullptr;
  TracerKind kind = TracerKind::kAuto;
  // Container runtimes seccomp.json allows for (--runtime). Unset: those of
  // the profile appended to, or default_runtimes() for a new profile.
  std::optional<std::set<std::string>> runtimes;
  // --strict-args: ioctl requests and W^X in seccomp.json too (kept once set).
  bool strict_args = false;
};

// Builds the profile of `obs`, verifies its capabilities when asked, and
// writes every file of the directory under its exclusive lock (re-reading
// profile.json there for --append, so concurrent appends all count).
// Returns the profile written. Notes go to `reporter`.
Result<Profile> save_recording(const Observations& obs, const SaveRequest& req, const Reporter& reporter);

namespace app {

// The cgroup v2 directory of a running systemd unit ("web.service"; a name
// without a suffix gets ".service"): ROOT/system.slice/UNIT, else the one
// directory named UNIT in ROOT's tree (a unit in another slice), in the
// first of `roots` that is a cgroup2 mount (/sys/fs/cgroup on pure v2,
// /sys/fs/cgroup/unified on hybrid systems). No systemctl needed: the tree
// is systemd's own record of the unit. An error naming the unit when it has
// none (it is not running) or the name is not a unit name.
Result<std::string> unit_cgroup(const std::string& unit,
                                const std::vector<std::string>& roots = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"});

// `profile record`, its options as given on the command line.
struct RecordRequest {
  std::string out;           // empty: profiles/NAME
  std::string name;          // empty: the command's (or cgroup's) base name
  std::string tracer = "auto";  // auto, ebpf or ptrace
  bool append = false;
  bool allow_loss = false;
  std::string cgroup;        // attach mode: record this running cgroup v2
  std::string unit;          // attach mode: record this running systemd unit (its cgroup)
  std::string duration;      // attach mode: how long
  bool verify_caps = false;
  std::string runtime;       // --runtime: "runc", "crun", "runc,crun", "none"; empty: see SaveRequest
  bool exact = false;
  bool strict_args = false;  // --strict-args
  std::vector<std::string> command;
  IsolationOptions isolation;
  // Called once a started workload has ended, before the profile is built
  // and written: the CLI prints the resource summary there, ahead of the
  // notes of writing.
  std::function<void(const RunOutcome&)> on_exit;
};

struct RecordResult {
  int exit_code = 0;  // the workload's (0 in attach mode)
  std::string dir;    // the profile directory written
  Profile profile;    // as written
  // From the recording, for the CLI's closing notes.
  uint64_t unresolved_paths = 0;
  std::string first_unresolved_path;
  bool partial = false;
};

// Checks the request and everything about the output before anything runs
// (a recording must not be lost to a typo in -o), chooses the recorder,
// runs the workload under the isolation options with Docker's default
// capabilities as the base (recorded under the conditions it will be
// enforced in), and saves the recording. Notes go to `reporter`.
Result<RecordResult> record(const RecordRequest& req, const Reporter& reporter);

}  // namespace app

}  // namespace profile

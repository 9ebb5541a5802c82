// The isolation options shared by `record` and `enforce` (namespaces,
// mounts, cgroup limits, capabilities, ports, secrets, users) and their
// translation into a RunSpec.
#pragma once

#include <CLI/CLI.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "runner/supervisor.h"

namespace profile::cli {

struct RunOptions {
  std::vector<std::string> share;
  std::string rootfs;
  bool rootfs_rw = false;
  std::vector<std::string> binds, ro_binds, tmpfs;
  bool read_only = false;
  std::string workdir;
  std::string hostname;
  std::vector<std::string> publish;
  bool userns = false;
  std::string userns_map;
  std::string user;
  std::string memory, cpus;
  int64_t pids = 0;
  int io_weight = 0;
  std::string stop_timeout = "10s";
  std::vector<std::string> cap_add, cap_drop;
  bool privileged = false;
  std::vector<std::string> secrets;
  bool json = false;
};

// Registers the options on a subcommand.
void add_run_options(CLI::App* sub, RunOptions& o);

// Fills spec.caps/all_caps/user/isolation. `base_caps` is the set before
// --cap-add/--cap-drop (Docker's default 14, or a profile's caps.txt);
// `default_hostname` is used when --hostname is not given.
Status apply_run_options(const RunOptions& o, const std::set<std::string>& base_caps,
                         const std::string& default_hostname, RunSpec* spec);

// One line on stderr: peak memory, CPU time, peak pids (JSON with --json),
// plus a note when the kernel's OOM killer ended the workload.
void print_resource_summary(const RunOptions& o, const RunOutcome& outcome);

}  // namespace profile::cli

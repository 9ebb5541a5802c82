// The isolation options shared by `record` and `enforce` (namespaces,
// mounts, cgroup limits, capabilities, ports, secrets, users), as given on
// the command line, and their translation into a RunSpec.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/reporter.h"
#include "runner/supervisor.h"

namespace profile::app {

// One field per option, unconverted: the CLI only fills them in.
struct IsolationOptions {
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
  bool json = false;  // how the CLI prints the resource summary
};

// Fills spec.caps/all_caps/user/isolation/stop_timeout_ms/reporter. Reads
// the system where the options name it (the kernel's last capability, the
// --secret files). `base_caps` is the set before --cap-add/--cap-drop
// (Docker's default 14, or a profile's caps.txt); `default_hostname` is used
// when --hostname is not given. Background notes go to `reporter`.
Status apply_isolation(const IsolationOptions& o, const std::set<std::string>& base_caps,
                       const std::string& default_hostname, const Reporter& reporter, RunSpec* spec);

}  // namespace profile::app

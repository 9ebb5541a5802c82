// A fresh cgroup per run, behind one interface over cgroup v2 (controllers in
// the unified hierarchy) and v1 (controllers in their own hierarchies, with an
// optional controller-less cgroup2 tree alongside, used for cgroup.kill).
// The version is detected once with statfs(CGROUP2_SUPER_MAGIC).
//
// Each run's cgroup is named profile-<supervisor pid>-<its start time> and
// lives under the supervisor's own cgroup. If the supervisor is SIGKILLed it
// cannot remove it; the next run sweeps cgroups whose supervisor is gone
// (killing what they still hold).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace profile {

enum class CgroupVersion { kV1, kV2 };

// statfs("/sys/fs/cgroup"), once per process.
CgroupVersion cgroup_version();

struct CgroupLimits {
  uint64_t memory_bytes = 0;  // 0: unlimited
  double cpus = 0;            // 0: unlimited
  int64_t pids = 0;           // 0: unlimited
  int io_weight = 0;          // 0: unchanged; 10..1000
};

// Docker's floor: below 6 MiB the kernel and the runtime cannot work.
constexpr uint64_t kMinMemoryBytes = 6ull << 20;

// "256M", "1g", "65536" (bytes), "512k". Suffixes are powers of 1024.
Result<uint64_t> parse_memory_size(const std::string& text);
// "1.5" -> 1.5 CPUs; at least 0.01.
Result<double> parse_cpus(const std::string& text);

struct ResourceUsage {
  std::optional<uint64_t> peak_memory_bytes;
  std::optional<uint64_t> cpu_usec;
  std::optional<uint64_t> pids_peak;
  bool oom_killed = false;
};

class RunCgroup {
 public:
  virtual ~RunCgroup() = default;
  // Moves `pid` into every hierarchy of the run.
  virtual Status add(pid_t pid) = 0;
  // Kills every process of the run and waits (bounded) until none is left.
  virtual void kill_all() = 0;
  virtual ResourceUsage usage() const = 0;
  // Kills what is left, then removes the directories. Idempotent.
  virtual Status remove() = 0;
  virtual std::vector<std::string> paths() const = 0;
};

// "profile-<pid>-<start time of pid>", the run cgroup name of a supervisor.
std::string run_cgroup_name(pid_t supervisor);
// Start time of a process (clock ticks since boot), 0 if it does not exist.
uint64_t process_start_time(pid_t pid);

// Sweeps stale run cgroups, creates run_cgroup_name(getpid()) and applies `limits`.
// A limit the kernel refuses is an error naming the value.
Result<std::unique_ptr<RunCgroup>> create_run_cgroup(const CgroupLimits& limits);

// Removes run cgroups whose supervisor no longer exists; returns how many.
int sweep_stale_cgroups();

// Directories where run cgroups are created (one per hierarchy in use).
std::vector<std::string> cgroup_parent_dirs();

}  // namespace profile

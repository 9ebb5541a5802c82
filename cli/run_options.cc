#include "cli/run_options.h"

#include <cstdio>
#include <iostream>
#include <sstream>


namespace profile::cli {

namespace {

std::string human_bytes(uint64_t b) {
  char buf[64];
  if (b >= (1ull << 30))
    std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(b) / (1ull << 30));
  else if (b >= (1ull << 20))
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(b) / (1ull << 20));
  else
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(b) / 1024);
  return buf;
}

// CLI11's own range checks print "Value 0 not in range 0.000000 to 1.797e308";
// this one names the value and the range in the option's own units. Runs on
// the text before conversion, so junk never reaches the integer parser.
CLI::Validator whole_number(long long lo, long long hi, const std::string& what) {
  return CLI::Validator(
      [lo, hi, what](std::string& v) -> std::string {
        std::string bad = "'" + v + "' is not " + what + " (a whole number from " + std::to_string(lo) + " to " +
                          std::to_string(hi) + ")";
        if (v.empty() || v.size() > 19) return bad;
        long long n = 0;
        for (char c : v) {
          if (c < '0' || c > '9') return bad;
          n = n * 10 + (c - '0');
        }
        if (n < lo || n > hi) return bad;
        return "";
      },
      "INT in [" + std::to_string(lo) + " - " + std::to_string(hi) + "]");
}

}  // namespace

void add_run_options(CLI::App* sub, RunOptions& o) {
  const char* g = "Isolation";
  sub->add_option("--share", o.share,
                  "Keep a host namespace instead of a new one: pid, mnt, net, ipc, uts, cgroup (comma separated)")
      ->group(g)->allow_extra_args(false);
  sub->add_option("--rootfs", o.rootfs, "Run inside this extracted image directory (pivot_root; read-only)")->group(g);
  sub->add_flag("--rootfs-rw", o.rootfs_rw, "Leave the --rootfs writable")->group(g);
  sub->add_option("--bind", o.binds, "Bind-mount SRC[:DST] (read-write)")->group(g)->allow_extra_args(false);
  sub->add_option("--ro-bind", o.ro_binds, "Bind-mount SRC[:DST] read-only")->group(g)->allow_extra_args(false);
  sub->add_option("--tmpfs", o.tmpfs, "Mount an empty tmpfs on DST")->group(g)->allow_extra_args(false);
  sub->add_flag("--read-only", o.read_only, "Remount the host root read-only for the workload")->group(g);
  sub->add_option("--workdir", o.workdir, "Working directory of the workload")->group(g);
  sub->add_option("--hostname", o.hostname, "Hostname in the UTS namespace (default: the profile name)")->group(g);
  sub->add_option("-p,--publish", o.publish, "Publish HOSTPORT:PORT[/tcp] of the workload on the host's 127.0.0.1")
      ->group(g)->allow_extra_args(false);
  sub->add_flag("--userns", o.userns, "New user namespace: root inside is an unprivileged id outside")->group(g);
  sub->add_option("--userns-map", o.userns_map, "Host id range HOSTID[:COUNT] for --userns (default 100000:65536)")
      ->group(g);
  sub->add_option("--user", o.user, "Run the workload as UID[:GID]")->group(g);
  sub->add_option("--memory", o.memory, "Memory limit, e.g. 256M (at least 6M)")->group(g);
  sub->add_option("--cpus", o.cpus, "CPU quota in CPUs, e.g. 1.5")->group(g);
  // The kernel's PID_MAX_LIMIT: pids.max refuses more.
  sub->add_option("--pids", o.pids, "Maximum number of processes and threads")
      ->group(g)
      ->check(whole_number(1, 4194304, "a valid number of processes"));
  sub->add_option("--io-weight", o.io_weight, "Block I/O weight, 10 to 1000")
      ->group(g)
      ->check(whole_number(10, 1000, "a valid I/O weight"));
  sub->add_option("--stop-timeout", o.stop_timeout,
                  "After SIGINT/SIGTERM is forwarded, kill everything in the run if it has not exited within this "
                  "time (10s default, 500ms, 0: at once); a second SIGINT/SIGTERM kills at once")
      ->group(g);
  sub->add_option("--cap-add", o.cap_add, "Add capabilities (comma separated; ALL)")->group(g)->allow_extra_args(false);
  sub->add_option("--cap-drop", o.cap_drop, "Drop capabilities (comma separated; ALL)")->group(g)->allow_extra_args(false);
  sub->add_flag("--privileged", o.privileged, "Keep every capability (no_new_privs still applies)")->group(g);
  sub->add_option("--secret", o.secrets, "NAME=FILE: readable as /run/secrets/NAME inside only")->group(g)->allow_extra_args(false);
  sub->add_flag("--json", o.json, "Print the resource summary as JSON")->group(g);
}

void print_resource_summary(const RunOptions& o, const RunOutcome& outcome) {
  if (!outcome.usage) return;
  const ResourceUsage& u = *outcome.usage;
  if (u.oom_killed)
    std::cerr << "profile: the workload hit its memory limit" << (o.memory.empty() ? "" : " (--memory " + o.memory + ")")
              << " and was killed by the kernel's OOM killer\n";
  if (o.json) {
    std::ostringstream j;
    j << "{\"exit_code\":" << outcome.exit_code;
    j << ",\"peak_memory_bytes\":";
    if (u.peak_memory_bytes) j << *u.peak_memory_bytes; else j << "null";
    j << ",\"cpu_usec\":";
    if (u.cpu_usec) j << *u.cpu_usec; else j << "null";
    j << ",\"pids_peak\":";
    if (u.pids_peak) j << *u.pids_peak; else j << "null";
    j << ",\"oom_killed\":" << (u.oom_killed ? "true" : "false") << "}";
    std::cerr << j.str() << "\n";
    return;
  }
  std::ostringstream s;
  s << "profile: resources: peak memory " << (u.peak_memory_bytes ? human_bytes(*u.peak_memory_bytes) : "n/a");
  if (u.cpu_usec) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f s", static_cast<double>(*u.cpu_usec) / 1e6);
    s << ", CPU " << buf;
  } else {
    s << ", CPU n/a";
  }
  s << ", peak pids " << (u.pids_peak ? std::to_string(*u.pids_peak) : "n/a");
  if (u.oom_killed) s << ", OOM-killed";
  std::cerr << s.str() << "\n";
}

}  // namespace profile::cli

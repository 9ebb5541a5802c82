#include "cli/run_options.h"

#include <cstdio>
#include <iostream>
#include <sstream>

#include "cli/common.h"
#include "core/names.h"
#include "runner/caps.h"
#include "tracer/ebpf_tracer.h"

namespace profile::cli {

namespace {

// CLI11 keeps repeated options as separate items; commas split further.
std::vector<std::string> split_commas(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    std::stringstream ss(item);
    std::string tok;
    while (std::getline(ss, tok, ','))
      if (!tok.empty()) out.push_back(tok);
  }
  return out;
}

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

Status apply_run_options(const RunOptions& o, const std::set<std::string>& base_caps,
                         const std::string& default_hostname, RunSpec* spec) {
  spec->reporter = cli::reporter();
  // Capabilities, with Docker's rules: --privileged keeps everything;
  // --cap-add ALL is everything but the drops; --cap-drop ALL leaves only the
  // adds; otherwise the base set minus the drops plus the adds.
  auto names = [](const std::vector<std::string>& items, const char* opt,
                  bool* has_all) -> Result<std::set<std::string>> {
    std::set<std::string> out;
    for (const auto& c : split_commas(items)) {
      if (c == "ALL" || c == "all") {
        *has_all = true;
        continue;
      }
      auto n = normalise_cap_name(c);
      if (!n) return with_context(n.error(), opt);
      out.insert(*n);
    }
    return out;
  };
  bool add_all = false, drop_all = false;
  auto adds = names(o.cap_add, "--cap-add", &add_all);
  if (!adds) return adds.error();
  auto drops = names(o.cap_drop, "--cap-drop", &drop_all);
  if (!drops) return drops.error();
  auto every_cap = [] {
    int last = cap_last_cap();
    std::set<std::string> all;
    for (int i = 0; i <= last; ++i) {
      auto n = normalise_cap_name(cap_name(i));
      if (n) all.insert(*n);
    }
    return all;
  };
  std::set<std::string> caps;
  bool keep_all = false;
  if (o.privileged || (add_all && drops->empty())) {
    // Every capability the kernel knows, even those libcap cannot name; the
    // named set still matters to seccomp's "caps" conditions.
    caps = every_cap();
    keep_all = true;
  } else if (add_all) {
    for (const auto& c : every_cap())
      if (!drops->count(c)) caps.insert(c);
  } else if (drop_all) {
    caps = *adds;
  } else {
    caps = base_caps;
    for (const auto& c : *drops) caps.erase(c);
    caps.insert(adds->begin(), adds->end());
  }
  spec->caps = caps;
  spec->all_caps = keep_all;

  if (!o.user.empty()) {
    CapPlan p;
    PROFILE_TRY(parse_user(o.user, &p));
    spec->user = std::make_pair(p.uid, p.gid);
  }

  Isolation iso;
  auto ns = namespaces_sharing(o.share);
  if (!ns) return ns.error();
  iso.ns = *ns;
  iso.ns.user = o.userns;
  if (!o.userns_map.empty()) {
    if (!o.userns) return make_error("--userns-map needs --userns");
    auto m = parse_userns_map(o.userns_map);
    if (!m) return m.error();
    iso.userns = *m;
  }
  if (o.rootfs_rw && o.rootfs.empty()) return make_error("--rootfs-rw needs --rootfs");
  iso.mounts.rootfs = o.rootfs;
  iso.mounts.rootfs_rw = o.rootfs_rw;
  iso.mounts.read_only = o.read_only;
  for (const auto& b : o.binds) {
    auto s = parse_bind(b, false);
    if (!s) return s.error();
    iso.mounts.binds.push_back(*s);
  }
  for (const auto& b : o.ro_binds) {
    auto s = parse_bind(b, true);
    if (!s) return s.error();
    iso.mounts.binds.push_back(*s);
  }
  iso.mounts.tmpfs = o.tmpfs;
  if (o.secrets.size() > kMaxSecrets) return make_error("too many --secret options (at most 64)");
  for (const auto& s : o.secrets) {
    auto sec = load_secret(s);
    if (!sec) return sec.error();
    iso.mounts.secrets.push_back(std::move(*sec));
  }
  iso.workdir = o.workdir;
  if (!o.workdir.empty() && o.workdir[0] != '/')
    return make_error("--workdir '" + o.workdir + "' is not an absolute path");
  if (!o.hostname.empty()) {
    iso.hostname = o.hostname;
  } else if (iso.ns.uts) {
    iso.hostname = default_hostname.substr(0, 64);
  }
  for (const auto& p : o.publish) {
    auto ps = parse_port_spec(p);
    if (!ps) return ps.error();
    iso.ports.push_back(*ps);
  }
  if (!o.memory.empty()) {
    auto m = parse_memory_size(o.memory);
    if (!m) return m.error();
    iso.limits.memory_bytes = *m;
  }
  if (!o.cpus.empty()) {
    auto c = parse_cpus(o.cpus);
    if (!c) return c.error();
    iso.limits.cpus = *c;
  }
  iso.limits.pids = o.pids;
  if (o.stop_timeout == "0" || o.stop_timeout == "0s" || o.stop_timeout == "0ms") {
    spec->stop_timeout_ms = 0;
  } else {
    auto t = parse_duration_ms(o.stop_timeout);
    if (!t) return with_context(t.error(), "--stop-timeout");
    spec->stop_timeout_ms = *t;
  }
  iso.limits.io_weight = o.io_weight;
  spec->isolation = std::move(iso);
  return {};
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

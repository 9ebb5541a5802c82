#include "profilegen/runtime_sets.h"

#include <algorithm>

#include "core/names.h"

namespace profile {

namespace {

struct RuntimeCall {
  const char* runtime;
  const char* syscall;
  const char* reason;  // one sentence for a reviewer of profile.json
};

// Measured with `strace -f` on runc 1.1.5 (Go 1.19) and crun 1.8.1: the calls
// of the thread that installs the filter, from the install to the
// workload's execve, with and without no-new-privileges, directly and under
// podman (docs/seccomp.md, "Container runtimes"). Without
// no-new-privileges both install the filter before they drop privileges,
// hence the longer lists there.
constexpr const char* kRuncProcFd =
    "runc lists /proc/self/fd after installing the filter to close the descriptors the container must not inherit";
constexpr const char* kRuncGo =
    "runc's Go runtime waits and sleeps on the thread that installed the filter (timing-dependent)";
constexpr const char* kRuncNoNnp =
    "without no-new-privileges runc installs the filter before it sets the user, groups, capabilities and "
    "working directory and looks up the executable";
constexpr const char* kCrunNoNnp =
    "without no-new-privileges crun installs the filter before it sets the user, capabilities and signal state";

constexpr RuntimeCall kRuntimeCalls[] = {
    {"crun", "close", "crun closes the descriptors the container must not inherit after installing the filter"},
    {"crun", "execve", "crun execs the workload after installing the filter"},
    {"crun", "capset", kCrunNoNnp},
    {"crun", "prctl", kCrunNoNnp},
    {"crun", "rt_sigaction", kCrunNoNnp},
    {"crun", "rt_sigprocmask", kCrunNoNnp},
    {"crun", "setresgid", kCrunNoNnp},
    {"crun", "setresuid", kCrunNoNnp},
    {"crun", "write", kCrunNoNnp},
    {"runc", "fstatfs",
     "runc needs fstatfs after installing the filter to check that /proc/self/fd is on procfs before it closes "
     "the descriptors the container must not inherit"},
    {"runc", "openat", kRuncProcFd},
    {"runc", "getdents64", kRuncProcFd},
    {"runc", "close", kRuncProcFd},
    {"runc", "getpid", kRuncProcFd},
    {"runc", "epoll_ctl", "runc's Go runtime removes a descriptor from its poller when it closes it"},
    {"runc", "write", "runc reports to its parent after installing the filter"},
    {"runc", "execve", "runc execs the workload after installing the filter"},
    {"runc", "futex", kRuncGo},
    {"runc", "nanosleep", kRuncGo},
    {"runc", "sched_yield", kRuncGo},
    {"runc", "rt_sigreturn", "runc's Go runtime preempts with a signal, whose handler returns with rt_sigreturn"},
    {"runc", "capget", kRuncNoNnp},
    {"runc", "capset", kRuncNoNnp},
    {"runc", "chdir", kRuncNoNnp},
    {"runc", "faccessat2", kRuncNoNnp},
    {"runc", "fcntl", kRuncNoNnp},
    {"runc", "fstat", kRuncNoNnp},
    {"runc", "getcwd", kRuncNoNnp},
    {"runc", "getppid", kRuncNoNnp},
    {"runc", "newfstatat", kRuncNoNnp},
    {"runc", "prctl", kRuncNoNnp},
    {"runc", "read", kRuncNoNnp},
    {"runc", "setgid", kRuncNoNnp},
    {"runc", "setgroups", kRuncNoNnp},
    {"runc", "setuid", kRuncNoNnp},
};

// A runtime runs as the machine's native architecture; a 32-bit
// personality listed beside it is the workload's, never the runtime's.
bool runtime_arch(const Profile& p, const std::string& arch) {
  if (arch == "x86" || arch == "x32") return !p.syscalls.count("x86_64");
  if (arch == "arm") return !p.syscalls.count("aarch64");
  return true;
}

}  // namespace

const std::vector<std::string>& runtime_names() {
  static const std::vector<std::string> names = {"crun", "runc"};
  return names;
}

const std::set<std::string>& default_runtimes() {
  static const std::set<std::string> d = {"crun", "runc"};
  return d;
}

Result<std::set<std::string>> parse_runtimes(const std::string& value) {
  if (value == "none") return std::set<std::string>{};
  std::set<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = value.find(',', start);
    std::string name = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto& known = runtime_names();
    if (std::find(known.begin(), known.end(), name) == known.end())
      return make_error("--runtime: unknown runtime " + quote_value(name) +
                        " (known: runc, crun, a comma-separated list of them, or none)");
    if (!out.insert(name).second) return make_error("--runtime: " + quote_value(name) + " given twice");
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string runtimes_to_string(const std::set<std::string>& runtimes) {
  if (runtimes.empty()) return "none";
  std::string out;
  for (const auto& r : runtimes) out += (out.empty() ? "" : ",") + r;
  return out;
}

std::set<std::string> runtime_syscalls(const Profile& p, const std::string& arch) {
  std::set<std::string> out;
  if (!runtime_arch(p, arch)) return out;
  for (const auto& c : kRuntimeCalls) {
    // A name this architecture lacks (its libc uses another call) is not needed there.
    if (p.runtimes.count(c.runtime) && syscall_number(arch, c.syscall)) out.insert(c.syscall);
  }
  return out;
}

Status apply_runtimes(Profile* p, const std::set<std::string>& runtimes) {
  for (const auto& r : runtimes) {
    const auto& known = runtime_names();
    if (std::find(known.begin(), known.end(), r) == known.end())
      return make_error("unknown container runtime " + quote_value(r));
  }
  p->runtimes = runtimes;
  for (auto it = p->widenings.begin(); it != p->widenings.end();)
    it = it->kind == "runtime" ? p->widenings.erase(it) : std::next(it);
  for (const auto& [arch, names] : p->syscalls) {
    if (names.empty()) continue;
    for (const auto& c : kRuntimeCalls) {
      if (!runtimes.count(c.runtime) || names.count(c.syscall) || !runtime_arch(*p, arch) ||
          !syscall_number(arch, c.syscall))
        continue;
      // One widening per call: the first runtime in kRuntimeCalls order
      // gives the reason, every runtime that needs it is its evidence.
      add_widening(p, "runtime", "syscall " + arch + " " + c.syscall, c.reason, {c.runtime});
    }
  }
  return Status();
}

}  // namespace profile

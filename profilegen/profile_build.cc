// Observations -> Profile: syscall numbers to names, the syscalls a
// recording can miss, and the file, network and capability policies.
#include "profilegen/profile.h"

#include <tuple>

#include "profilegen/policy.h"

namespace profile {

namespace {
constexpr uint64_t kCloneThread = 0x00010000;  // CLONE_THREAD

// Syscalls a recording can miss although the workload depends on them,
// because they happen only on a timing or a signal: a contended lock or
// join (futex), the return from a signal handler (rt_sigreturn), the restart
// of a call a signal interrupted (restart_syscall). Each is added only when
// what makes it possible was observed.
void add_implied_syscalls(const Observations& obs, Profile* p) {
  for (auto& [arch, names] : p->syscalls) {
    bool threads = names.count("clone3") > 0;  // flags are in memory: assume threads
    auto clone_nr = syscall_number(arch, "clone");
    if (clone_nr) {
      for (const auto& a : obs.args)
        if (a.arch == arch && a.nr == *clone_nr && a.index == 0 && (a.value & kCloneThread)) threads = true;
    }
    std::vector<const char*> add;
    if (threads) add.push_back("futex");
    if (names.count("rt_sigaction") || names.count("sigaction") || names.count("signal"))
      add.push_back(arch == "x86" ? "sigreturn" : "rt_sigreturn");
    if (names.count("rt_sigaction") && arch == "x86") add.push_back("rt_sigreturn");
    add.push_back("restart_syscall");
    for (const char* n : add)
      if (syscall_number(arch, n)) names.insert(n);
  }
}
}  // namespace

Result<Profile> profile_from_observations(const Observations& obs, const std::string& name) {
  Profile p;
  p.name = name;
  for (const auto& [arch, nrs] : obs.syscalls) {
    auto& names = p.syscalls[arch];
    for (int nr : nrs) {
      auto n = syscall_name(arch, nr);
      if (!n) return with_context(n.error(), "recording");
      names.insert(*n);
    }
  }
  add_implied_syscalls(obs, &p);
  std::map<std::tuple<std::string, std::string, int>, std::set<uint64_t>> args;
  for (const auto& a : obs.args) {
    auto n = syscall_name(a.arch, a.nr);
    if (!n) return with_context(n.error(), "recording");
    if (a.index < 0 || a.index > 5) return make_error("recording: argument index out of range");
    args[{a.arch, *n, a.index}].insert(a.value);
  }
  for (auto& [k, values] : args) {
    ArgRule r;
    std::tie(r.arch, r.syscall, r.index) = k;
    r.values = std::move(values);
    p.args.insert(std::move(r));
  }
  generalise_files(obs, &p);
  p.network = network_from_observations(obs);
  p.capabilities = infer_capabilities(obs);
  p.recording.tracer = obs.tracer;
  p.recording.complete = !obs.partial && obs.lost_events == 0;
  p.recording.lost_events = obs.lost_events;
  return p;
}

}  // namespace profile

// Observations -> Profile: syscall numbers to names, the syscalls a
// recording can miss (profilegen/syscall_families.h), and the file, network
// and capability policies.
#include "profilegen/profile.h"

#include <tuple>

#include "profilegen/policy.h"
#include "profilegen/syscall_families.h"

namespace profile {

Result<Profile> profile_from_observations(const Observations& obs, const std::string& name,
                                          const BuildOptions& options) {
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
  add_implied_syscalls(obs, !options.exact, &p);
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
  generalise_files(obs, &p, options.exact ? std::vector<DataRoot>{} : options.data_roots);
  p.network = network_from_observations(obs);
  p.capabilities = infer_capabilities(obs);
  p.recording.tracer = obs.tracer;
  p.recording.complete = !obs.partial && obs.lost_events == 0;
  p.recording.lost_events = obs.lost_events;
  return p;
}

}  // namespace profile

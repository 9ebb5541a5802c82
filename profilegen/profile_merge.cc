// Union of two profiles (profile merge, record --append).
#include "profilegen/profile.h"

namespace profile {

Profile merge_profiles(const Profile& base, const Profile& extra) {
  Profile out = base;
  for (const auto& [arch, names] : extra.syscalls) out.syscalls[arch].insert(names.begin(), names.end());
  for (const auto& r : extra.args) {
    auto it = out.args.find(r);
    if (it == out.args.end()) {
      out.args.insert(r);
    } else {
      ArgRule merged = *it;
      merged.values.insert(r.values.begin(), r.values.end());
      out.args.erase(it);
      out.args.insert(merged);
    }
  }
  for (const auto& [path, acc] : extra.files) out.files[path].insert(acc.begin(), acc.end());
  out.network.sockets.insert(extra.network.sockets.begin(), extra.network.sockets.end());
  out.network.ports.insert(extra.network.ports.begin(), extra.network.ports.end());
  out.network.unix_sockets.insert(extra.network.unix_sockets.begin(), extra.network.unix_sockets.end());
  for (const auto& [c, e] : extra.capabilities) out.capabilities.emplace(c, e);
  out.recording.complete = base.recording.complete && extra.recording.complete;
  out.recording.lost_events = base.recording.lost_events + extra.recording.lost_events;
  if (out.recording.tracer.empty()) out.recording.tracer = extra.recording.tracer;
  out.runtimes.insert(extra.runtimes.begin(), extra.runtimes.end());
  out.strict_args = out.strict_args || extra.strict_args;
  for (const auto& w : extra.widenings) add_widening(&out, w.kind, w.rule, w.reason, w.evidence);
  return out;
}

}  // namespace profile

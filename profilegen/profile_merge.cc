// Union of two profiles (profile merge, record --append).
#include "profilegen/profile.h"

namespace profile {

namespace {

// Does `p` hold `w`'s rule as an observation of its own: the rule with no
// widening of any kind, with at least the access (or the syscall) granted?
bool observed_in(const Profile& p, const Widening& w, const Profile& merged) {
  for (const auto& v : p.widenings)
    if (v.rule == w.rule) return false;
  if (w.rule.rfind("syscall ", 0) == 0) {
    auto sp = w.rule.find(' ', 8);
    if (sp == std::string::npos) return false;
    auto it = p.syscalls.find(w.rule.substr(8, sp - 8));
    return it != p.syscalls.end() && it->second.count(w.rule.substr(sp + 1));
  }
  auto it = p.files.find(w.rule);
  auto all = merged.files.find(w.rule);
  return it != p.files.end() && all != merged.files.end() && it->second == all->second;
}

// Is `w`'s rule still in the merged profile?
bool still_granted(const Profile& merged, const Widening& w) {
  if (w.rule.rfind("syscall ", 0) == 0) {
    auto sp = w.rule.find(' ', 8);
    if (sp == std::string::npos) return true;  // not ours to judge
    auto it = merged.syscalls.find(w.rule.substr(8, sp - 8));
    return it != merged.syscalls.end() && it->second.count(w.rule.substr(sp + 1));
  }
  return merged.files.count(w.rule) != 0;
}

// The merged widenings describe the merged rules exactly: a rule the other
// recording observed as it is granted is no longer a widening, a rule no
// longer granted has none, and one (kind, rule) is listed once, with the
// newer recording's reason (its counts are those of the merged rule's
// latest derivation) and the evidence of both.
void merge_widenings(const Profile& base, const Profile& extra, Profile* out) {
  out->widenings.clear();
  for (const auto* side : {&base, &extra}) {
    const Profile& other = side == &extra ? base : extra;
    for (const auto& w : side->widenings) {
      if (observed_in(other, w, *out) || !still_granted(*out, w)) continue;
      auto it = out->widenings.find(w);
      if (it != out->widenings.end() && side == &extra) {
        auto node = out->widenings.extract(it);
        node.value().reason = w.reason;
        out->widenings.insert(std::move(node));
      }
      add_widening(out, w.kind, w.rule, w.reason, w.evidence);
    }
  }
}

}  // namespace

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
  merge_widenings(base, extra, &out);
  return out;
}

}  // namespace profile

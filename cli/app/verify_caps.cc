#include "cli/app/verify_caps.h"

#include <set>
#include <string>

#include "cli/app/traced_run.h"
#include "profilegen/caps_infer.h"

namespace profile {

Status verify_caps(const RunSpec& recorded_spec, TracerKind kind, const Observations& recorded, Profile* p,
                   const Reporter& reporter) {
  constexpr int kMaxRounds = 4;
  for (int round = 0; round < kMaxRounds; ++round) {
    std::set<std::string> granted;
    for (const auto& [c, ev] : p->capabilities) granted.insert(c);
    auto tracer = make_tracer(kind, nullptr);
    if (!tracer) return tracer.error();
    RunSpec spec = recorded_spec;
    spec.caps = granted;
    Observations replay;
    auto outcome = run_workload(spec, tracer->get(), &replay);
    if (!outcome) return with_context(outcome.error(), "verify-caps replay");
    auto attr = attribute_new_failures(recorded, replay, granted);
    for (const auto& u : attr.unexplained)
      report(reporter, "verify-caps: new failure no capability explains: " + u);
    std::string set;
    for (const auto& c : granted) set += (set.empty() ? "" : ",") + c;
    if (attr.add.empty()) {
      report(reporter, "verify-caps: replay with {" + set + "} shows no new EPERM/EACCES failure (exit status " +
                           std::to_string(outcome->exit_code) + ")");
      return {};
    }
    for (const auto& [cap, ev] : attr.add) {
      report(reporter, "verify-caps: adding " + cap + " (" + ev.reason + ")");
      p->capabilities[cap] = ev;
    }
  }
  report(reporter, "verify-caps: still finding new failures after " + std::to_string(kMaxRounds) +
                       " replays; caps.txt may be incomplete");
  return {};
}

}  // namespace profile

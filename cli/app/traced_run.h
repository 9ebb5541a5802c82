// Runs a workload under a recorder: adapts a tracer/ Tracer to the
// runner's WorkloadWatcher, so that neither layer knows the other.
#pragma once

#include "core/observations.h"
#include "runner/supervisor.h"
#include "tracer/tracer.h"

namespace profile {

class TracerWatcher : public WorkloadWatcher {
 public:
  // Recording goes into `obs`, or is dropped when it is null.
  TracerWatcher(Tracer* tracer, Observations* obs) : tracer_(tracer), obs_(obs) {}
  Status attach(pid_t root) override { return tracer_->attach(root); }
  Result<int> run(pid_t root, const volatile int* stop_requested) override {
    return tracer_->run(root, obs_ ? *obs_ : scratch_, stop_requested);
  }

 private:
  Tracer* tracer_;
  Observations* obs_;
  Observations scratch_;
};

// Runs the workload to completion. With a tracer, recording goes into `obs`.
inline Result<RunOutcome> run_workload(const RunSpec& spec, Tracer* tracer, Observations* obs) {
  if (tracer == nullptr) return run_workload(spec, static_cast<WorkloadWatcher*>(nullptr));
  TracerWatcher watcher(tracer, obs);
  return run_workload(spec, &watcher);
}

}  // namespace profile

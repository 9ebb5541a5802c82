// Runs a workload under a recorder: adapts a tracer/ Tracer to the
// runner's WorkloadWatcher, so that neither layer knows the other.
#pragma once

#include <functional>
#include <utility>

#include "core/observations.h"
#include "runner/supervisor.h"
#include "tracer/tracer.h"

namespace profile {

class TracerWatcher : public WorkloadWatcher {
 public:
  // Recording goes into `obs`, or is dropped when it is null.
  // `on_running` (optional) is called once the workload has been released,
  // before recording it: work to overlap with the run. The sandbox's root
  // process exists by then, so a thread started here is never cloned.
  TracerWatcher(Tracer* tracer, Observations* obs, std::function<void()> on_running = {})
      : tracer_(tracer), obs_(obs), on_running_(std::move(on_running)) {}
  Status attach(pid_t root) override { return tracer_->attach(root); }
  Result<int> run(pid_t root, const volatile int* stop_requested) override {
    if (on_running_) on_running_();
    return tracer_->run(root, obs_ ? *obs_ : scratch_, stop_requested);
  }

 private:
  Tracer* tracer_;
  Observations* obs_;
  std::function<void()> on_running_;
  Observations scratch_;
};

// Runs the workload to completion. With a tracer, recording goes into `obs`.
inline Result<RunOutcome> run_workload(const RunSpec& spec, Tracer* tracer, Observations* obs,
                                       std::function<void()> on_running = {}) {
  if (tracer == nullptr) return run_workload(spec, static_cast<WorkloadWatcher*>(nullptr));
  TracerWatcher watcher(tracer, obs, std::move(on_running));
  return run_workload(spec, &watcher);
}

}  // namespace profile

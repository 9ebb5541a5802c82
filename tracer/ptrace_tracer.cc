// PLACEHOLDER until the ptrace recorder lands.
#include "tracer/ptrace_tracer.h"

namespace profile {

namespace {
class PtraceTracer : public Tracer {
 public:
  std::string name() const override { return "ptrace"; }
  Status attach(pid_t) override { return make_error("ptrace recorder not implemented yet"); }
  Result<int> run(pid_t, Observations&, const volatile int*) override {
    return make_error("ptrace recorder not implemented yet");
  }
};
}  // namespace

std::unique_ptr<Tracer> make_ptrace_tracer() { return std::make_unique<PtraceTracer>(); }

}  // namespace profile

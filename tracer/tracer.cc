#include "tracer/tracer.h"

#include "tracer/ebpf_tracer.h"
#include "tracer/ptrace_tracer.h"

namespace profile {

#ifndef PROFILE_HAVE_EBPF
Result<std::unique_ptr<Tracer>> make_ebpf_tracer() {
  return make_error("the eBPF backend is unavailable: this binary was built without eBPF support");
}
#endif

Result<std::unique_ptr<Tracer>> make_tracer(TracerKind kind, std::string* fallback_note) {
  if (kind == TracerKind::kPtrace) return make_ptrace_tracer();
  auto e = make_ebpf_tracer();
  if (e || kind == TracerKind::kEbpf) return e;
  if (fallback_note) *fallback_note = "eBPF recorder unavailable (" + e.error().message + "); using ptrace";
  return make_ptrace_tracer();
}

}  // namespace profile

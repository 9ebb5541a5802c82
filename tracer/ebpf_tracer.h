// eBPF recorder (libbpf CO-RE): the default backend.
#pragma once

#include <memory>

#include "tracer/tracer.h"

namespace profile {

// Loads the BPF programs; an error says why (kernel refused, no BTF, built
// without eBPF), so auto mode can fall back with that reason.
Result<std::unique_ptr<Tracer>> make_ebpf_tracer();

}  // namespace profile

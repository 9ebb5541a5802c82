// ptrace recorder: follows the whole process tree with PTRACE_SEIZE and
// PTRACE_GET_SYSCALL_INFO. The fallback when eBPF cannot load.
#pragma once

#include <memory>

#include "tracer/tracer.h"

namespace profile {

std::unique_ptr<Tracer> make_ptrace_tracer();

}  // namespace profile

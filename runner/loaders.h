// Files execve uses that no recorder sees: the dynamic loader the kernel
// opens and maps for a dynamically linked binary.
#pragma once

#include "runner/supervisor.h"
#include "core/observations.h"

namespace profile {

// Adds the resolved ELF interpreter of every binary in obs->execs with read
// and mmap-exec, as the workload of `spec` saw it.
void add_exec_loaders(const RunSpec& spec, Observations* obs);

}  // namespace profile

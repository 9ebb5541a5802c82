// The PID namespace's init: runner code in the first process of the run
// (never execs). It forks the workload, forwards SIGINT, SIGTERM, SIGHUP,
// SIGQUIT, SIGUSR1 and SIGUSR2 to it, reaps every orphan, and exits with the
// workload's status (128+N for signal N) as soon as the workload exits; the
// kernel then kills whatever is left in the namespace.
// Everything here runs between clone and execve: no allocation.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <utility>

namespace profile {

using WorkloadMain = void (*)(const void* ctx);

// Installs the forwarding handlers before the fork, so that a signal that
// arrives while the workload does not exist yet is delivered once it does.
// `workload` must not return. `report_fd` is closed in init after the fork
// (the workload keeps its copy). Returns only if the fork fails (errno).
// `args`/`args_len` is the process's argument area (from /proc/self/stat):
// it is overwritten with "profile-init" so that `ps` inside shows the init by
// name rather than the supervisor's command line with its host paths.
int run_init(WorkloadMain workload, const void* ctx, int report_fd, char* args, size_t args_len) noexcept;

// Parent side: the argument area of this process, or {nullptr, 0}.
std::pair<char*, size_t> own_argument_area();

}  // namespace profile

// One interface over the recorders (eBPF, ptrace). The supervisor creates the
// workload's first process blocked before execve, calls attach(), releases
// it, then calls run() which returns when the whole traced tree has exited.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "core/error.h"
#include "core/observations.h"

namespace profile {

class Tracer {
 public:
  virtual ~Tracer() = default;
  virtual std::string name() const = 0;
  // `root` is blocked (reading the sync pipe) and has not yet called execve.
  // Recording begins at the first successful execve of root or its
  // descendants; nothing before it is recorded.
  virtual Status attach(pid_t root) = 0;
  // Waits until root and every traced descendant have exited, recording into
  // `obs`. Returns root's wait status (as waitpid reports it). Must reap root.
  // When `stop_requested` becomes non-zero (Ctrl-C), the tracer stops
  // recording, marks obs.partial, and keeps reaping until root has exited.
  virtual Result<int> run(pid_t root, Observations& obs, const volatile int* stop_requested) = 0;
};

enum class TracerKind { kAuto, kEbpf, kPtrace };

// Creates the requested backend. For kAuto, tries eBPF and falls back to
// ptrace, writing one line saying why to `fallback_note`.
Result<std::unique_ptr<Tracer>> make_tracer(TracerKind kind, std::string* fallback_note);

}  // namespace profile

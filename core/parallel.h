// Runs a few independent tasks on the calling thread and one more: the end
// of a recording has the second CPU to itself once the workload is gone.
#pragma once

#include <cstddef>
#include <functional>

namespace profile {

// Calls task(0) .. task(n - 1), each once, on the calling thread
// and at most one other thread, which takes them in index order (put the
// longest first). Returns when all are done. Without a second thread (its
// creation failed) they all run here, in order. Tasks must not share
// mutable state; an exception a task throws is thrown here once both
// threads are done (a task after it may not run).
void run_two_lanes(size_t n, const std::function<void(size_t)>& task);

}  // namespace profile

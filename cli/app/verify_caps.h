// --verify-caps: checks the capabilities of a recorded profile by replaying
// the workload with only those.
#pragma once

#include "core/error.h"
#include "core/observations.h"
#include "core/profile.h"
#include "core/reporter.h"
#include "runner/supervisor.h"
#include "tracer/tracer.h"

namespace profile {

// Replays the workload with only the computed capabilities and adds the
// capability behind each new EPERM/EACCES failure, until none is new (or a
// few rounds have passed: each round runs the workload again).
// `recorded_spec` is the spec of the recording; each replay changes only its
// capabilities. Progress notes go to `reporter`.
Status verify_caps(const RunSpec& recorded_spec, TracerKind kind, const Observations& recorded, Profile* p,
                   const Reporter& reporter);

}  // namespace profile

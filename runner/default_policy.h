// The policy `enforce` applies when it is given none: Docker's default
// seccomp profile, compiled into the binary.
#pragma once

#include <string_view>

#include "core/error.h"
#include "runner/seccomp.h"

namespace profile {

// Shown in messages as the origin of the built-in policy.
inline constexpr const char* kDefaultSeccompOrigin = "built-in default seccomp policy";

// Docker's default seccomp profile, byte for byte (runner/default_seccomp.json).
std::string_view default_seccomp_json();

// Compiled for the capabilities in ctx.caps, with Docker's semantics: a
// syscall the profile reserves for a capability is allowed only when the
// workload holds it.
Result<SeccompProgram> compile_default_seccomp(const SeccompContext& ctx);

}  // namespace profile

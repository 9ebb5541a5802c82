// AppArmor enforcement where the kernel has it: load the generated profile
// with apparmor_parser and switch to it at the workload's execve.
#pragma once

#include <string>

#include "core/error.h"

namespace profile {

// True when the AppArmor LSM is enabled in the running kernel.
bool kernel_has_apparmor();

// `apparmor_parser -r FILE` (load or replace). Needs root and kernel AppArmor.
Status load_apparmor_profile(const std::string& file);

// True when a profile of that name is loaded (securityfs must be mounted).
bool apparmor_profile_loaded(const std::string& name);

// The "exec NAME" command the child writes to its exec attribute.
std::string apparmor_exec_command(const std::string& name);

// Child side, no allocation: makes the next execve switch to the profile
// named in `cmd` ("exec NAME"). Returns 0 or errno.
int apparmor_change_onexec(const char* cmd, size_t len) noexcept;

}  // namespace profile

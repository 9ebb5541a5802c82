// One-screen, human-readable summary of a profile.
#pragma once

#include <string>

#include "profilegen/profile.h"

namespace profile {

// Group of a syscall name: "file", "network", "process", "memory", ...
std::string syscall_group(const std::string& name);
std::string summarize(const Profile& p);

}  // namespace profile

// Profile -> apparmor.profile (AppArmor 3.0 policy language).
#pragma once

#include <string>

#include "profilegen/profile.h"

namespace profile {

// The text of apparmor.profile: named after the profile, explicit file,
// capability, network, signal and ptrace rules, and the hardening denies of
// Docker's default profile. Fails when the profile name or a path pattern
// cannot be expressed.
Result<std::string> render_apparmor(const Profile& p);

// A pattern of profile.json in AppArmor glob syntax, quoted when needed.
Result<std::string> apparmor_path(const std::string& pattern);

}  // namespace profile

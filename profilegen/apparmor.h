// Profile -> apparmor.profile (AppArmor 3.0 policy language).
#pragma once

#include <string>

#include "profilegen/profile.h"

namespace profile {

// The text of apparmor.profile: named after the profile, explicit file,
// capability, network, signal and ptrace rules, and the hardening denies of
// Docker's default profile. Fails when a path pattern cannot be expressed.
Result<std::string> render_apparmor(const Profile& p);

// The AppArmor profile name for a profile: its name with every character
// AppArmor cannot take in a profile name replaced by '_'.
std::string apparmor_profile_name(const std::string& name);

// A pattern of profile.json in AppArmor glob syntax, quoted when needed.
Result<std::string> apparmor_path(const std::string& pattern);

}  // namespace profile

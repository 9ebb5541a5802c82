// Renderers of the file and network policy formats (AppArmor, Landlock).
#pragma once

#include <string>
#include <vector>

#include "profilegen/profile.h"

namespace profile {

struct ExtraRenderer {
  std::string name;  // file name in the profile directory
  Result<std::string> (*render)(const Profile&);
};

const std::vector<ExtraRenderer>& extra_renderers();

}  // namespace profile

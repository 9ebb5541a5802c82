// Profile -> every generated file of a profile directory.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "profilegen/profile.h"

namespace profile {

struct RenderedFile {
  std::string name;     // file name inside the profile directory
  std::string content;  // deterministic text with a trailing newline
};

// seccomp.json in plain OCI/Docker form.
Result<std::string> render_seccomp(const Profile& p);
// caps.txt: one capability a line, empty when none.
std::string render_caps(const Profile& p);
// Every file of the profile directory, in profile_dir_files() order
// (profile.json first).
Result<std::vector<RenderedFile>> render_all(const Profile& p);
// The names of the files render_all produces, in the same order: the one
// list of a profile directory's generated files.
const std::vector<std::string_view>& profile_dir_files();

}  // namespace profile

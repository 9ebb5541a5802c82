// Reading and writing profile directories. Every file is written to a
// temporary name and renamed, so a reader never sees a half-written profile.
#pragma once

#include <string>

#include "profilegen/profile.h"

namespace profile {

Result<std::string> read_text_file(const std::string& path, size_t max_bytes = 64 << 20);
// Writes `content` to `path` atomically (temp file in the same directory,
// fsync, rename).
Status write_file_atomic(const std::string& path, const std::string& content);

// Loads DIR/profile.json.
Result<Profile> read_profile_dir(const std::string& dir);
// Renders every output of `p` and writes them into `dir` (created if needed).
Status write_profile_dir(const std::string& dir, const Profile& p);

}  // namespace profile

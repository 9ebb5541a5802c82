// Observed paths -> generalised path rules (profilegen/files.cc); the
// pattern syntax they are written in is core/path_pattern.h.
#pragma once

#include <string>

#include "core/path_pattern.h"

namespace profile {

// Tuning of generalise_files, exposed for the tests.
inline constexpr size_t kCollapseThreshold = 8;  // files of one dir -> dir/*
// Read-only files of one system content tree -> tree/** (files.cc content_tree_of).
inline constexpr size_t kContentTreeThreshold = 4;

// "tmpab12_xyz" (Python), "foo.A8f3k2" / "fooA8f3k2" (mkstemp XXXXXX),
// "k2j_q9zx" (Python's probe, only when `deleted`) -> true with the stable
// prefix and suffix around the random token.
bool split_temp_name(const std::string& base, bool deleted, std::string* stem, std::string* ext);

}  // namespace profile

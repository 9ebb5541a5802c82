// Observed paths -> generalised path rules (profilegen/files.cc); the
// pattern syntax they are written in is core/path_pattern.h.
#pragma once

#include <string>
#include <vector>

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

// A directory of the workload's own data, taken from how the user launched
// it (the working directory, an operand of the command line), never from a
// name the workload produced (docs/policy.md, "The workload's data").
struct DataRoot {
  std::string path;    // absolute, canonical (no symlink, "." or "..")
  std::string origin;  // for the reason: "the working directory", "the argument 'www'"
};

// Why `dir` can never be a data tree, or nullptr: "/", a top-level
// directory, /var/NAME or /home/NAME as a whole, the system trees
// (no_directory_grant), /dev, /run, a directory that is, lies in or holds a
// sensitive path. Lexical only: resolve_data_roots adds the checks that need
// the file system.
const char* data_root_refused(const std::string& dir);

// The data roots of a command started in `cwd` with `argv` (argv[0] is the
// program, never a root): `cwd` itself, and, where `cwd` is refused, each
// operand (a word, or the value of `--opt=VALUE`) that names an existing
// file (its directory) or directory strictly beneath `cwd` once every
// symlink is resolved. Also refused: a world-writable sticky directory
// (/tmp, /var/tmp) and a directory that is or holds a user's home. Call it
// before the workload runs: what it finds must be what the user named.
// Roots nested in another are dropped.
std::vector<DataRoot> resolve_data_roots(const std::string& cwd, const std::vector<std::string>& argv);

}  // namespace profile

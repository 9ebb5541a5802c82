// Joining a path string a task passed to a syscall onto the directory the
// kernel resolved it from, shared by both recorders.
//
// The kernel walks a name component by component and follows each symbolic
// link before it reaches the next component, so "L/../x" is x beside L's
// target, not beside L. Text cannot tell which named components were links,
// and any check made afterwards races with the workload, which can swap a
// link for a directory. A ".." is therefore only applied to components the
// kernel itself resolved (the cwd, the dirfd, the task's root); a ".." that
// follows a component taken from the string makes the result unknown.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace profile {

enum class PathJoin {
  kOk,
  kDotDotAfterName,  // a ".." follows a name from the string: unknown target
  kInvalid,          // no absolute directory to resolve a relative name from
};

// `root`: the task's root directory as the recorder sees it ("/" when paths
// are already relative to it); a ".." never climbs above it. `dir`: the
// absolute directory a relative `name` is resolved from (cwd or dirfd),
// unused for an absolute name. Both hold only components the kernel
// resolved. On kOk, *out is the absolute path without ".", ".." or "//".
PathJoin join_resolved(std::string_view root, std::string_view dir, std::string_view name, std::string* out);

// `s` for one line of a message: backslash, quote and every byte outside
// printable ASCII as \xNN, cut to `max` input bytes ("..." marks a cut).
std::string escape_for_message(std::string_view s, size_t max = 256);

}  // namespace profile

// profile merge: the union of profiles recorded on different runs or
// machines (test shards, replicas, a CI matrix), with how many of them
// needed each rule.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "cli/app/profile_dir.h"
#include "core/reporter.h"
#include "profilegen/profile.h"

namespace profile::app {

// The counts go to kCoverageName (cli/app/profile_dir.h), in the same
// generation as the profile: the manifest lists it and a signature covers it.

struct MergeRequest {
  std::vector<std::string> inputs;  // profile directories or profile.json files
  std::string out;                  // created with its parents
  std::string name;                 // empty: the first input's name in canonical order
};

struct MergeResult {
  std::string dir;
  Profile profile;  // as written
  size_t inputs = 0;
};

// Reads a profile directory (its profile.json checked against its
// manifest, as `generate` does) or a profile.json file.
Result<Profile> read_profile_input(const std::string& path, const Reporter& reporter);

// The merge itself, independent of the order of `inputs`: they are merged in
// the order of their canonical text, identical ones once (merging a profile
// with itself gives it back).
Profile merge_all(const std::vector<Profile>& inputs, const std::string& name);
// coverage.json: {"inputs": N, "syscalls": {arch: {name: count}}, "files":
// {path: count}, "capabilities": {...}, ...}: per rule of `merged`, how many
// of `inputs` had it literally.
std::string coverage_json(const Profile& merged, const std::vector<Profile>& inputs);

Result<MergeResult> merge(const MergeRequest& req, const Reporter& reporter);

}  // namespace profile::app

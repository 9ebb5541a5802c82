#include "cli/app/generate.h"

#include "cli/app/profile_dir.h"
#include "profilegen/runtime_sets.h"

namespace profile::app {

Result<GenerateResult> generate(const GenerateRequest& req, const Reporter& reporter) {
  PROFILE_TRY(lock, ProfileDirLock::acquire(req.dir, true, reporter));
  PROFILE_TRY(p, read_profile_dir(req.dir, req.force ? DirCheck::kNone : DirCheck::kSource, reporter));
  if (!req.runtime.empty()) {
    PROFILE_TRY(runtimes, parse_runtimes(req.runtime));
    PROFILE_TRY(apply_runtimes(&p, runtimes));
  }
  if (req.strict_args) p.strict_args = true;
  PROFILE_TRY(write_profile_dir_with_yaml(req.dir, p, reporter, nullptr));
  return GenerateResult{req.dir};
}

}  // namespace profile::app

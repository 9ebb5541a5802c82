#include "cli/app/record.h"

#include <sys/stat.h>

#include "cli/app/profile_dir.h"
#include "cli/app/verify_caps.h"
#include "profilegen/profile.h"

namespace profile {

Result<Profile> save_recording(const Observations& obs, const SaveRequest& req, const Reporter& reporter) {
  PROFILE_TRY(recorded, profile_from_observations(obs, req.name));
  Profile p = req.base ? merge_profiles(*req.base, recorded) : recorded;
  if (obs.lost_events > 0 && !req.allow_loss) {
    return make_error("the recorder lost " + std::to_string(obs.lost_events) +
                      " events; the profile would be incomplete and was not written "
                      "(use --allow-loss to write it anyway, marked incomplete)");
  }
  if (req.verify_caps && req.spec != nullptr) PROFILE_TRY(verify_caps(*req.spec, req.kind, obs, &p, reporter));
  if (req.dir_missing) {
    PROFILE_TRY(make_dirs(req.dir));
    report(reporter, "created the output directory " + req.dir);
  }
  // Read-merge-write under the directory's lock: concurrent `--append`s to
  // one directory each add their recording instead of the last one winning.
  PROFILE_TRY(lock, ProfileDirLock::acquire(req.dir, true, reporter));
  struct stat st;
  if (req.append && stat((req.dir + "/profile.json").c_str(), &st) == 0) {
    PROFILE_TRY(now, read_profile_dir(req.dir, DirCheck::kSource, reporter));
    p = merge_profiles(now, p);
  }
  PROFILE_TRY(write_profile_dir(req.dir, p));
  return p;
}

}  // namespace profile

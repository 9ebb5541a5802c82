#include "cli/app/diff.h"

#include "cli/app/merge.h"

namespace profile::app {

Result<DiffResult> diff(const DiffRequest& req, const Reporter& reporter) {
  PROFILE_TRY(a, read_profile_input(req.old_path, reporter));
  PROFILE_TRY(b, read_profile_input(req.new_path, reporter));
  DiffResult r;
  r.diff = diff_profiles(a, b);
  r.text = req.json ? diff_to_json(r.diff) : diff_to_text(r.diff);
  r.exit_code = r.diff.added.grants() ? 1 : 0;
  return r;
}

}  // namespace profile::app

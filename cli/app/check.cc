#include "cli/app/check.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/app/merge.h"
#include "cli/app/profile_dir.h"
#include "core/file_io.h"
#include "profilegen/profile.h"
#include "profilegen/render.h"

namespace profile::app {

namespace {

// The recording's own directory, removed with what record wrote into it
// (the directory's fixed file names only: nothing else is ours to delete).
class ScratchDir {
 public:
  static Result<ScratchDir> make() {
    const char* tmp = getenv("TMPDIR");
    std::string tmpl = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/profile-check.XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr)
      return make_error("cannot create a temporary directory from " + quote_value(tmpl) + ": " + strerror(errno));
    return ScratchDir(buf.data());
  }
  ScratchDir(ScratchDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    if (path_.empty()) return;
    for (std::string_view f : profile_dir_files()) unlink((path_ + "/" + std::string(f)).c_str());
    unlink((path_ + "/" + kManifestName).c_str());
    rmdir(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  explicit ScratchDir(std::string p) : path_(std::move(p)) {}
  std::string path_;
};

}  // namespace

Result<std::vector<std::string>> stale_rendered_files(const std::string& dir) {
  std::string pj = dir + "/profile.json";
  PROFILE_TRY(text, read_text_file(pj));
  PROFILE_TRY(p, profile_from_json(text, pj));
  PROFILE_TRY(yaml, read_profile_yaml(dir));
  if (yaml) {
    std::vector<std::string> notes;
    PROFILE_TRY(changed, apply_profile_yaml(p, yaml->parsed, &notes));
    p = std::move(changed);
  }
  PROFILE_TRY(files, render_all(p));
  std::vector<std::string> stale;
  for (const auto& f : files) {
    auto on_disk = read_text_file(dir + "/" + f.name);
    if (!on_disk || *on_disk != f.content) stale.push_back(f.name);
  }
  return stale;
}

Result<CheckResult> check(const CheckRequest& req, const Reporter& reporter) {
  if (req.dir.empty()) return make_error("profile check: no profile directory (--profile)");
  PROFILE_TRY(committed, read_profile_input(req.dir, reporter));
  CheckResult result;
  PROFILE_TRY(stale, stale_rendered_files(req.dir));
  result.stale_files = std::move(stale);
  if (req.update && !result.stale_files.empty())
    return make_error(req.dir + "/" + result.stale_files.front() +
                      " is not what profile.json renders to (edited by hand?): --update would overwrite it; "
                      "move the change into profile.json or profile.yaml and run `profile generate " +
                      req.dir + "`");

  PROFILE_TRY(scratch, ScratchDir::make());
  RecordRequest rec = req.record;
  rec.out = scratch.path();
  rec.append = false;
  if (rec.name.empty() && !committed.name.empty() && committed.name.find('/') == std::string::npos)
    rec.name = committed.name;
  PROFILE_TRY(recorded, record(rec, reporter));
  result.workload_exit = recorded.exit_code;

  // The committed profile as enforced: profile.yaml applied.
  Profile effective = committed;
  PROFILE_TRY(yaml, read_profile_yaml(req.dir));
  if (yaml) {
    std::vector<std::string> notes;
    PROFILE_TRY(changed, apply_profile_yaml(committed, yaml->parsed, &notes));
    effective = std::move(changed);
  }
  result.additions = diff_profiles(effective, recorded.profile).added;
  // Only what grants more: a new widening note alone is no failure.
  result.additions.widenings.clear();

  if (req.update && result.additions.grants()) {
    PROFILE_TRY(lock, ProfileDirLock::acquire(req.dir, true, reporter));
    // Read again under the lock: a concurrent writer's rules are kept.
    PROFILE_TRY(base, read_profile_dir(req.dir, DirCheck::kSource, reporter));
    Profile merged = merge_profiles(base, recorded.profile);
    PROFILE_TRY(write_profile_dir_with_yaml(req.dir, merged, reporter, nullptr));
    result.updated = true;
  }
  if (result.workload_exit != 0)
    result.exit_code = result.workload_exit;
  else if (!result.stale_files.empty() || (result.additions.grants() && !result.updated))
    result.exit_code = 1;
  return result;
}

}  // namespace profile::app

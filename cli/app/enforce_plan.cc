#include "cli/app/enforce_plan.h"

#include <unistd.h>

#include <sstream>
#include <vector>

#include "core/file_io.h"
#include "core/names.h"
#include "profilegen/apparmor.h"
#include "profilegen/render.h"
#include "runner/apparmor_loader.h"

namespace profile {

Result<std::set<std::string>> read_caps_file(const std::string& path) {
  PROFILE_TRY(text, read_text_file(path, 1 << 20));
  std::set<std::string> caps;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    auto c = normalise_cap_name(line);
    if (!c) return make_error(path + ":" + std::to_string(n) + ": " + c.error().message);
    caps.insert(*c);
  }
  return caps;
}

Result<ProfileDirPlan> load_profile_dir_plan(const std::string& dir, bool choose_apparmor, const Reporter& reporter) {
  ProfileDirPlan plan;
  PROFILE_TRY(lock, ProfileDirLock::acquire(dir, false, reporter));
  plan.lock.emplace(std::move(lock));
  // profile.json must parse and every file must match the manifest: a
  // broken or mixed profile directory is refused whole.
  PROFILE_TRY(p, read_profile_dir(dir, DirCheck::kAll, reporter));
  PROFILE_TRY(caps, read_caps_file(dir + "/caps.txt"));
  plan.caps = std::move(caps);
  plan.name = p.name;
  plan.seccomp_path = dir + "/seccomp.json";
  if (!p.runtimes.empty()) {
    // enforce installs the filter itself right before execve, so no
    // runtime code runs under it: leaving the runtime's calls out keeps the
    // workload from calling setuid, capset, prctl and the like. The
    // manifest check above makes this seccomp.json minus those calls.
    Profile own = p;
    own.runtimes.clear();
    PROFILE_TRY(text, render_seccomp(own));
    plan.seccomp_json = std::move(text);
  }
  if (choose_apparmor) {
    if (kernel_has_apparmor()) {
      PROFILE_TRY(load_apparmor_profile(dir + "/apparmor.profile"));
      plan.apparmor_exec = apparmor_exec_command(apparmor_profile_name(p.name));
    } else {
      report(reporter, "the kernel has no AppArmor; the file policy is enforced with Landlock");
    }
  }
  if (landlock_abi() == 0) {
    report(reporter, "the kernel has no Landlock either: the file and TCP port policy is NOT enforced");
  } else {
    std::vector<std::string> notes;
    std::string ll = dir + "/landlock.json";
    if (access(ll.c_str(), F_OK) != 0)
      return make_error(ll + " is missing; `profile generate " + dir + "` writes it");
    PROFILE_TRY(landlock, load_landlock_file(ll, &notes));
    for (const auto& n : notes) report(reporter, n);
    plan.landlock = std::move(landlock);
  }
  return plan;
}

}  // namespace profile

#include "cli/app/enforce_plan.h"

#include <unistd.h>

#include <sstream>
#include <vector>

#include "cli/app/signing.h"
#include "core/file_io.h"
#include "core/names.h"
#include "profilegen/apparmor.h"
#include "profilegen/render.h"
#include "runner/apparmor_loader.h"
#include "runner/seccomp.h"

namespace profile {

Result<std::set<std::string>> read_caps_file(const std::string& path) {
  PROFILE_TRY(text, read_text_file(path, 1 << 20));
  return parse_caps_text(text, path);
}

Result<std::set<std::string>> parse_caps_text(const std::string& text, const std::string& path) {
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

namespace {

// enforce installs the filter itself right before execve, so no container
// runtime code runs under it: leaving the runtimes' calls out keeps the
// workload from calling setuid, capset, prctl and the like. Rendered from
// the profile.json the manifest (or signature) check vouched for, so it is
// that directory's seccomp.json minus those calls.
Result<std::string> seccomp_without_runtimes(const Profile& p) {
  Profile own = p;
  own.runtimes.clear();
  return render_seccomp(own);
}

// The signed path of load_profile_dir_plan: the same plan from the bytes the
// signature check read, so a file swapped after the check is never used.
Result<ProfileDirPlan> load_signed_plan(ProfileDirPlan plan, const std::string& dir, bool choose_apparmor,
                                        const Reporter& reporter, const std::string& key_path) {
  PROFILE_TRY(key, read_public_key_file(key_path));
  auto checked = read_signed_profile_dir(dir, key, key_path);
  // enforce has one exit status for every refusal of its own.
  if (!checked) return make_error(checked.error().message + "; the command was not started");
  const auto& files = checked->files;
  PROFILE_TRY(p, profile_from_json(files.at("profile.json"), dir + "/profile.json"));
  PROFILE_TRY(caps, parse_caps_text(files.at("caps.txt"), dir + "/caps.txt"));
  plan.caps = std::move(caps);
  plan.name = p.name;
  plan.seccomp_path = dir + "/seccomp.json";
  if (!p.runtimes.empty()) {
    PROFILE_TRY(text, seccomp_without_runtimes(p));
    plan.seccomp_json = std::move(text);
  } else {
    const std::string& seccomp = files.at("seccomp.json");
    if (seccomp.size() > kMaxSeccompJsonBytes)
      return make_error(plan.seccomp_path + ": file is " + std::to_string(seccomp.size()) +
                        " bytes, more than the limit of " + std::to_string(kMaxSeccompJsonBytes));
    // An empty seccomp_json means "compile the file": never for checked bytes.
    if (seccomp.empty()) return make_error(plan.seccomp_path + " is empty");
    plan.seccomp_json = seccomp;
  }
  if (choose_apparmor) {
    if (kernel_has_apparmor()) {
      // apparmor_parser takes a file name: give it a sealed copy of the
      // checked bytes, not the directory's file.
      PROFILE_TRY(copy, sealed_copy("apparmor.profile", files.at("apparmor.profile")));
      PROFILE_TRY(load_apparmor_profile(copy.path));
      plan.apparmor_exec = apparmor_exec_command(apparmor_profile_name(p.name));
    } else {
      report(reporter, "the kernel has no AppArmor; the file policy is enforced with Landlock");
    }
  }
  if (landlock_abi() == 0) {
    report(reporter, "the kernel has no Landlock either: the file and TCP port policy is NOT enforced");
  } else {
    std::vector<std::string> notes;
    PROFILE_TRY(spec, parse_landlock_json(files.at("landlock.json"), dir + "/landlock.json"));
    PROFILE_TRY(landlock, plan_landlock(spec, landlock_abi(), &notes));
    for (const auto& n : notes) report(reporter, n);
    plan.landlock = std::move(landlock);
  }
  report(reporter, dir + ": signature good (key " + checked->fingerprint + ")");
  return plan;
}

}  // namespace

Result<ProfileDirPlan> load_profile_dir_plan(const std::string& dir, bool choose_apparmor, const Reporter& reporter,
                                             const std::string& require_signature) {
  ProfileDirPlan plan;
  PROFILE_TRY(lock, ProfileDirLock::acquire(dir, false, reporter));
  plan.lock.emplace(std::move(lock));
  if (!require_signature.empty())
    return load_signed_plan(std::move(plan), dir, choose_apparmor, reporter, require_signature);
  // profile.json must parse and every file must match the manifest: a
  // broken or mixed profile directory is refused whole.
  PROFILE_TRY(p, read_profile_dir(dir, DirCheck::kAll, reporter));
  PROFILE_TRY(caps, read_caps_file(dir + "/caps.txt"));
  plan.caps = std::move(caps);
  plan.name = p.name;
  plan.seccomp_path = dir + "/seccomp.json";
  if (!p.runtimes.empty()) {
    PROFILE_TRY(text, seccomp_without_runtimes(p));
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

// A profile directory -> the parts of an enforcement plan it decides:
// capabilities, hostname, the file policy (AppArmor and/or Landlock, by
// what the kernel has) and the seccomp file. The runner then only applies
// the plan.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "cli/app/profile_dir.h"
#include "core/error.h"
#include "core/reporter.h"
#include "runner/landlock.h"

namespace profile {

struct ProfileDirPlan {
  // Held until the caller has read every file it names (seccomp.json is
  // compiled later): a concurrent record renames them one by one.
  std::optional<ProfileDirLock> lock;
  std::string name;                   // the profile's name, the default hostname
  std::set<std::string> caps;         // from caps.txt
  std::string seccomp_path;           // DIR/seccomp.json
  // When the profile names container runtimes: seccomp.json without their
  // calls, which enforce compiles instead of the file; with a signature
  // required, always set (the checked bytes). Empty: the file.
  std::string seccomp_json;
  std::string apparmor_exec;          // "exec NAME"; empty: none
  std::optional<LandlockPlan> landlock;
};

// caps.txt: one capability a line; empty lines and '#' comments are
// skipped. Errors name the file and line.
Result<std::set<std::string>> read_caps_file(const std::string& path);
// The same for caps.txt's text; `path` names it in errors.
Result<std::set<std::string>> parse_caps_text(const std::string& text, const std::string& path);

// Loads `dir` (checked whole against its manifest) under its shared lock.
// With `choose_apparmor`, AppArmor is loaded when the kernel has it;
// Landlock is used whenever the kernel has it (both when both: AppArmor 3
// has no port rules). Notes (what is not enforced and why) go to `reporter`.
// With `require_signature` (a public key file), the directory must be
// signed by that key as it is now (cli/app/signing.h), and every file is
// taken from the bytes that were checked, read once.
Result<ProfileDirPlan> load_profile_dir_plan(const std::string& dir, bool choose_apparmor, const Reporter& reporter,
                                             const std::string& require_signature = "");

}  // namespace profile

#include "cli/app/enforce.h"

#include <optional>
#include <set>

#include "cli/app/enforce_plan.h"
#include "cli/app/profile_dir.h"
#include "core/names.h"
#include "runner/apparmor_loader.h"
#include "runner/default_policy.h"
#include "runner/seccomp.h"

namespace profile::app {

Result<int> enforce(const EnforceRequest& o, const Reporter& reporter) {
  if (!o.profile_dir.empty() && !o.seccomp.empty())
    return make_error("give at most one of --profile DIR or --seccomp FILE");
  if (!o.require_signature.empty() && o.profile_dir.empty())
    return make_error("a signature by " + o.require_signature +
                      " is required, and only a profile directory can be signed: give a signed --profile DIR");
  RunSpec spec;
  spec.argv = o.command;
  // Docker's spelling for "no filter at all"; a file of that name is ./unconfined.
  const bool unconfined = o.seccomp == "unconfined";
  std::string seccomp_path = unconfined ? "" : o.seccomp;
  std::set<std::string> base_caps(docker_default_caps().begin(), docker_default_caps().end());
  std::string hostname = o.command.empty() ? "" : o.command[0].substr(o.command[0].find_last_of('/') + 1);
  // Held until seccomp.json is compiled: a concurrent record renames the
  // directory's files one by one.
  std::optional<ProfileDirLock> dir_lock;
  std::string seccomp_json;  // compiled instead of seccomp_path when set
  if (!o.profile_dir.empty()) {
    PROFILE_TRY(plan, load_profile_dir_plan(o.profile_dir, o.apparmor.empty(), reporter, o.require_signature));
    if (plan.lock) dir_lock.emplace(std::move(*plan.lock));
    base_caps = std::move(plan.caps);
    hostname = plan.name;
    seccomp_path = plan.seccomp_path;
    seccomp_json = std::move(plan.seccomp_json);
    spec.apparmor_exec = plan.apparmor_exec;
    spec.landlock = std::move(plan.landlock);
  }
  if (!o.apparmor.empty()) {
    if (!kernel_has_apparmor()) return make_error("--apparmor " + o.apparmor + ": this kernel has no AppArmor");
    if (!apparmor_profile_loaded(o.apparmor))
      return make_error("--apparmor " + o.apparmor + ": no AppArmor profile of that name is loaded");
    spec.apparmor_exec = apparmor_exec_command(o.apparmor);
  }
  PROFILE_TRY(apply_isolation(o.isolation, base_caps, hostname, reporter, &spec));
  // Without --profile or --seccomp FILE the built-in default applies, as
  // Docker applies its own; only an explicit `--seccomp unconfined` runs
  // without a filter.
  if (unconfined) {
    report(reporter, "seccomp: unconfined (--seccomp unconfined): the workload runs without any syscall filter");
  } else {
    SeccompContext ctx;
    ctx.caps = spec.caps;
    PROFILE_TRY(prog, !seccomp_json.empty()  ? compile_seccomp_json(seccomp_json, seccomp_path, ctx)
                      : seccomp_path.empty() ? compile_default_seccomp(ctx)
                                             : compile_seccomp_file(seccomp_path, ctx));
    spec.seccomp = std::move(prog);
  }
  dir_lock.reset();
  if (spec.landlock)
    report(reporter, "landlock: active (ABI " + std::to_string(spec.landlock->abi) + ", " +
                         std::to_string(spec.landlock->paths.size()) + " path rules, " +
                         std::to_string(spec.landlock->ports.size()) + " port rules)");
  PROFILE_TRY(outcome, run_workload(spec, nullptr));
  if (o.on_exit) o.on_exit(outcome);
  // Landlock denials reach the workload as EACCES and leave no trace we can
  // read here (its audit records need an audit daemon).
  if (spec.landlock && outcome.exit_code != 0)
    report(reporter, "the workload exited with status " + std::to_string(outcome.exit_code) +
                         "; if the profile refused something: Landlock may have denied it (paths and ports outside "
                         "landlock.json fail with EACCES, Permission denied), seccomp a syscall outside seccomp.json "
                         "(EPERM, Operation not permitted)");
  return outcome.exit_code;
}

}  // namespace profile::app

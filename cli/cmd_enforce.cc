// profile enforce: run a command confined by a profile.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <sstream>

#include "cli/app/enforce_plan.h"
#include "cli/app/profile_dir.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/run_options.h"
#include "core/names.h"
#include "runner/apparmor_loader.h"
#include "runner/default_policy.h"
#include "runner/supervisor.h"

namespace profile::cli {

namespace {
struct EnforceOptions {
  std::string profile_dir;
  std::string seccomp;
  std::string apparmor;
  std::vector<std::string> command;
  RunOptions run;
};

int run_enforce(const EnforceOptions& o) {
  if (!o.profile_dir.empty() && !o.seccomp.empty())
    return report(make_error("give at most one of --profile DIR or --seccomp FILE"));
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
  if (!o.profile_dir.empty()) {
    auto plan = load_profile_dir_plan(o.profile_dir, o.apparmor.empty(), cli::reporter());
    if (!plan) return report(plan.error());
    if (plan->lock) dir_lock.emplace(std::move(*plan->lock));
    base_caps = std::move(plan->caps);
    hostname = plan->name;
    seccomp_path = plan->seccomp_path;
    spec.apparmor_exec = plan->apparmor_exec;
    spec.landlock = std::move(plan->landlock);
  }
  if (!o.apparmor.empty()) {
    if (!kernel_has_apparmor()) return report(make_error("--apparmor " + o.apparmor + ": this kernel has no AppArmor"));
    if (!apparmor_profile_loaded(o.apparmor))
      return report(make_error("--apparmor " + o.apparmor + ": no AppArmor profile of that name is loaded"));
    spec.apparmor_exec = apparmor_exec_command(o.apparmor);
  }
  auto applied = apply_run_options(o.run, base_caps, hostname, &spec);
  if (!applied) return report(applied.error());
  // Without --profile or --seccomp FILE the built-in default applies, as
  // Docker applies its own; only an explicit `--seccomp unconfined` runs
  // without a filter.
  if (unconfined) {
    note("seccomp: unconfined (--seccomp unconfined): the workload runs without any syscall filter");
  } else {
    SeccompContext ctx;
    ctx.caps = spec.caps;
    auto prog = seccomp_path.empty() ? compile_default_seccomp(ctx) : compile_seccomp_file(seccomp_path, ctx);
    if (!prog) return report(prog.error());
    spec.seccomp = std::move(*prog);
  }
  dir_lock.reset();
  if (spec.landlock)
    note("landlock: active (ABI " + std::to_string(spec.landlock->abi) + ", " +
         std::to_string(spec.landlock->paths.size()) + " path rules, " + std::to_string(spec.landlock->ports.size()) +
         " port rules)");
  auto outcome = run_workload(spec, nullptr);
  if (!outcome) return report(outcome.error());
  print_resource_summary(o.run, *outcome);
  // Landlock denials reach the workload as EACCES and leave no trace we can
  // read here (its audit records need an audit daemon).
  if (spec.landlock && outcome->exit_code != 0)
    note("the workload exited with status " + std::to_string(outcome->exit_code) +
         "; if the profile refused something: Landlock may have denied it (paths and ports outside "
         "landlock.json fail with EACCES, Permission denied), seccomp a syscall outside seccomp.json "
         "(EPERM, Operation not permitted)");
  return outcome->exit_code;
}
}  // namespace

Runner add_enforce(CLI::App& app) {
  auto o = std::make_shared<EnforceOptions>();
  auto* sub = app.add_subcommand(
      "enforce",
      "Run CMD confined by a profile (seccomp, capabilities, Landlock or AppArmor, no_new_privs) in namespaces "
      "and a cgroup.\nWithout --profile or --seccomp, CMD runs under the built-in default seccomp policy "
      "(Docker's default profile).");
  sub->add_option("--profile", o->profile_dir, "Profile directory (profile.json, seccomp.json, caps.txt, ...)");
  sub->add_option("--seccomp", o->seccomp,
                  "A seccomp JSON file in OCI/Docker format (Docker's own default profile included), or "
                  "'unconfined' for no syscall filter at all");
  sub->add_option("--apparmor", o->apparmor,
                  "Switch to this already loaded AppArmor profile at exec (kernels with AppArmor only)");
  add_run_options(sub, o->run);
  sub->add_option("command", o->command, "Command and arguments (after --)")->required();
  sub->footer(
      "Exit status: the command's own (128+N when killed by signal N); 125 when profile\n"
      "itself fails (bad profile, setup error), 126 when the command cannot be executed,\n"
      "127 when it is not found.");
  return [o] { return run_enforce(*o); };
}

}  // namespace profile::cli

// profile enforce: run a command confined by a profile.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/run_options.h"
#include "profilegen/apparmor.h"
#include "profilegen/profile.h"
#include "runner/apparmor_loader.h"
#include "runner/default_policy.h"
#include "runner/landlock.h"
#include "cli/app/profile_dir.h"
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

Result<std::set<std::string>> read_caps_file(const std::string& path) {
  auto text = read_text_file(path, 1 << 20);
  if (!text) return text.error();
  std::set<std::string> caps;
  std::istringstream in(*text);
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
  // Held while the directory's files are read: a concurrent record renames
  // them one by one.
  std::optional<ProfileDirLock> dir_lock;
  if (!o.profile_dir.empty()) {
    auto l = ProfileDirLock::acquire(o.profile_dir, false, cli::reporter());
    if (!l) return report(l.error());
    dir_lock.emplace(std::move(*l));
    // profile.json must parse and every file must match the manifest: a
    // broken or mixed profile directory is refused whole.
    auto p = read_profile_dir(o.profile_dir, DirCheck::kAll, cli::reporter());
    if (!p) return report(p.error());
    auto caps = read_caps_file(o.profile_dir + "/caps.txt");
    if (!caps) return report(caps.error());
    base_caps = *caps;
    hostname = p->name;
    seccomp_path = o.profile_dir + "/seccomp.json";
    // File policy: AppArmor where the kernel has it, Landlock where it has
    // it (both when both: AppArmor 3 has no port rules).
    if (o.apparmor.empty()) {
      if (kernel_has_apparmor()) {
        auto l = load_apparmor_profile(o.profile_dir + "/apparmor.profile");
        if (!l) return report(l.error());
        spec.apparmor_exec = apparmor_exec_command(apparmor_profile_name(p->name));
      } else {
        note("the kernel has no AppArmor; the file policy is enforced with Landlock");
      }
    }
    if (landlock_abi() == 0) {
      note("the kernel has no Landlock either: the file and TCP port policy is NOT enforced");
    } else {
      std::vector<std::string> notes;
      std::string ll = o.profile_dir + "/landlock.json";
      if (access(ll.c_str(), F_OK) != 0)
        return report(make_error(ll + " is missing; `profile generate " + o.profile_dir + "` writes it"));
      auto plan = load_landlock_file(ll, &notes);
      if (!plan) return report(plan.error());
      for (const auto& n : notes) note(n);
      spec.landlock = std::move(*plan);
    }
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

// profile enforce: run a command confined by a profile.
#include <cstdlib>
#include <memory>

#include "cli/app/enforce.h"
#include "cli/app/signing.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/run_options.h"

namespace profile::cli {

namespace {
int run_enforce(app::EnforceRequest req, bool require_signature_given) {
  auto key = required_signature_key(require_signature_given, req.require_signature,
                                    std::getenv("PROFILE_CONTENT_TRUST"), std::getenv("PROFILE_TRUST_KEY"));
  if (!key) return report(key.error());
  req.require_signature = *key;
  const RunOptions run = req.isolation;
  req.on_exit = [&run](const RunOutcome& outcome) { print_resource_summary(run, outcome); };
  auto status = app::enforce(req, cli::reporter());
  if (!status) return report(status.error());
  return *status;
}
}  // namespace

Runner add_enforce(CLI::App& app) {
  auto o = std::make_shared<app::EnforceRequest>();
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
  auto* require_signature = sub->add_option(
      "--require-signature", o->require_signature,
      "Refuse, before CMD starts, a --profile DIR that is not signed by this Ed25519 public key or was changed "
      "since (also: PROFILE_CONTENT_TRUST=1 with PROFILE_TRUST_KEY=PUB)");
  sub->add_option("--mode", o->mode,
                  "enforce: calls outside the profile fail and are reported (default); complain: they are allowed "
                  "and reported (Landlock is not applied); kill: the process making one is killed and it is reported. "
                  "Landlock's file and port denials are named only with --watch")
      ->check(CLI::IsMember({"enforce", "complain", "kill"}));
  sub->add_option("--report", o->report_path, "Write the run's denials as JSON to FILE at exit (for profile learn)");
  sub->add_flag("--watch", o->watch,
                "With --mode enforce or kill: also run the ptrace recorder to name the file and port accesses "
                "Landlock denies (slows every syscall; see docs/enforce.md)");
  sub->add_flag("--learn", o->learn,
                "Staging run: complain mode, then the denials are folded into --profile DIR (as profile learn)");
  add_run_options(sub, o->isolation);
  sub->add_option("command", o->command, "Command and arguments (after --)")->required();
  sub->footer(
      "Exit status: the command's own (128+N when killed by signal N); 125 when profile\n"
      "itself fails (bad profile, setup error), 126 when the command cannot be executed,\n"
      "127 when it is not found.");
  return [o, require_signature] { return run_enforce(*o, require_signature->count() > 0); };
}

}  // namespace profile::cli

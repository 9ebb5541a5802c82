// profile check: fail CI when the workload now needs more than its
// committed profile.
#include <iostream>
#include <memory>

#include "cli/app/check.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/run_options.h"

namespace profile::cli {

Runner add_check(CLI::App& app) {
  auto o = std::make_shared<app::CheckRequest>();
  auto* sub = app.add_subcommand(
      "check", "Record CMD again and fail when it needs more than the committed profile (a CI gate).");
  sub->add_option("--profile", o->dir, "The committed profile directory")->required();
  sub->add_flag("--update", o->update, "Merge what CMD needs beyond the profile into it instead of failing");
  sub->add_option("--tracer", o->record.tracer, "Recorder backend: auto (eBPF, else ptrace), ebpf or ptrace")
      ->capture_default_str();
  sub->add_flag("--allow-loss", o->record.allow_loss, "Accept a recording that lost events");
  add_run_options(sub, o->record.isolation);
  sub->add_option("command", o->record.command, "Command and arguments (after --)");
  sub->footer(
      "Example: profile check --profile profiles/web -- ./run-tests.sh\n"
      "Also fails when a generated file of the directory is not what its profile.json renders to\n"
      "(a hand edit of seccomp.json): edit profile.json and run `profile generate` instead.\n"
      "Exit status: the command's own when it fails (a failing test fails the check), else 1 when\n"
      "it needed more than the profile or a file is stale, 0 when not (or with --update, once the\n"
      "profile is widened); 125 when profile itself fails, 126/127 when CMD cannot be run.");
  return [o] {
    auto r = app::check(*o, cli::reporter());
    if (!r) return report(r.error());
    for (const auto& f : r->stale_files)
      std::cout << o->dir << "/" << f << ": not what profile.json renders to (run `profile generate " << o->dir
                << "`, or move the edit into profile.json)\n";
    for (const auto& l : delta_lines(r->additions))
      std::cout << (r->updated ? "added: " : "needs: ") << l << "\n";
    if (r->updated) std::cerr << "profile: updated " << o->dir << "/\n";
    if (r->workload_exit != 0)
      note("the command failed (exit status " + std::to_string(r->workload_exit) + "): the check fails with it");
    else if (r->exit_code == 0)
      note(r->updated ? "profile widened" : "the command needs nothing beyond " + o->dir);
    return r->exit_code;
  };
}

}  // namespace profile::cli

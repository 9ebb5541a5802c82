// profile record: run a command under a recorder and write its profile.
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "cli/app/profile_dir.h"
#include "cli/app/record.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/run_options.h"
#include "profilegen/render.h"
#include "profilegen/summary.h"
#include "tracer/path_join.h"

namespace profile::cli {

namespace {
int run_record(app::RecordRequest req) {
  const RunOptions run = req.isolation;
  req.on_exit = [&run](const RunOutcome& outcome) { print_resource_summary(run, outcome); };
  auto r = app::record(req, cli::reporter());
  if (!r) return report(r.error());
  std::cerr << summarize(r->profile);
  if (r->unresolved_paths > 0)
    note(std::to_string(r->unresolved_paths) +
         " path argument(s) left out of the profile: a \"..\" follows a name that may be a symbolic link, so "
         "which file the call used is unknown (first: \"" + escape_for_message(r->first_unresolved_path) + "\")");
  std::string files;
  for (std::string_view f : profile_dir_files()) files += std::string(f) + ", ";
  std::cerr << "  written to " << r->dir << "/ (" << files << kManifestName << ")\n";
  if (r->partial) note("recording interrupted: the profile is marked partial");
  return r->exit_code;
}
}  // namespace

Runner add_record(CLI::App& app) {
  auto o = std::make_shared<app::RecordRequest>();
  auto* sub = app.add_subcommand("record", "Run CMD, record everything it does, write its profile directory.");
  sub->add_option("-o,--output", o->out,
                  "Profile directory to write (default: profiles/NAME); created with its missing parents");
  sub->add_option("--name", o->name, "Profile name (default: the command's base name)");
  sub->add_flag("--append", o->append, "Merge into the existing profile in the output directory");
  sub->add_option("--tracer", o->tracer, "Recorder backend: auto (eBPF, else ptrace), ebpf or ptrace")
      ->capture_default_str();
  sub->add_flag("--allow-loss", o->allow_loss,
                "Write the profile even if the recorder lost events (marked incomplete)");
  sub->add_option("--cgroup", o->cgroup,
                  "Record the running tasks of this cgroup v2 directory instead of starting a command "
                  "(eBPF only; e.g. /sys/fs/cgroup/system.slice/web.service)");
  sub->add_option("--unit", o->unit,
                  "Record the running systemd unit NAME.service through its cgroup (as --cgroup; eBPF only)");
  sub->add_option("--duration", o->duration,
                  "With --cgroup or --unit: how long to record (30s, 500ms, 2m); default until Ctrl-C");
  sub->add_flag("--verify-caps", o->verify_caps,
                "Replay CMD with only the computed capabilities and add any whose absence makes a call fail");
  sub->add_option("--runtime", o->runtime,
                  "Container runtimes seccomp.json must let start the container: runc, crun, both "
                  "(runc,crun, the default) or none");
  sub->add_flag("--strict-args", o->strict_args,
                "Also limit ioctl to the recorded requests and deny memory both writable and executable "
                "(kept in profile.json)");
  sub->add_flag("--exact", o->exact,
                "Allow only the syscalls recorded, without the other members of their families (the error path "
                "and timing-dependent calls are still added)");
  add_run_options(sub, o->isolation);
  sub->add_option("command", o->command, "Command and arguments (after --)");
  sub->footer(
      "Exit status: the command's own (128+N when killed by signal N); 125 when profile\n"
      "itself fails, 126 when the command cannot be executed, 127 when it is not found.");
  return [o] { return run_record(*o); };
}

}  // namespace profile::cli

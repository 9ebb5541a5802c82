// profile record: run a command under a recorder and write its profile.
#include <sys/stat.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/app/profile_dir.h"
#include "cli/app/record.h"
#include "cli/app/traced_run.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/run_options.h"
#include "profilegen/profile.h"
#include "profilegen/summary.h"
#include "runner/loaders.h"
#include "runner/supervisor.h"
#include "tracer/ebpf_tracer.h"
#include "tracer/path_join.h"

namespace profile::cli {

namespace {
struct RecordOptions {
  std::string out;
  std::string name;
  std::string tracer = "auto";
  bool append = false;
  bool allow_loss = false;
  std::string cgroup;    // attach mode: record this running cgroup v2
  std::string duration;  // attach mode: how long
  bool verify_caps = false;
  std::vector<std::string> command;
  RunOptions run;
};

std::string basename_of(const std::string& p) {
  auto s = p.find_last_of('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

int run_record(const RecordOptions& o) {
  if (!o.cgroup.empty() && !o.command.empty())
    return report(make_error("--cgroup records a running service: give no command"));
  if (!o.duration.empty() && o.cgroup.empty()) return report(make_error("--duration needs --cgroup"));
  if (o.cgroup.empty() && o.command.empty())
    return report(make_error("no command given: profile record [OPTIONS] -- CMD [ARGS...]"));
  std::string cg = o.cgroup;
  while (cg.size() > 1 && cg.back() == '/') cg.pop_back();
  std::string name = o.name.empty() ? basename_of(o.cgroup.empty() ? o.command[0] : cg) : o.name;
  if (name.empty() || name.find('/') != std::string::npos)
    return report(make_error("invalid profile name '" + name + "'"));
  std::string out = o.out.empty() ? "profiles/" + name : o.out;

  // Everything about the output is checked before the workload runs: a
  // recording must not be lost to a typo in -o.
  bool out_missing = false;
  auto usable = check_output_dir(out, &out_missing);
  if (!usable) return report(usable.error());
  auto read_base = [&]() -> Result<std::optional<Profile>> {
    struct stat st;
    if (!o.append || stat((out + "/profile.json").c_str(), &st) != 0) return std::optional<Profile>{};
    auto p = read_profile_dir(out, DirCheck::kSource, cli::reporter());
    if (!p) return p.error();
    return std::optional<Profile>(std::move(*p));
  };
  auto early_base = read_base();
  if (!early_base) return report(early_base.error());
  std::optional<Profile> base = std::move(*early_base);

  Observations obs;
  int exit_code = 0;
  RunSpec spec;
  TracerKind kind = TracerKind::kAuto;
  if (o.tracer == "ebpf") {
    kind = TracerKind::kEbpf;
  } else if (o.tracer == "ptrace") {
    kind = TracerKind::kPtrace;
  } else if (o.tracer != "auto") {
    return report(make_error("unknown tracer '" + o.tracer + "' (auto, ebpf or ptrace)"));
  }
  if (!o.cgroup.empty()) {
    if (kind == TracerKind::kPtrace) return report(make_error("--cgroup needs the eBPF recorder"));
    if (o.verify_caps) return report(make_error("--verify-caps replays a command; it cannot be used with --cgroup"));
    uint64_t ms = 0;
    if (!o.duration.empty()) {
      auto d = parse_duration_ms(o.duration);
      if (!d) return report(d.error());
      ms = *d;
    }
    auto r = record_cgroup_ebpf(o.cgroup, ms);
    if (!r) return report(r.error());
    obs = std::move(*r);
  } else {
    std::string fallback;
    auto tracer = make_tracer(kind, &fallback);
    if (!tracer) return report(tracer.error());
    if (!fallback.empty()) note(fallback);
    spec.argv = o.command;
    // Recorded under the conditions it will be enforced in: the same
    // isolation options, Docker's default capabilities as the base.
    auto applied = apply_run_options(
        o.run, std::set<std::string>(docker_default_caps().begin(), docker_default_caps().end()), name, &spec);
    if (!applied) return report(applied.error());
    auto outcome = run_workload(spec, tracer->get(), &obs);
    if (!outcome) return report(outcome.error());
    add_exec_loaders(spec, &obs);
    print_resource_summary(o.run, *outcome);
    exit_code = outcome->exit_code;
  }

  SaveRequest save;
  save.dir = out;
  save.dir_missing = out_missing;
  save.name = name;
  save.append = o.append;
  save.base = std::move(base);
  save.allow_loss = o.allow_loss;
  save.verify_caps = o.verify_caps;
  save.spec = &spec;
  save.kind = kind;
  auto saved = save_recording(obs, save, cli::reporter());
  if (!saved) return report(saved.error());
  const Profile& p = *saved;
  std::cerr << summarize(p);
  if (obs.unresolved_paths > 0)
    note(std::to_string(obs.unresolved_paths) +
         " path argument(s) left out of the profile: a \"..\" follows a name that may be a symbolic link, so "
         "which file the call used is unknown (first: \"" + escape_for_message(obs.first_unresolved_path) + "\")");
  std::cerr << "  written to " << out << "/ (profile.json, seccomp.json, apparmor.profile, landlock.json, caps.txt, "
            << kManifestName << ")\n";
  if (obs.partial) note("recording interrupted: the profile is marked partial");
  return exit_code;
}
}  // namespace

Runner add_record(CLI::App& app) {
  auto o = std::make_shared<RecordOptions>();
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
  sub->add_option("--duration", o->duration, "With --cgroup: how long to record (30s, 500ms, 2m); default until Ctrl-C");
  sub->add_flag("--verify-caps", o->verify_caps,
                "Replay CMD with only the computed capabilities and add any whose absence makes a call fail");
  add_run_options(sub, o->run);
  sub->add_option("command", o->command, "Command and arguments (after --)");
  sub->footer(
      "Exit status: the command's own (128+N when killed by signal N); 125 when profile\n"
      "itself fails, 126 when the command cannot be executed, 127 when it is not found.");
  return [o] { return run_record(*o); };
}

}  // namespace profile::cli

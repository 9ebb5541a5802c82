// profile record: run a command under a recorder and write its profile.
#include <sys/stat.h>

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/run_options.h"
#include "profilegen/profile.h"
#include "profilegen/summary.h"
#include "runner/profile_dir.h"
#include "runner/supervisor.h"

namespace profile::cli {

namespace {
struct RecordOptions {
  std::string out;
  std::string name;
  std::string tracer = "auto";
  bool append = false;
  bool allow_loss = false;
  std::vector<std::string> command;
  RunOptions run;
};

std::string basename_of(const std::string& p) {
  auto s = p.find_last_of('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

int run_record(const RecordOptions& o) {
  if (o.command.empty()) return report(make_error("no command given: profile record [OPTIONS] -- CMD [ARGS...]"));
  std::string name = o.name.empty() ? basename_of(o.command[0]) : o.name;
  if (name.empty() || name.find('/') != std::string::npos)
    return report(make_error("invalid profile name '" + name + "'"));
  std::string out = o.out.empty() ? "profiles/" + name : o.out;

  std::optional<Profile> base;
  if (o.append) {
    struct stat st;
    if (stat((out + "/profile.json").c_str(), &st) == 0) {
      auto p = read_profile_dir(out);
      if (!p) return report(p.error());
      base = *p;
    }
  }

  TracerKind kind;
  if (o.tracer == "auto") {
    kind = TracerKind::kAuto;
  } else if (o.tracer == "ebpf") {
    kind = TracerKind::kEbpf;
  } else if (o.tracer == "ptrace") {
    kind = TracerKind::kPtrace;
  } else {
    return report(make_error("unknown tracer '" + o.tracer + "' (auto, ebpf or ptrace)"));
  }
  std::string fallback;
  auto tracer = make_tracer(kind, &fallback);
  if (!tracer) return report(tracer.error());
  if (!fallback.empty()) note(fallback);

  RunSpec spec;
  spec.argv = o.command;
  auto applied = apply_run_options(
      o.run, std::set<std::string>(docker_default_caps().begin(), docker_default_caps().end()), name, &spec);
  if (!applied) return report(applied.error());
  Observations obs;
  auto outcome = run_workload(spec, tracer->get(), &obs);
  if (!outcome) return report(outcome.error());
  print_resource_summary(o.run, *outcome);

  auto prof = profile_from_observations(obs, name);
  if (!prof) return report(prof.error());
  Profile p = base ? merge_profiles(*base, *prof) : *prof;
  if (obs.lost_events > 0 && !o.allow_loss) {
    return report(make_error("the recorder lost " + std::to_string(obs.lost_events) +
                             " events; the profile would be incomplete and was not written "
                             "(use --allow-loss to write it anyway, marked incomplete)"));
  }
  auto w = write_profile_dir(out, p);
  if (!w) return report(w.error());
  std::cerr << summarize(p);
  std::cerr << "  written to " << out << "/ (profile.json, seccomp.json, apparmor.profile, landlock.json, caps.txt)\n";
  if (obs.partial) note("recording interrupted: the profile is marked partial");
  return outcome->exit_code;
}
}  // namespace

Runner add_record(CLI::App& app) {
  auto o = std::make_shared<RecordOptions>();
  auto* sub = app.add_subcommand("record", "Run CMD, record everything it does, write its profile directory.");
  sub->add_option("-o,--output", o->out, "Profile directory to write (default: profiles/NAME)");
  sub->add_option("--name", o->name, "Profile name (default: the command's base name)");
  sub->add_flag("--append", o->append, "Merge into the existing profile in the output directory");
  sub->add_option("--tracer", o->tracer, "Recorder backend: auto (eBPF, else ptrace), ebpf or ptrace")
      ->capture_default_str();
  sub->add_flag("--allow-loss", o->allow_loss,
                "Write the profile even if the recorder lost events (marked incomplete)");
  add_run_options(sub, o->run);
  sub->add_option("command", o->command, "Command and arguments (after --)")->required();
  sub->footer(
      "Exit status: the command's own (128+N when killed by signal N); 125 when profile\n"
      "itself fails, 126 when the command cannot be executed, 127 when it is not found.");
  return [o] { return run_record(*o); };
}

}  // namespace profile::cli

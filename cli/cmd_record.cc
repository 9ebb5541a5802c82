// profile record: run a command under a recorder and write its profile.
#include <sys/stat.h>

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "profilegen/caps_infer.h"
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
  bool verify_caps = false;
  std::vector<std::string> command;
};

std::string basename_of(const std::string& p) {
  auto s = p.find_last_of('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

// Replays the workload with only the computed capabilities and adds the
// capability behind each new EPERM/EACCES failure, until none is new (or a
// few rounds have passed: each round runs the workload again).
Status verify_caps(const RunSpec& recorded_spec, TracerKind kind, const Observations& recorded, Profile* p) {
  constexpr int kMaxRounds = 4;
  for (int round = 0; round < kMaxRounds; ++round) {
    std::set<std::string> granted;
    for (const auto& [c, ev] : p->capabilities) granted.insert(c);
    auto tracer = make_tracer(kind, nullptr);
    if (!tracer) return tracer.error();
    RunSpec spec = recorded_spec;
    spec.caps = granted;
    Observations replay;
    auto outcome = run_workload(spec, tracer->get(), &replay);
    if (!outcome) return with_context(outcome.error(), "verify-caps replay");
    auto attr = attribute_new_failures(recorded, replay, granted);
    for (const auto& u : attr.unexplained)
      note("verify-caps: new failure no capability explains: " + u);
    std::string set;
    for (const auto& c : granted) set += (set.empty() ? "" : ",") + c;
    if (attr.add.empty()) {
      note("verify-caps: replay with {" + set + "} shows no new EPERM/EACCES failure (exit status " +
           std::to_string(outcome->exit_code) + ")");
      return {};
    }
    for (const auto& [cap, ev] : attr.add) {
      note("verify-caps: adding " + cap + " (" + ev.reason + ")");
      p->capabilities[cap] = ev;
    }
  }
  note("verify-caps: still finding new failures after " + std::to_string(kMaxRounds) + " replays; caps.txt may be incomplete");
  return {};
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
  spec.caps.insert(docker_default_caps().begin(), docker_default_caps().end());
  Observations obs;
  auto outcome = run_workload(spec, tracer->get(), &obs);
  if (!outcome) return report(outcome.error());

  auto prof = profile_from_observations(obs, name);
  if (!prof) return report(prof.error());
  Profile p = base ? merge_profiles(*base, *prof) : *prof;
  if (obs.lost_events > 0 && !o.allow_loss) {
    return report(make_error("the recorder lost " + std::to_string(obs.lost_events) +
                             " events; the profile would be incomplete and was not written "
                             "(use --allow-loss to write it anyway, marked incomplete)"));
  }
  if (o.verify_caps) {
    auto v = verify_caps(spec, kind, obs, &p);
    if (!v) return report(v.error());
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
  sub->add_flag("--verify-caps", o->verify_caps,
                "Replay CMD with only the computed capabilities and add any whose absence makes a call fail");
  sub->add_option("command", o->command, "Command and arguments (after --)")->required();
  sub->footer(
      "Exit status: the command's own (128+N when killed by signal N); 125 when profile\n"
      "itself fails, 126 when the command cannot be executed, 127 when it is not found.");
  return [o] { return run_record(*o); };
}

}  // namespace profile::cli

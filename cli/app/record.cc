#include "cli/app/record.h"

#include <sys/stat.h>

#include "cli/app/profile_dir.h"
#include "cli/app/traced_run.h"
#include "cli/app/verify_caps.h"
#include "core/names.h"
#include "profilegen/profile.h"
#include "profilegen/runtime_sets.h"
#include "runner/loaders.h"
#include "tracer/ebpf_tracer.h"

namespace profile {

Result<Profile> save_recording(const Observations& obs, const SaveRequest& req, const Reporter& reporter) {
  BuildOptions build;
  build.exact = req.exact;
  PROFILE_TRY(recorded, profile_from_observations(obs, req.name, build));
  Profile p = req.base ? merge_profiles(*req.base, recorded) : recorded;
  bool appended = req.base.has_value();
  if (obs.lost_events > 0 && !req.allow_loss) {
    return make_error("the recorder lost " + std::to_string(obs.lost_events) +
                      " events; the profile would be incomplete and was not written "
                      "(use --allow-loss to write it anyway, marked incomplete)");
  }
  if (req.verify_caps && req.spec != nullptr) PROFILE_TRY(verify_caps(*req.spec, req.kind, obs, &p, reporter));
  if (req.dir_missing) {
    PROFILE_TRY(make_dirs(req.dir));
    report(reporter, "created the output directory " + req.dir);
  }
  // Read-merge-write under the directory's lock: concurrent `--append`s to
  // one directory each add their recording instead of the last one winning.
  PROFILE_TRY(lock, ProfileDirLock::acquire(req.dir, true, reporter));
  struct stat st;
  if (req.append && stat((req.dir + "/profile.json").c_str(), &st) == 0) {
    PROFILE_TRY(now, read_profile_dir(req.dir, DirCheck::kSource, reporter));
    p = merge_profiles(now, p);
    appended = true;
  }
  // After the merges: a runtime call the recording now shows is no longer a widening.
  PROFILE_TRY(apply_runtimes(&p, req.runtimes ? *req.runtimes : appended ? p.runtimes : default_runtimes()));
  // profile.yaml goes on top of the merged recording every time, so its
  // additions survive a recording without --append and its removals one
  // that sees the removed behaviour again.
  Profile written;
  PROFILE_TRY(write_profile_dir_with_yaml(req.dir, p, reporter, &written));
  return written;
}

namespace app {

namespace {
std::string basename_of(const std::string& p) {
  auto s = p.find_last_of('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}
}  // namespace

Result<RecordResult> record(const RecordRequest& o, const Reporter& reporter) {
  if (!o.cgroup.empty() && !o.command.empty())
    return make_error("--cgroup records a running service: give no command");
  if (!o.duration.empty() && o.cgroup.empty()) return make_error("--duration needs --cgroup");
  if (o.cgroup.empty() && o.command.empty())
    return make_error("no command given: profile record [OPTIONS] -- CMD [ARGS...]");
  std::string cg = o.cgroup;
  while (cg.size() > 1 && cg.back() == '/') cg.pop_back();
  std::string name = o.name.empty() ? basename_of(o.cgroup.empty() ? o.command[0] : cg) : o.name;
  if (name.empty() || name.find('/') != std::string::npos) return make_error("invalid profile name '" + name + "'");
  std::string out = o.out.empty() ? "profiles/" + name : o.out;

  // Everything about the output is checked before the workload runs: a
  // recording must not be lost to a typo in -o.
  std::optional<std::set<std::string>> runtimes;
  if (!o.runtime.empty()) {
    PROFILE_TRY(r, parse_runtimes(o.runtime));
    runtimes = std::move(r);
  }
  bool out_missing = false;
  PROFILE_TRY(check_output_dir(out, &out_missing));
  // A mistake in profile.yaml is reported now; it is read again, under the
  // lock, when the recording is written.
  if (!out_missing) PROFILE_TRY(read_profile_yaml(out));
  std::optional<Profile> base;
  struct stat st;
  if (o.append && stat((out + "/profile.json").c_str(), &st) == 0) {
    PROFILE_TRY(p, read_profile_dir(out, DirCheck::kSource, reporter));
    base = std::move(p);
  }

  Observations obs;
  int exit_code = 0;
  RunSpec spec;
  TracerKind kind = TracerKind::kAuto;
  if (o.tracer == "ebpf") {
    kind = TracerKind::kEbpf;
  } else if (o.tracer == "ptrace") {
    kind = TracerKind::kPtrace;
  } else if (o.tracer != "auto") {
    return make_error("unknown tracer '" + o.tracer + "' (auto, ebpf or ptrace)");
  }
  if (!o.cgroup.empty()) {
    if (kind == TracerKind::kPtrace) return make_error("--cgroup needs the eBPF recorder");
    if (o.verify_caps) return make_error("--verify-caps replays a command; it cannot be used with --cgroup");
    uint64_t ms = 0;
    if (!o.duration.empty()) {
      PROFILE_TRY(d, parse_duration_ms(o.duration));
      ms = d;
    }
    PROFILE_TRY(r, record_cgroup_ebpf(o.cgroup, ms));
    obs = std::move(r);
  } else {
    std::unique_ptr<Tracer> tracer;
#ifdef PROFILE_HAVE_EBPF
    // The eBPF load overlaps the sandbox's set-up (the first move into a
    // cgroup alone waits ~10 ms for RCU); a load that fails is reported by
    // attach(), before the workload was released, and auto falls back then.
    if (kind != TracerKind::kPtrace) tracer = start_ebpf_tracer();
#endif
    if (!tracer) {
      std::string fallback;
      PROFILE_TRY(t, make_tracer(kind, &fallback));
      if (!fallback.empty()) report(reporter, fallback);
      tracer = std::move(t);
    }
    spec.argv = o.command;
    // Recorded under the conditions it will be enforced in: the same
    // isolation options, Docker's default capabilities as the base.
    PROFILE_TRY(apply_isolation(o.isolation,
                                std::set<std::string>(docker_default_caps().begin(), docker_default_caps().end()),
                                name, reporter, &spec));
    auto outcome = run_workload(spec, tracer.get(), &obs);
#ifdef PROFILE_HAVE_EBPF
    if (!outcome && kind == TracerKind::kAuto && ebpf_load_failed(*tracer)) {
      report(reporter, "eBPF recorder unavailable (" + outcome.error().message + "); using ptrace");
      obs = Observations{};
      PROFILE_TRY(t, make_tracer(TracerKind::kPtrace, nullptr));
      tracer = std::move(t);
      outcome = run_workload(spec, tracer.get(), &obs);
    }
#endif
    if (!outcome) return outcome.error();
    add_exec_loaders(spec, &obs);
    if (o.on_exit) o.on_exit(*outcome);
    exit_code = outcome->exit_code;
  }

  SaveRequest save;
  save.dir = out;
  save.dir_missing = out_missing;
  save.name = name;
  save.append = o.append;
  save.base = std::move(base);
  save.allow_loss = o.allow_loss;
  save.exact = o.exact;
  save.verify_caps = o.verify_caps;
  save.spec = &spec;
  save.kind = kind;
  save.runtimes = std::move(runtimes);
  PROFILE_TRY(saved, save_recording(obs, save, reporter));
  RecordResult result;
  result.exit_code = exit_code;
  result.dir = out;
  result.profile = std::move(saved);
  result.unresolved_paths = obs.unresolved_paths;
  result.first_unresolved_path = obs.first_unresolved_path;
  result.partial = obs.partial;
  return result;
}

}  // namespace app

}  // namespace profile

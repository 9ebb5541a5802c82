#include "cli/app/record.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <deque>

#include "cli/app/profile_dir.h"
#include "cli/app/traced_run.h"
#include "core/libcrypto.h"
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
  build.data_roots = req.data_roots;
  end_phase_timing("generating", reporter);
  PROFILE_TRY(recorded, profile_from_observations(obs, req.name, build));
  end_phase_timing("generalised", reporter);
  Profile p = req.base ? merge_profiles(*req.base, recorded) : std::move(recorded);
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
  if (req.strict_args) p.strict_args = true;
  // profile.yaml goes on top of the merged recording every time, so its
  // additions survive a recording without --append and its removals one
  // that sees the removed behaviour again.
  Profile written;
  PROFILE_TRY(write_profile_dir_with_yaml(req.dir, std::move(p), reporter, &written));
  end_phase_timing("written", reporter);
  return written;
}

namespace app {

namespace {
std::string basename_of(const std::string& p) {
  auto s = p.find_last_of('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

constexpr unsigned long kCgroup2Magic = 0x63677270;  // CGROUP2_SUPER_MAGIC

bool is_cgroup2(const std::string& path) {
  struct statfs fs {};
  return statfs(path.c_str(), &fs) == 0 && static_cast<unsigned long>(fs.f_type) == kCgroup2Magic;
}

bool is_real_dir(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// systemd's unit name grammar (systemd.unit(5)): the name becomes a path
// component, so nothing else gets through.
Status check_unit_name(const std::string& unit) {
  static const char* const kSuffixes[] = {".service", ".scope"};
  bool suffix = false;
  for (const char* s : kSuffixes) {
    std::string sfx(s);
    suffix |= unit.size() > sfx.size() && unit.compare(unit.size() - sfx.size(), sfx.size(), sfx) == 0;
  }
  bool chars = !unit.empty() && unit.size() <= 255;
  for (char c : unit)
    chars &= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' || c == '_' ||
             c == '.' || c == '\\' || c == '@' || c == '-';
  if (!chars || !suffix || unit.front() == '.')
    return make_error("--unit " + quote_value(unit) + " is not a systemd service or scope name (e.g. web.service)");
  return {};
}
}  // namespace

Result<std::string> unit_cgroup(const std::string& unit_in, const std::vector<std::string>& roots) {
  std::string unit = unit_in;
  if (!unit.empty() && unit.find('.') == std::string::npos) unit += ".service";
  PROFILE_TRY(check_unit_name(unit));
  std::string root;
  for (const auto& r : roots)
    if (root.empty() && is_cgroup2(r)) root = r;
  if (root.empty())
    return make_error("--unit " + quote_value(unit) + ": no cgroup v2 hierarchy at " +
                      (roots.empty() ? std::string("-") : roots.front()) + (roots.size() > 1 ? " or " + roots.back() : ""));
  std::string direct = root + "/system.slice/" + unit;
  if (is_real_dir(direct)) return direct;
  // A unit in another slice (Slice=, user units): systemd names its cgroup
  // after the unit wherever it is. Bounded, and not through links.
  constexpr int kMaxDepth = 8;
  constexpr size_t kMaxDirs = 100000;
  std::vector<std::string> found;
  std::deque<std::pair<std::string, int>> queue = {{root, 0}};
  size_t seen = 0;
  while (!queue.empty() && seen < kMaxDirs) {
    auto [dir, depth] = queue.front();
    queue.pop_front();
    ++seen;
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) continue;
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n == "." || n == ".." || e->d_type != DT_DIR) continue;
      std::string path = dir + "/" + n;
      if (n == unit) found.push_back(path);
      if (depth + 1 < kMaxDepth) queue.emplace_back(path, depth + 1);
    }
    closedir(d);
  }
  if (found.size() == 1) return found.front();
  if (found.size() > 1) {
    std::sort(found.begin(), found.end());
    return make_error("--unit " + quote_value(unit) + " names " + std::to_string(found.size()) + " cgroups (" +
                      found[0] + ", " + found[1] + (found.size() > 2 ? ", ..." : "") +
                      "): give the one to record with --cgroup");
  }
  return make_error("--unit " + quote_value(unit) + ": no cgroup of that unit under " + root +
                    " (systemd creates a unit's cgroup only while it runs: is it started?)");
}

Result<RecordResult> record(const RecordRequest& req, const Reporter& reporter) {
  if (!req.unit.empty() && !req.cgroup.empty()) return make_error("--unit and --cgroup both name what to record: give one");
  if (!req.unit.empty() && !req.command.empty())
    return make_error("--unit records a running service: give no command");
  RecordRequest resolved;
  if (!req.unit.empty()) {
    // The unit is its cgroup: from here on this is `record --cgroup`.
    PROFILE_TRY(dir, unit_cgroup(req.unit));
    report(reporter, "recording " + req.unit + " through its cgroup " + dir);
    resolved = req;
    resolved.cgroup = dir;
  }
  const RecordRequest& o = req.unit.empty() ? req : resolved;
  if (!o.cgroup.empty() && !o.command.empty())
    return make_error("--cgroup records a running service: give no command");
  if (!o.duration.empty() && o.cgroup.empty()) return make_error("--duration needs --cgroup or --unit");
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
  std::vector<DataRoot> data_roots;
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
    if (kind == TracerKind::kPtrace)
      return make_error(std::string(req.unit.empty() ? "--cgroup" : "--unit") + " needs the eBPF recorder");
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
    // From how the user launched it, before it runs: nothing the workload
    // does can move them. A --rootfs run sees other paths than these.
    if (o.isolation.rootfs.empty()) {
      std::string cwd = o.isolation.workdir;
      if (cwd.empty()) {
        char buf[PATH_MAX];
        if (getcwd(buf, sizeof buf) != nullptr) cwd = buf;
      }
      if (!cwd.empty()) data_roots = resolve_data_roots(cwd, o.command);
    }
    // Recorded under the conditions it will be enforced in: the same
    // isolation options, Docker's default capabilities as the base.
    PROFILE_TRY(apply_isolation(o.isolation,
                                std::set<std::string>(docker_default_caps().begin(), docker_default_caps().end()),
                                name, reporter, &spec));
    // The manifest's SHA-256 needs libcrypto, opened while the workload runs
    // rather than at start-up (core/libcrypto.h).
    auto outcome = run_workload(spec, tracer.get(), &obs, [] { libcrypto::preload(); });
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
  save.data_roots = std::move(data_roots);
  save.verify_caps = o.verify_caps;
  save.spec = &spec;
  save.kind = kind;
  save.runtimes = std::move(runtimes);
  save.strict_args = o.strict_args;
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

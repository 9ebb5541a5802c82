#include "cli/app/enforce.h"

#include <seccomp.h>

#include <memory>
#include <optional>
#include <set>

#include "cli/app/enforce_plan.h"
#include "cli/app/learn.h"
#include "cli/app/profile_dir.h"
#include "cli/app/traced_run.h"
#include "core/denial_report.h"
#include "core/file_io.h"
#include "core/landlock_abi.h"
#include "core/names.h"
#include "core/observations.h"
#include "core/profile.h"
#include "runner/apparmor_loader.h"
#include "runner/default_policy.h"
#include "runner/seccomp.h"
#include "runner/seccomp_notify.h"

namespace profile::app {

namespace {

// What the kernel does not show us on this run, said rather than guessed.
std::vector<std::string> invisible_notes(bool landlock_unwatched, bool complain, bool had_landlock,
                                         bool watch_caps) {
  std::vector<std::string> n;
  if (landlock_unwatched)
    n.push_back(
        "landlock: its denials reach the workload as EACCES and were not watched (their audit records "
        "need the audit subsystem; --watch names them at the recorder's cost; see docs/enforce.md)");
  if (complain && had_landlock)
    n.push_back(
        "landlock: not applied in complain mode; file and port accesses are not checked against the "
        "profile in this run");
  if (watch_caps)
    n.push_back(
        "capabilities: only Docker's default capabilities were granted and watched; a check of any other "
        "capability fails inside the kernel (EPERM) and is not reported");
  else
    n.push_back(
        "capabilities: a capability the profile lacks fails inside the kernel (EPERM) and is not reported "
        "(kprobes do not load here; the recorder's cap_capable tracepoint keeps granted checks only)");
  return n;
}

// The recorded accesses Landlock refuses under `plan`: `files` are the
// completed accesses (complain mode) or the refused opens (--watch);
// `action` is "allowed" or "denied" accordingly.
std::vector<Denial> landlock_would_deny(const LandlockPlan& plan, const std::map<std::string, uint32_t>& files,
                                        const std::set<PortUse>& ports, const std::string& action) {
  std::vector<Denial> out;
  for (const auto& [path, bits] : files) {
    if (landlock_plan_refuses(plan, path, landlock_rights_for_access(bits)) == 0) continue;
    Denial d;
    d.mechanism = "landlock";
    d.action = action;
    d.path = path;
    for (const auto& a : access_to_names(bits)) d.access.push_back(a);
    d.count = 1;
    out.push_back(std::move(d));
  }
  for (const auto& pu : ports) {
    if (pu.protocol != "tcp") continue;  // Landlock has TCP rules only
    uint64_t right = pu.kind == PortUse::kBind ? landlock_bit::kBindTcp : landlock_bit::kConnectTcp;
    if (!landlock_plan_refuses_port(plan, pu.port, right)) continue;
    Denial d;
    d.mechanism = "landlock";
    d.action = action;
    d.syscall = pu.kind == PortUse::kBind ? "bind" : "connect";
    d.family = family_name(pu.family);
    d.protocol = "tcp";
    d.port = pu.port;
    d.count = 1;
    out.push_back(std::move(d));
  }
  return out;
}

void print_summary(const DenialReport& r, uint64_t total, uint64_t suppressed, bool say_none,
                   const Reporter& reporter) {
  if (r.denials.empty() && r.overflow == 0) {
    if (say_none) report(reporter, "seccomp: no call outside the profile");
    return;
  }
  std::string head = "seccomp: " + std::to_string(r.denials.size()) + " distinct call" +
                     (r.denials.size() == 1 ? "" : "s") + " outside the profile (" + std::to_string(total) +
                     " in all, " + r.mode + " mode)";
  if (r.overflow > 0)
    head += ", " + std::to_string(r.overflow) + " more not described (over the limit of distinct denials)";
  if (suppressed > 0) head += "; " + std::to_string(suppressed) + " of them were not printed as they happened";
  report(reporter, head + ":");
  size_t shown = 0;
  for (const Denial& d : r.denials) {
    if (++shown > 50) {
      report(reporter, "  ... " + std::to_string(r.denials.size() - 50) + " more in the report (--report FILE)");
      break;
    }
    report(reporter, "  " + denial_line(d) + (d.count > 1 ? " x" + std::to_string(d.count) : ""));
  }
}

}  // namespace

Result<int> enforce(const EnforceRequest& o, const Reporter& reporter) {
  if (!o.profile_dir.empty() && !o.seccomp.empty())
    return make_error("give at most one of --profile DIR or --seccomp FILE");
  if (!o.require_signature.empty() && o.profile_dir.empty())
    return make_error("a signature by " + o.require_signature +
                      " is required, and only a profile directory can be signed: give a signed --profile DIR");
  PROFILE_TRY(mode, parse_denial_mode(o.mode));
  if (o.learn) {
    if (o.profile_dir.empty()) return make_error("--learn folds the run's denials into --profile DIR: give one");
    if (o.mode != "enforce" && o.mode != "complain")
      return make_error("--learn runs in complain mode; it cannot be combined with --mode " + o.mode);
    mode = DenialMode::kComplain;
  }
  if (o.watch && mode == DenialMode::kComplain)
    return make_error("--watch applies to --mode enforce and kill; complain mode (and --learn) already watch "
                      "without applying Landlock");
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
  std::string seccomp_json;  // compiled instead of seccomp_path when set
  if (!o.profile_dir.empty()) {
    PROFILE_TRY(plan, load_profile_dir_plan(o.profile_dir, o.apparmor.empty(), reporter, o.require_signature));
    if (plan.lock) dir_lock.emplace(std::move(*plan.lock));
    base_caps = std::move(plan.caps);
    hostname = plan.name;
    seccomp_path = plan.seccomp_path;
    seccomp_json = std::move(plan.seccomp_json);
    spec.apparmor_exec = plan.apparmor_exec;
    spec.landlock = std::move(plan.landlock);
  }
  if (!o.apparmor.empty()) {
    if (!kernel_has_apparmor()) return make_error("--apparmor " + o.apparmor + ": this kernel has no AppArmor");
    if (!apparmor_profile_loaded(o.apparmor))
      return make_error("--apparmor " + o.apparmor + ": no AppArmor profile of that name is loaded");
    spec.apparmor_exec = apparmor_exec_command(o.apparmor);
  }
  PROFILE_TRY(apply_isolation(o.isolation, base_caps, hostname, reporter, &spec));
  const bool had_landlock = spec.landlock.has_value();
  // Complain mode denies nothing the profile does not cover: Landlock is not
  // applied; the recorder watches the run instead and its file and port
  // accesses are compared with the plan Landlock would have enforced.
  std::optional<LandlockPlan> complain_plan;
  std::unique_ptr<Tracer> tracer;
  if (mode == DenialMode::kComplain && !spec.apparmor_exec.empty()) {
    spec.apparmor_exec.clear();
    report(reporter, "apparmor: not applied in complain mode; what it would deny is not reported");
  }
  // Complain mode also grants Docker's default capabilities the profile
  // lacks: the recorder sees the kernel's granted capability checks (never
  // the refused ones), so a check is only seen once it is granted.
  const std::set<std::string> enforced_caps = spec.caps;
  const bool watch_caps = mode == DenialMode::kComplain && !o.profile_dir.empty() && !spec.all_caps;
  if (watch_caps) spec.caps.insert(docker_default_caps().begin(), docker_default_caps().end());
  if (mode == DenialMode::kComplain && (spec.landlock || watch_caps)) {
    if (spec.landlock) {
      complain_plan = std::move(spec.landlock);
      spec.landlock.reset();
    }
    std::string fallback;
    PROFILE_TRY(t, make_tracer(TracerKind::kAuto, &fallback));
    if (!fallback.empty()) report(reporter, fallback);
    tracer = std::move(t);
    report(reporter, "complain mode: Landlock is not applied and Docker's default capabilities are granted; the " +
                         tracer->name() + " recorder reports the file and port accesses and capabilities the " +
                         "profile would deny");
  }
  // --watch: Landlock stays applied and refuses; the ptrace recorder sees
  // each refused call's arguments (the eBPF one keeps completed calls only),
  // so the opens refused with EACCES and the ports bind/connect asked for are
  // compared with the plan. Opt-in: it stops the workload at every syscall.
  std::optional<LandlockPlan> watch_plan;
  if (o.watch && !spec.landlock) {
    report(reporter, "--watch: the profile has no Landlock rules; there is nothing to watch");
  } else if (o.watch) {
    watch_plan = *spec.landlock;
    PROFILE_TRY(t, make_tracer(TracerKind::kPtrace, nullptr));
    tracer = std::move(t);
    report(reporter, "--watch: the ptrace recorder names the file and port accesses Landlock denies");
  }
  // Without --profile or --seccomp FILE the built-in default applies, as
  // Docker applies its own; only an explicit `--seccomp unconfined` runs
  // without a filter.
  if (unconfined) {
    report(reporter, "seccomp: unconfined (--seccomp unconfined): the workload runs without any syscall filter");
  } else {
    SeccompContext ctx;
    ctx.caps = spec.caps;
    ctx.notify_default = true;
    PROFILE_TRY(prog, !seccomp_json.empty()  ? compile_seccomp_json(seccomp_json, seccomp_path, ctx)
                      : seccomp_path.empty() ? compile_default_seccomp(ctx)
                                             : compile_seccomp_file(seccomp_path, ctx));
    spec.seccomp = std::move(prog);
  }
  dir_lock.reset();
  if (spec.landlock)
    report(reporter, "landlock: active (ABI " + std::to_string(spec.landlock->abi) + ", " +
                         std::to_string(spec.landlock->paths.size()) + " path rules, " +
                         std::to_string(spec.landlock->ports.size()) + " port rules)");
  std::unique_ptr<SeccompNotifier> notifier;
  if (spec.seccomp && spec.seccomp->notify) {
    NotifyOptions no;
    no.mode = mode;
    uint32_t replaced = spec.seccomp->replaced_action;
    if ((replaced & 0xffff0000u) == (SCMP_ACT_ERRNO(0) & 0xffff0000u)) {
      no.deny_errno = static_cast<int>(replaced & 0xffffu);
    } else if (mode == DenialMode::kEnforce) {
      // The profile kills (or traps) by default: enforcing it kills.
      no.mode = DenialMode::kKill;
    }
    no.reporter = reporter;
    notifier = std::make_unique<SeccompNotifier>(std::move(no));
    spec.notifier = notifier.get();
  } else if (spec.seccomp && mode != DenialMode::kEnforce) {
    report(reporter, "seccomp: the filter's default action (" + spec.seccomp->default_action +
                         ") does not deny, so --mode " + o.mode + " changes nothing");
  }
  if (!o.report_path.empty()) {
    // Fail before the workload runs, not after.
    bool missing = false;
    std::string parent = o.report_path.substr(0, o.report_path.find_last_of('/') + 1);
    PROFILE_TRY(check_output_dir(parent.empty() ? "." : parent, &missing));
    if (missing) return make_error("--report " + o.report_path + ": its directory does not exist");
  }
  Observations obs;
  PROFILE_TRY(outcome, run_workload(spec, tracer.get(), &obs));
  if (o.on_exit) o.on_exit(outcome);
  DenialReport rep;
  rep.mode = denial_mode_name(notifier ? notifier->options().mode : mode);
  rep.invisible = invisible_notes(spec.landlock.has_value() && !watch_plan,
                                  mode == DenialMode::kComplain && !complain_plan, had_landlock,
                                  watch_caps && tracer && tracer->name() == "ebpf");
  if (notifier) {
    rep.denials = notifier->denials();
    rep.overflow = notifier->overflow();
    const bool asked = !o.report_path.empty() || o.learn || mode != DenialMode::kEnforce;
    print_summary(rep, notifier->total(), notifier->lines_suppressed(), asked, reporter);
  }
  if (watch_caps) {
    for (const auto& [name, ev] : obs.capabilities) {
      // Inferred capabilities are guesses from arguments; only a check the
      // kernel made counts.
      if (ev.kind != CapEvidenceKind::kObserved || enforced_caps.count(name)) continue;
      Denial d;
      d.mechanism = "capability";
      d.action = "allowed";
      d.capability = name;
      d.count = 1;
      report(reporter, denial_line(d) + " (" + printable_message(ev.reason) + ")");
      if (rep.denials.size() < kMaxReportedDenials)
        rep.denials.push_back(std::move(d));
      else
        ++rep.overflow;
    }
  }
  // Complain mode compares every access the recorder saw with the plan
  // Landlock would have applied; --watch compares the opens the kernel
  // refused with the plan it did apply. Both report and bound the same way.
  auto fold_landlock = [&](const LandlockPlan& plan, const auto& files, const char* action, const char* none,
                           const char* lost) {
    auto found = landlock_would_deny(plan, files, obs.ports, action);
    for (const Denial& d : found) report(reporter, denial_line(d));
    if (found.empty()) report(reporter, none);
    for (auto& d : found) {
      if (rep.denials.size() >= kMaxReportedDenials) {
        ++rep.overflow;
        continue;
      }
      rep.denials.push_back(std::move(d));
    }
    if (obs.lost_events > 0 || obs.partial)
      rep.invisible.push_back("landlock: the recorder lost " + std::to_string(obs.lost_events) + " events; " +
                              lost + " in them are not reported");
  };
  if (complain_plan)
    fold_landlock(*complain_plan, obs.files, "allowed", "landlock: no file or port access outside the profile",
                  "accesses");
  if (watch_plan)
    fold_landlock(*watch_plan, obs.refused_files, "denied", "landlock: no file or port access denied", "denials");
  if (!o.report_path.empty()) PROFILE_TRY(write_file_atomic(o.report_path, denial_report_to_json(rep)));
  if (o.learn) {
    LearnRequest lr;
    lr.dir = o.profile_dir;
    lr.given.emplace_back("this run", std::move(rep));
    PROFILE_TRY(learn(lr, reporter));
  }
  // Landlock denials reach the workload as EACCES and leave no trace we can
  // read here (audit is off; docs/enforce.md); seccomp's are listed above.
  if (spec.landlock && !watch_plan && outcome.exit_code != 0)
    report(reporter, "the workload exited with status " + std::to_string(outcome.exit_code) +
                         "; if the profile refused something: Landlock may have denied it (paths and ports outside "
                         "landlock.json fail with EACCES, Permission denied; `--watch` or `--mode complain` lists them)" +
                         (notifier ? std::string("")
                                   : ", seccomp a syscall outside seccomp.json (EPERM, Operation not permitted)"));
  return outcome.exit_code;
}

}  // namespace profile::app

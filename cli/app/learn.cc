#include "cli/app/learn.h"

#include <algorithm>
#include <optional>

#include "cli/app/profile_dir.h"
#include "core/names.h"
#include "core/path_pattern.h"
#include "core/profile.h"
#include "core/sensitive_paths.h"
#include "profilegen/profile_diff.h"
#include "profilegen/profile_yaml.h"
#include "profilegen/syscall_families.h"

namespace profile::app {

namespace {

std::string times(uint64_t n) { return std::to_string(n) + (n == 1 ? " time" : " times"); }

bool yaml_adds_syscall(const std::optional<ProfileYamlFile>& y, const std::string& arch, const std::string& name) {
  if (!y) return false;
  for (const auto& e : y->parsed.add.syscalls)
    if ((e.arch.empty() || e.arch == arch) && e.names.count(name)) return true;
  return false;
}

bool yaml_adds_file(const std::optional<ProfileYamlFile>& y, const std::string& pattern) {
  if (!y) return false;
  for (const auto& e : y->parsed.add.files)
    if (e.path == pattern || pattern_covers(e.path, pattern)) return true;
  return false;
}

bool modifies(const std::vector<std::string>& access) {
  for (const auto& a : access)
    if (a != "read" && a != "list" && a != "execute" && a != "mmap-exec") return true;
  return false;
}

}  // namespace

Result<LearnResult> learn(const LearnRequest& req, const Reporter& reporter) {
  // Every report is read and checked before the directory is touched.
  std::vector<std::pair<std::string, DenialReport>> reports = req.given;
  for (const auto& path : req.reports) {
    PROFILE_TRY(r, read_denial_report(path));
    reports.emplace_back(path, std::move(r));
  }
  PROFILE_TRY(lock, ProfileDirLock::acquire(req.dir, true, reporter));
  PROFILE_TRY(old_p, read_profile_dir(req.dir, DirCheck::kSource, reporter));
  PROFILE_TRY(yaml, read_profile_yaml(req.dir));
  const std::string yaml_name = req.dir + "/" + kProfileYamlName;
  Profile p = old_p;
  LearnResult res;
  auto refuse = [&](const std::string& item, const std::string& why, const std::string& yaml_hint) {
    res.refused.push_back("refused " + item + ": " + why + "; to allow it, add it by hand to " + yaml_name + " (" +
                          yaml_hint + ") and run `profile generate " + req.dir + "`");
  };
  auto evidence = [](const std::string& origin, const Denial& d) {
    return origin + ": " + d.action + " " + times(d.count) + " (" + d.mechanism +
           (d.syscall.empty() ? "" : ", " + d.syscall) + ")";
  };
  const std::string reason = "denied under enforce and folded in by profile learn";
  // Adds the denial's syscall; false when the rest of it is not learnable.
  auto learn_syscall = [&](const Denial& d, const std::string& at, const std::string& origin) -> Result<bool> {
    // Bad input is an error, not a refusal: the report was not ours.
    PROFILE_TRY(check_arch(d.arch));
    if (d.syscall[0] == '#') {
      res.skipped.push_back("not learned: syscall number " + d.syscall.substr(1) + " on " + d.arch +
                            " has no name in libseccomp (" + at + ")");
      return false;
    }
    auto nr = syscall_number(d.arch, d.syscall);
    if (!nr) return make_error(at + ".syscall: " + nr.error().message);
    if (!p.syscalls.count(d.arch)) {
      res.skipped.push_back("not learned: syscall " + d.arch + " " + quote_value(d.syscall) +
                            ": the profile does not cover the architecture " + d.arch + " (" + at + ")");
      return false;
    }
    const std::string rule = "syscall " + d.arch + " " + d.syscall;
    if (!p.syscalls[d.arch].count(d.syscall)) {
      if (never_widened_syscalls().count(d.syscall) && !yaml_adds_syscall(yaml, d.arch, d.syscall)) {
        refuse(rule, "namespace, mount, module, bpf, keyring, ptrace and privilege calls are never added by a machine",
               "add: syscalls: [{arch: " + d.arch + ", names: [" + d.syscall + "], reason: ...}]");
        return false;
      } else {
        p.syscalls[d.arch].insert(d.syscall);
        res.added.push_back(rule);
      }
    }
    if (p.syscalls[d.arch].count(d.syscall)) add_widening(&p, "learned", rule, reason, {evidence(origin, d)});
    return true;
  };
  for (const auto& [origin, rep] : reports) {
    for (size_t i = 0; i < rep.denials.size(); ++i) {
      const Denial& d = rep.denials[i];
      const std::string at = origin + ": denials[" + std::to_string(i) + "]";
      if (d.mechanism == "seccomp") {
        PROFILE_TRY(go_on, learn_syscall(d, at, origin));
        if (!go_on) continue;
      }
      if (!d.path.empty() && !d.access.empty()) {
        if (d.path[0] != '/') {
          res.skipped.push_back("not learned: the relative path " + quote_value(d.path) + " of " + d.syscall +
                                " (the workload's directory is unknown; add the absolute path by hand) (" + at + ")");
        } else {
          std::string pattern = escape_pattern_literal(d.path);
          std::set<std::string> acc(d.access.begin(), d.access.end());
          PROFILE_TRY(access_from_names(acc));
          std::string item = "file " + quote_value(d.path);
          if (sensitive_entry(d.path, modifies(d.access)) != nullptr && !yaml_adds_file(yaml, pattern)) {
            refuse(item, "a sensitive path (core/sensitive_paths) is never added by a machine",
                   "add: files: [{path: " + pattern + ", access: [...], reason: ...}]");
          } else {
            auto& have = p.files[pattern];
            size_t before = have.size();
            have.insert(acc.begin(), acc.end());
            if (have.size() != before) {
              std::string names;
              for (const auto& a : acc) names += (names.empty() ? "" : ",") + a;
              res.added.push_back("file " + pattern + " " + names);
            }
            add_widening(&p, "learned", pattern, reason, {evidence(origin, d)});
          }
        }
      }
      if ((d.syscall == "socket") && !d.family.empty() && !d.type.empty()) {
        PROFILE_TRY(family_number(d.family));
        PROFILE_TRY(socket_type_number(d.type));
        SocketRule s{d.family, d.type, 0};
        if (p.network.sockets.insert(s).second) res.added.push_back("socket " + d.family + " " + d.type);
      }
      if (d.mechanism == "capability" && !d.capability.empty()) {
        // Complain mode only grants (and so only sees) Docker's defaults;
        // anything else in a report was not seen by us.
        const auto& defaults = docker_default_caps();
        if (p.capabilities.count(d.capability)) {
          // Granted already (by hand in profile.yaml, or an earlier learn).
        } else if (std::find(defaults.begin(), defaults.end(), d.capability) == defaults.end()) {
          refuse("capability " + d.capability, "only Docker's default capabilities are learned",
                 "add: capabilities: [{name: " + d.capability + ", reason: ...}]");
        } else {
          p.capabilities[d.capability] =
              CapEvidence{CapEvidenceKind::kObserved, "learned: " + evidence(origin, d) + " in complain mode"};
          res.added.push_back("capability " + d.capability);
        }
      }
      if ((d.syscall == "bind" || d.syscall == "connect") && d.port >= 0) {
        if (d.protocol.empty()) {
          res.skipped.push_back("not learned: " + d.syscall + " port " + std::to_string(d.port) +
                                ": the socket's protocol could not be read (" + at + ")");
        } else {
          PortRule pr{d.syscall, d.protocol, d.port};
          if (p.network.ports.insert(pr).second)
            res.added.push_back("port " + d.syscall + " " + d.protocol + " " + std::to_string(d.port));
        }
      }
    }
  }
  ProfileDiff diff = diff_profiles(old_p, p);
  res.diff = diff_to_text(diff);
  for (const auto& s : res.skipped) report(reporter, "learn: " + s);
  for (const auto& s : res.refused) report(reporter, "learn: " + s);
  if (res.added.empty() && p == old_p) {
    report(reporter, "learn: nothing to add to " + req.dir);
    return res;
  }
  PROFILE_TRY(write_profile_dir_with_yaml(req.dir, p, reporter, nullptr));
  report(reporter, "learn: " + req.dir + ": added " + std::to_string(res.added.size()) + " rule" +
                       (res.added.size() == 1 ? "" : "s") + ":");
  for (const auto& a : res.added) report(reporter, "  + " + a);
  report(reporter, "learn: diff of profile.json:");
  size_t start = 0;
  while (start < res.diff.size()) {
    size_t nl = res.diff.find('\n', start);
    if (nl == std::string::npos) nl = res.diff.size();
    report(reporter, "  " + res.diff.substr(start, nl - start));
    start = nl + 1;
  }
  return res;
}

}  // namespace profile::app

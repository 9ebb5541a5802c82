#include "cli/app/isolation.h"

#include <sstream>

#include "core/names.h"
#include "runner/caps.h"
#include "tracer/ebpf_tracer.h"

namespace profile::app {

namespace {

// CLI11 keeps repeated options as separate items; commas split further.
std::vector<std::string> split_commas(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    std::stringstream ss(item);
    std::string tok;
    while (std::getline(ss, tok, ','))
      if (!tok.empty()) out.push_back(tok);
  }
  return out;
}

}  // namespace

Status apply_isolation(const IsolationOptions& o, const std::set<std::string>& base_caps,
                       const std::string& default_hostname, const Reporter& reporter, RunSpec* spec) {
  spec->reporter = reporter;
  // Capabilities, with Docker's rules: --privileged keeps everything;
  // --cap-add ALL is everything but the drops; --cap-drop ALL leaves only the
  // adds; otherwise the base set minus the drops plus the adds.
  auto names = [](const std::vector<std::string>& items, const char* opt,
                  bool* has_all) -> Result<std::set<std::string>> {
    std::set<std::string> out;
    for (const auto& c : split_commas(items)) {
      if (c == "ALL" || c == "all") {
        *has_all = true;
        continue;
      }
      auto n = normalise_cap_name(c);
      if (!n) return with_context(n.error(), opt);
      out.insert(*n);
    }
    return out;
  };
  bool add_all = false, drop_all = false;
  auto adds = names(o.cap_add, "--cap-add", &add_all);
  if (!adds) return adds.error();
  auto drops = names(o.cap_drop, "--cap-drop", &drop_all);
  if (!drops) return drops.error();
  auto every_cap = [] {
    int last = cap_last_cap();
    std::set<std::string> all;
    for (int i = 0; i <= last; ++i) {
      auto n = normalise_cap_name(cap_name(i));
      if (n) all.insert(*n);
    }
    return all;
  };
  std::set<std::string> caps;
  bool keep_all = false;
  if (o.privileged || (add_all && drops->empty())) {
    // Every capability the kernel knows, even those libcap cannot name; the
    // named set still matters to seccomp's "caps" conditions.
    caps = every_cap();
    keep_all = true;
  } else if (add_all) {
    for (const auto& c : every_cap())
      if (!drops->count(c)) caps.insert(c);
  } else if (drop_all) {
    caps = *adds;
  } else {
    caps = base_caps;
    for (const auto& c : *drops) caps.erase(c);
    caps.insert(adds->begin(), adds->end());
  }
  spec->caps = caps;
  spec->all_caps = keep_all;

  if (!o.user.empty()) {
    CapPlan p;
    PROFILE_TRY(parse_user(o.user, &p));
    spec->user = std::make_pair(p.uid, p.gid);
  }

  Isolation iso;
  auto ns = namespaces_sharing(o.share);
  if (!ns) return ns.error();
  iso.ns = *ns;
  iso.ns.user = o.userns;
  if (!o.userns_map.empty()) {
    if (!o.userns) return make_error("--userns-map needs --userns");
    auto m = parse_userns_map(o.userns_map);
    if (!m) return m.error();
    iso.userns = *m;
  }
  if (o.rootfs_rw && o.rootfs.empty()) return make_error("--rootfs-rw needs --rootfs");
  iso.mounts.rootfs = o.rootfs;
  iso.mounts.rootfs_rw = o.rootfs_rw;
  iso.mounts.read_only = o.read_only;
  for (const auto& b : o.binds) {
    auto s = parse_bind(b, false);
    if (!s) return s.error();
    iso.mounts.binds.push_back(*s);
  }
  for (const auto& b : o.ro_binds) {
    auto s = parse_bind(b, true);
    if (!s) return s.error();
    iso.mounts.binds.push_back(*s);
  }
  iso.mounts.tmpfs = o.tmpfs;
  if (o.secrets.size() > kMaxSecrets) return make_error("too many --secret options (at most 64)");
  for (const auto& s : o.secrets) {
    auto sec = load_secret(s);
    if (!sec) return sec.error();
    iso.mounts.secrets.push_back(std::move(*sec));
  }
  iso.workdir = o.workdir;
  if (!o.workdir.empty() && o.workdir[0] != '/')
    return make_error("--workdir '" + o.workdir + "' is not an absolute path");
  if (!o.hostname.empty()) {
    iso.hostname = o.hostname;
  } else if (iso.ns.uts) {
    iso.hostname = default_hostname.substr(0, 64);
  }
  for (const auto& p : o.publish) {
    auto ps = parse_port_spec(p);
    if (!ps) return ps.error();
    iso.ports.push_back(*ps);
  }
  if (!o.memory.empty()) {
    auto m = parse_memory_size(o.memory);
    if (!m) return m.error();
    iso.limits.memory_bytes = *m;
  }
  if (!o.cpus.empty()) {
    auto c = parse_cpus(o.cpus);
    if (!c) return c.error();
    iso.limits.cpus = *c;
  }
  iso.limits.pids = o.pids;
  if (o.stop_timeout == "0" || o.stop_timeout == "0s" || o.stop_timeout == "0ms") {
    spec->stop_timeout_ms = 0;
  } else {
    auto t = parse_duration_ms(o.stop_timeout);
    if (!t) return with_context(t.error(), "--stop-timeout");
    spec->stop_timeout_ms = *t;
  }
  iso.limits.io_weight = o.io_weight;
  spec->isolation = std::move(iso);
  return {};
}

}  // namespace profile::app

// The sensitive-path table and the glob matching it needs.
#include "core/sensitive_paths.h"

#include <algorithm>

namespace profile {

namespace {
// The parts of one component of `p`, as [begin, end) indices into p.parts.
std::pair<size_t, size_t> component_parts(const FlatPattern& p, size_t component) {
  size_t b = 0;
  while (b < p.parts.size() && p.parts[b].component < component) ++b;
  size_t e = b;
  while (e < p.parts.size() && p.parts[e].component == component) ++e;
  return {b, e};
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Glob match of parts [k, end) against name[at..]; recursion depth is bounded
// by the number of parts of one component.
bool match_parts(const FlatPattern& p, size_t k, size_t end, std::string_view name, size_t at) {
  if (k == end) return at == name.size();
  const auto& part = p.parts[k];
  switch (part.kind) {
    case PatternPart::kLiteral: {
      auto t = p.literal(part);
      return name.substr(at, t.size()) == t && match_parts(p, k + 1, end, name, at + t.size());
    }
    case PatternPart::kPid:
      if (at >= name.size() || !is_digit(name[at])) return false;
      for (size_t e = at + 1; e <= name.size() && is_digit(name[e - 1]); ++e)
        if (match_parts(p, k + 1, end, name, e)) return true;
      return false;
    case PatternPart::kStar:
    case PatternPart::kDoubleStar:
      for (size_t e = at; e <= name.size(); ++e)
        if (match_parts(p, k + 1, end, name, e)) return true;
      return false;
  }
  return false;
}

bool component_is_literal(const FlatPattern& p, std::pair<size_t, size_t> r, std::string_view* text) {
  if (r.second != r.first + 1 || p.parts[r.first].kind != PatternPart::kLiteral) return false;
  *text = p.literal(p.parts[r.first]);
  return true;
}

const std::vector<FlatPattern>& parsed_sensitive() {
  static const std::vector<FlatPattern> parsed = [] {
    std::vector<FlatPattern> out;
    for (const auto& s : sensitive_paths()) {
      FlatPattern f;
      (void)parse_path_pattern(s.pattern, &f);  // the table is fixed; a unit test parses every entry
      out.push_back(std::move(f));
    }
    return out;
  }();
  return parsed;
}
}  // namespace

// Docker's default AppArmor profile (tests/fixtures/docker-default-apparmor.profile)
// denies writes to /proc/sys and /sys and everything on /proc/sysrq-trigger,
// /proc/kcore, /sys/firmware, /sys/kernel/security and powercap; Docker also
// masks /proc/keys. The rest are the host's secrets (password hashes, sudo
// rules, root's home, SSH keys) and container runtime sockets, each a
// complete escape when reachable.
const std::vector<SensitivePath>& sensitive_paths() {
  static const std::vector<SensitivePath> t = {
      {"/etc/shadow", false, true},
      {"/etc/shadow-", false, true},
      {"/etc/gshadow", false, true},
      {"/etc/gshadow-", false, true},
      {"/etc/sudoers", false, true},
      {"/etc/sudoers.d", false, true},
      {"/etc/ssh/ssh_host_*_key", false, true},
      {"/root", false, true},
      {"/home/*/.ssh", false, true},
      // Landlock reaches a process's /proc/<pid> only through a rule on /proc
      // itself (those directories come and go with the processes), so it
      // cannot cut reading kcore or keys out of a read grant on /proc without
      // denying /proc/self to every process the workload starts. Reading
      // kcore needs CAP_SYS_RAWIO, /proc/keys lists only the caller's keys,
      // and the AppArmor profile denies both.
      {"/proc/kcore", false, false},
      {"/proc/keys", false, false},
      // Mode 0200 with no read operation: only writing it does anything.
      {"/proc/sysrq-trigger", true, true},
      {"/proc/sys", true, true},
      {"/sys", true, true},
      {"/sys/firmware", false, true},
      {"/sys/kernel/security", false, true},
      {"/sys/devices/virtual/powercap", false, true},
      {"/run/docker.sock", false, true},
      {"/var/run/docker.sock", false, true},
      {"/run/containerd/containerd.sock", false, true},
      {"/run/podman/podman.sock", false, true},
      {"/run/crio/crio.sock", false, true},
  };
  return t;
}

bool component_matches(const FlatPattern& p, size_t component, std::string_view name) {
  auto r = component_parts(p, component);
  return r.first != r.second && match_parts(p, r.first, r.second, name, 0);
}

namespace {
std::vector<std::string_view> split_components(std::string_view path) {
  std::vector<std::string_view> comps;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) comps.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return comps;
}

bool at_or_beneath(const std::vector<std::string_view>& comps, const FlatPattern& area) {
  if (area.components == 0 || comps.size() < area.components) return false;
  for (size_t c = 0; c < area.components; ++c)
    if (!component_matches(area, c, comps[c])) return false;
  return true;
}
}  // namespace

const SensitivePath* sensitive_entry(std::string_view path, bool writes) {
  auto comps = split_components(path);
  const auto& table = sensitive_paths();
  const auto& parsed = parsed_sensitive();
  for (size_t k = 0; k < table.size(); ++k)
    if ((writes || !table[k].writes_only) && at_or_beneath(comps, parsed[k])) return &table[k];
  return nullptr;
}

bool pattern_may_reach(const FlatPattern& pattern, const FlatPattern& area) {
  for (size_t c = 0; c < area.components; ++c) {
    if (c == pattern.components) return false;  // the pattern stops above the area
    auto pr = component_parts(pattern, c);
    for (size_t k = pr.first; k < pr.second; ++k)
      if (pattern.parts[k].kind == PatternPart::kDoubleStar) return true;  // may span into it
    auto ar = component_parts(area, c);
    std::string_view lit;
    if (component_is_literal(area, ar, &lit)) {
      if (!component_matches(pattern, c, lit)) return false;
    } else if (component_is_literal(pattern, pr, &lit)) {
      if (!component_matches(area, c, lit)) return false;
    }
    // Both with wildcards: assume they meet.
  }
  return true;
}

std::vector<const SensitivePath*> sensitive_reached(const std::vector<std::pair<const std::string*, uint32_t>>& rules) {
  constexpr uint32_t kModifies = kAccessWrite | kAccessAppend | kAccessCreate | kAccessDelete | kAccessChmod |
                                 kAccessLink | kAccessLock;
  const auto& table = sensitive_paths();
  const auto& parsed = parsed_sensitive();
  std::vector<bool> reached(table.size(), false), named(table.size(), false);
  FlatPattern comps;
  for (const auto& [pat, bits] : rules) {
    if (!parse_path_pattern(*pat, &comps)) continue;  // the renderer reports it
    if (pattern_is_literal(comps)) {
      auto path = split_components(*pat);
      for (size_t k = 0; k < table.size(); ++k)
        if ((!table[k].writes_only || (bits & kModifies)) && at_or_beneath(path, parsed[k])) named[k] = true;
      continue;
    }
    for (size_t k = 0; k < table.size(); ++k)
      if ((!table[k].writes_only || (bits & kModifies)) && pattern_may_reach(comps, parsed[k])) reached[k] = true;
  }
  std::vector<const SensitivePath*> out;
  for (size_t k = 0; k < table.size(); ++k)
    if (reached[k] && !named[k]) out.push_back(&table[k]);
  return out;
}

}  // namespace profile

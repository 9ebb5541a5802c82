// Observations -> the network part of a Profile. Files live in files.cc,
// capabilities in caps_infer.cc, the sensitive paths in core/sensitive_paths.cc.
#include "profilegen/policy.h"

#include <algorithm>
#include <cstring>

namespace profile {

namespace {
constexpr size_t kMaxUnixName = 108;  // sun_path
}  // namespace

// A temporary file made in /etc during the recording would otherwise let the
// enforced workload create /etc/ld.so.preload or rewrite /etc/passwd; in
// /usr/bin, replace the host's binaries.
bool no_directory_grant(std::string_view dir) {
  if (write_widening_root(dir)) return true;
  static const char* const kTrees[] = {"/bin", "/boot", "/etc", "/lib", "/lib32", "/lib64", "/libx32",
                                       "/sbin", "/usr", "/sys", "/proc"};
  for (const char* t : kTrees) {
    size_t n = strlen(t);
    if (dir.compare(0, n, t) == 0 && (dir.size() == n || dir[n] == '/')) return true;
  }
  return false;
}

NetworkPolicy network_from_observations(const Observations& obs) {
  NetworkPolicy n;
  for (const auto& s : obs.sockets) {
    if (s.family < 0 || s.family > 255 || s.type < 0 || s.type > 15 || s.protocol < 0 || s.protocol > 65535) continue;
    n.sockets.insert(SocketRule{family_name(s.family), socket_type_name(s.type), s.protocol});
  }
  for (const auto& p : obs.ports) {
    // Only IP ports are meaningful here; anything else is a recorder bug.
    if (p.protocol != "tcp" && p.protocol != "udp") continue;
    if (p.kind != PortUse::kBind && p.kind != PortUse::kConnect) continue;
    n.ports.insert(PortRule{p.kind == PortUse::kBind ? "bind" : "connect", p.protocol, p.port});
  }
  for (const auto& u : obs.unix_sockets) {
    if (u.empty() || u.size() > kMaxUnixName + 1 || u.find('\0') != std::string::npos) continue;
    if (u[0] != '/' && u[0] != '@') continue;
    n.unix_sockets.insert(u);
  }
  return n;
}

}  // namespace profile

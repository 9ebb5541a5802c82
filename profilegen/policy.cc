// Observations -> the network part of a Profile. Files live in files.cc,
// capabilities in caps_infer.cc, the sensitive paths in core/sensitive_paths.cc.
#include "profilegen/policy.h"

#include <algorithm>

namespace profile {

namespace {
constexpr size_t kMaxUnixName = 108;  // sun_path
}  // namespace

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

#include "profilegen/policy.h"

namespace profile {

std::map<std::string, std::set<std::string>> generalise_files(const Observations& obs) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& [path, bits] : obs.files) {
    auto names = access_to_names(bits);
    out[path].insert(names.begin(), names.end());
  }
  return out;
}

NetworkPolicy network_from_observations(const Observations& obs) {
  NetworkPolicy n;
  for (const auto& s : obs.sockets)
    n.sockets.insert(SocketRule{family_name(s.family), socket_type_name(s.type), s.protocol});
  for (const auto& p : obs.ports)
    n.ports.insert(PortRule{p.kind == PortUse::kBind ? "bind" : "connect", p.protocol, p.port});
  n.unix_sockets = obs.unix_sockets;
  return n;
}

std::map<std::string, CapEvidence> infer_capabilities(const Observations& obs) {
  return obs.capabilities;
}

}  // namespace profile

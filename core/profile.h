// Profile: the canonical, reviewable policy of one workload. profile.json is
// its serialised form and the source of every other generated file.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/error.h"
#include "core/observations.h"

namespace profile {

inline constexpr int kProfileSchema = 1;

struct ArgRule {
  std::string arch;     // libseccomp arch name
  std::string syscall;  // name in that arch
  int index = 0;
  std::set<uint64_t> values;
  auto key() const { return std::tie(arch, syscall, index); }
  bool operator<(const ArgRule& o) const { return key() < o.key(); }
  bool operator==(const ArgRule& o) const { return key() == o.key() && values == o.values; }
};

struct SocketRule {
  std::string family;  // "unix", "inet", "inet6", "netlink", ...
  std::string type;    // "stream", "dgram", "raw", "seqpacket", ...
  int protocol = 0;
  auto key() const { return std::tie(family, type, protocol); }
  bool operator<(const SocketRule& o) const { return key() < o.key(); }
  bool operator==(const SocketRule& o) const { return key() == o.key(); }
};

struct PortRule {
  std::string kind;      // "bind" or "connect"
  std::string protocol;  // "tcp" or "udp"
  int port = 0;
  auto key() const { return std::tie(kind, protocol, port); }
  bool operator<(const PortRule& o) const { return key() < o.key(); }
  bool operator==(const PortRule& o) const { return key() == o.key(); }
};

struct NetworkPolicy {
  std::set<SocketRule> sockets;
  std::set<PortRule> ports;
  std::set<std::string> unix_sockets;  // filesystem paths, or "@name" for abstract
  bool operator==(const NetworkPolicy&) const = default;
};

struct RecordingInfo {
  std::string tracer;  // "ptrace" or "ebpf"; empty for hand-written profiles
  bool complete = true;
  uint64_t lost_events = 0;
  bool operator==(const RecordingInfo&) const = default;
};

// One rule granted beyond what the recording literally observed: a syscall
// family member, a timing-dependent call, a collapsed or generalised path, a
// created tree, a runtime's needs, a hand-written addition. Kept in
// profile.json so that a reviewer reads what was generalised and why.
inline constexpr size_t kMaxWideningEvidence = 8;
struct Widening {
  std::string kind;    // one of widening_kinds()
  std::string rule;    // what was granted: "syscall x86_64 readlinkat" or a path pattern
  std::string reason;  // one sentence for a reviewer
  // Observations behind it (paths, syscalls), at most kMaxWideningEvidence.
  std::vector<std::string> evidence;
  auto key() const { return std::tie(kind, rule); }
  bool operator<(const Widening& o) const { return key() < o.key(); }
  bool operator==(const Widening& o) const {
    return key() == o.key() && reason == o.reason && evidence == o.evidence;
  }
};

struct Profile {
  int schema = kProfileSchema;
  std::string name;
  // arch (libseccomp name) -> syscall names
  std::map<std::string, std::set<std::string>> syscalls;
  std::set<ArgRule> args;
  // path or pattern -> access names ("read", "write", ...; see access_names())
  std::map<std::string, std::set<std::string>> files;
  NetworkPolicy network;
  // capability name without CAP_ (e.g. "NET_BIND_SERVICE") -> evidence
  std::map<std::string, CapEvidence> capabilities;
  RecordingInfo recording;
  // Keyed by (kind, rule); see Widening.
  std::set<Widening> widenings;
  // Container runtimes ("runc", "crun") whose own calls after installing
  // the filter seccomp.json allows besides `syscalls`; see
  // profilegen/runtime_sets.h. Empty: none.
  std::set<std::string> runtimes;
  // `--strict-args`: seccomp.json also limits ioctl to the recorded
  // requests and denies mappings both writable and executable
  // (profilegen/seccomp_args.h).
  bool strict_args = false;
  bool operator==(const Profile&) const = default;
};

// The named classes of widening, each documented in docs/policy.md.
const std::vector<std::string>& widening_kinds();
bool is_widening_kind(const std::string& kind);
// Records a widening, or adds `evidence` to the one with the same kind and
// rule (keeping the first reason). Evidence beyond kMaxWideningEvidence is
// dropped: the list illustrates, the rule is what is granted.
void add_widening(Profile* p, const std::string& kind, const std::string& rule, const std::string& reason,
                  const std::vector<std::string>& evidence);

// All file access names, in bit order of FileAccess.
const std::vector<std::string>& access_names();
Result<uint32_t> access_from_name(const std::string& name);
std::set<std::string> access_to_names(uint32_t bits);
// Union of the bits of access names; an unknown name is an error naming it.
Result<uint32_t> access_from_names(const std::set<std::string>& names);

}  // namespace profile

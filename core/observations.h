// Observations: what a recorder saw a workload do. Plain value types shared
// by every tracer backend and consumed by profilegen. Everything here comes
// from a hostile workload or kernel event and is validated before use.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace profile {

// Access kinds for file rules. Bits so one path can accumulate several.
enum FileAccess : uint32_t {
  kAccessRead = 1u << 0,
  kAccessWrite = 1u << 1,
  kAccessAppend = 1u << 2,
  kAccessCreate = 1u << 3,
  kAccessDelete = 1u << 4,
  kAccessExecute = 1u << 5,
  kAccessMmapExec = 1u << 6,
  kAccessLink = 1u << 7,
  kAccessLock = 1u << 8,
  kAccessChmod = 1u << 9,   // chmod/chown/utimes: attribute changes
  kAccessList = 1u << 10,   // directory read (getdents)
};

// One observed argument value of a syscall, for arguments policies can
// filter on (clone flags, socket domain, prctl option, ioctl request, ...).
struct ArgValue {
  std::string arch;  // libseccomp arch name: "x86_64", "x86", "x32"
  int nr = -1;       // syscall number in that arch
  int index = 0;     // argument position 0..5
  uint64_t value = 0;
  auto key() const { return std::tie(arch, nr, index, value); }
  bool operator<(const ArgValue& o) const { return key() < o.key(); }
  bool operator==(const ArgValue& o) const { return key() == o.key(); }
};

struct SocketUse {
  int family = 0;    // AF_*
  int type = 0;      // SOCK_* without SOCK_NONBLOCK/SOCK_CLOEXEC
  int protocol = 0;
  auto key() const { return std::tie(family, type, protocol); }
  bool operator<(const SocketUse& o) const { return key() < o.key(); }
  bool operator==(const SocketUse& o) const { return key() == o.key(); }
};

struct PortUse {
  enum Kind { kBind = 0, kConnect = 1 };
  int kind = kBind;
  std::string protocol;  // "tcp" or "udp"
  int family = 0;        // AF_INET or AF_INET6
  uint16_t port = 0;
  auto key() const { return std::tie(kind, protocol, family, port); }
  bool operator<(const PortUse& o) const { return key() < o.key(); }
  bool operator==(const PortUse& o) const { return key() == o.key(); }
};

// A failed syscall: the error signature used to verify capabilities.
struct Failure {
  std::string arch;
  int nr = -1;
  int err = 0;  // positive errno
  auto key() const { return std::tie(arch, nr, err); }
  bool operator<(const Failure& o) const { return key() < o.key(); }
  bool operator==(const Failure& o) const { return key() == o.key(); }
};

// Why a capability is in a profile. profile.json spells each kind by its
// name in kCapEvidenceNames, the one table of those names.
enum class CapEvidenceKind { kManual, kObserved, kInferred, kVerified };
inline constexpr std::pair<CapEvidenceKind, const char*> kCapEvidenceNames[] = {
    {CapEvidenceKind::kManual, "manual"},      // added by hand (the default when profile.json names none)
    {CapEvidenceKind::kObserved, "observed"},  // a granted kernel capability check was recorded
    {CapEvidenceKind::kInferred, "inferred"},  // implied by a recorded call and its arguments
    {CapEvidenceKind::kVerified, "verified"},  // a replay without it failed
};
inline const char* cap_evidence_name(CapEvidenceKind k) {
  for (const auto& [kind, name] : kCapEvidenceNames)
    if (kind == k) return name;
  return "manual";
}
inline std::optional<CapEvidenceKind> cap_evidence_from_name(std::string_view name) {
  for (const auto& [kind, n] : kCapEvidenceNames)
    if (name == n) return kind;
  return std::nullopt;
}

struct CapEvidence {
  CapEvidenceKind kind = CapEvidenceKind::kManual;
  std::string reason;  // human-readable: "bind tcp port 80"
  bool operator==(const CapEvidence& o) const {
    return kind == o.kind && reason == o.reason;
  }
};

struct Observations {
  // arch -> syscall numbers seen (including ones that failed).
  std::map<std::string, std::set<int>> syscalls;
  std::set<ArgValue> args;
  // absolute path -> FileAccess bits.
  std::map<std::string, uint32_t> files;
  std::set<std::string> execs;  // binaries executed, absolute
  std::set<SocketUse> sockets;
  std::set<PortUse> ports;
  std::set<std::string> unix_sockets;  // paths bound/connected (abstract as "@name")
  // CAP name without the CAP_ prefix (e.g. "NET_BIND_SERVICE") -> evidence.
  std::map<std::string, CapEvidence> capabilities;
  std::map<Failure, uint64_t> failures;  // EPERM/EACCES and friends, counted
  // Opens the kernel refused with EACCES, path -> FileAccess bits asked
  // (ptrace recorder only). Never part of a profile: `enforce --watch`
  // compares them with the Landlock plan to name what Landlock refused.
  std::map<std::string, uint32_t> refused_files;

  std::string tracer;       // backend that produced this
  uint64_t lost_events = 0;  // events the recorder could not deliver
  bool partial = false;      // interrupted (Ctrl-C, timeout) before the tree exited
  uint64_t processes = 0;    // processes/threads seen (for the summary)
  // Path arguments left out because a ".." followed a name taken from the
  // string, so which file the call touched is unknown (tracer/path_join.h).
  // Not a loss: the recording is complete for every file it could name.
  uint64_t unresolved_paths = 0;
  std::string first_unresolved_path;  // the name as given, on its directory

  void add_unresolved_path(const std::string& as_given) {
    if (unresolved_paths++ == 0) first_unresolved_path = as_given;
  }

  void add_syscall(const std::string& arch, int nr) { syscalls[arch].insert(nr); }
  void add_file(const std::string& path, uint32_t access) { files[path] |= access; }
  // Union of another recording into this one (used by --append and tests).
  void merge(const Observations& other);
};

inline void Observations::merge(const Observations& o) {
  for (const auto& [arch, nrs] : o.syscalls) syscalls[arch].insert(nrs.begin(), nrs.end());
  args.insert(o.args.begin(), o.args.end());
  for (const auto& [p, a] : o.files) files[p] |= a;
  execs.insert(o.execs.begin(), o.execs.end());
  sockets.insert(o.sockets.begin(), o.sockets.end());
  ports.insert(o.ports.begin(), o.ports.end());
  unix_sockets.insert(o.unix_sockets.begin(), o.unix_sockets.end());
  for (const auto& [c, e] : o.capabilities) capabilities.emplace(c, e);
  for (const auto& [f, n] : o.failures) failures[f] += n;
  for (const auto& [p, a] : o.refused_files) refused_files[p] |= a;
  lost_events += o.lost_events;
  partial = partial || o.partial;
  processes += o.processes;
  if (unresolved_paths == 0) first_unresolved_path = o.first_unresolved_path;
  unresolved_paths += o.unresolved_paths;
  if (tracer.empty()) tracer = o.tracer;
}

}  // namespace profile

// Pure pieces of the ptrace recorder: which syscalls it looks into, and the
// decoding of what it reads from a tracee (paths, open flags, socket
// addresses, /proc credentials, permission bits). No ptrace here, so all of
// it is unit-tested with synthetic input (tests/unit/ptrace_decode_test.cc).
#pragma once

#include <sys/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/syscall_semantics.h"
#include "tracer/path_join.h"
#include "tracer/syscall_arch.h"

namespace profile {

// (arch, number) -> its row of the syscall semantics table
// (core/syscall_semantics.h), built once from libseccomp's syscall tables so
// numbers are never hard-coded.
class SyscallTable {
 public:
  static const SyscallTable& get();
  // nullptr for a call the table has no row for.
  const SyscallSemantics* row(SysArch arch, int nr) const {
    if (arch == SysArch::kUnknown || nr < 0 || nr >= kMaxSyscallNr) return nullptr;
    return rows_[static_cast<int>(arch)][nr];
  }
  SysKind kind(SysArch arch, int nr) const {
    const SyscallSemantics* r = row(arch, nr);
    return r != nullptr ? r->kind : SysKind::kOther;
  }
  // Number of execve on arch, or -1.
  int execve_number(SysArch arch) const { return execve_[static_cast<int>(arch)]; }

 private:
  SyscallTable();
  std::array<std::array<const SyscallSemantics*, kMaxSyscallNr>, kNumSysArches> rows_{};
  std::array<int, kNumSysArches> execve_{-1, -1, -1};
};

inline constexpr size_t kMaxPathLen = 4095;  // PATH_MAX without the NUL

// A path the profile can carry: absolute, at most kMaxPathLen bytes, no NUL.
// Control bytes and bytes that are not UTF-8 are kept (profilegen spells
// them \xHH), so a workload cannot fail its recording by its file names.
bool clean_path(std::string_view p);

// join_resolved (tracer/path_join.h) of a name read from a tracee, with a
// result that is not clean (or a name longer than PATH_MAX) kInvalid.
PathJoin join_clean(std::string_view root, std::string_view dir, std::string_view name, std::string* out);

// The open flags of a descriptor from its /proc/<pid>/fdinfo/<fd> text
// ("flags:\t0100002"), or nullopt when there is no such line.
std::optional<uint64_t> parse_fdinfo_flags(std::string_view text);

// FileAccess bits an open(2) with these flags asks for; 0 for O_PATH
// (profile_open_access, core/access.h, which the eBPF recorder uses too).
inline uint32_t open_access(uint64_t flags) { return profile_open_access(flags); }

// A socket address as bind/connect got it (at most `len` bytes of `buf`).
struct SockAddr {
  int family = 0;     // AF_* (0 when too short to tell)
  uint16_t port = 0;  // AF_INET/AF_INET6, host order
  std::string unix_name;  // AF_UNIX: path, "@name" for abstract, "" unnamed
  bool valid = false;     // false: truncated, or a name that is not clean
};
SockAddr decode_sockaddr(const uint8_t* buf, size_t len);

// Credentials of a task from /proc/<tid>/status.
struct Creds {
  uint32_t ruid = 0, euid = 0, suid = 0, fsuid = 0;
  uint32_t rgid = 0, egid = 0, sgid = 0, fsgid = 0;
  static constexpr int kMaxGroups = 64;
  int ngroups = 0;  // supplementary groups kept (extra ones are dropped)
  uint32_t groups[kMaxGroups] = {};
  bool in_group(uint32_t gid) const;
};
struct ProcStatus {
  pid_t tgid = 0;
  pid_t ppid = 0;
  Creds creds;
  bool has_creds = false;  // Uid: and Gid: lines both parsed
};
ProcStatus parse_proc_status(std::string_view text);

// What the caller needs beyond its own rights to get `access` (kAccessRead /
// kAccessWrite bits) to a file with these mode/owner bits, as the kernel's
// generic_permission sees it without ACLs: 0 (nothing), or the capability
// name "DAC_READ_SEARCH" (read only) / "DAC_OVERRIDE" (write).
const char* dac_capability_needed(const Creds& c, uint32_t mode, uint32_t uid, uint32_t gid,
                                  uint32_t access);

}  // namespace profile

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

#include "tracer/path_join.h"
#include "tracer/syscall_arch.h"

namespace profile {

// The syscalls the recorder decodes beyond their number. Everything else is
// kOther and costs one table lookup.
enum class SysKind : uint8_t {
  kOther = 0,
  kOpen,        // open(path, flags)
  kOpenat,      // openat(dirfd, path, flags)
  kOpenat2,     // openat2(dirfd, path, how, size)
  kCreat,       // creat(path, mode)
  kExecve,      // execve(path, ...)
  kExecveat,    // execveat(dirfd, path, ..., flags)
  kMmap,        // mmap/mmap2(addr, len, prot, flags, fd, off)
  kMprotect,    // mprotect/pkey_mprotect(addr, len, prot)
  kUnlink,      // unlink(path), rmdir(path)
  kUnlinkat,    // unlinkat(dirfd, path, flags)
  kRename,      // rename(old, new)
  kRenameat,    // renameat/renameat2(odirfd, old, ndirfd, new)
  kMkdir,       // mkdir(path), mknod(path)
  kMkdirat,     // mkdirat/mknodat(dirfd, path)
  kLink,        // link(old, new)
  kLinkat,      // linkat(odirfd, old, ndirfd, new, flags)
  kSymlink,     // symlink(target, path)
  kSymlinkat,   // symlinkat(target, dirfd, path)
  kChmodPath,   // chmod(path), utime(path), utimes(path)
  kChmodAt,     // fchmodat(dirfd, path), futimesat(dirfd, path)
  kChmodFd,     // fchmod(fd)
  kUtimensat,   // utimensat(dirfd, path|NULL, times, flags)
  kChown,       // chown/lchown(path, uid, gid) with 32-bit ids
  kChown16,     // the i386 16-bit-id chown/lchown
  kFchown,      // fchown(fd, uid, gid)
  kFchown16,
  kFchownat,    // fchownat(dirfd, path, uid, gid, flags)
  kTruncate,    // truncate(path, len)
  kFlock,       // flock(fd, op)
  kGetdents,    // getdents/getdents64(fd, ...)
  kSocket,      // socket(domain, type, protocol)
  kSocketpair,  // socketpair(domain, type, protocol, sv)
  kBind,        // bind(fd, addr, len)
  kConnect,     // connect(fd, addr, len)
  kClone,       // clone(flags, ...)
  kPersonality, // personality(persona)
  kPrctl,       // prctl(option, ...)
  kIoctl,       // ioctl(fd, request, ...)
  kKill,        // kill(pid, sig)
  kTkill,       // tkill(tid, sig)
  kTgkill,      // tgkill(tgid, tid, sig)
  kCredChange,  // set*uid/set*gid/setgroups/capset: invalidates cached credentials
};

// (arch, number) -> SysKind, built once from libseccomp's syscall tables so
// numbers are never hard-coded (DESIGN.md convention 7).
class SyscallTable {
 public:
  static const SyscallTable& get();
  SysKind kind(SysArch arch, int nr) const {
    if (arch == SysArch::kUnknown || nr < 0 || nr >= kMaxSyscallNr) return SysKind::kOther;
    return static_cast<SysKind>(kinds_[static_cast<int>(arch)][nr]);
  }
  // Number of the first syscall of that kind on arch (e.g. execve), or -1.
  int execve_number(SysArch arch) const { return execve_[static_cast<int>(arch)]; }

 private:
  SyscallTable();
  std::array<std::array<uint8_t, kMaxSyscallNr>, kNumSysArches> kinds_{};
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

// FileAccess bits an open(2) with these flags asks for; 0 for O_PATH.
uint32_t open_access(uint64_t flags);

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

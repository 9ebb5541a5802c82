// The one table of what syscalls mean to the recorders, by name: which
// arguments are paths and directory descriptors, which file access each
// path implies, which arguments policies filter on. Both recorders read it:
// the ptrace recorder directly, the eBPF recorder through a per-number copy
// its loader writes into the BPF object before load. Numbers come only from
// libseccomp (resolve_semantics), never from this file.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/access.h"

namespace profile {

inline constexpr uint64_t kX32SyscallBit = PROFILE_X32_SYSCALL_BIT;

// What a recorder does with a call beyond noting its number. Calls of one
// kind share their decoding; kPath calls are decoded from the row alone.
enum class SysKind : uint8_t {
  kOther = 0,
  kOpen,        // open(path, flags)
  kOpenat,      // openat(dirfd, path, flags)
  kOpenat2,     // openat2(dirfd, path, how, size)
  kCreat,       // creat(path, mode)
  kExecve,      // execve(path, ...)
  kExecveat,    // execveat(dirfd, path, ..., flags)
  kMmap,        // mmap/mmap2(addr, len, prot, flags, fd, off)
  kPath,        // the row's path arguments, with the row's access
  kChmodFd,     // fchmod(fd)
  kUtimensat,   // utimensat(dirfd, path|NULL, times, flags): the row's path, or the descriptor when NULL
  kChown,       // chown/lchown(path, uid, gid) with 32-bit ids: the row's path, uid and gid after it
  kChown16,     // the i386 16-bit-id chown/lchown
  kFchown,      // fchown(fd, uid, gid)
  kFchown16,
  kFchownat,    // fchownat(dirfd, path, uid, gid, flags): as kChown
  kFlock,       // flock(fd, op)
  kGetdents,    // getdents/getdents64(fd, ...)
  kSocket,      // socket(domain, type, protocol)
  kSocketpair,  // socketpair(domain, type, protocol, sv)
  kBind,        // bind(fd, addr, len)
  kConnect,     // connect(fd, addr, len)
  kKill,        // kill(pid, sig)
  kTkill,       // tkill(tid, sig)
  kTgkill,      // tgkill(tgid, tid, sig)
  kCredChange,  // set*uid/set*gid/setgroups/capset: invalidates cached credentials
};

// Architectures the table knows, as bits of SyscallSemantics::arches.
enum SemArch : uint8_t { kSemX86_64 = 1, kSemX86 = 2, kSemX32 = 4, kSemAllArches = 7 };

enum SemFlag : uint8_t {
  // The eBPF recorder looks into the call. The others are only looked into
  // by ptrace: calls on descriptors (whose files the eBPF recorder already
  // has from their open), signals and credentials (ptrace's capability
  // inference), exec (a tracepoint in eBPF).
  kSemEbpf = 1,
  kSemRemoveDir = 2,       // unlinkat: AT_REMOVEDIR in argument 2 adds list
  kSemEmptyPathIsFd = 4,   // an empty path names the directory descriptor itself
  kSemEmptyPathFlag4 = 8,  // ... only with AT_EMPTY_PATH in argument 4
  kSemExit = 16,           // never returns: seen when the task exits
  kSemNoFollow = 32,       // a final symbolic link is not followed (lchown)
  kSemNoFollowFlag4 = 64,  // ... only with AT_SYMLINK_NOFOLLOW in argument 4
  // Argument 0 points to the u64 that policies filter on (clone3's struct
  // clone_args starts with its flags): recorded is that value, not the pointer.
  kSemArg0InMemory = 128,
};

struct SemPath {
  int8_t dirfd = -1;  // argument holding the directory descriptor; -1: AT_FDCWD
  int8_t path = -1;   // argument holding the path; -1: no path
  uint16_t access = 0;
};

struct SyscallSemantics {
  const char* name;  // as libseccomp spells it
  uint8_t arches;    // SemArch bits the row applies to
  SysKind kind;
  uint8_t flags;     // SemFlag bits
  uint8_t filtered;  // bit i: policies filter on argument i
  SemPath path[2];
  // For kOpen/kOpenat: the argument holding the open flags.
  int8_t open_flags_arg = -1;
};

// Every row. A name appears at most once per architecture.
std::span<const SyscallSemantics> syscall_semantics();

struct ResolvedSyscall {
  int nr;  // number on the arch, without the x32 bit
  const SyscallSemantics* row;
};

// The rows of `arch` ("x86_64", "x86", "x32", libseccomp's names) with
// their numbers there, from libseccomp; rows whose name the arch lacks are
// left out. Empty for an unknown arch.
std::vector<ResolvedSyscall> resolve_semantics(const char* arch);

// The number of `name` on `arch` from libseccomp, without the x32 bit; -1
// when the arch has no such call.
int resolve_syscall(const char* arch, const char* name);

}  // namespace profile

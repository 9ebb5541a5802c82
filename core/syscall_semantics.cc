#include "core/syscall_semantics.h"

#include <seccomp.h>

#include <cstdlib>
#include <cstring>

namespace profile {

namespace {

constexpr uint16_t R = PROFILE_ACCESS_READ;
constexpr uint16_t W = PROFILE_ACCESS_WRITE;
constexpr uint16_t C = PROFILE_ACCESS_CREATE;
constexpr uint16_t D = PROFILE_ACCESS_DELETE;
constexpr uint16_t L = PROFILE_ACCESS_LINK;
constexpr uint16_t M = PROFILE_ACCESS_CHMOD;
constexpr uint16_t LS = PROFILE_ACCESS_LIST;

constexpr uint8_t kAll = kSemAllArches;
constexpr uint8_t k64 = kSemX86_64 | kSemX32;  // the 64-bit ABIs
constexpr uint8_t E = kSemEbpf;

constexpr uint8_t arg(int i) { return static_cast<uint8_t>(1u << i); }

constexpr SyscallSemantics row(const char* name, SysKind kind, uint8_t flags = 0, uint8_t filtered = 0,
                               SemPath p0 = {}, SemPath p1 = {}, uint8_t arches = kAll) {
  return SyscallSemantics{name, arches, kind, flags, filtered, {p0, p1}, -1};
}
constexpr SyscallSemantics path1(const char* name, int8_t dirfd, int8_t path, uint16_t access, uint8_t flags = 0) {
  return row(name, SysKind::kPath, E | flags, 0, {dirfd, path, access});
}
constexpr SyscallSemantics path2(const char* name, SemPath p0, SemPath p1, uint8_t flags = 0) {
  return row(name, SysKind::kPath, E | flags, 0, p0, p1);
}
// The path of an open is not recorded from its argument but from the new
// descriptor; it is listed for completeness.
constexpr SyscallSemantics open_row(const char* name, SysKind kind, int8_t dirfd, int8_t path, int8_t flags_arg) {
  SyscallSemantics s = row(name, kind, E, 0, {dirfd, path, 0});
  s.open_flags_arg = flags_arg;
  return s;
}

// "list" on a created or removed path marks a directory: profilegen turns
// it into make_dir/remove_dir rather than make_reg/remove_file.
constexpr SyscallSemantics kRows[] = {
    open_row("open", SysKind::kOpen, -1, 0, 1),
    open_row("openat", SysKind::kOpenat, 0, 1, 2),
    row("openat2", SysKind::kOpenat2, E),
    row("creat", SysKind::kCreat, E),
    row("execve", SysKind::kExecve),
    row("execveat", SysKind::kExecveat),
    // i386 "mmap" is old_mmap: its only argument points to a struct, so the
    // prot/fd positions of mmap2 would be read from garbage.
    row("mmap", SysKind::kMmap, E, arg(2), {}, {}, k64),
    row("mmap2", SysKind::kMmap, E, arg(2)),
    row("mprotect", SysKind::kOther, 0, arg(2)),
    row("pkey_mprotect", SysKind::kOther, 0, arg(2)),
    path1("unlink", -1, 0, D),
    path1("rmdir", -1, 0, D | LS),
    path1("unlinkat", 0, 1, D, kSemRemoveDir),
    path2("rename", {-1, 0, D}, {-1, 1, C}),
    path2("renameat", {0, 1, D}, {2, 3, C}),
    path2("renameat2", {0, 1, D}, {2, 3, C}),
    path1("mkdir", -1, 0, C | LS),
    path1("mkdirat", 0, 1, C | LS),
    path1("mknod", -1, 0, C),
    path1("mknodat", 0, 1, C),
    // A hard link reads its target's inode and makes a new name.
    path2("link", {-1, 0, R}, {-1, 1, L}),
    path2("linkat", {0, 1, R}, {2, 3, L}, kSemEmptyPathFlag4),
    // A symbolic link is created as a link: Landlock needs make_sym for it.
    path1("symlink", -1, 1, C | L),
    path1("symlinkat", 1, 2, C | L),
    path1("chmod", -1, 0, M),
    path1("utime", -1, 0, M),
    path1("utimes", -1, 0, M),
    path1("fchmodat", 0, 1, M, kSemEmptyPathIsFd),
    path1("fchmodat2", 0, 1, M, kSemEmptyPathIsFd),
    path1("futimesat", 0, 1, M, kSemEmptyPathIsFd),
    row("fchmod", SysKind::kChmodFd),
    row("utimensat", SysKind::kUtimensat, kSemEmptyPathIsFd, 0, {0, 1, M}),
    row("utimensat_time64", SysKind::kUtimensat, kSemEmptyPathIsFd, 0, {0, 1, M}),
    // On x86 the plain chown names are the 16-bit-id calls; on the 64-bit
    // ABIs they are the 32-bit-id ones, which x86 calls chown32.
    row("chown", SysKind::kChown, E, 0, {-1, 0, M}, {}, k64),
    row("lchown", SysKind::kChown, E | kSemNoFollow, 0, {-1, 0, M}, {}, k64),
    row("chown", SysKind::kChown16, E, 0, {-1, 0, M}, {}, kSemX86),
    row("lchown", SysKind::kChown16, E | kSemNoFollow, 0, {-1, 0, M}, {}, kSemX86),
    row("chown32", SysKind::kChown, E, 0, {-1, 0, M}),
    row("lchown32", SysKind::kChown, E | kSemNoFollow, 0, {-1, 0, M}),
    row("fchownat", SysKind::kFchownat, E | kSemEmptyPathFlag4 | kSemNoFollowFlag4, 0, {0, 1, M}),
    row("fchown", SysKind::kFchown, 0, 0, {}, {}, k64),
    row("fchown", SysKind::kFchown16, 0, 0, {}, {}, kSemX86),
    row("fchown32", SysKind::kFchown),
    path1("truncate", -1, 0, W),
    path1("truncate64", -1, 0, W),
    row("flock", SysKind::kFlock),
    row("getdents", SysKind::kGetdents),
    row("getdents64", SysKind::kGetdents),
    row("socket", SysKind::kSocket, E, arg(0) | arg(1) | arg(2)),
    row("socketpair", SysKind::kSocketpair, E),
    row("bind", SysKind::kBind, E),
    row("connect", SysKind::kConnect, E),
    row("clone", SysKind::kOther, 0, arg(0)),
    row("clone3", SysKind::kOther, kSemArg0InMemory, arg(0)),
    row("unshare", SysKind::kOther, 0, arg(0)),
    row("personality", SysKind::kOther, 0, arg(0)),
    row("prctl", SysKind::kOther, 0, arg(0)),
    row("ioctl", SysKind::kOther, 0, arg(1)),
    row("kill", SysKind::kKill),
    row("tkill", SysKind::kTkill),
    row("tgkill", SysKind::kTgkill),
    row("exit", SysKind::kOther, kSemExit),
    row("exit_group", SysKind::kOther, kSemExit),
    row("setuid", SysKind::kCredChange),
    row("setgid", SysKind::kCredChange),
    row("setreuid", SysKind::kCredChange),
    row("setregid", SysKind::kCredChange),
    row("setresuid", SysKind::kCredChange),
    row("setresgid", SysKind::kCredChange),
    row("setfsuid", SysKind::kCredChange),
    row("setfsgid", SysKind::kCredChange),
    row("setgroups", SysKind::kCredChange),
    row("capset", SysKind::kCredChange),
    row("setuid32", SysKind::kCredChange),
    row("setgid32", SysKind::kCredChange),
    row("setreuid32", SysKind::kCredChange),
    row("setregid32", SysKind::kCredChange),
    row("setresuid32", SysKind::kCredChange),
    row("setresgid32", SysKind::kCredChange),
    row("setfsuid32", SysKind::kCredChange),
    row("setfsgid32", SysKind::kCredChange),
    row("setgroups32", SysKind::kCredChange),
};

// Above every syscall number of the arches the table knows.
constexpr int kMaxResolvedNr = 1024;
constexpr int kLackedPseudoNr = -10000;

uint8_t arch_bit(const char* arch, uint32_t* token) {
  uint32_t t = seccomp_arch_resolve_name(arch);
  *token = t;
  if (t == SCMP_ARCH_X86_64) return kSemX86_64;
  if (t == SCMP_ARCH_X86) return kSemX86;
  if (t == SCMP_ARCH_X32) return kSemX32;
  return 0;
}

}  // namespace

std::span<const SyscallSemantics> syscall_semantics() { return kRows; }

int resolve_syscall(const char* arch, const char* name) {
  uint32_t token = 0;
  if (arch_bit(arch, &token) == 0) return -1;
  int nr = seccomp_syscall_resolve_name_arch(token, name);
  if (nr >= 0) return static_cast<int>(static_cast<uint64_t>(nr) & ~kX32SyscallBit);
  // libseccomp's pseudo numbers for calls an arch lacks are -10000 and
  // below (__PNR_ipc on x86_64 is -10024); those above are calls made
  // through a multiplexer (__PNR_socket is -101).
  if (nr == __NR_SCMP_ERROR || nr <= kLackedPseudoNr) return -1;
  // A pseudo number: libseccomp names the multiplexed form (i386 socket is
  // socketcall's SYS_SOCKET) although the arch has a direct call too (i386
  // socket is also 359 since Linux 4.3), which is what a task's number is
  // then. Its number table still names the direct call.
  for (int n = 0; n < kMaxResolvedNr; ++n) {
    char* s = seccomp_syscall_resolve_num_arch(token, n);
    bool match = s != nullptr && strcmp(s, name) == 0;
    free(s);
    if (match) return n;
  }
  return -1;
}

std::vector<ResolvedSyscall> resolve_semantics(const char* arch) {
  std::vector<ResolvedSyscall> out;
  uint32_t token = 0;
  uint8_t bit = arch_bit(arch, &token);
  if (bit == 0) return out;
  for (const auto& r : kRows) {
    if (!(r.arches & bit)) continue;
    int nr = resolve_syscall(arch, r.name);
    if (nr >= 0) out.push_back({nr, &r});
  }
  return out;
}

}  // namespace profile

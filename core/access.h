/* File access bits and what an open(2) asks for, shared by the eBPF
 * recorder (compiled for the BPF target, types from vmlinux.h) and the C++
 * side. C, fixed-width types only, so that both recorders compute the same
 * access from the same flags: they did not when each had its own copy. */
#ifndef PROFILE_CORE_ACCESS_H
#define PROFILE_CORE_ACCESS_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* Bits so one path can accumulate several; FileAccess (observations.h)
 * has the same values (checked by static_asserts). */
#define PROFILE_ACCESS_READ (1u << 0)
#define PROFILE_ACCESS_WRITE (1u << 1)
#define PROFILE_ACCESS_APPEND (1u << 2)
#define PROFILE_ACCESS_CREATE (1u << 3)
#define PROFILE_ACCESS_DELETE (1u << 4)
#define PROFILE_ACCESS_EXECUTE (1u << 5)
#define PROFILE_ACCESS_MMAP_EXEC (1u << 6)
#define PROFILE_ACCESS_LINK (1u << 7)
#define PROFILE_ACCESS_LOCK (1u << 8)
#define PROFILE_ACCESS_CHMOD (1u << 9) /* chmod/chown/utimes: attribute changes */
#define PROFILE_ACCESS_LIST (1u << 10) /* directory read (getdents) */
#define PROFILE_ACCESS_ALL 0x7ffu

/* x86 open flags (asm-generic values), spelled out because the BPF target
 * has no <fcntl.h>; checked against the host's by static_asserts. */
#define PROFILE_O_ACCMODE 03u
#define PROFILE_O_WRONLY 01u
#define PROFILE_O_CREAT 0100u
#define PROFILE_O_TRUNC 01000u
#define PROFILE_O_APPEND 02000u
#define PROFILE_O_PATH 010000000u

/* creat(path, mode) is open(path, O_CREAT | O_WRONLY | O_TRUNC, mode). */
#define PROFILE_CREAT_FLAGS (PROFILE_O_WRONLY | PROFILE_O_CREAT | PROFILE_O_TRUNC)

/* mmap protection and flags (x86 values), checked like the open flags. */
#define PROFILE_PROT_EXEC 0x4u
#define PROFILE_MAP_ANONYMOUS 0x20u

/* A socket's creation flags in its type argument (x86 values), which
 * policies ignore: both recorders strip them from the recorded type. */
#define PROFILE_SOCK_NONBLOCK 04000u
#define PROFILE_SOCK_CLOEXEC 02000000u

/* __X32_SYSCALL_BIT: x32 syscalls enter the 64-bit entry with it set in
 * the number; the recorders strip it, libseccomp's x32 table carries it. */
#define PROFILE_X32_SYSCALL_BIT 0x40000000ull

/* The access bits an open with these flags asks for; 0 for O_PATH (no data
 * access). Whether the file was really created is unknown after the fact,
 * so O_CREAT counts as create: asking is what the policy must allow, and
 * two recordings of one behaviour then agree. */
static inline __u32 profile_open_access(__u64 flags) {
  if (flags & PROFILE_O_PATH) return 0;
  __u32 acc = (__u32)(flags & PROFILE_O_ACCMODE);
  __u32 a;
  if (acc == 0)
    a = PROFILE_ACCESS_READ;
  else if (acc == PROFILE_O_WRONLY)
    a = PROFILE_ACCESS_WRITE;
  else /* O_RDWR, and 3, which the kernel checks as read and write */
    a = PROFILE_ACCESS_READ | PROFILE_ACCESS_WRITE;
  /* A descriptor opened O_APPEND can only append (pwrite too appends):
   * AppArmor's 'a', narrower than 'w'. Without write access there is
   * nothing to append with, so a read-only O_APPEND stays a read. */
  if ((flags & PROFILE_O_APPEND) && (a & PROFILE_ACCESS_WRITE))
    a = (a & ~PROFILE_ACCESS_WRITE) | PROFILE_ACCESS_APPEND;
  if (flags & PROFILE_O_CREAT) a |= PROFILE_ACCESS_CREATE;
  /* Truncation destroys contents: a write, even with O_APPEND or O_RDONLY. */
  if (flags & PROFILE_O_TRUNC) a |= PROFILE_ACCESS_WRITE;
  return a;
}

/* Whether mmap/mmap2 with this prot (argument 2) and these flags
 * (argument 3) maps a file executable: AppArmor's `m` permission, which
 * shared libraries need. An anonymous mapping's fd is ignored. */
static inline int profile_mmap_execs_file(__u64 prot, __u64 flags) {
  return (prot & PROFILE_PROT_EXEC) && !(flags & PROFILE_MAP_ANONYMOUS);
}

#endif

/* Types and pure helpers shared by recorder.bpf.c and the userspace side
 * (tracer/ebpf_tracer.cc). Fixed-width types only: this header is compiled
 * both for the BPF target (types from vmlinux.h) and for the host. */
#ifndef PROFILE_TRACER_BPF_RECORDER_H
#define PROFILE_TRACER_BPF_RECORDER_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#include "core/access.h"

/* Architectures, as indexes into the seen-syscall table. */
#define EB_ARCH_X86_64 0
#define EB_ARCH_X86 1
#define EB_ARCH_X32 2
#define EB_NARCH 3

/* Syscall numbers below this are deduplicated in a table; anything above
 * (ENOSYS in practice) is reported as an event. */
#define EB_MAX_NR 1024

/* x86 thread_info.status bit: the current syscall entered through a 32-bit
 * (IA-32) entry point. */
#define EB_TS_COMPAT 0x0002u
#define EB_X32_SYSCALL_BIT PROFILE_X32_SYSCALL_BIT

/* The syscall semantics table (core/syscall_semantics.h) by number, as the
 * loader resolves it through libseccomp and writes it into the object's
 * read-only data: the program holds no syscall numbers. Every x86_64 and x32
 * number (the x32 bit removed) is below this, and every i386 one (< 463). */
#define EB_SEM_NR 548

/* eb_sem.op: what the exit program does with a call. */
#define EB_OP_NONE 0
#define EB_OP_OPEN 1     /* p1 = the flags argument */
#define EB_OP_CREAT 2
#define EB_OP_OPENAT2 3
#define EB_OP_PATH 4     /* (d1, p1, a1) and, when p2 >= 0, (d2, p2, a2) */
#define EB_OP_SOCKET 5
#define EB_OP_SOCKETPAIR 6
#define EB_OP_BIND 7
#define EB_OP_CONNECT 8
#define EB_OP_MMAP 9     /* worth a look only for executable file mappings */

/* eb_sem.flags */
#define EB_SEMF_REMOVEDIR 1u /* AT_REMOVEDIR in argument 2 adds "list" */
#define EB_SEMF_EXIT 2u      /* exit/exit_group: seen when the task exits */
#define EB_SEMF_ARG0_DEREF 4u /* filtered argument 0 points to the u64 policies filter on (clone3 flags) */

struct eb_sem {
  __u8 op;
  __u8 flags;
  __u8 filtered; /* bit i: policies filter on argument i */
  __s8 d1, p1;   /* dirfd argument (-1: AT_FDCWD), path argument */
  __s8 d2, p2;
  __u8 pad;
  __u16 a1, a2;  /* FileAccess bits of each path */
};

/* Task states in the tracked map. */
#define EB_TASK_WAITING 1   /* in the tree, has not exec'd yet */
#define EB_TASK_RECORDING 2 /* exec'd, or descends from a task that did */

/* Path buffers. Components are written leaf first, each NUL-terminated;
 * the writer offset is masked to EB_DIR_MASK and each component is at most
 * EB_NAME_MAX bytes, so the buffer is sized mask + 1 + name max. */
#define EB_NAME_MAX 256
#define EB_DIR_MASK 4095
#define EB_DIR_BUF (EB_DIR_MASK + 1 + EB_NAME_MAX)
#define EB_REL_BUF 1024
#define EB_MAX_COMPONENTS 48

/* Event types (ring buffer). */
#define EB_EV_FILE 1     /* a path with access bits */
#define EB_EV_EXEC 2     /* an executed binary */
#define EB_EV_UNIX 3     /* a unix socket path bound or connected */
#define EB_EV_BIGNR 4    /* a syscall number outside the table */

/* eb_path_event.flags */
#define EB_PF_TRUNCATED 1u  /* walk hit the component limit or buffer end */
#define EB_PF_HAVE_DIR 2u   /* dir[] holds a resolved directory */
#define EB_PF_REL_TRUNC 4u  /* rel[] was cut */
#define EB_PF_NO_FILE 8u    /* the fd or directory could not be found */

/* eb_path_event.kind for EB_EV_EXEC: the binary the kernel ran (its file),
 * or the name execve was given when that ran through an interpreter. */
#define EB_EXEC_BINARY 0
#define EB_EXEC_SCRIPT 1
#define EB_EXEC_SCRIPT_FD 2 /* a script named /dev/fd/N[/name]: rel is name (or
                              empty), resolved against descriptor N */

/* Unix socket operations (eb_path_event.kind for EB_EV_UNIX). */
#define EB_UNIX_BIND 0
#define EB_UNIX_CONNECT 1

struct eb_event_hdr {
  __u32 type;
  __u32 tgid;
};

/* A path, sent with only the bytes used (records are variable-size):
 * data[0, dir_off) holds the string the task passed (rel_len bytes, then a
 * NUL when it is a C string), data[dir_off, dir_off + dir_len) the
 * components of a resolved directory or file, leaf first, each
 * NUL-terminated. rel is relative to dir when HAVE_DIR. */
struct eb_path_event {
  struct eb_event_hdr hdr;
  __u32 access; /* FileAccess bits (tracer/observations.h) */
  __u32 kind;
  __u32 flags;
  __u32 dir_len;
  __u32 ncomp;
  __u32 rel_len;
  __u32 dir_off;
  __u32 pad;
  char data[EB_REL_BUF + EB_DIR_BUF];
};
#define EB_PATH_HDR_SIZE __builtin_offsetof(struct eb_path_event, data)

/* Per-task state (task local storage). */
struct eb_task {
  __u8 state;      /* 0 (untracked, cgroup mode only) or EB_TASK_* */
  __u8 exec_noted; /* the exec in progress was recorded at sched_prepare_exec */
  __u8 pad[6];
};

/* Capability checks the kernel granted a recorded task, one entry per
 * (capability, innermost frames of the kernel stack that made the check):
 * the stack tells a check the operation needed from one made only to probe
 * (the *_noaudit family, memory accounting), which the cap_capable
 * tracepoint does not mark. Frames are copied into the key itself, so two
 * stacks never share an entry. */
#define EB_CAP_STACK_DEPTH 12
struct eb_cap_key {
  __u32 cap;
  __u32 pad;
  __u64 ips[EB_CAP_STACK_DEPTH]; /* innermost first; 0 past the end */
};

struct eb_bignr_event {
  struct eb_event_hdr hdr;
  __u32 arch;
  __u32 pad;
  __u64 nr;
};

/* Deduplicated in the kernel: one entry per distinct argument value. */
struct eb_arg_key {
  __u32 arch;
  __u32 nr;
  __u32 index;
  __u32 pad;
  __u64 value;
};

struct eb_socket_key {
  __s32 family;
  __s32 type;
  __s32 protocol;
};

struct eb_port_key {
  __u32 kind; /* 0 bind, 1 connect */
  __u32 sock_type; /* SOCK_STREAM / SOCK_DGRAM / ... */
  __u32 family;
  __u32 port;
};

/* Decodes the architecture of a syscall from the task's thread_info.status
 * and the raw number (orig_ax) the syscall was entered with. Returns the arch index and
 * writes the number within that arch to *out_nr. Pure: unit-tested on the
 * host with synthetic inputs. */
static inline __u32 eb_decode_arch(__u32 ts_status, __u64 raw_nr, __u64* out_nr) {
  if (ts_status & EB_TS_COMPAT) {
    *out_nr = raw_nr & 0xffffffffull;
    return EB_ARCH_X86;
  }
  if (raw_nr & EB_X32_SYSCALL_BIT) {
    *out_nr = raw_nr & ~EB_X32_SYSCALL_BIT;
    return EB_ARCH_X32;
  }
  *out_nr = raw_nr;
  return EB_ARCH_X86_64;
}

#endif

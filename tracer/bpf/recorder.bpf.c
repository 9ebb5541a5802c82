// SPDX-License-Identifier: GPL-2.0
/* The eBPF recorder: follows one process tree (or one cgroup) and records
 * its syscalls per arch, interesting argument values, files, execs and
 * network use. Only tp_btf programs: they load on a locked-down kernel and
 * need no tracefs. Deduplication happens here so that a syscall already
 * seen costs one table access and emits nothing. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "recorder.h"

char LICENSE[] SEC("license") = "GPL";

/* Set before load. Non-zero: every task of this cgroup v2 id is recorded. */
const volatile __u64 cfg_cgroup_id = 0;
/* Set before load: unread bytes in the ring above which a record wakes the
 * consumer. Below it records are sent without a wakeup (the consumer polls
 * on a timer), which saves an interrupt and a context switch per record. */
const volatile __u64 cfg_wakeup_bytes = 0;

/* Seen syscalls, read by userspace through the mmapped .bss at the end:
 * 0 not seen, SEEN_PLAIN seen and needing nothing more (no argument or
 * path to look at: later calls return at once), SEEN_MORE seen, and each
 * call still looked at. */
#define SEEN_PLAIN 1
#define SEEN_MORE 2
__u8 seen_sys[EB_NARCH][EB_MAX_NR];
__s64 live_tasks;    /* tracked tasks alive: the tree is gone at zero */
__u64 caps_granted;  /* granted capability checks of recorded tasks */
__u64 tasks_seen;    /* tasks (processes and threads) that were tracked */

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __uint(max_entries, 65536);
  __type(key, __u32);  /* host tid */
  __type(value, __u8); /* EB_TASK_* */
} tracked SEC(".maps");

/* The per-syscall fast path: every task on the machine runs the syscall
 * programs, and a task without storage returns after one pointer check.
 * `tracked` above stays the authority for the task tree's lifetime. */
struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, struct eb_task);
} task_state SEC(".maps");

/* Path events are built here, then only their used bytes are copied into
 * the ring: most paths are tens of bytes, the buffer is 5 KB. One buffer per
 * task, not per CPU: tracing programs only disable migration, so on a
 * preemptible kernel another task could take a per-CPU buffer over while
 * this one is being filled. Freed with the task. */
struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, struct eb_path_event);
} path_buf SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __uint(max_entries, 8192);
  __type(key, struct eb_arg_key);
  __type(value, __u8);
} args_seen SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __uint(max_entries, 512);
  __type(key, struct eb_socket_key);
  __type(value, __u8);
} sockets_seen SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __uint(max_entries, 1024);
  __type(key, struct eb_port_key);
  __type(value, __u8);
} ports_seen SEC(".maps");

/* Files already reported, by (dentry, mount, inode number and generation,
 * access): a re-open of the same file costs one lookup. The generation keeps
 * a new file that reuses a freed dentry and inode number from passing as the
 * old one. A plain preallocated hash, not an LRU: its inserts cost about half
 * (measured with bpf_stats); once full, a new file is reported at each open
 * (userspace deduplicates it), nothing is lost. */
struct file_key {
  __u64 dentry;
  __u64 mnt;
  __u64 ino;
  __u32 access;
  __u32 gen;
};
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 32768);
  __type(key, struct file_key);
  __type(value, __u8);
} files_seen SEC(".maps");

/* Capability checks (on_cap_capable below). */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __uint(max_entries, 4096);
  __type(key, struct eb_cap_key);
  __type(value, __u8);
} caps_seen SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 8 << 20); /* resized by userspace before load */
} events SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} lost SEC(".maps");

static __always_inline void count_loss(void) {
  __u32 zero = 0;
  __u64* n = bpf_map_lookup_elem(&lost, &zero);
  if (n) *n += 1;
}

/* Inserts a dedup key; a full map is a loss, a concurrent insert is not. */
static __always_inline void remember(void* map, const void* key) {
  __u8 one = 1;
  if (bpf_map_lookup_elem(map, key)) return;
  long err = bpf_map_update_elem(map, key, &one, BPF_NOEXIST);
  if (err && err != -17 /* EEXIST */) count_loss();
}

static __always_inline __u64 wakeup_flag(void) {
  if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= cfg_wakeup_bytes) return BPF_RB_FORCE_WAKEUP;
  return BPF_RB_NO_WAKEUP;
}

/* ---- which tasks ------------------------------------------------------- */

static __always_inline int in_cgroup(void) {
  return cfg_cgroup_id && bpf_get_current_cgroup_id() == cfg_cgroup_id;
}

/* A syscall the exit program looks at further, as it hands it to the
 * functions below: its arguments read once from the saved registers, per
 * calling convention, and what the call means here. Those functions are
 * global (never inlined), so the verifier checks each of them once, on its
 * own, instead of once per path through the exit program; they are given
 * this copy, not the registers, which a global function cannot take. */
struct sys_call {
  __u64 arg[6];
  __u64 nr;
  __s64 ret;
  __u32 arch;
  struct eb_sem o;
};

/* Argument i of the call; an index above 5 (or negative) reads argument 5,
 * as the register chain this replaced did. */
static __always_inline __u64 arg_at(const struct sys_call* c, int i) {
  __u32 j = (__u32)i;
  if (j > 5) j = 5;
  return c->arg[j];
}

/* ---- syscall classification ------------------------------------------- */

/* Set before load from core/syscall_semantics.h, by name through
 * libseccomp: what each syscall number of each arch means here. */
const volatile struct eb_sem cfg_sem[EB_NARCH][EB_SEM_NR] = {};
/* Set before load: the numbers a signal handler's return (orig_ax -1) is
 * recorded as: x86_64 rt_sigreturn; i386 sigreturn and rt_sigreturn. -1:
 * the arch has no such call. */
const volatile __s32 cfg_sigreturn_64 = -1;
const volatile __s32 cfg_sigreturn_32 = -1;
const volatile __s32 cfg_rt_sigreturn_32 = -1;

/* The entry of (arch, nr), or one meaning "nothing to look at" for a
 * number outside the table. */
static __always_inline struct eb_sem sem_of(__u32 arch, __u64 nr) {
  struct eb_sem none = {};
  if (arch >= EB_NARCH || nr >= EB_SEM_NR) return none;
  return cfg_sem[arch][nr];
}

/* Both recorders store the same value for an argument (ptrace_syscalls.cc
 * does the same): a socket's type without its creation flags, which
 * policies ignore, and for clone3 the flags its struct clone_args holds,
 * which is what a policy would want to know and seccomp cannot see. */
__noinline int remember_arg(const struct sys_call* c, int i) {
  if (!c || i < 0 || i > 5) return 0;
  struct eb_arg_key k = {};
  k.arch = c->arch;
  k.nr = (__u32)c->nr;
  k.index = i;
  k.value = c->arg[i];
  if (c->o.op == EB_OP_SOCKET && i == 1) k.value &= ~(__u64)(PROFILE_SOCK_NONBLOCK | PROFILE_SOCK_CLOEXEC);
  if ((c->o.flags & EB_SEMF_ARG0_DEREF) && i == 0) {
    /* The new task (ret 0) may read the struct after its creator reused
     * the memory: the creator's exit reads it, as ptrace does at entry. */
    __u64 v = 0;
    if (c->ret == 0) return 0;
    if (!k.value || bpf_probe_read_user(&v, sizeof(v), (const void*)k.value)) return 0;
    k.value = v;
  }
  remember(&args_seen, &k);
  return 0;
}

/* The arguments policies filter on, each value once. */
__noinline int call_args(const struct sys_call* c) {
  if (!c) return 0;
  __u8 filtered = c->o.filtered;
  for (int i = 0; i < 6; i++)
    if (filtered & (1u << i)) remember_arg(c, i);
  return 0;
}

/* ---- paths -------------------------------------------------------------- */

/* Writes the components of `path` (leaf first) into ev->data at dir_off, walking dentries
 * and crossing mounts up to the task's root. Bounded by EB_MAX_COMPONENTS. */
struct walk_state {
  __u64 d, vm, m, root_d, root_m, mnt_off;
  __u32 off, ncomp;
  __u32 base, pad; /* where in ev->data the components start */
};

/* One step of the walk: 0 to continue, 1 at the root, -1 when the buffer is
 * full or a name unreadable. Global (never inlined) so that the verifier
 * checks it once and the loop around it stays cheap to verify. */
__noinline int walk_step(struct walk_state* w, struct eb_path_event* ev) {
  if (!w || !ev) return -1;
  if (!w->d) return -1;
  if (w->d == w->root_d && w->vm == w->root_m) return 1;
  struct dentry* d = (struct dentry*)w->d;
  struct vfsmount* vm = (struct vfsmount*)w->vm;
  struct mount* m = (struct mount*)w->m;
  struct dentry* mnt_root = BPF_CORE_READ(vm, mnt_root);
  struct dentry* parent = BPF_CORE_READ(d, d_parent);
  if (d == mnt_root || d == parent) {
    struct mount* mp = BPF_CORE_READ(m, mnt_parent);
    if (d != mnt_root || !mp || mp == m) return 1; /* the top of the mount tree */
    w->d = (__u64)BPF_CORE_READ(m, mnt_mountpoint);
    w->m = (__u64)mp;
    w->vm = (__u64)mp + w->mnt_off;
    return 0;
  }
  __u32 off = w->off;
  __u32 base = w->base;
  if (off > EB_DIR_MASK + 1 - EB_NAME_MAX || base > EB_REL_BUF) return -1;
  const unsigned char* name = BPF_CORE_READ(d, d_name.name);
  long n = bpf_probe_read_kernel_str(&ev->data[base + (off & EB_DIR_MASK)], EB_NAME_MAX, name);
  if (n <= 0) return -1;
  w->off = off + (__u32)n;
  w->ncomp++;
  w->d = (__u64)parent;
  return 0;
}

/* Eight steps of the walk, stopping at the first that does not return 0:
 * the loop in walk_path then has 8 iterations, not 64, and the verifier
 * goes through each iteration of a loop (this one it checks once). */
#define WALK_STEPS 8
__noinline int walk_steps(struct walk_state* w, struct eb_path_event* ev) {
  int r = 0;
  for (int i = 0; i < WALK_STEPS && r == 0; i++) r = walk_step(w, ev);
  return r;
}

/* Writes the components of a path (leaf first) into ev->data at dir_off, walking dentries
 * and crossing mounts up to the task's root; bounded like EB_MAX_COMPONENTS. */
__noinline int walk_path(struct eb_path_event* ev, __u64 dentry, __u64 vfsmnt) {
  if (!ev) return 0;
  struct task_struct* task = (struct task_struct*)bpf_get_current_task();
  struct walk_state w = {};
  w.base = ev->dir_off;
  w.d = dentry;
  w.vm = vfsmnt;
  w.root_d = (__u64)BPF_CORE_READ(task, fs, root.dentry);
  w.root_m = (__u64)BPF_CORE_READ(task, fs, root.mnt);
  w.mnt_off = bpf_core_field_offset(struct mount, mnt);
  w.m = vfsmnt - w.mnt_off;
  int r = 0;
  /* At most EB_MAX_COMPONENTS + 16 steps, mount crossings included. */
  _Static_assert((EB_MAX_COMPONENTS + 16) % WALK_STEPS == 0, "whole groups of steps");
  for (int i = 0; i < (EB_MAX_COMPONENTS + 16) / WALK_STEPS && r == 0; i++) r = walk_steps(&w, ev);
  ev->dir_len = w.off;
  ev->ncomp = w.ncomp;
  if (r != 1) ev->flags |= EB_PF_TRUNCATED;
  ev->flags |= EB_PF_HAVE_DIR;
  return 0;
}

static __always_inline struct file* fd_file(struct task_struct* task, __u64 fd) {
  struct fdtable* fdt = BPF_CORE_READ(task, files, fdt);
  if (!fdt) return 0;
  __u32 max = BPF_CORE_READ(fdt, max_fds);
  if (fd >= max) return 0;
  struct file** arr = BPF_CORE_READ(fdt, fd);
  struct file* f = 0;
  if (bpf_probe_read_kernel(&f, sizeof(f), &arr[fd])) return 0;
  return f;
}

static __always_inline struct eb_path_event* new_path_event(__u32 type, __u32 access) {
  struct eb_path_event* ev =
      bpf_task_storage_get(&path_buf, bpf_get_current_task_btf(), 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (!ev) {
    count_loss();
    return 0;
  }
  ev->hdr.type = type;
  ev->hdr.tgid = bpf_get_current_pid_tgid() >> 32;
  ev->access = access;
  ev->kind = 0;
  ev->flags = 0;
  ev->dir_len = 0;
  ev->ncomp = 0;
  ev->rel_len = 0;
  ev->dir_off = 0;
  ev->pad = 0;
  return ev;
}

/* Copies the used part of a path event into the ring. */
static __always_inline void send_path_event(struct eb_path_event* ev) {
  __u32 off = ev->dir_off;
  __u32 len = ev->dir_len;
  if (off > EB_REL_BUF || len > EB_DIR_BUF) {
    count_loss();
    return;
  }
  __u64 size = EB_PATH_HDR_SIZE + off + len;
  if (size > sizeof(*ev)) return;
  if (bpf_ringbuf_output(&events, ev, size, wakeup_flag())) count_loss();
}

/* Reports an opened (or executed) file once per (dentry, mount, access). */
__noinline int report_file(__u32 type, __u64 file, __u32 access) {
  struct file* f = (struct file*)file;
  if (!f) return 0;
  struct inode* inode = BPF_CORE_READ(f, f_inode);
  if (!inode) return 0;
  struct file_key k = {};
  __u64 daddr = (__u64)BPF_CORE_READ(f, f_path.dentry);
  __u64 vmaddr = (__u64)BPF_CORE_READ(f, f_path.mnt);
  k.dentry = daddr;
  k.mnt = vmaddr;
  k.ino = BPF_CORE_READ(inode, i_ino);
  k.gen = BPF_CORE_READ(inode, i_generation);
  k.access = access | (type << 24);
  if (bpf_map_lookup_elem(&files_seen, &k)) return 0;
  struct eb_path_event* ev = new_path_event(type, access);
  if (!ev) return 0;
  walk_path(ev, daddr, vmaddr);
  send_path_event(ev);
  __u8 one = 1;
  bpf_map_update_elem(&files_seen, &k, &one, BPF_ANY);
  return 0;
}

/* Sends a path event whose data[] holds the string as given (n bytes with
 * its NUL): when relative, the directory it is relative to (cwd or dirfd)
 * is resolved here, while it still exists. */
__noinline int send_path_string(struct eb_path_event* ev, long n, __s64 dirfd) {
  struct task_struct* task = (struct task_struct*)bpf_get_current_task();
  if (!ev || n <= 0) return 0;
  ev->rel_len = (__u32)n - 1;
  ev->dir_off = (__u32)n;
  if (n >= EB_REL_BUF) ev->flags |= EB_PF_REL_TRUNC;
  if (ev->data[0] != '/') {
    if (dirfd == -100 /* AT_FDCWD */ || dirfd < 0) {
      struct dentry* d = BPF_CORE_READ(task, fs, pwd.dentry);
      struct vfsmount* vm = BPF_CORE_READ(task, fs, pwd.mnt);
      walk_path(ev, (__u64)d, (__u64)vm);
    } else {
      struct file* f = fd_file(task, (__u64)dirfd);
      if (f)
        walk_path(ev, (__u64)BPF_CORE_READ(f, f_path.dentry), (__u64)BPF_CORE_READ(f, f_path.mnt));
      else
        ev->flags |= EB_PF_NO_FILE;
    }
  }
  send_path_event(ev);
  return 0;
}

/* A path argument of the task's syscall. */
__noinline int report_path_arg(__u32 type, __u32 kind, __u32 access, __s64 dirfd, __u64 upath_addr) {
  const char* upath = (const char*)upath_addr;
  if (!upath) return 0;
  struct eb_path_event* ev = new_path_event(type, access);
  if (!ev) return 0;
  ev->kind = kind;
  long n = bpf_probe_read_user_str(ev->data, EB_REL_BUF, upath);
  return send_path_string(ev, n, dirfd);
}

/* The descriptor of a "/dev/fd/N" or "/dev/fd/N/name" exec name, which is
 * what the kernel makes of execveat(N, "", AT_EMPTY_PATH) and
 * execveat(N, "name", 0), with *rest at "name" (or at the final NUL); -1
 * for any other name. */
static __always_inline __s64 dev_fd_of(const char* s, long n, __u32* rest) {
  const char prefix[] = "/dev/fd/";
  if (n < 10) return -1; /* prefix, a digit, the NUL */
  for (int i = 0; i < 8; i++)
    if (s[i] != prefix[i]) return -1;
  __s64 fd = 0;
  int i = 8;
  for (; i < 18; i++) {
    char c = s[i];
    if (c < '0' || c > '9') break;
    fd = fd * 10 + (c - '0');
  }
  if (i == 8 || i == 18) return -1;
  if (s[i] == '/') {
    *rest = i + 1;
  } else if (s[i] == 0) {
    *rest = i;
  } else {
    return -1;
  }
  return fd;
}

/* The name execve was given, when the kernel ran an interpreter for it (a
 * `#!` script, or a binfmt_misc format): bprm->file is then the
 * interpreter, and the script must be executable under the policy too.
 * Only then does bprm->interp stop pointing at bprm->filename. The name is
 * the string the task passed (resolved against its cwd, unchanged by exec),
 * or /dev/fd/N[/name] for execveat through a descriptor: that descriptor is
 * resolved here, since it is still open (the kernel refuses to run a
 * script through a close-on-exec descriptor, whose name the interpreter
 * could not open). */
__noinline int report_exec_script(__u64 filename_addr, __u64 interp_addr) {
  const char* filename = (const char*)filename_addr;
  if (!filename || filename_addr == interp_addr) return 0;
  struct eb_path_event* ev = new_path_event(EB_EV_EXEC, PROFILE_ACCESS_EXECUTE);
  if (!ev) return 0;
  ev->kind = EB_EXEC_SCRIPT;
  long n = bpf_probe_read_kernel_str(ev->data, EB_REL_BUF, filename);
  __u32 rest = 0;
  __s64 fd = dev_fd_of(ev->data, n, &rest);
  if (fd >= 0 && rest < 32) {
    ev->kind = EB_EXEC_SCRIPT_FD;
    n = bpf_probe_read_kernel_str(ev->data, EB_REL_BUF, filename + rest);
    return send_path_string(ev, n, fd);
  }
  return send_path_string(ev, n, -100);
}

/* open flags -> access bits (core/access.h), and "list" rather than
 * "read" for a directory, as the ptrace recorder does. */
static __always_inline __u32 open_access(__u64 flags, struct file* f) {
  __u32 a = profile_open_access(flags);
  if (f) {
    __u16 mode = BPF_CORE_READ(f, f_inode, i_mode);
    if ((mode & 0170000) == 0040000 && (a & PROFILE_ACCESS_READ))
      a = (a & ~PROFILE_ACCESS_READ) | PROFILE_ACCESS_LIST;
  }
  return a;
}

/* bind/connect(fd, addr, len) that succeeded: the port, or the unix
 * socket's name. */
__noinline int call_bind_connect(const struct sys_call* c, __u32 kind) {
  if (!c) return 0;
  struct task_struct* task = (struct task_struct*)bpf_get_current_task();
  __u64 fd = c->arg[0];
  const void* addr = (const void*)c->arg[1];
  __u64 len = c->arg[2];
  __u16 family = 0;
  if (!addr || len < 2 || bpf_probe_read_user(&family, sizeof(family), addr)) return 0;
  if (family == 2 /* AF_INET */ || family == 10 /* AF_INET6 */) {
    if (len < 4) return 0;
    __u16 port_be = 0;
    if (bpf_probe_read_user(&port_be, sizeof(port_be), (const char*)addr + 2)) return 0;
    struct eb_port_key k = {};
    k.kind = kind;
    k.family = family;
    k.port = ((port_be & 0xff) << 8) | (port_be >> 8);
    struct file* f = fd_file(task, fd);
    if (f) {
      struct socket* sock = BPF_CORE_READ(f, private_data);
      if (sock) k.sock_type = BPF_CORE_READ(sock, type);
    }
    remember(&ports_seen, &k);
  } else if (family == 1 /* AF_UNIX */) {
    if (len <= 2) return 0; /* unnamed */
    char first = 0;
    if (bpf_probe_read_user(&first, 1, (const char*)addr + 2)) return 0;
    if (first) {
      return report_path_arg(EB_EV_UNIX, kind, 0, -100, (__u64)addr + 2);
    }
    /* Abstract: bytes after the NUL, up to len; may hold NULs themselves. */
    struct eb_path_event* ev = new_path_event(EB_EV_UNIX, 0);
    if (!ev) return 0;
    ev->kind = kind;
    __u64 n = len - 3;
    if (n > 107) n = 107;
    if (len < 3) n = 0;
    if (n && bpf_probe_read_user(ev->data, n & 127, (const char*)addr + 3)) n = 0;
    ev->rel_len = (__u32)n;
    ev->dir_off = (__u32)n;
    ev->kind |= 0x100; /* abstract */
    send_path_event(ev);
  }
  return 0;
}

/* open/openat/open_by_handle_at, creat and openat2 that returned a
 * descriptor: the file it opened, with the access the call asked for. */
__noinline int call_open(const struct sys_call* c) {
  if (!c || c->ret < 0) return 0;
  __u64 flags = 0;
  if (c->o.op == EB_OP_CREAT) {
    flags = PROFILE_CREAT_FLAGS;
  } else if (c->o.op == EB_OP_OPEN) {
    flags = arg_at(c, c->o.p1);
  } else {
    const void* how = (const void*)c->arg[2];
    if (!how || bpf_probe_read_user(&flags, sizeof(flags), how)) return 0;
  }
  if (flags & PROFILE_O_PATH) return 0; /* no data access to record */
  struct file* f = fd_file((struct task_struct*)bpf_get_current_task(), (__u64)c->ret);
  if (!f) return 0;
  /* Another thread sharing the descriptor table may have put another
   * file at this number since the call installed it (dup2), and
   * openat2's flags were read back from the task's memory: a file not
   * open in the mode the call asked for is not the call's file, and
   * pairing it with the call's access would grant what was never used.
   * fcntl cannot change the access mode or O_PATH. */
  __u32 fflags = BPF_CORE_READ(f, f_flags);
  if ((fflags & (PROFILE_O_ACCMODE | PROFILE_O_PATH)) != (flags & PROFILE_O_ACCMODE)) {
    count_loss();
    return 0;
  }
  return report_file(EB_EV_FILE, (__u64)f, open_access(flags, f));
}

/* mmap/mmap2(addr, len, prot, flags, fd, off) with PROT_EXEC of a file:
 * AppArmor's `m` permission, which shared libraries need. */
__noinline int call_mmap(const struct sys_call* c) {
  /* Errors are -4095..-1; anything else is the mapping's address. */
  if (!c || (__u64)c->ret >= (__u64)-4095) return 0;
  if (!profile_mmap_execs_file(c->arg[2], c->arg[3])) return 0;
  __u32 fd = (__u32)c->arg[4];
  struct file* f = fd_file((struct task_struct*)bpf_get_current_task(), fd);
  return report_file(EB_EV_FILE, (__u64)f, PROFILE_ACCESS_MMAP_EXEC);
}

/* A call on one or two paths that succeeded (EB_OP_PATH). */
__noinline int call_path(const struct sys_call* c) {
  if (!c || c->ret != 0) return 0;
  struct eb_sem o = c->o;
  /* AT_REMOVEDIR: the path was a directory, which "list" marks. */
  if ((o.flags & EB_SEMF_REMOVEDIR) && (c->arg[2] & 0x200 /* AT_REMOVEDIR */)) o.a1 |= PROFILE_ACCESS_LIST;
  __s64 d1 = o.d1 >= 0 ? (__s32)arg_at(c, o.d1) : -100;
  report_path_arg(EB_EV_FILE, 0, o.a1, d1, arg_at(c, o.p1));
  if (o.p2 >= 0) {
    __s64 d2 = o.d2 >= 0 ? (__s32)arg_at(c, o.d2) : -100;
    report_path_arg(EB_EV_FILE, 0, o.a2, d2, arg_at(c, o.p2));
  }
  return 0;
}

/* socket/socketpair(family, type, protocol) that succeeded. */
__noinline int call_socket(const struct sys_call* c) {
  if (!c || c->ret < 0) return 0;
  struct eb_socket_key k = {};
  k.family = (__s32)c->arg[0];
  k.type = (__s32)(c->arg[1] & 0xf);
  k.protocol = (__s32)c->arg[2];
  remember(&sockets_seen, &k);
  return 0;
}

/* ---- programs ----------------------------------------------------------- */

/* thread_info.status of a task inside a syscall: TS_COMPAT marks one
 * entered through a 32-bit entry point (eb_decode_arch). */
static __always_inline __u32 syscall_status(struct task_struct* task) {
  if (bpf_core_field_exists(task->thread_info.status)) return task->thread_info.status;
  return 0;
}

/* The syscall the current task is inside, from its saved registers, for
 * programs that are not given them (the exit program is): its arch, with
 * the number in *nr; EB_NARCH when the registers cannot be had. */
static __always_inline __u32 current_syscall(struct task_struct* task, __u64* nr) {
  struct pt_regs* regs = (struct pt_regs*)bpf_task_pt_regs(task);
  if (!regs) return EB_NARCH;
  return eb_decode_arch(syscall_status(task), (__u64)BPF_CORE_READ(regs, orig_ax), nr);
}

/* Marks a syscall as seen. Numbers outside the table (only ENOSYS calls
 * in practice) go to userspace as events, so that nothing is dropped. */
static __always_inline void note_syscall(__u32 arch, __u64 nr) {
  if (arch < EB_NARCH && nr < EB_MAX_NR) {
    if (!seen_sys[arch][nr]) seen_sys[arch][nr] = SEEN_MORE;
    return;
  }
  struct eb_bignr_event ev = {};
  ev.hdr.type = EB_EV_BIGNR;
  ev.hdr.tgid = bpf_get_current_pid_tgid() >> 32;
  ev.arch = arch;
  ev.nr = nr;
  if (bpf_ringbuf_output(&events, &ev, sizeof(ev), wakeup_flag())) count_loss();
}

static __always_inline int is_recorded(struct task_struct* task) {
  struct eb_task* st = bpf_task_storage_get(&task_state, task, 0, 0);
  return (st && st->state == EB_TASK_RECORDING) || in_cgroup();
}

/* The two optional programs come first: libbpf loads programs in the
 * order of their sections, which follows this file, so on a kernel that
 * lacks either tracepoint a loader that did not leave it out fails before
 * it spends time having the exit program verified. */

/* Every capability check of the kernel's own capability module (Linux
 * 6.14 and later have this tracepoint; userspace loads the program only
 * where the kernel's BTF names it). Only granted checks are kept: a denied
 * one did not stop the workload from doing what was recorded. The stack is
 * taken only for a recorded task's granted check, which is rare except for
 * a privileged workload's memory accounting probes (one per mmap/brk). */
SEC("tp_btf/cap_capable")
int BPF_PROG(on_cap_capable, const struct cred* cred, struct user_namespace* target_ns,
             const struct user_namespace* capable_ns, int cap, int ret) {
  if (ret != 0 || cap < 0 || cap >= 64) return 0;
  if (!is_recorded(bpf_get_current_task_btf())) return 0;
  __sync_fetch_and_add(&caps_granted, 1);
  struct eb_cap_key k = {};
  k.cap = (__u32)cap;
  if (bpf_get_stack(ctx, k.ips, sizeof(k.ips), 0) < 0) k.ips[0] = 0; /* unknown caller */
  remember(&caps_seen, &k);
  return 0;
}

/* The exec syscall itself, past its point of no return and while orig_ax
 * still holds its number (Linux 6.10 and later have this tracepoint;
 * userspace loads the program only where the kernel's BTF names it). A
 * waiting task's exec counts: it starts the recording, and the seccomp
 * filter is installed before it. */
SEC("tp_btf/sched_prepare_exec")
int BPF_PROG(on_prepare_exec, struct task_struct* p, struct linux_binprm* bprm) {
  struct task_struct* task = bpf_get_current_task_btf();
  struct eb_task* st = bpf_task_storage_get(&task_state, task, 0, 0);
  if (!(st && (st->state == EB_TASK_RECORDING || st->state == EB_TASK_WAITING))) {
    if (!in_cgroup()) return 0;
    st = bpf_task_storage_get(&task_state, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
    if (!st) {
      count_loss();
      return 0;
    }
  }
  __u64 nr;
  __u32 arch = current_syscall(task, &nr);
  if (arch == EB_NARCH) return 0;
  note_syscall(arch, nr);
  st->exec_noted = 1;
  return 0;
}

/* One program per syscall, at its exit, not two: each program attached to
 * a syscall tracepoint costs every syscall of the machine a call through
 * the tracepoint, which on the machines measured (bench/README.md) is most
 * of the recorder's overhead. At exit the saved registers still hold the
 * number (orig_ax) and the arguments, and the result is known. Three kinds
 * of call do not come back through here, and are caught elsewhere:
 * exit/exit_group (on_exit below), a successful exec (by the time it
 * returns the kernel has rewritten orig_ax to execve's number, even for
 * execveat: on_prepare_exec records it while the number is still the
 * task's), and rt_sigreturn, which rewrites the registers and sets orig_ax
 * to -1 (recognised below). */
SEC("tp_btf/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs* regs, long ret) {
  struct task_struct* task = bpf_get_current_task_btf();
  struct eb_task* st = bpf_task_storage_get(&task_state, task, 0, 0);
  if (!(st && st->state == EB_TASK_RECORDING) && !in_cgroup()) return 0;
  if (st && st->exec_noted) {
    /* A successful exec, already recorded by on_prepare_exec: orig_ax
     * says execve here even when the call was execveat. */
    st->exec_noted = 0;
    return 0;
  }
  __s64 raw = regs->orig_ax;
  __u32 status = syscall_status(task);
  if (raw == -1) {
    /* A signal handler's return: its registers are the interrupted
     * context's now. i386 has two such calls (sigreturn for handlers set
     * without SA_SIGINFO) which cannot be told apart here. */
    if (status & EB_TS_COMPAT) {
      if (cfg_sigreturn_32 >= 0) note_syscall(EB_ARCH_X86, (__u64)cfg_sigreturn_32);
      if (cfg_rt_sigreturn_32 >= 0) note_syscall(EB_ARCH_X86, (__u64)cfg_rt_sigreturn_32);
    } else if (cfg_sigreturn_64 >= 0) {
      note_syscall(EB_ARCH_X86_64, (__u64)cfg_sigreturn_64);
    }
    return 0;
  }
  __u64 nr;
  __u32 arch = eb_decode_arch(status, (__u64)raw, &nr);
  __u8 seen = 0;
  if (arch < EB_NARCH && nr < EB_MAX_NR) {
    seen = seen_sys[arch][nr];
    if (seen == SEEN_PLAIN) return 0; /* the common case: one byte read */
  } else {
    note_syscall(arch, nr);
  }
  /* Past this point the work goes to global functions, each verified once
   * (see struct sys_call): inlined here, every switch arm multiplied the
   * states the verifier explores, which made this program most of the
   * recorder's start-up. */
  struct sys_call c = {};
  c.o = sem_of(arch, nr);
  if (c.o.filtered == 0 && c.o.op == EB_OP_NONE) {
    if (!seen && arch < EB_NARCH && nr < EB_MAX_NR) seen_sys[arch][nr] = SEEN_PLAIN;
    return 0;
  }
  c.nr = nr;
  c.ret = ret;
  c.arch = arch;
  if (arch == EB_ARCH_X86) {
    c.arg[0] = (__u32)regs->bx;
    c.arg[1] = (__u32)regs->cx;
    c.arg[2] = (__u32)regs->dx;
    c.arg[3] = (__u32)regs->si;
    c.arg[4] = (__u32)regs->di;
    c.arg[5] = (__u32)regs->bp;
  } else {
    c.arg[0] = regs->di;
    c.arg[1] = regs->si;
    c.arg[2] = regs->dx;
    c.arg[3] = regs->r10;
    c.arg[4] = regs->r8;
    c.arg[5] = regs->r9;
  }
  if (c.o.filtered) call_args(&c);
  if (!seen && arch < EB_NARCH && nr < EB_MAX_NR) seen_sys[arch][nr] = SEEN_MORE;
  switch (c.o.op) {
    case EB_OP_OPEN:
    case EB_OP_CREAT:
    case EB_OP_OPENAT2:
      call_open(&c);
      return 0;
    case EB_OP_MMAP:
      call_mmap(&c);
      return 0;
    case EB_OP_PATH:
      call_path(&c);
      return 0;
    case EB_OP_SOCKET:
    case EB_OP_SOCKETPAIR:
      call_socket(&c);
      return 0;
    case EB_OP_BIND:
      if (ret == 0) call_bind_connect(&c, EB_UNIX_BIND);
      return 0;
    case EB_OP_CONNECT:
      if (ret == 0 || ret == -115 /* EINPROGRESS */) call_bind_connect(&c, EB_UNIX_CONNECT);
      return 0;
  }
  return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct* parent, struct task_struct* child) {
  __u32 ptid = (__u32)bpf_get_current_pid_tgid();
  __u8* st = bpf_map_lookup_elem(&tracked, &ptid);
  if (!st) return 0;
  __u8 state = *st;
  __u32 ctid = BPF_CORE_READ(child, pid);
  struct eb_task* cst = bpf_task_storage_get(&task_state, child, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (!cst || bpf_map_update_elem(&tracked, &ctid, &state, BPF_ANY)) {
    count_loss(); /* a task we cannot follow: its whole subtree is lost */
    return 0;
  }
  cst->state = state;
  __sync_fetch_and_add(&live_tasks, 1);
  __sync_fetch_and_add(&tasks_seen, 1);
  return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct* p, pid_t old_pid, struct linux_binprm* bprm) {
  __u32 tid = (__u32)bpf_get_current_pid_tgid();
  __u32 old = (__u32)old_pid;
  __u8* st = bpf_map_lookup_elem(&tracked, &old);
  if (st) {
    __u8 rec = EB_TASK_RECORDING;
    struct eb_task* cur = bpf_task_storage_get(&task_state, bpf_get_current_task_btf(), 0,
                                               BPF_LOCAL_STORAGE_GET_F_CREATE);
    if (cur)
      cur->state = EB_TASK_RECORDING;
    else
      count_loss();
    if (old != tid) {
      /* A non-leader thread exec'd and took over the leader's pid. */
      if (bpf_map_delete_elem(&tracked, &old) == 0) __sync_fetch_and_sub(&live_tasks, 1);
      if (bpf_map_update_elem(&tracked, &tid, &rec, BPF_ANY) == 0) __sync_fetch_and_add(&live_tasks, 1);
    } else {
      *st = rec;
    }
  } else if (!(cfg_cgroup_id && bpf_get_current_cgroup_id() == cfg_cgroup_id)) {
    return 0;
  }
  report_file(EB_EV_EXEC, (__u64)BPF_CORE_READ(bprm, file), PROFILE_ACCESS_EXECUTE);
  report_exec_script((__u64)BPF_CORE_READ(bprm, filename), (__u64)BPF_CORE_READ(bprm, interp));
  return 0;
}

/* exit and exit_group never return, so the exit program never sees them:
 * a task leaving through either is still inside the call here, with its
 * number in orig_ax. A task killed by a signal (exit code with a signal in
 * its low bits) may hold anything there, such as a fault's error code, and
 * is not counted. */
static __always_inline void note_exit_call(struct task_struct* p) {
  if (BPF_CORE_READ(p, exit_code) & 0x7f) return;
  __u64 nr;
  __u32 arch = current_syscall(bpf_get_current_task_btf(), &nr);
  if (arch == EB_NARCH) return;
  if (sem_of(arch, nr).flags & EB_SEMF_EXIT) note_syscall(arch, nr);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct* p) {
  __u32 tid = (__u32)bpf_get_current_pid_tgid();
  if (is_recorded(bpf_get_current_task_btf())) note_exit_call(p);
  if (bpf_map_delete_elem(&tracked, &tid) == 0) __sync_fetch_and_sub(&live_tasks, 1);
  return 0;
}

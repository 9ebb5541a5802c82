/* esc_attempt ATTEMPT [ARGS...]: one sandbox escape attempt per subcommand.
 * Exits 0 and prints "ESCAPED: ..." when the escape WORKED; otherwise prints
 * "blocked: ...: errno=N (NAME)" and exits nonzero (the errno, at most 120).
 * Usage errors exit 124, never 0.
 *
 *   noop                       harmless run, for recording a profile
 *   core_pattern | vm_sysctl | sysrq      open a host-wide /proc file for writing
 *   cgroup_escape              open any cgroup.procs / pids.max / memory limit
 *                              under /sys/fs/cgroup for writing
 *   timer_list | sys_firmware  read host-wide kernel state that Docker masks
 *   keyctl                     look up the user keyring (keyrings are not namespaced)
 *   userns | mount             unshare(CLONE_NEWUSER) | mount a tmpfs
 *   host_pid PID NEEDLE        /proc/PID/cmdline of a host process contains NEEDLE
 *   proc1_environ              read /proc/1/environ of an init outside our PID namespace
 *   ptrace PID NEEDLE          PTRACE_SEIZE a host process (cmdline contains NEEDLE)
 *   module                     finit_module gets past its permission check
 *   bpf | perf | io_uring      create a BPF map | a perf event | an io_uring
 *   raw_socket                 a packet socket that sees a non-loopback interface
 *   memfd_exec                 execveat an executable memfd (a copy of this program)
 *   int80                      i386 unshare(CLONE_NEWUSER) through int $0x80
 *   x32                        x32 unshare(CLONE_NEWUSER)
 *   setuid PATH                exec the setuid-root PATH and be root there
 *   mknod_blk MAJ MIN DIR...   create the block device in a DIR and open it
 *   read_file PATH             read at least one byte of PATH
 *   exec_ok | euid_root        exit 0 (after a successful exec) | exit 0 if euid is 0
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

static int blocked(const char *what, int e) {
  const char *name = strerrorname_np(e);
  printf("blocked: %s: errno=%d (%s)\n", what, e, name ? name : "?");
  return e > 0 && e <= 120 ? e : 1;
}

static int escaped(const char *what) {
  printf("ESCAPED: %s\n", what);
  return 0;
}

static int open_for_write(const char *path) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return blocked(path, errno);
  close(fd);
  return escaped(path);
}

/* Nonzero when at least one byte of PATH reads; *err gets the errno otherwise. */
static int reads_something(const char *path, int *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = errno;
    return 0;
  }
  char buf[256];
  ssize_t n = read(fd, buf, sizeof buf);
  *err = n < 0 ? errno : 0;
  close(fd);
  return n > 0;
}

static int cmdline_contains(const char *pid, const char *needle) {
  char path[64], buf[4096];
  snprintf(path, sizeof path, "/proc/%s/cmdline", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  for (ssize_t i = 0; i < n; ++i)
    if (buf[i] == '\0') buf[i] = ' ';
  buf[n] = '\0';
  return strstr(buf, needle) != NULL;
}

/* Depth-first over /sys/fs/cgroup: any limit or membership file writable. */
static int cgroup_walk(const char *dir, int depth, char *found, size_t found_len, int *last_err) {
  DIR *d = opendir(dir);
  if (d == NULL) {
    *last_err = errno;
    return 0;
  }
  struct dirent *e;
  int hit = 0;
  while (!hit && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (e->d_type == DT_DIR) {
      if (depth < 3) hit = cgroup_walk(path, depth + 1, found, found_len, last_err);
      continue;
    }
    if (strcmp(e->d_name, "cgroup.procs") != 0 && strcmp(e->d_name, "pids.max") != 0 &&
        strcmp(e->d_name, "memory.limit_in_bytes") != 0 && strcmp(e->d_name, "memory.max") != 0)
      continue;
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
      close(fd);
      snprintf(found, found_len, "%s", path);
      hit = 1;
    } else {
      *last_err = errno;
    }
  }
  closedir(d);
  return hit;
}

static int do_memfd_exec(void) {
  int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (src < 0) return blocked("open /proc/self/exe", errno);
  int fd = (int)syscall(SYS_memfd_create, "esc", MFD_CLOEXEC | MFD_EXEC);
  /* EINVAL: a kernel before MFD_EXEC; EACCES: vm.memfd_noexec=2 refuses it, but a
   * plain memfd may still be created (sealed non-executable). */
  if (fd < 0 && (errno == EINVAL || errno == EACCES)) fd = (int)syscall(SYS_memfd_create, "esc", MFD_CLOEXEC);
  if (fd < 0) return blocked("memfd_create", errno);
  char buf[65536];
  ssize_t n;
  while ((n = read(src, buf, sizeof buf)) > 0)
    if (write(fd, buf, (size_t)n) != n) return blocked("write memfd", errno);
  char *argv[] = {"esc_attempt", "exec_ok", NULL};
  char *envp[] = {NULL};
  syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
  return blocked("execveat memfd", errno);
}

static int do_int80(void) {
#if defined(__x86_64__)
  long ret;
  /* 310 is unshare in the i386 table; 0x10000000 is CLONE_NEWUSER. */
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(310L), "b"(0x10000000L) : "memory", "r8", "r9", "r10", "r11");
  if (ret == 0) return escaped("i386 unshare(CLONE_NEWUSER)");
  return blocked("i386 unshare(CLONE_NEWUSER)", (int)-ret);
#else
  return blocked("int80 (not x86_64)", ENOSYS);
#endif
}

static int do_mknod(int argc, char **argv) {
  if (argc < 5) return 124;
  dev_t dev = makedev((unsigned)strtoul(argv[2], NULL, 0), (unsigned)strtoul(argv[3], NULL, 0));
  int last = ENOENT;
  for (int i = 4; i < argc; ++i) {
    char path[4096];
    snprintf(path, sizeof path, "%s/esc_blk_%d", argv[i], (int)getpid());
    if (mknod(path, S_IFBLK | 0600, dev) != 0) {
      last = errno;
      printf("mknod %s: %s\n", path, strerror(errno));
      continue;
    }
    /* Opening a raw disk is the breach, whether or not it holds data. */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int e = errno;
    if (fd >= 0) close(fd);
    unlink(path);
    if (fd >= 0) return escaped(path);
    last = e;
    printf("open %s: %s\n", path, strerror(e));
  }
  return blocked("mknod+open of a block device", last);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc < 2) return 124;
  const char *a = argv[1];
  int err = 0;
  if (strcmp(a, "noop") == 0) {
    printf("ok\n");
    return 0;
  }
  if (strcmp(a, "exec_ok") == 0) return escaped("running from an executed memfd");
  if (strcmp(a, "euid_root") == 0) return geteuid() == 0 ? escaped("euid 0") : blocked("euid is not 0", EPERM);
  if (strcmp(a, "core_pattern") == 0) return open_for_write("/proc/sys/kernel/core_pattern");
  if (strcmp(a, "vm_sysctl") == 0) return open_for_write("/proc/sys/vm/overcommit_memory");
  if (strcmp(a, "sysrq") == 0) return open_for_write("/proc/sysrq-trigger");
  if (strcmp(a, "cgroup_escape") == 0) {
    char found[4096];
    err = ENOENT;
    if (cgroup_walk("/sys/fs/cgroup", 0, found, sizeof found, &err)) return escaped(found);
    return blocked("write a cgroup file under /sys/fs/cgroup", err);
  }
  if (strcmp(a, "timer_list") == 0)
    return reads_something("/proc/timer_list", &err) ? escaped("/proc/timer_list") : blocked("/proc/timer_list", err ? err : ENODATA);
  if (strcmp(a, "sys_firmware") == 0) {
    DIR *d = opendir("/sys/firmware");
    if (d == NULL) return blocked("/sys/firmware", errno);
    struct dirent *e;
    int any = 0;
    while ((e = readdir(d)) != NULL)
      if (e->d_name[0] != '.') any = 1;
    closedir(d);
    return any ? escaped("/sys/firmware lists entries") : blocked("/sys/firmware is empty", ENOENT);
  }
  if (strcmp(a, "keyctl") == 0) {
    long r = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0);
    return r >= 0 ? escaped("keyctl user keyring") : blocked("keyctl", errno);
  }
  if (strcmp(a, "userns") == 0)
    return syscall(SYS_unshare, CLONE_NEWUSER) == 0 ? escaped("unshare(CLONE_NEWUSER)") : blocked("unshare", errno);
  if (strcmp(a, "mount") == 0)
    return mount("esc", "/tmp", "tmpfs", 0, NULL) == 0 ? escaped("mount tmpfs") : blocked("mount", errno);
  if (strcmp(a, "host_pid") == 0) {
    if (argc < 4) return 124;
    return cmdline_contains(argv[2], argv[3]) ? escaped("sees a host process") : blocked("host process", ESRCH);
  }
  if (strcmp(a, "proc1_environ") == 0) {
    char self_ns[64] = "", one_ns[64] = "";
    if (readlink("/proc/self/ns/pid", self_ns, sizeof self_ns - 1) < 0) return blocked("readlink /proc/self/ns/pid", errno);
    ssize_t n = readlink("/proc/1/ns/pid", one_ns, sizeof one_ns - 1);
    if (n >= 0 && strcmp(self_ns, one_ns) == 0) return blocked("pid 1 is the sandbox's own init", ESRCH);
    return reads_something("/proc/1/environ", &err) ? escaped("/proc/1/environ of the host's init")
                                                    : blocked("/proc/1/environ", err ? err : ENODATA);
  }
  if (strcmp(a, "ptrace") == 0) {
    if (argc < 4) return 124;
    pid_t pid = (pid_t)atoi(argv[2]);
    if (ptrace(PTRACE_SEIZE, pid, 0, 0) != 0) return blocked("ptrace", errno);
    int host = cmdline_contains(argv[2], argv[3]);
    ptrace(PTRACE_DETACH, pid, 0, 0);
    return host ? escaped("ptrace of a host process") : blocked("ptrace: not the host process", ESRCH);
  }
  if (strcmp(a, "module") == 0) {
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return blocked("open /proc/self/exe", errno);
    syscall(SYS_finit_module, fd, "", 0);
    err = errno;
    /* Not a module: only the permission gate can turn this into EPERM. */
    if (err == EPERM || err == EACCES || err == ENOSYS) return blocked("finit_module", err);
    printf("finit_module got past its permission check: %s\n", strerror(err));
    return escaped("finit_module");
  }
  if (strcmp(a, "bpf") == 0) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.map_type = BPF_MAP_TYPE_ARRAY;
    attr.key_size = 4;
    attr.value_size = 4;
    attr.max_entries = 1;
    return syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr) >= 0 ? escaped("bpf map") : blocked("bpf", errno);
  }
  if (strcmp(a, "perf") == 0) {
    struct perf_event_attr pe;
    memset(&pe, 0, sizeof pe);
    pe.type = PERF_TYPE_SOFTWARE;
    pe.size = sizeof pe;
    pe.config = PERF_COUNT_SW_TASK_CLOCK;
    pe.exclude_kernel = 1;
    pe.exclude_hv = 1;
    return syscall(SYS_perf_event_open, &pe, 0, -1, -1, 0) >= 0 ? escaped("perf_event_open") : blocked("perf_event_open", errno);
  }
  if (strcmp(a, "io_uring") == 0) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    return syscall(SYS_io_uring_setup, 4, &p) >= 0 ? escaped("io_uring_setup") : blocked("io_uring_setup", errno);
  }
  if (strcmp(a, "raw_socket") == 0) {
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd < 0) return blocked("socket(AF_PACKET, SOCK_RAW)", errno);
    close(fd);
    /* A raw socket in a namespace with only loopback sniffs and spoofs nothing. */
    struct if_nameindex *ifs = if_nameindex();
    if (ifs == NULL) return blocked("if_nameindex", errno);
    const char *outside = NULL;
    for (struct if_nameindex *i = ifs; i->if_index != 0; ++i)
      if (strcmp(i->if_name, "lo") != 0) outside = i->if_name;
    if (outside != NULL) printf("raw packet socket on a namespace with %s\n", outside);
    int r = outside != NULL ? escaped("raw packet socket with a host interface")
                            : blocked("raw socket sees only loopback", ENETUNREACH);
    if_freenameindex(ifs);
    return r;
  }
  if (strcmp(a, "memfd_exec") == 0) return do_memfd_exec();
  if (strcmp(a, "int80") == 0) return do_int80();
  if (strcmp(a, "x32") == 0) {
    /* 0x40000000 is __X32_SYSCALL_BIT, 272 is unshare in the x32 table. */
    return syscall(0x40000000L + 272, CLONE_NEWUSER) == 0 ? escaped("x32 unshare") : blocked("x32 unshare", errno);
  }
  if (strcmp(a, "setuid") == 0) {
    if (argc < 3) return 124;
    if (geteuid() == 0) {
      printf("already root: run this attempt with --user\n");
      return 124;
    }
    char *args[] = {argv[2], "euid_root", NULL};
    execv(argv[2], args);
    return blocked("exec setuid binary", errno);
  }
  if (strcmp(a, "mknod_blk") == 0) return do_mknod(argc, argv);
  if (strcmp(a, "read_file") == 0) {
    if (argc < 3) return 124;
    return reads_something(argv[2], &err) ? escaped(argv[2]) : blocked(argv[2], err ? err : ENODATA);
  }
  fprintf(stderr, "esc_attempt: unknown attempt %s\n", a);
  return 124;
}

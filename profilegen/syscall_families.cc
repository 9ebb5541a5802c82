#include "profilegen/syscall_families.h"

#include <algorithm>

#include "core/names.h"

namespace profile {

namespace {
constexpr uint64_t kCloneThread = 0x00010000;  // CLONE_THREAD
}  // namespace

// Names that exist on one architecture only (stat64, _newselect, the i386
// *_time64 calls) are listed once; each architecture gets the members
// libseccomp resolves there.
const std::vector<SyscallFamily>& syscall_families() {
  static const std::vector<SyscallFamily> families = {
      {"stat", "ask for a file's metadata",
       "glibc 2.33+ uses newfstatat, older glibc and musl stat, fstat and lstat, ls and 32-bit glibc statx",
       {"stat", "fstat", "lstat", "newfstatat", "statx", "stat64", "fstat64", "lstat64", "fstatat64"},
       {}},
      {"readlink", "read a symbolic link",
       "libcs use readlinkat on some architectures, and a program listing directories reads the links that other "
       "input has in them (tar, cp -a, ls -l)",
       {"readlink", "readlinkat"},
       {"getdents", "getdents64"}},
      {"dup", "duplicate a descriptor",
       "dup2 is dup3 where there is no dup2, and shells pick by redirection",
       {"dup", "dup2", "dup3"},
       {}},
      {"fork", "create a process",
       "musl forks with fork, glibc with clone, posix_spawn with clone3 or vfork",
       {"fork", "vfork"},
       {"clone", "clone3"}},
      {"working directory", "change or read the working directory",
       "a shell's cd picks by how the directory was named, and getcwd follows a change",
       {"chdir", "fchdir", "getcwd"},
       {}},
      // creat is no member: no library opens through it, and a program that
      // calls creat() does so whenever it takes that path.
      {"open", "open a file",
       "glibc 2.26+ uses openat, older glibc, musl and static binaries open, newer runtimes openat2",
       {"open", "openat", "openat2"},
       {}},
      {"pipe", "create a pipe",
       "libcs use pipe2 on some architectures and to set close-on-exec",
       {"pipe", "pipe2"},
       {}},
      {"descriptor readiness", "wait until descriptors are ready",
       "event loops pick poll, select or epoll by build, environment and descriptor type",
       {"poll", "ppoll", "ppoll_time64", "select", "_newselect", "pselect6", "pselect6_time64", "epoll_create",
        "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2"},
       {}},
      {"sleep", "sleep",
       "glibc 2.31+ uses clock_nanosleep, older glibc and musl nanosleep",
       {"nanosleep", "clock_nanosleep", "clock_nanosleep_time64"},
       {}},
      {"send", "send on a socket",
       "libraries pick by socket type and batching, and libcs implement send with sendto",
       {"send", "sendto", "sendmsg", "sendmmsg"},
       {}},
      {"receive", "receive from a socket",
       "libraries pick by socket type and batching, and libcs implement recv with recvfrom",
       {"recv", "recvfrom", "recvmsg", "recvmmsg", "recvmmsg_time64"},
       {}},
      {"access", "check a file's permissions",
       "libcs use faccessat on some architectures, glibc 2.33+ faccessat2 for flags",
       {"access", "faccessat", "faccessat2"},
       {}},
      {"directory listing", "read a directory",
       "glibc 2.30+ uses getdents64, older code getdents",
       {"getdents", "getdents64"},
       {}},
      {"wait", "wait for a child",
       "glibc's waitpid is wait4, and waitid serves pidfds and WNOWAIT",
       {"wait4", "waitid", "waitpid"},
       {}},
      {"rename", "rename a file",
       "libcs use renameat or renameat2 on some architectures, tools renameat2 for RENAME_NOREPLACE",
       {"rename", "renameat", "renameat2"},
       {}},
      {"unlink", "remove a name",
       "libcs use unlinkat on some architectures, rm and find for files and directories alike",
       {"unlink", "unlinkat", "rmdir"},
       {}},
      {"mkdir", "create a directory",
       "libcs use mkdirat on some architectures, tree walkers always",
       {"mkdir", "mkdirat"},
       {}},
      {"link", "create a hard link",
       "libcs use linkat on some architectures",
       {"link", "linkat"},
       {}},
      {"symlink", "create a symbolic link",
       "libcs use symlinkat on some architectures",
       {"symlink", "symlinkat"},
       {}},
      {"chmod", "change a file's mode",
       "glibc uses fchmodat (fchmodat2 on 6.6+), and tools pick the path or descriptor form",
       {"chmod", "fchmod", "fchmodat", "fchmodat2"},
       {}},
      {"chown", "change a file's owner",
       "libcs use fchownat on some architectures, and tools pick the path or descriptor form",
       {"chown", "fchown", "lchown", "fchownat", "chown32", "fchown32", "lchown32"},
       {}},
      {"timestamps", "change a file's times",
       "glibc implements utime, utimes and futimes with utimensat",
       {"utime", "utimes", "futimesat", "utimensat", "utimensat_time64"},
       {}},
      {"mknod", "create a special file",
       "libcs use mknodat on some architectures",
       {"mknod", "mknodat"},
       {}},
      {"read", "read from a descriptor",
       "glibc's stdio reads with read, musl's with readv",
       {"read", "readv"},
       {}},
      {"write", "write to a descriptor",
       "glibc's stdio writes with write, musl's with writev",
       {"write", "writev"},
       {}},
      {"positional read", "read at an offset",
       "libraries pick by the number of buffers",
       {"pread64", "preadv", "preadv2"},
       {}},
      {"positional write", "write at an offset",
       "libraries pick by the number of buffers",
       {"pwrite64", "pwritev", "pwritev2"},
       {}},
      {"accept", "accept a connection",
       "libraries use accept4 to set flags at once, libcs on some architectures",
       {"accept", "accept4"},
       {}},
      {"eventfd", "create an event descriptor",
       "glibc uses eventfd2, older code eventfd",
       {"eventfd", "eventfd2"},
       {}},
      {"signalfd", "create a signal descriptor",
       "glibc uses signalfd4, older code signalfd",
       {"signalfd", "signalfd4"},
       {}},
      {"inotify", "create an inotify descriptor",
       "libraries use inotify_init1 for flags, older code inotify_init",
       {"inotify_init", "inotify_init1"},
       {}},
      {"exec", "run a program",
       "fexecve and posix_spawn of a descriptor use execveat; the file rules decide what runs",
       {"execve", "execveat"},
       {}},
      {"statfs", "ask for a filesystem's metadata",
       "statvfs and fstatvfs, by path or by descriptor",
       {"statfs", "fstatfs", "statfs64", "fstatfs64"},
       {}},
      {"alarm", "arm a timer signal",
       "libcs use setitimer where there is no alarm",
       {"alarm", "setitimer"},
       {}},
  };
  return families;
}

const std::vector<SubsumedCall>& subsumed_syscalls() {
  static const std::vector<SubsumedCall> calls = {
      {"clone", "clone3",
       "fork family (create a process): glibc's fork() and posix_spawn's fallback use clone, and clone3, recorded, "
       "can do all that clone can with flags seccomp cannot see"},
  };
  return calls;
}

const std::vector<AlwaysAllowed>& error_path_syscalls() {
  static const std::vector<AlwaysAllowed> calls = {
      {"write", "output and error messages: a recording with its output on /dev/null may have written nothing"},
      {"writev", "error messages: glibc's fatal messages and musl's stdio use writev"},
      {"close", "closing the standard streams on the way out"},
      {"exit_group", "ending the process"},
      {"exit", "ending a thread, and glibc's _exit fallback"},
      // Which of these probes runs is the libc's choice (glibc 2.33+:
      // newfstatat), so all are allowed. The path forms are no more than
      // every dynamically linked program already records from its loader.
      {"fstat", "stdio probes a stream before its first buffered write"},
      {"newfstatat", "stdio probes a stream before its first buffered write"},
      {"fstat64", "stdio probes a stream before its first buffered write"},
      {"fstatat64", "stdio probes a stream before its first buffered write"},
      {"lseek", "repositioning a regular file as input or output (head, tail, stdio at exit); skipped on a pipe"},
      {"_llseek", "repositioning a regular file as input or output (head, tail, stdio at exit); skipped on a pipe"},
  };
  return calls;
}

const std::set<std::string>& never_widened_syscalls() {
  static const std::set<std::string> names = {
      // namespaces and process creation with arbitrary flags
      "clone", "clone3", "unshare", "setns",
      // mounts and the root
      "mount", "umount", "umount2", "pivot_root", "chroot", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount",
      "open_tree", "mount_setattr",
      // modules, kexec, reboot
      "init_module", "finit_module", "delete_module", "create_module", "kexec_load", "kexec_file_load", "reboot",
      // other processes' memory and descriptors
      "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", "process_madvise",
      // kernel programs and events
      "bpf", "perf_event_open", "userfaultfd", "fanotify_init", "lookup_dcookie",
      // keyrings
      "add_key", "request_key", "keyctl",
      // credentials, capabilities, the process's own filter
      "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid", "setfsgid", "setgroups",
      "setuid32", "setgid32", "setreuid32", "setregid32", "setresuid32", "setresgid32", "setfsuid32", "setfsgid32",
      "setgroups32", "capset", "prctl", "personality", "seccomp",
      // signals to other processes
      "kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_send_signal",
      // the system's clock, names, swap, accounting, logs, devices
      "settimeofday", "clock_settime", "clock_settime64", "clock_adjtime", "clock_adjtime64", "adjtimex", "stime",
      "sethostname", "setdomainname", "swapon", "swapoff", "acct", "quotactl", "quotactl_fd", "syslog", "vhangup",
      "iopl", "ioperm", "open_by_handle_at", "name_to_handle_at", "nfsservctl", "uselib", "modify_ldt", "vm86",
      "vm86old",
      // the process's own LSM attributes
      "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules",
      // memory policy of the host's NUMA nodes
      "mbind", "set_mempolicy", "set_mempolicy_home_node", "get_mempolicy", "migrate_pages", "move_pages",
      // multiplexers: the operation is an argument (in memory for socketcall
      // and ipc), so allowing the name allows every operation
      "socketcall", "ipc", "ioctl", "fcntl", "fcntl64",
  };
  return names;
}

namespace {

// What the recorded calls of one architecture show about processes, threads
// and signals, with the calls that show it as evidence.
struct RecordedFacts {
  std::vector<std::string> threads;    // creates threads
  std::vector<std::string> processes;  // creates processes
  std::vector<std::string> handlers;   // installs signal handlers
  std::vector<std::string> waits;      // waits for children
};

RecordedFacts facts_of(const Observations& obs, const std::string& arch, const std::set<std::string>& recorded) {
  RecordedFacts f;
  if (recorded.count("clone3")) {
    // clone3's flags are in memory, out of the recorders' sight: it may
    // create either.
    f.threads.push_back("clone3");
    f.processes.push_back("clone3");
  }
  if (recorded.count("clone")) {
    bool any_flags = false, thread = false, process = false;
    if (auto nr = syscall_number(arch, "clone")) {
      for (const auto& a : obs.args) {
        if (a.arch != arch || a.nr != *nr || a.index != 0) continue;
        any_flags = true;
        if (a.value & kCloneThread) {
          thread = true;
        } else {
          process = true;
        }
      }
    }
    if (thread) f.threads.push_back("clone with CLONE_THREAD");
    if (process) f.processes.push_back("clone without CLONE_THREAD");
    if (!any_flags) f.processes.push_back("clone");
  }
  for (const char* n : {"fork", "vfork"})
    if (recorded.count(n)) f.processes.push_back(n);
  for (const char* n : {"rt_sigaction", "sigaction", "signal"})
    if (recorded.count(n)) f.handlers.push_back(n);
  for (const char* n : {"wait4", "waitid", "waitpid"})
    if (recorded.count(n)) f.waits.push_back(n);
  return f;
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  for (const auto& s : b)
    if (std::find(a.begin(), a.end(), s) == a.end()) a.push_back(s);
  return a;
}

class Adder {
 public:
  Adder(const std::string& arch, Profile* p) : arch_(arch), p_(p), names_(p->syscalls[arch]) {}

  // Adds `name` where it exists on this architecture and is not allowed yet.
  // A name of never_widened_syscalls() only when `subsumed`: a recorded
  // call already has its power.
  void add(const std::string& name, const std::string& kind, const std::string& reason,
           const std::vector<std::string>& evidence, bool subsumed = false) {
    if (names_.count(name) || (never_widened_syscalls().count(name) && !subsumed)) return;
    if (!syscall_number(arch_, name)) return;
    names_.insert(name);
    add_widening(p_, kind, "syscall " + arch_ + " " + name, reason, evidence);
  }

 private:
  const std::string& arch_;
  Profile* p_;
  std::set<std::string>& names_;
};

}  // namespace

void add_implied_syscalls(const Observations& obs, bool families, Profile* p) {
  for (auto& [arch, names] : p->syscalls) {
    // Only what was recorded implies more: an added call never adds another.
    const std::set<std::string> recorded = names;
    const RecordedFacts f = facts_of(obs, arch, recorded);
    Adder add(arch, p);

    for (const auto& c : error_path_syscalls()) add.add(c.name, "error-path", c.reason, {});

    // Calls whose use depends on timing, following from what made them
    // possible.
    add.add("restart_syscall", "timing",
            "the kernel restarts a call a signal interrupted through it",
            {});
    if (!f.threads.empty()) {
      for (const char* n : {"futex", "futex_time64"})
        add.add(n, "timing",
                "a thread blocks on a lock or a join only when another holds it at that moment",
                f.threads);
    }
    if (!f.handlers.empty()) {
      const char* why = "a handler returns through it, and handlers run only when a signal comes";
      if (arch == "x86") {
        add.add("sigreturn", "timing", why, f.handlers);
        if (recorded.count("rt_sigaction")) add.add("rt_sigreturn", "timing", why, {"rt_sigaction"});
      } else {
        add.add("rt_sigreturn", "timing", why, f.handlers);
      }
    }
    if (!f.processes.empty()) {
      for (const char* n : {"wait4", "waitid", "waitpid"})
        add.add(n, "timing",
                "whether and how a child is reaped during the run depends on when it ends",
                f.processes);
    }
    std::vector<std::string> signal_waiters = concat(concat(f.handlers, f.waits), f.processes);
    if (!signal_waiters.empty()) {
      for (const char* n : {"rt_sigsuspend", "pause"})
        add.add(n, "timing",
                "waiting for a signal (a shell waiting for a job) happens only when it has not come yet",
                signal_waiters);
      // Without it the shell's wait loop spins: dash and busybox block
      // every signal, then call rt_sigsuspend until SIGCHLD has come.
      add.add("rt_sigprocmask", "timing",
              "blocking signals before waiting for one; shells do it only when a job is still running",
              signal_waiters);
    }

    if (!families) continue;
    for (const auto& fam : syscall_families()) {
      std::vector<std::string> seen;
      for (const auto* list : {&fam.members, &fam.triggers})
        for (const char* n : *list)
          if (recorded.count(n)) seen.push_back(n);
      if (seen.empty()) continue;
      std::sort(seen.begin(), seen.end());
      std::string reason = std::string(fam.name) + " family (" + fam.job + "): " + fam.why;
      for (const char* m : fam.members) add.add(m, "syscall-family", reason, seen);
    }
    for (const auto& c : subsumed_syscalls())
      if (recorded.count(c.by)) add.add(c.name, "syscall-family", c.reason, {c.by}, true);
  }
}

}  // namespace profile

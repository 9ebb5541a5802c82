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
       "glibc 2.33+ implements stat, fstat and lstat with newfstatat (fstatat64 on i386), older glibc and musl call "
       "them directly, and ls, stat and newer 32-bit glibc use statx",
       {"stat", "fstat", "lstat", "newfstatat", "statx", "stat64", "fstat64", "lstat64", "fstatat64"},
       {}},
      {"readlink", "read a symbolic link", "glibc and musl implement readlink with readlinkat on some architectures",
       {"readlink", "readlinkat"}, {}},
      {"dup", "duplicate a descriptor",
       "dup2 is dup3 on architectures without dup2, and shells pick dup or dup2 by how they redirect",
       {"dup", "dup2", "dup3"}, {}},
      {"fork", "create a process",
       "musl forks with fork, glibc with clone, posix_spawn with clone3 or vfork; fork and vfork do nothing clone "
       "cannot, while clone and clone3 are never added (their flags create namespaces)",
       {"fork", "vfork"}, {"clone", "clone3"}},
      {"working directory", "change or read the working directory",
       "a shell's cd picks chdir or fchdir by how the directory was named, and getcwd follows a change (pwd, "
       "$PWD checks)",
       {"chdir", "fchdir", "getcwd"}, {}},
      {"open", "open a file",
       "glibc 2.26+ opens with openat, older glibc, musl and static binaries with open, and newer runtimes with "
       "openat2 (creat is not a member: no library opens through it, a program that calls creat always does)",
       {"open", "openat", "openat2"}, {}},
      {"pipe", "create a pipe", "glibc's pipe is pipe2 on architectures without pipe, and libraries pick pipe2 to "
       "set close-on-exec", {"pipe", "pipe2"}, {}},
      {"descriptor readiness", "wait until descriptors are ready",
       "event loops (libevent, libuv, GLib, Python's selectors) pick poll, select or epoll by build, platform, "
       "environment and descriptor type, and libcs implement poll and select with ppoll and pselect6 on some "
       "architectures",
       {"poll", "ppoll", "ppoll_time64", "select", "_newselect", "pselect6", "pselect6_time64", "epoll_create",
        "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2"},
       {}},
      {"sleep", "sleep", "glibc 2.31+ sleeps with clock_nanosleep, older glibc and musl with nanosleep, 32-bit glibc "
       "2.34+ with clock_nanosleep_time64", {"nanosleep", "clock_nanosleep", "clock_nanosleep_time64"}, {}},
      {"send", "send on a socket",
       "libraries pick send, sendto, sendmsg or sendmmsg by socket type and batching, and libcs implement send with "
       "sendto", {"send", "sendto", "sendmsg", "sendmmsg"}, {}},
      {"receive", "receive from a socket",
       "libraries pick recv, recvfrom, recvmsg or recvmmsg by socket type and batching, and libcs implement recv "
       "with recvfrom", {"recv", "recvfrom", "recvmsg", "recvmmsg", "recvmmsg_time64"}, {}},
      {"access", "check a file's permissions",
       "glibc implements access with faccessat on some architectures and faccessat with faccessat2 (2.33+) when "
       "flags are given", {"access", "faccessat", "faccessat2"}, {}},
      {"directory listing", "read a directory", "glibc 2.30+ reads directories with getdents64, older code with "
       "getdents", {"getdents", "getdents64"}, {}},
      {"wait", "wait for a child",
       "waitpid and wait are wait4 in glibc, waitid serves the P_PIDFD and WNOWAIT cases, and shells pick between "
       "them", {"wait4", "waitid", "waitpid"}, {}},
      {"rename", "rename a file",
       "glibc implements rename with renameat or renameat2 on architectures without rename, and tools use "
       "renameat2 for RENAME_NOREPLACE", {"rename", "renameat", "renameat2"}, {}},
      {"unlink", "remove a name",
       "glibc implements unlink and rmdir with unlinkat on some architectures, and rm and find use unlinkat for "
       "both, so seccomp cannot tell removing a file from removing a directory anyway",
       {"unlink", "unlinkat", "rmdir"}, {}},
      {"mkdir", "create a directory", "glibc implements mkdir with mkdirat on some architectures, and tools walking "
       "a tree use mkdirat", {"mkdir", "mkdirat"}, {}},
      {"link", "create a hard link", "glibc implements link with linkat on some architectures", {"link", "linkat"},
       {}},
      {"symlink", "create a symbolic link", "glibc implements symlink with symlinkat on some architectures",
       {"symlink", "symlinkat"}, {}},
      {"chmod", "change a file's mode",
       "glibc implements chmod with fchmodat (fchmodat2 on 6.6+ kernels for AT_SYMLINK_NOFOLLOW), and tools pick "
       "the descriptor or path form", {"chmod", "fchmod", "fchmodat", "fchmodat2"}, {}},
      {"chown", "change a file's owner",
       "glibc implements chown and lchown with fchownat on some architectures, and tools pick the descriptor or "
       "path form (the capabilities a chown needs are granted separately)",
       {"chown", "fchown", "lchown", "fchownat", "chown32", "fchown32", "lchown32"}, {}},
      {"timestamps", "change a file's times",
       "glibc implements utime, utimes and futimes with utimensat (utimensat_time64 on 32-bit), older code calls "
       "them directly", {"utime", "utimes", "futimesat", "utimensat", "utimensat_time64"}, {}},
      {"mknod", "create a special file", "glibc implements mknod and mkfifo with mknodat on some architectures",
       {"mknod", "mknodat"}, {}},
      {"read", "read from a descriptor", "glibc's stdio reads with read, musl's with readv", {"read", "readv"}, {}},
      {"write", "write to a descriptor", "glibc's stdio writes with write, musl's and glibc's fatal messages with "
       "writev", {"write", "writev"}, {}},
      {"positional read", "read at an offset", "libraries pick pread64, preadv or preadv2 by how many buffers they "
       "fill", {"pread64", "preadv", "preadv2"}, {}},
      {"positional write", "write at an offset", "libraries pick pwrite64, pwritev or pwritev2 by how many buffers "
       "they write", {"pwrite64", "pwritev", "pwritev2"}, {}},
      {"accept", "accept a connection", "libraries call accept4 to set close-on-exec or non-blocking at once, and "
       "libcs implement accept with accept4 on some architectures", {"accept", "accept4"}, {}},
      {"eventfd", "create an event descriptor", "glibc's eventfd is eventfd2; older code and musl fall back to "
       "eventfd", {"eventfd", "eventfd2"}, {}},
      {"signalfd", "create a signal descriptor", "glibc's signalfd is signalfd4; older code calls signalfd",
       {"signalfd", "signalfd4"}, {}},
      {"inotify", "create an inotify descriptor", "libraries call inotify_init1 for flags, older code inotify_init",
       {"inotify_init", "inotify_init1"}, {}},
      {"exec", "run a program",
       "fexecve and posix_spawn of a descriptor use execveat, everything else execve (what may be executed is "
       "decided by the file rules)", {"execve", "execveat"}, {}},
      {"statfs", "ask for a filesystem's metadata",
       "statvfs and fstatvfs, by path or by descriptor, and their 64-bit forms on 32-bit architectures",
       {"statfs", "fstatfs", "statfs64", "fstatfs64"}, {}},
      {"alarm", "arm a timer signal", "glibc's alarm is setitimer on architectures without alarm, as is musl's",
       {"alarm", "setitimer"}, {}},
  };
  return families;
}

const std::vector<AlwaysAllowed>& error_path_syscalls() {
  static const std::vector<AlwaysAllowed> calls = {
      {"write",
       "writing output or an error message: a recording whose output went to /dev/null, or that never failed, "
       "may have written nothing (GNU grep stops before writing when its output is /dev/null)"},
      {"writev", "writing an error message: glibc's fatal messages (stack smashing, heap corruption) and musl's stdio "
                 "write with writev"},
      {"close", "closing the standard streams on the way out (stdio, atexit handlers such as close_stdout)"},
      {"exit_group", "ending the process"},
      {"exit", "ending a thread, and glibc's _exit when exit_group fails"},
      // The probe before the first buffered write. Which of these runs is the
      // libc's choice, so all are allowed: fstat is the stat of a descriptor
      // only, newfstatat/fstatat64 also take paths, as the recording's
      // dynamic loader already does.
      {"fstat", "stdio probes a stream with fstat before its first buffered write (glibc 2.33+ through newfstatat)"},
      {"newfstatat",
       "stdio probes a stream with fstat before its first buffered write (glibc 2.33+ through newfstatat)"},
      {"fstat64", "stdio probes a stream with fstat before its first buffered write (fstat64 on 32-bit)"},
      {"fstatat64",
       "stdio probes a stream with fstat before its first buffered write (glibc 2.33+ through fstatat64 on i386)"},
      {"lseek", "positioning a regular file given as input or output (head, tail, stdio giving back unread input "
                "at exit); on a pipe or a terminal the call is skipped, so a recording through a pipe may not show it"},
      {"_llseek", "positioning a regular file given as input or output (lseek on 32-bit); on a pipe or a terminal "
                  "the call is skipped, so a recording through a pipe may not show it"},
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
  void add(const std::string& name, const std::string& kind, const std::string& reason,
           const std::vector<std::string>& evidence) {
    if (names_.count(name) || never_widened_syscalls().count(name)) return;
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
            "the kernel restarts a sleep or wait that a signal interrupted through restart_syscall; which calls "
            "are interrupted depends on timing",
            {});
    if (!f.threads.empty()) {
      for (const char* n : {"futex", "futex_time64"})
        add.add(n, "timing",
                "a thread blocks in futex on a lock or a join only when another thread holds it at that moment",
                f.threads);
    }
    if (!f.handlers.empty()) {
      const char* why = "a signal handler returns through it, and handlers run only when a signal arrives";
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
                "whether a child is reaped while the workload runs, and by which call, depends on when it ends (a "
                "shell reaps a background job when it exits)",
                f.processes);
    }
    std::vector<std::string> signal_waiters = concat(concat(f.handlers, f.waits), f.processes);
    if (!signal_waiters.empty()) {
      for (const char* n : {"rt_sigsuspend", "pause"})
        add.add(n, "timing",
                "waiting for a signal (a shell waiting for a job that is still running) happens only when the "
                "signal has not come yet; during the recording it may already have",
                signal_waiters);
      // Without it the shell's wait loop spins: dash and busybox block
      // every signal, then call rt_sigsuspend until SIGCHLD has come.
      add.add("rt_sigprocmask", "timing",
              "blocking signals before waiting for one, so that it cannot come between the check and the wait; "
              "shells do it only when a job is still running",
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
  }
}

}  // namespace profile

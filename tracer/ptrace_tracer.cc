// ptrace recorder.
//
// Every task of the tree is seized with PTRACE_O_TRACE{FORK,VFORK,CLONE,EXEC}
// so new tasks are traced before they run a single instruction, and resumed
// with PTRACE_SYSCALL: one stop at syscall entry (number, arch, arguments)
// and one at exit (return value). Both stops are needed: the entry because
// arguments (paths, sockaddrs) are read from memory the syscall may change,
// the exit because files, sockets and failures are only known from the
// result (an fd to readlink, an errno). A seccomp-filtered scheme
// (PTRACE_O_TRACESECCOMP) would save the exit stop only for syscalls we do
// not decode, but it would need a filter installed inside the workload, which
// is exactly what recording must not alter.
//
// Recording is per task: a task records once it or an ancestor has completed
// an execve (the supervisor's own code before execve, and a runner init
// process that never execs, are not the workload).
#include "tracer/ptrace_tracer.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ptrace.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <bitset>
#include <set>
#include <tuple>
#include <climits>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/file_io.h"
#include "core/names.h"
#include "core/unique_fd.h"
#include "tracer/ptrace_decode.h"
#include "tracer/syscall_arch.h"

namespace profile {

namespace {

// Bounds on what a hostile workload can make us hold.
constexpr size_t kMaxTasks = 65536;
constexpr size_t kMaxArgValues = 65536;
constexpr size_t kMaxFiles = 262144;
constexpr size_t kMaxNetEntries = 16384;

constexpr long kPtraceOptions = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                                PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;

// An argument value as collected during the run: the arch as an index, so
// the hot path neither allocates nor compares strings.
struct ArgKey {
  uint8_t arch;
  uint8_t index;
  int nr;
  uint64_t value;
  bool operator<(const ArgKey& o) const {
    return std::tie(arch, nr, index, value) < std::tie(o.arch, o.nr, o.index, o.value);
  }
};

struct Task {
  pid_t tgid = 0;  // 0: not looked up yet
  bool recording = false;
  bool in_syscall = false;
  bool creds_valid = false;
  bool kill_cross_uid = false;
  SysArch arch = SysArch::kUnknown;
  int nr = -1;
  uint64_t args[6] = {};
  Creds creds;
  std::string exec_path;  // execve's filename, resolved at entry (rare: execs only)
  std::string exec_unresolved;  // or that name as given, when it could not be resolved
};


bool proc_status(pid_t tid, ProcStatus* out) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/status", tid);
  char buf[4096];
  ssize_t n = read_small_file(path, buf, sizeof buf);
  if (n <= 0) return false;
  *out = parse_proc_status(std::string_view(buf, static_cast<size_t>(n)));
  return true;
}

// readlink into a string; false when the link is gone or too long.
bool read_link(const char* path, std::string* out) {
  char buf[PATH_MAX];
  ssize_t n = readlink(path, buf, sizeof buf);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buf) return false;
  out->assign(buf, static_cast<size_t>(n));
  return true;
}

int sys_pidfd_open(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }
int sys_pidfd_getfd(int pidfd, int fd) { return static_cast<int>(syscall(SYS_pidfd_getfd, pidfd, fd, 0)); }

bool is_stop_signal(int sig) { return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU; }

class PtraceTracer : public Tracer {
 public:
  std::string name() const override { return "ptrace"; }
  Status attach(pid_t root) override;
  Result<int> run(pid_t root, Observations& obs, const volatile int* stop_requested) override;

 private:
  Task* find(pid_t tid) {
    auto it = tasks_.find(tid);
    return it == tasks_.end() ? nullptr : &it->second;
  }
  Task* create(pid_t tid);
  Task* first_seen(pid_t tid);
  void on_syscall_stop(pid_t tid, Task& t);
  void on_entry(pid_t tid, Task& t, SysKind k);
  void on_exit(pid_t tid, Task& t, SysKind k, int64_t rval, bool is_error);
  void on_new_task(pid_t tid, Task& parent);
  void on_exec(pid_t tid);

  // Helpers reading tracee state; each failure is counted as a lost event by
  // the caller when it loses something the profile should have had.
  bool read_string(pid_t tid, uint64_t addr, char* buf, size_t cap);
  bool read_mem(pid_t tid, uint64_t addr, void* buf, size_t len);
  bool fd_path(pid_t tid, int fd, std::string* out);
  PathJoin resolve_at(pid_t tid, int dirfd, uint64_t addr, bool empty_is_fd, std::string* out);
  bool creds(pid_t tid, Task& t);
  pid_t tgid(pid_t tid, Task& t);

  void add_arg(const Task& t, int index, uint64_t value);
  void add_file(const std::string& path, uint32_t access);
  void add_path_at(pid_t tid, int dirfd, uint64_t addr, uint32_t access, bool empty_is_fd = false);
  void add_fd_file(pid_t tid, int fd, uint32_t access, std::string* recorded = nullptr);
  void add_cap(const char* cap, const std::string& reason);
  void add_opened_file(pid_t tid, Task& t, int fd, uint64_t flags, uint32_t access);
  void check_dac(pid_t tid, Task& t, const struct stat& st, uint32_t access, const std::string& path);
  void check_chown(pid_t tid, Task& t, const char* stat_path, bool nofollow, uint32_t uid, uint32_t gid);
  void record_socket_addr(pid_t tid, Task& t, int fd, uint64_t addr, uint64_t len, PortUse::Kind kind);
  void lost() { ++obs_->lost_events; }

  std::unordered_map<pid_t, Task> tasks_;
  std::array<std::bitset<kMaxSyscallNr>, kNumSysArches> seen_;
  std::set<ArgKey> args_;
  const SyscallTable* table_ = nullptr;
  Observations* obs_ = nullptr;
  bool enabled_ = true;    // cleared when a stop is requested
  bool any_exec_ = false;  // some task of the tree has exec'd
};

Status PtraceTracer::attach(pid_t root) {
  if (ptrace(PTRACE_SEIZE, root, 0, kPtraceOptions) != 0)
    return make_error("ptrace(PTRACE_SEIZE) of pid " + std::to_string(root) + ": " + strerror(errno));
  // A seized task only gets syscall stops once restarted with PTRACE_SYSCALL
  // from a ptrace-stop, so make one: root is blocked in read() and the read
  // restarts transparently.
  if (ptrace(PTRACE_INTERRUPT, root, 0, 0) != 0)
    return make_error("ptrace(PTRACE_INTERRUPT) of pid " + std::to_string(root) + ": " + strerror(errno));
  int st = 0;
  for (;;) {
    pid_t w = waitpid(root, &st, __WALL);
    if (w == root) break;
    if (w < 0 && errno != EINTR) return make_error(std::string("waitpid after attach: ") + strerror(errno));
  }
  if (!WIFSTOPPED(st)) return make_error("pid " + std::to_string(root) + " exited while being attached");
  int sig = 0;
  // Anything but the interrupt's own stop is a real signal: deliver it.
  if ((st >> 16) == 0) sig = WSTOPSIG(st);
  if (ptrace(PTRACE_SYSCALL, root, 0, sig) != 0)
    return make_error("ptrace(PTRACE_SYSCALL) of pid " + std::to_string(root) + ": " + strerror(errno));
  tasks_.clear();
  tasks_.reserve(256);
  Task t;
  t.tgid = root;
  tasks_.emplace(root, t);
  return {};
}

Task* PtraceTracer::create(pid_t tid) {
  if (tasks_.size() >= kMaxTasks) {
    lost();
    return nullptr;
  }
  ++obs_->processes;
  return &tasks_[tid];
}

// A task seen before its creator's fork/clone event (the kernel does not
// order the two reports). Its recording flag is taken from its thread group
// or parent now; the creator's event, if it comes, overrides it.
Task* PtraceTracer::first_seen(pid_t tid) {
  Task* t = create(tid);
  if (t == nullptr) return nullptr;
  ProcStatus ps;
  t->recording = any_exec_;
  if (proc_status(tid, &ps)) {
    t->tgid = ps.tgid;
    Task* rel = nullptr;
    if (ps.tgid != tid) rel = find(ps.tgid);
    if (rel == nullptr && ps.ppid > 0) rel = find(ps.ppid);
    if (rel != nullptr && rel != t) t->recording = rel->recording;
  }
  return t;
}

bool PtraceTracer::read_mem(pid_t tid, uint64_t addr, void* buf, size_t len) {
  if (len == 0) return true;
  iovec local{buf, len};
  iovec remote{reinterpret_cast<void*>(addr), len};
  return process_vm_readv(tid, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(len);
}

// Reads a NUL-terminated string of at most cap-1 bytes. Reads stop at page
// boundaries so a string ending just before an unmapped page is still read.
bool PtraceTracer::read_string(pid_t tid, uint64_t addr, char* buf, size_t cap) {
  if (addr == 0 || cap == 0) return false;
  constexpr uint64_t kPage = 4096;
  size_t got = 0;
  while (got + 1 < cap) {
    uint64_t a = addr + got;
    size_t chunk = static_cast<size_t>(kPage - (a % kPage));
    if (chunk > cap - 1 - got) chunk = cap - 1 - got;
    iovec local{buf + got, chunk};
    iovec remote{reinterpret_cast<void*>(a), chunk};
    ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
    if (n <= 0) return false;
    void* nul = memchr(buf + got, '\0', static_cast<size_t>(n));
    if (nul != nullptr) return true;
    got += static_cast<size_t>(n);
  }
  return false;  // longer than PATH_MAX: the kernel would have refused it too
}

bool PtraceTracer::fd_path(pid_t tid, int fd, std::string* out) {
  if (fd < 0) return false;
  char link[64];
  snprintf(link, sizeof link, "/proc/%d/fd/%d", tid, fd);
  if (!read_link(link, out)) return false;
  return true;
}

// Where a path argument of the tracee leads (tracer/path_join.h): kOk with
// the absolute path, absolute names taken inside the tracee's root;
// kDotDotAfterName with the name as given, on its directory, for messages.
PathJoin PtraceTracer::resolve_at(pid_t tid, int dirfd, uint64_t addr, bool empty_is_fd, std::string* out) {
  char name[PATH_MAX];
  if (!read_string(tid, addr, name, sizeof name)) return PathJoin::kInvalid;
  std::string root, dir;
  char link[64];
  snprintf(link, sizeof link, "/proc/%d/root", tid);
  if (!read_link(link, &root)) return PathJoin::kInvalid;
  if (name[0] != '/') {
    if (dirfd == AT_FDCWD) {
      snprintf(link, sizeof link, "/proc/%d/cwd", tid);
      if (!read_link(link, &dir)) return PathJoin::kInvalid;
    } else if (!fd_path(tid, dirfd, &dir)) {
      return PathJoin::kInvalid;
    }
    if (name[0] == '\0' && !empty_is_fd) return PathJoin::kInvalid;
  }
  PathJoin r = join_clean(root, dir, name, out);
  if (r == PathJoin::kDotDotAfterName) *out = name[0] == '/' ? std::string(name) : dir + "/" + name;
  return r;
}

bool PtraceTracer::creds(pid_t tid, Task& t) {
  if (t.creds_valid) return true;
  ProcStatus ps;
  if (!proc_status(tid, &ps) || !ps.has_creds) return false;
  t.creds = ps.creds;
  t.creds_valid = true;
  if (t.tgid == 0) t.tgid = ps.tgid;
  return true;
}

pid_t PtraceTracer::tgid(pid_t tid, Task& t) {
  if (t.tgid == 0) {
    ProcStatus ps;
    if (proc_status(tid, &ps)) t.tgid = ps.tgid;
  }
  return t.tgid;
}

void PtraceTracer::add_arg(const Task& t, int index, uint64_t value) {
  ArgKey k{static_cast<uint8_t>(t.arch), static_cast<uint8_t>(index), t.nr, value};
  if (args_.size() >= kMaxArgValues && args_.count(k) == 0) {
    lost();
    return;
  }
  args_.insert(k);
}

void PtraceTracer::add_file(const std::string& path, uint32_t access) {
  if (access == 0) return;
  if (!clean_path(path)) {
    lost();
    return;
  }
  if (obs_->files.size() >= kMaxFiles && obs_->files.count(path) == 0) {
    lost();
    return;
  }
  obs_->files[path] |= access;
}

void PtraceTracer::add_path_at(pid_t tid, int dirfd, uint64_t addr, uint32_t access, bool empty_is_fd) {
  std::string p;
  switch (resolve_at(tid, dirfd, addr, empty_is_fd, &p)) {
    case PathJoin::kOk:
      add_file(p, access);
      return;
    case PathJoin::kDotDotAfterName:
      obs_->add_unresolved_path(p);
      return;
    case PathJoin::kInvalid:
      lost();
      return;
  }
}

// Files known by descriptor. Descriptors that are not files (pipes, sockets,
// anonymous inodes) have no path and are skipped, as are unlinked files
// (O_TMPFILE, memfd): there is no name a policy could allow.
void PtraceTracer::add_fd_file(pid_t tid, int fd, uint32_t access, std::string* recorded) {
  std::string p;
  if (!fd_path(tid, fd, &p)) {
    lost();
    return;
  }
  if (p.empty() || p[0] != '/') return;
  constexpr std::string_view kDeleted = " (deleted)";
  if (p.size() > kDeleted.size() && p.compare(p.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0) {
    char link[64];
    snprintf(link, sizeof link, "/proc/%d/fd/%d", tid, fd);
    struct stat st;
    if (stat(link, &st) == 0 && st.st_nlink == 0) return;
  }
  add_file(p, access);
  if (recorded != nullptr) *recorded = std::move(p);
}

// The file an open call returned, through one borrowed reference to it: its
// path, type and mode then all describe the same open file, even when
// another thread sharing the descriptor table closes the number and opens
// something else at it before they are read. A descriptor that was not
// opened with the mode the call asked for is not the call's file: the event
// is lost rather than paired with a file the call did not open.
void PtraceTracer::add_opened_file(pid_t tid, Task& t, int fd, uint64_t flags, uint32_t access) {
  UniqueFd pidfd(sys_pidfd_open(tgid(tid, t)));
  UniqueFd local(pidfd.get() >= 0 ? sys_pidfd_getfd(pidfd.get(), fd) : -1);
  if (local.get() < 0) {
    lost();
    return;
  }
  char link[64], info[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", local.get());
  snprintf(info, sizeof info, "/proc/self/fdinfo/%d", local.get());
  std::string p;
  char buf[1024];
  ssize_t n = read_small_file(info, buf, sizeof buf);
  auto file_flags = n > 0 ? parse_fdinfo_flags(std::string_view(buf, static_cast<size_t>(n))) : std::nullopt;
  struct stat st;
  // fcntl cannot change these, so the call's own must be there.
  constexpr uint64_t kFixed = O_ACCMODE | O_PATH;
  if (!read_link(link, &p) || !file_flags || (*file_flags & kFixed) != (flags & kFixed) ||
      fstat(local.get(), &st) != 0) {
    lost();
    return;
  }
  // Reading a directory is listing it (the eBPF recorder decides the same
  // way from the inode), and "list" marks it as a directory.
  if ((access & kAccessRead) && S_ISDIR(st.st_mode)) access = (access & ~uint32_t{kAccessRead}) | kAccessList;
  // Pipes, sockets and anonymous inodes have no path; unlinked files
  // (O_TMPFILE) no name a policy could allow.
  if (p.empty() || p[0] != '/') return;
  constexpr std::string_view kDeleted = " (deleted)";
  if (p.size() > kDeleted.size() && p.compare(p.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0 &&
      st.st_nlink == 0)
    return;
  add_file(p, access);
  check_dac(tid, t, st, access, p);
}

// Evidence reasons are kept order-independent (the smallest wins) so two
// recordings of the same behaviour write the same profile.
void PtraceTracer::add_cap(const char* cap, const std::string& reason) {
  auto it = obs_->capabilities.find(cap);
  if (it == obs_->capabilities.end()) {
    obs_->capabilities.emplace(cap, CapEvidence{"inferred", reason});
  } else if (it->second.kind == "inferred" && reason < it->second.reason) {
    it->second.reason = reason;
  }
}

void PtraceTracer::check_dac(pid_t tid, Task& t, const struct stat& st, uint32_t access, const std::string& path) {
  access &= kAccessRead | kAccessWrite | kAccessAppend;
  if (access == 0 || !creds(tid, t)) return;
  const char* cap = dac_capability_needed(t.creds, st.st_mode, st.st_uid, st.st_gid, access);
  if (cap == nullptr) return;
  bool write = std::string_view(cap) == "DAC_OVERRIDE";
  add_cap(cap, std::string("opened ") + path + (write ? " for writing" : " for reading") +
                   " although its mode bits deny it");
}

// Changing the owner, or the group of a file one does not own or to a group
// one is not in, needs CAP_CHOWN. Checked after success on the file's new
// state: its owner is then the requested one unless uid was -1.
void PtraceTracer::check_chown(pid_t tid, Task& t, const char* stat_path, bool nofollow, uint32_t uid,
                               uint32_t gid) {
  if (!creds(tid, t)) return;
  if (uid != UINT32_MAX && uid != t.creds.fsuid) {
    add_cap("CHOWN", "changed the owner of a file to another user");
    return;
  }
  if (gid == UINT32_MAX) return;
  struct stat st;
  if ((nofollow ? lstat(stat_path, &st) : stat(stat_path, &st)) != 0) return;
  if (st.st_uid != t.creds.fsuid || !t.creds.in_group(gid))
    add_cap("CHOWN", "changed the group of a file it does not own or to a group it is not in");
}

void PtraceTracer::record_socket_addr(pid_t tid, Task& t, int fd, uint64_t addr, uint64_t len,
                                      PortUse::Kind kind) {
  uint8_t buf[sizeof(sockaddr_storage)];
  size_t n = len > sizeof buf ? sizeof buf : static_cast<size_t>(len);
  if (addr == 0 || n == 0) return;  // connect(fd, NULL) style: no address
  if (!read_mem(tid, addr, buf, n)) {
    lost();
    return;
  }
  SockAddr sa = decode_sockaddr(buf, n);
  if (!sa.valid) {
    lost();
    return;
  }
  if (sa.family == AF_UNIX) {
    if (sa.unix_name.empty()) return;
    std::string name = sa.unix_name;
    if (name[0] != '@') {
      // Absolute names stay as the tracee wrote them (not re-rooted), as
      // they always have; a ".." in either kind is judged like a file's.
      std::string cwd, root = "/", p;
      bool relative = name[0] != '/';
      char link[64];
      snprintf(link, sizeof link, "/proc/%d/cwd", tid);
      bool have_dirs = true;
      if (relative) {
        char root_link[64];
        snprintf(root_link, sizeof root_link, "/proc/%d/root", tid);
        have_dirs = read_link(link, &cwd) && read_link(root_link, &root);
      }
      PathJoin r = have_dirs ? join_clean(root, cwd, name, &p) : PathJoin::kInvalid;
      if (r == PathJoin::kDotDotAfterName) {
        obs_->add_unresolved_path(relative ? cwd + "/" + name : name);
        return;
      }
      if (r != PathJoin::kOk) {
        lost();
        return;
      }
      name = std::move(p);
    }
    if (obs_->unix_sockets.size() >= kMaxNetEntries && obs_->unix_sockets.count(name) == 0) {
      lost();
      return;
    }
    obs_->unix_sockets.insert(std::move(name));
    return;
  }
  if (sa.family != AF_INET && sa.family != AF_INET6) return;
  // The socket's type is not in the call: borrow the descriptor and ask.
  int pidfd = sys_pidfd_open(tgid(tid, t));
  if (pidfd < 0) {
    lost();
    return;
  }
  int local = sys_pidfd_getfd(pidfd, fd);
  close(pidfd);
  if (local < 0) {
    lost();
    return;
  }
  int type = 0;
  socklen_t tl = sizeof type;
  bool ok = getsockopt(local, SOL_SOCKET, SO_TYPE, &type, &tl) == 0;
  close(local);
  if (!ok) {
    lost();
    return;
  }
  const char* proto = type == SOCK_STREAM ? "tcp" : type == SOCK_DGRAM ? "udp" : nullptr;
  if (proto == nullptr) return;  // raw/seqpacket: no port space a policy names
  PortUse p{kind, proto, sa.family, sa.port};
  if (obs_->ports.size() >= kMaxNetEntries && obs_->ports.count(p) == 0) {
    lost();
    return;
  }
  obs_->ports.insert(std::move(p));
}

void PtraceTracer::on_syscall_stop(pid_t tid, Task& t) {
  __ptrace_syscall_info info;
  memset(&info, 0, sizeof info);
  long n = ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info);
  if (n <= 0) {
    // ESRCH: killed (SIGKILL) while stopped; its exit is reported next and
    // the call it was making never ran.
    if (t.recording && enabled_ && errno != ESRCH) lost();
    return;
  }
  if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
    DecodedSyscall d = decode_syscall(info.arch, info.entry.nr);
    t.in_syscall = true;
    t.arch = d.arch;
    t.nr = d.nr;
    for (int i = 0; i < 6; ++i) t.args[i] = info.entry.args[i];
    SysKind k = table_->kind(d.arch, d.nr);
    if (t.recording && enabled_) {
      if (d.nr < 0) {
        // An arch we have no tables for, or a number no table has: the
        // kernel answers ENOSYS, so allowing it is moot; record what we can.
        if (d.arch == SysArch::kUnknown) lost();
        return;
      }
      seen_[static_cast<int>(d.arch)].set(static_cast<size_t>(d.nr));
      on_entry(tid, t, k);
    } else if (k == SysKind::kExecve || k == SysKind::kExecveat) {
      // The first execve is made before recording starts; its filename is
      // still wanted (to record a script beside its interpreter).
      on_entry(tid, t, k);
    }
  } else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
    // An exit without a seen entry (the syscall root was in at attach) has
    // nothing to pair with.
    if (!t.in_syscall) return;
    t.in_syscall = false;
    if (!t.recording || !enabled_ || t.nr < 0) return;
    SysKind k = table_->kind(t.arch, t.nr);
    on_exit(tid, t, k, info.exit.rval, info.exit.is_error != 0);
  }
}

void PtraceTracer::on_entry(pid_t tid, Task& t, SysKind k) {
  const uint64_t* a = t.args;
  if (const SyscallSemantics* row = table_->row(t.arch, t.nr); row != nullptr && t.recording && enabled_) {
    for (int i = 0; i < 6; ++i) {
      if (!(row->filtered & (1u << i))) continue;
      uint64_t v = a[i];
      // Policies match the socket type without its creation flags.
      if (k == SysKind::kSocket && i == 1) v &= ~static_cast<uint64_t>(SOCK_NONBLOCK | SOCK_CLOEXEC);
      add_arg(t, i, v);
    }
  }
  switch (k) {
    case SysKind::kExecve:
    case SysKind::kExecveat: {
      t.exec_path.clear();
      t.exec_unresolved.clear();
      bool at = k == SysKind::kExecveat;
      // execveat(fd, "", AT_EMPTY_PATH) runs the descriptor's own file.
      bool empty_is_fd = at && (a[4] & AT_EMPTY_PATH);
      std::string p;
      PathJoin r = resolve_at(tid, at ? static_cast<int>(a[0]) : AT_FDCWD, at ? a[1] : a[0], empty_is_fd, &p);
      if (r == PathJoin::kOk) t.exec_path = std::move(p);
      // Whether it named a script is only known once the exec succeeds.
      if (r == PathJoin::kDotDotAfterName) t.exec_unresolved = std::move(p);
      break;
    }
    case SysKind::kKill:
    case SysKind::kTkill:
    case SysKind::kTgkill: {
      // Decided at entry: after a successful SIGKILL the target may be gone.
      t.kill_cross_uid = false;
      auto target = static_cast<pid_t>(k == SysKind::kTgkill ? a[1] : a[0]);
      if (target <= 0 || !creds(tid, t)) break;
      // The target pid is in the tracee's PID namespace: look it up in the
      // tracee's own /proc, reached through its root.
      char path[96];
      snprintf(path, sizeof path, "/proc/%d/root/proc/%d/status", tid, target);
      char buf[4096];
      ssize_t n = read_small_file(path, buf, sizeof buf);
      if (n <= 0) break;
      ProcStatus ts = parse_proc_status(std::string_view(buf, static_cast<size_t>(n)));
      if (!ts.has_creds) break;
      const Creds& s = t.creds;
      bool same = s.ruid == ts.creds.ruid || s.ruid == ts.creds.suid || s.euid == ts.creds.ruid ||
                  s.euid == ts.creds.suid;
      t.kill_cross_uid = !same;
      break;
    }
    default:
      break;
  }
}

void PtraceTracer::on_exit(pid_t tid, Task& t, SysKind k, int64_t rval, bool is_error) {
  const uint64_t* a = t.args;
  if (is_error) {
    int err = static_cast<int>(-rval);
    if (err == EPERM || err == EACCES) ++obs_->failures[Failure{sys_arch_name(t.arch), t.nr, err}];
    // bind/connect that failed still show what the program wanted to reach.
    if ((k == SysKind::kBind || k == SysKind::kConnect) && err != EBADF && err != ENOTSOCK &&
        err != EFAULT && err != EINVAL && err != EAFNOSUPPORT)
      record_socket_addr(tid, t, static_cast<int>(a[0]), a[1], a[2],
                         k == SysKind::kBind ? PortUse::kBind : PortUse::kConnect);
    return;
  }
  auto fd_arg = [](uint64_t v) { return static_cast<int>(v); };
  switch (k) {
    case SysKind::kOpen:
    case SysKind::kOpenat:
    case SysKind::kOpenat2:
    case SysKind::kCreat: {
      uint64_t flags = 0;
      const SyscallSemantics* row = table_->row(t.arch, t.nr);
      if ((k == SysKind::kOpen || k == SysKind::kOpenat) && row != nullptr && row->open_flags_arg >= 0)
        flags = a[row->open_flags_arg];
      else if (k == SysKind::kCreat) flags = O_CREAT | O_WRONLY | O_TRUNC;
      else if (!read_mem(tid, a[2], &flags, sizeof flags)) {  // open_how.flags is its first field
        lost();
        break;
      }
      uint32_t access = open_access(flags);
      if (access == 0) break;
      add_opened_file(tid, t, static_cast<int>(rval), flags, access);
      break;
    }
    case SysKind::kMmap: {
      // MAP_ANONYMOUS mappings pass fd -1 (or anything, which is ignored).
      if ((a[2] & PROT_EXEC) && !(a[3] & MAP_ANONYMOUS)) add_fd_file(tid, fd_arg(a[4]), kAccessMmapExec);
      break;
    }
    case SysKind::kPath: {
      const SyscallSemantics* row = table_->row(t.arch, t.nr);
      if (row == nullptr) break;
      for (int i = 0; i < 2; ++i) {
        const SemPath& sp = row->path[i];
        if (sp.path < 0) continue;
        uint32_t access = sp.access;
        // AT_REMOVEDIR: the path was a directory, which "list" marks.
        if (i == 0 && (row->flags & kSemRemoveDir) && (a[2] & AT_REMOVEDIR)) access |= kAccessList;
        bool empty_is_fd = i == 0 && ((row->flags & kSemEmptyPathIsFd) ||
                                      ((row->flags & kSemEmptyPathFlag4) && (a[4] & AT_EMPTY_PATH)));
        add_path_at(tid, sp.dirfd >= 0 ? fd_arg(a[sp.dirfd]) : AT_FDCWD, a[sp.path], access, empty_is_fd);
      }
      break;
    }
    case SysKind::kChmodFd:
      add_fd_file(tid, fd_arg(a[0]), kAccessChmod);
      break;
    case SysKind::kUtimensat:
      if (a[1] == 0)
        add_fd_file(tid, fd_arg(a[0]), kAccessChmod);
      else
        add_path_at(tid, fd_arg(a[0]), a[1], kAccessChmod, true);
      break;
    case SysKind::kFlock:
      add_fd_file(tid, fd_arg(a[0]), kAccessLock);
      break;
    case SysKind::kGetdents:
      add_fd_file(tid, fd_arg(a[0]), kAccessList);
      break;
    case SysKind::kChown:
    case SysKind::kChown16:
    case SysKind::kFchownat: {
      bool at = k == SysKind::kFchownat;
      int dirfd = at ? fd_arg(a[0]) : AT_FDCWD;
      uint64_t path = at ? a[1] : a[0];
      uint64_t uid = at ? a[2] : a[1], gid = at ? a[3] : a[2];
      bool nofollow = at && (a[4] & AT_SYMLINK_NOFOLLOW);
      if (k == SysKind::kChown16) {
        uid = (uid & 0xffff) == 0xffff ? UINT32_MAX : uid & 0xffff;
        gid = (gid & 0xffff) == 0xffff ? UINT32_MAX : gid & 0xffff;
      }
      if (!nofollow && !at) {
        // lchown shares the kind with chown; tell them apart by name.
        auto n = syscall_name(sys_arch_name(t.arch), t.nr);
        nofollow = n && n->rfind("lchown", 0) == 0;
      }
      std::string p;
      PathJoin r = resolve_at(tid, dirfd, path, at && (a[4] & AT_EMPTY_PATH), &p);
      if (r == PathJoin::kDotDotAfterName) obs_->add_unresolved_path(p);
      if (r == PathJoin::kInvalid) lost();
      if (r != PathJoin::kOk) break;
      add_file(p, kAccessChmod);
      // The path is the tracee's: reach it through its root (mount namespace).
      std::string in_root = "/proc/" + std::to_string(tid) + "/root" + p;
      check_chown(tid, t, in_root.c_str(), nofollow, static_cast<uint32_t>(uid), static_cast<uint32_t>(gid));
      break;
    }
    case SysKind::kFchown:
    case SysKind::kFchown16: {
      uint64_t uid = a[1], gid = a[2];
      if (k == SysKind::kFchown16) {
        uid = (uid & 0xffff) == 0xffff ? UINT32_MAX : uid & 0xffff;
        gid = (gid & 0xffff) == 0xffff ? UINT32_MAX : gid & 0xffff;
      }
      add_fd_file(tid, fd_arg(a[0]), kAccessChmod);
      char link[64];
      snprintf(link, sizeof link, "/proc/%d/fd/%d", tid, fd_arg(a[0]));
      check_chown(tid, t, link, false, static_cast<uint32_t>(uid), static_cast<uint32_t>(gid));
      break;
    }
    case SysKind::kSocket:
    case SysKind::kSocketpair: {
      SocketUse s{static_cast<int>(a[0]), static_cast<int>(a[1] & ~static_cast<uint64_t>(SOCK_NONBLOCK | SOCK_CLOEXEC)),
                  static_cast<int>(a[2])};
      if (obs_->sockets.size() >= kMaxNetEntries && obs_->sockets.count(s) == 0) {
        lost();
        break;
      }
      obs_->sockets.insert(s);
      break;
    }
    case SysKind::kBind:
    case SysKind::kConnect:
      record_socket_addr(tid, t, fd_arg(a[0]), a[1], a[2], k == SysKind::kBind ? PortUse::kBind : PortUse::kConnect);
      break;
    case SysKind::kKill:
    case SysKind::kTkill:
    case SysKind::kTgkill:
      if (t.kill_cross_uid) add_cap("KILL", "sent a signal to a process of another user");
      break;
    case SysKind::kCredChange:
      t.creds_valid = false;
      break;
    default:
      break;
  }
}

// fork/vfork/clone event of `parent`: the new task inherits its recording flag.
void PtraceTracer::on_new_task(pid_t tid, Task& parent) {
  unsigned long msg = 0;
  if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) != 0 || msg == 0 || msg > INT_MAX) return;
  auto child = static_cast<pid_t>(msg);
  bool recording = parent.recording;
  Task* c = find(child);
  if (c == nullptr) c = create(child);
  if (c != nullptr) c->recording = recording;
}

void PtraceTracer::on_exec(pid_t tid) {
  unsigned long msg = 0;
  if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0 && msg != 0 && msg <= INT_MAX &&
      static_cast<pid_t>(msg) != tid) {
    // A non-leader thread exec'd: it now has the leader's tid, and the old
    // tid is never reported again. Its state (the execve entry) moves over.
    auto it = tasks_.find(static_cast<pid_t>(msg));
    if (it != tasks_.end()) {
      Task moved = std::move(it->second);
      tasks_.erase(it);
      tasks_[tid] = std::move(moved);
    }
  }
  Task* tp = find(tid);
  if (tp == nullptr) tp = first_seen(tid);
  if (tp == nullptr) return;
  Task& t = *tp;
  t.recording = true;
  t.creds_valid = false;  // setuid binaries change them
  t.tgid = tid;
  any_exec_ = true;
  std::string exec_path = std::move(t.exec_path);
  std::string exec_unresolved = std::move(t.exec_unresolved);
  t.exec_path.clear();
  t.exec_unresolved.clear();
  if (!enabled_) return;
  // The filter is installed before execve, so execve itself must be allowed,
  // in the arch it was called in.
  SysKind k = table_->kind(t.arch, t.nr);
  if (t.in_syscall && (k == SysKind::kExecve || k == SysKind::kExecveat)) {
    seen_[static_cast<int>(t.arch)].set(static_cast<size_t>(t.nr));
  } else {
    int nr = table_->execve_number(SysArch::kX86_64);
    if (nr >= 0) seen_[static_cast<int>(SysArch::kX86_64)].set(static_cast<size_t>(nr));
  }
  char link[64];
  snprintf(link, sizeof link, "/proc/%d/exe", tid);
  std::string exe;
  if (!read_link(link, &exe) || !clean_path(exe)) {
    lost();
    return;
  }
  obs_->execs.insert(exe);
  add_file(exe, kAccessExecute);
  // A script: execve named the script, the kernel ran its interpreter.
  // Magic links under /proc (/proc/self/exe, /proc/<pid>/fd/N) resolve to
  // the binary already recorded as `exe`; the link itself is not a file the
  // policy needs.
  if (!exec_path.empty() && exec_path != exe && exec_path.rfind("/proc/", 0) != 0) {
    struct stat a, b;
    // exec_path is in the tracee's mounts: reach it through its root.
    std::string in_root = "/proc/" + std::to_string(tid) + "/root" + exec_path;
    if (stat(link, &a) == 0 && stat(in_root.c_str(), &b) == 0 && (a.st_dev != b.st_dev || a.st_ino != b.st_ino)) {
      obs_->execs.insert(exec_path);
      add_file(exec_path, kAccessExecute);
    }
  }
  // A name that could not be resolved is only worth a mention when it named
  // a script (as the eBPF recorder sees it); the kernel resolving it again
  // here can only decide that mention, never a path of the profile.
  if (!exec_unresolved.empty()) {
    struct stat a, b;
    std::string in_root = "/proc/" + std::to_string(tid) + "/root" + exec_unresolved;
    if (stat(link, &a) != 0 || stat(in_root.c_str(), &b) != 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino)
      obs_->add_unresolved_path(exec_unresolved);
  }
}

Result<int> PtraceTracer::run(pid_t root, Observations& obs, const volatile int* stop_requested) {
  obs_ = &obs;
  obs.tracer = "ptrace";
  table_ = &SyscallTable::get();
  for (auto& s : seen_) s.reset();
  args_.clear();
  enabled_ = true;
  any_exec_ = false;
  if (find(root) == nullptr) return make_error("ptrace recorder: run() without attach()");
  ++obs.processes;

  bool root_done = false;
  bool killed_rest = false;
  int root_status = 0;
  for (;;) {
    if (stop_requested != nullptr && *stop_requested && enabled_) {
      enabled_ = false;
      obs.partial = true;
    }
    if (root_done && !enabled_ && !killed_rest) {
      // Interrupted and root is gone: what is left would keep the recording
      // open (daemons, stuck children). The supervisor already forwarded the
      // signal to root; end the rest so we return promptly.
      killed_rest = true;
      for (const auto& [tid, t] : tasks_) kill(tid, SIGKILL);
    }
    int st = 0;
    pid_t tid = waitpid(-1, &st, __WALL);
    if (tid < 0) {
      if (errno == EINTR) continue;
      if (errno == ECHILD) break;
      return make_error(std::string("ptrace recorder: waitpid: ") + strerror(errno));
    }
    if (WIFEXITED(st) || WIFSIGNALED(st)) {
      tasks_.erase(tid);
      if (tid == root) {
        root_done = true;
        root_status = st;
      }
      continue;
    }
    if (!WIFSTOPPED(st)) continue;
    Task* t = find(tid);
    if (t == nullptr) t = first_seen(tid);
    int sig = WSTOPSIG(st);
    int event = static_cast<unsigned>(st) >> 16;
    int inject = 0;
    if (sig == (SIGTRAP | 0x80)) {
      if (t != nullptr) on_syscall_stop(tid, *t);
    } else if (event != 0) {
      switch (event) {
        case PTRACE_EVENT_FORK:
        case PTRACE_EVENT_VFORK:
        case PTRACE_EVENT_CLONE:
          if (t != nullptr) on_new_task(tid, *t);
          break;
        case PTRACE_EVENT_EXEC:
          on_exec(tid);
          break;
        case PTRACE_EVENT_STOP:
          if (is_stop_signal(sig)) {
            // Group-stop: stay stopped (as the workload's job control asked)
            // but let us see the SIGCONT; PTRACE_LISTEN does both.
            ptrace(PTRACE_LISTEN, tid, 0, 0);
            continue;
          }
          break;  // new task's first stop, or our PTRACE_INTERRUPT
        default:
          break;
      }
    } else {
      inject = sig;  // signal-delivery-stop: never swallow the signal
    }
    // Overflowing tasks still run, just unobserved (counted as lost).
    if (t == nullptr)
      ptrace(PTRACE_CONT, tid, 0, inject);
    else
      ptrace(PTRACE_SYSCALL, tid, 0, inject);
    // ESRCH here means the task was killed meanwhile; its exit is reported.
  }
  if (!root_done) return make_error("ptrace recorder: the traced process was never reaped");

  for (int a = 0; a < kNumSysArches; ++a) {
    const char* an = sys_arch_name(static_cast<SysArch>(a));
    for (int nr = 0; nr < kMaxSyscallNr; ++nr) {
      if (!seen_[a].test(static_cast<size_t>(nr))) continue;
      // Numbers libseccomp does not know cannot be allowed by name; the
      // kernel answered them with ENOSYS.
      if (!syscall_name(an, nr)) continue;
      obs.add_syscall(an, nr);
    }
  }
  for (const auto& k : args_) {
    const char* an = sys_arch_name(static_cast<SysArch>(k.arch));
    if (syscall_name(an, k.nr)) obs.args.insert(ArgValue{an, k.nr, k.index, k.value});
  }
  args_.clear();
  tasks_.clear();
  return root_status;
}

}  // namespace

std::unique_ptr<Tracer> make_ptrace_tracer() { return std::make_unique<PtraceTracer>(); }

}  // namespace profile

#include "tracer/ptrace_syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/file_io.h"
#include "core/names.h"
#include "tracer/ptrace_memory.h"

namespace profile {

using tracee::fd_path;
using tracee::proc_status;
using tracee::read_link;
using tracee::read_mem;
using tracee::resolve_at;

namespace {

// Bounds on what a hostile workload can make us hold.
constexpr size_t kMaxArgValues = 65536;
constexpr size_t kMaxFiles = 262144;
constexpr size_t kMaxNetEntries = 16384;

// How /proc shows a descriptor's file once its name was unlinked; a file
// can also be named so, which its link count tells apart.
bool names_deleted_file(std::string_view p) {
  constexpr std::string_view kDeleted = " (deleted)";
  return p.size() > kDeleted.size() && p.compare(p.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0;
}

int fd_arg(uint64_t v) { return static_cast<int>(v); }

int dirfd_of(const SemPath& sp, const uint64_t* a) { return sp.dirfd >= 0 ? fd_arg(a[sp.dirfd]) : AT_FDCWD; }

// Whether an empty path of the row's first path argument names its
// directory descriptor itself.
bool empty_path_is_fd(const SyscallSemantics& row, const uint64_t* a) {
  return (row.flags & kSemEmptyPathIsFd) || ((row.flags & kSemEmptyPathFlag4) && (a[4] & AT_EMPTY_PATH));
}

// A uid/gid argument; the i386 16-bit calls spell "unchanged" as 0xffff.
uint32_t id_arg(uint64_t v, bool sixteen_bit) {
  if (!sixteen_bit) return static_cast<uint32_t>(v);
  return (v & 0xffff) == 0xffff ? UINT32_MAX : static_cast<uint32_t>(v & 0xffff);
}

// Policies match a socket's type without its creation flags; the eBPF
// recorder strips the same bits (PROFILE_SOCK_*), so both record one value.
static_assert(SOCK_NONBLOCK == PROFILE_SOCK_NONBLOCK && SOCK_CLOEXEC == PROFILE_SOCK_CLOEXEC);
uint64_t without_socket_flags(uint64_t type) {
  return type & ~static_cast<uint64_t>(PROFILE_SOCK_NONBLOCK | PROFILE_SOCK_CLOEXEC);
}

}  // namespace

void SyscallObserver::begin(Observations* obs) {
  obs_ = obs;
  table_ = &SyscallTable::get();
  for (auto& s : seen_) s.reset();
  args_.clear();
}

bool SyscallObserver::creds(pid_t tid, Task& t) {
  if (t.creds_valid) return true;
  ProcStatus ps;
  if (!proc_status(tid, &ps) || !ps.has_creds) return false;
  t.creds = ps.creds;
  t.creds_valid = true;
  if (t.tgid == 0) t.tgid = ps.tgid;
  return true;
}

pid_t SyscallObserver::tgid(pid_t tid, Task& t) {
  if (t.tgid == 0) {
    ProcStatus ps;
    if (proc_status(tid, &ps)) t.tgid = ps.tgid;
  }
  return t.tgid;
}

void SyscallObserver::add_arg(const Task& t, int index, uint64_t value) {
  ArgKey k{static_cast<uint8_t>(t.arch), static_cast<uint8_t>(index), t.nr, value};
  if (args_.size() >= kMaxArgValues && args_.count(k) == 0) {
    lost();
    return;
  }
  args_.insert(k);
}

void SyscallObserver::add_file(const std::string& path, uint32_t access) {
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

void SyscallObserver::add_path_at(pid_t tid, int dirfd, uint64_t addr, uint32_t access, bool empty_is_fd) {
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

// An open refused with EACCES: the name asked for and the access it wanted,
// kept apart from the recording (Observations::refused_files).
void SyscallObserver::add_refused_open(pid_t tid, Task& t, SysKind k) {
  const uint64_t* a = t.args;
  const bool at = k == SysKind::kOpenat;
  uint64_t flags = PROFILE_CREAT_FLAGS;
  const SyscallSemantics* row = table_->row(t.arch, t.nr);
  if (k != SysKind::kCreat && row != nullptr && row->open_flags_arg >= 0) flags = a[row->open_flags_arg];
  uint32_t access = open_access(flags);
  if (access == 0) return;
  // A name that cannot be read or resolved is skipped without counting a
  // loss: the recording `profile record` makes stays what it was.
  std::string p;
  if (resolve_at(tid, at ? static_cast<int>(a[0]) : AT_FDCWD, at ? a[1] : a[0], false, &p) != PathJoin::kOk) return;
  if (!clean_path(p) || (obs_->refused_files.size() >= kMaxFiles && obs_->refused_files.count(p) == 0)) return;
  obs_->refused_files[p] |= access;
}

// Files known by descriptor. Descriptors that are not files (pipes, sockets,
// anonymous inodes) have no path and are skipped, as are unlinked files
// (O_TMPFILE, memfd): there is no name a policy could allow.
void SyscallObserver::add_fd_file(pid_t tid, int fd, uint32_t access) {
  std::string p;
  if (!fd_path(tid, fd, &p)) {
    lost();
    return;
  }
  if (p.empty() || p[0] != '/') return;
  if (names_deleted_file(p)) {
    char link[64];
    snprintf(link, sizeof link, "/proc/%d/fd/%d", tid, fd);
    struct stat st;
    if (stat(link, &st) == 0 && st.st_nlink == 0) return;
  }
  add_file(p, access);
}

// The file an open call returned, through one snapshot of the descriptor
// (tracee::snapshot_fd), so a thread swapping the number meanwhile cannot
// pair the call with another file's path or mode. A descriptor that was not
// opened with the mode the call asked for is not the call's file: the event
// is lost rather than paired with a file the call did not open.
void SyscallObserver::add_opened_file(pid_t tid, Task& t, int fd, uint64_t flags, uint32_t access) {
  tracee::OpenFile f;
  // fcntl cannot change these, so the call's own must be there.
  constexpr uint64_t kFixed = O_ACCMODE | O_PATH;
  if (!tracee::snapshot_fd(tgid(tid, t), fd, &f) || (f.flags & kFixed) != (flags & kFixed)) {
    lost();
    return;
  }
  const std::string& p = f.path;
  const struct stat& st = f.st;
  // Reading a directory is listing it (the eBPF recorder decides the same
  // way from the inode), and "list" marks it as a directory.
  if ((access & kAccessRead) && S_ISDIR(st.st_mode)) access = (access & ~uint32_t{kAccessRead}) | kAccessList;
  // Pipes, sockets and anonymous inodes have no path; unlinked files
  // (O_TMPFILE) no name a policy could allow.
  if (p.empty() || p[0] != '/') return;
  if (names_deleted_file(p) && st.st_nlink == 0) return;
  add_file(p, access);
  check_dac(tid, t, st, access, p);
}

// Evidence reasons are kept order-independent (the smallest wins) so two
// recordings of the same behaviour write the same profile.
void SyscallObserver::add_cap(const char* cap, const std::string& reason) {
  auto it = obs_->capabilities.find(cap);
  if (it == obs_->capabilities.end()) {
    obs_->capabilities.emplace(cap, CapEvidence{CapEvidenceKind::kInferred, reason});
  } else if (it->second.kind == CapEvidenceKind::kInferred && reason < it->second.reason) {
    it->second.reason = reason;
  }
}

void SyscallObserver::check_dac(pid_t tid, Task& t, const struct stat& st, uint32_t access, const std::string& path) {
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
void SyscallObserver::check_chown(pid_t tid, Task& t, const char* stat_path, bool nofollow, uint32_t uid,
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

void SyscallObserver::record_socket_addr(pid_t tid, Task& t, int fd, uint64_t addr, uint64_t len,
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
  int type = 0;
  if (!tracee::socket_type(tgid(tid, t), fd, &type)) {
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

void SyscallObserver::on_entry(pid_t tid, Task& t, SysKind k, bool recording) {
  const uint64_t* a = t.args;
  if (const SyscallSemantics* row = table_->row(t.arch, t.nr); row != nullptr && recording) {
    for (int i = 0; i < 6; ++i) {
      if (!(row->filtered & (1u << i))) continue;
      uint64_t v = a[i];
      if (k == SysKind::kSocket && i == 1) v = without_socket_flags(v);
      // clone3's flags: the value at the pointer, as the eBPF recorder reads it.
      if (i == 0 && (row->flags & kSemArg0InMemory) && (v == 0 || !read_mem(tid, v, &v, sizeof(v)))) continue;
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

void SyscallObserver::on_exit(pid_t tid, Task& t, SysKind k, int64_t rval, bool is_error) {
  const uint64_t* a = t.args;
  if (is_error) {
    int err = static_cast<int>(-rval);
    if (err == EPERM || err == EACCES) ++obs_->failures[Failure{sys_arch_name(t.arch), t.nr, err}];
    // Landlock refuses an open with EACCES and leaves no other trace here;
    // the name asked for is what `enforce --watch` reports.
    if (err == EACCES && (k == SysKind::kOpen || k == SysKind::kOpenat || k == SysKind::kCreat))
      add_refused_open(tid, t, k);
    // bind/connect that failed still show what the program wanted to reach.
    if ((k == SysKind::kBind || k == SysKind::kConnect) && err != EBADF && err != ENOTSOCK &&
        err != EFAULT && err != EINVAL && err != EAFNOSUPPORT)
      record_socket_addr(tid, t, static_cast<int>(a[0]), a[1], a[2],
                         k == SysKind::kBind ? PortUse::kBind : PortUse::kConnect);
    return;
  }
  switch (k) {
    case SysKind::kOpen:
    case SysKind::kOpenat:
    case SysKind::kOpenat2:
    case SysKind::kCreat: {
      uint64_t flags = 0;
      const SyscallSemantics* row = table_->row(t.arch, t.nr);
      if ((k == SysKind::kOpen || k == SysKind::kOpenat) && row != nullptr && row->open_flags_arg >= 0)
        flags = a[row->open_flags_arg];
      else if (k == SysKind::kCreat) flags = PROFILE_CREAT_FLAGS;
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
      if (profile_mmap_execs_file(a[2], a[3])) add_fd_file(tid, fd_arg(a[4]), kAccessMmapExec);
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
        add_path_at(tid, dirfd_of(sp, a), a[sp.path], access, i == 0 && empty_path_is_fd(*row, a));
      }
      break;
    }
    case SysKind::kChmodFd:
      add_fd_file(tid, fd_arg(a[0]), kAccessChmod);
      break;
    case SysKind::kUtimensat: {
      const SyscallSemantics* row = table_->row(t.arch, t.nr);
      if (row == nullptr || row->path[0].path < 0) break;
      const SemPath& sp = row->path[0];
      // A NULL path changes the times of the descriptor itself.
      if (a[sp.path] == 0)
        add_fd_file(tid, dirfd_of(sp, a), sp.access);
      else
        add_path_at(tid, dirfd_of(sp, a), a[sp.path], sp.access, empty_path_is_fd(*row, a));
      break;
    }
    case SysKind::kFlock:
      add_fd_file(tid, fd_arg(a[0]), kAccessLock);
      break;
    case SysKind::kGetdents:
      add_fd_file(tid, fd_arg(a[0]), kAccessList);
      break;
    case SysKind::kChown:
    case SysKind::kChown16:
    case SysKind::kFchownat: {
      const SyscallSemantics* row = table_->row(t.arch, t.nr);
      // The ids follow the path: a row without room for them is not a chown.
      if (row == nullptr || row->path[0].path < 0 || row->path[0].path + 2 > 5) break;
      const SemPath& sp = row->path[0];
      uint32_t uid = id_arg(a[sp.path + 1], k == SysKind::kChown16);
      uint32_t gid = id_arg(a[sp.path + 2], k == SysKind::kChown16);
      bool nofollow = (row->flags & kSemNoFollow) || ((row->flags & kSemNoFollowFlag4) && (a[4] & AT_SYMLINK_NOFOLLOW));
      std::string p;
      PathJoin r = resolve_at(tid, dirfd_of(sp, a), a[sp.path], empty_path_is_fd(*row, a), &p);
      if (r == PathJoin::kDotDotAfterName) obs_->add_unresolved_path(p);
      if (r == PathJoin::kInvalid) lost();
      if (r != PathJoin::kOk) break;
      add_file(p, sp.access);
      // The path is the tracee's: reach it through its root (mount namespace).
      std::string in_root = "/proc/" + std::to_string(tid) + "/root" + p;
      check_chown(tid, t, in_root.c_str(), nofollow, uid, gid);
      break;
    }
    case SysKind::kFchown:
    case SysKind::kFchown16: {
      uint32_t uid = id_arg(a[1], k == SysKind::kFchown16);
      uint32_t gid = id_arg(a[2], k == SysKind::kFchown16);
      add_fd_file(tid, fd_arg(a[0]), kAccessChmod);
      char link[64];
      snprintf(link, sizeof link, "/proc/%d/fd/%d", tid, fd_arg(a[0]));
      check_chown(tid, t, link, false, uid, gid);
      break;
    }
    case SysKind::kSocket:
    case SysKind::kSocketpair: {
      SocketUse s{static_cast<int>(a[0]), static_cast<int>(without_socket_flags(a[1])), static_cast<int>(a[2])};
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


void SyscallObserver::on_exec(pid_t tid, Task& t, const std::string& exec_path, const std::string& exec_unresolved) {
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

void SyscallObserver::finish() {
  for (int a = 0; a < kNumSysArches; ++a) {
    const char* an = sys_arch_name(static_cast<SysArch>(a));
    for (int nr = 0; nr < kMaxSyscallNr; ++nr) {
      if (!seen_[a].test(static_cast<size_t>(nr))) continue;
      // Numbers libseccomp does not know cannot be allowed by name; the
      // kernel answered them with ENOSYS.
      if (!syscall_name(an, nr)) continue;
      obs_->add_syscall(an, nr);
    }
  }
  for (const auto& k : args_) {
    const char* an = sys_arch_name(static_cast<SysArch>(k.arch));
    if (syscall_name(an, k.nr)) obs_->args.insert(ArgValue{an, k.nr, k.index, k.value});
  }
  args_.clear();
}

}  // namespace profile

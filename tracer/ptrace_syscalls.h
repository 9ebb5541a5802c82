// What the ptrace recorder's syscall stops mean as observations: the files,
// sockets, ports, argument values and capabilities a call's entry and exit
// show. The event loop (ptrace_tracer.cc) decides which stops to hand over;
// the table of syscall semantics (core/syscall_semantics.h) says what each
// call's arguments are; the tracee's memory and descriptors are read through
// ptrace_memory.h.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <array>
#include <bitset>
#include <cstdint>
#include <set>
#include <string>
#include <tuple>

#include "core/observations.h"
#include "core/syscall_semantics.h"
#include "tracer/ptrace_decode.h"
#include "tracer/syscall_arch.h"

namespace profile {

// One traced task, as the event loop keeps it between its stops.
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

class SyscallObserver {
 public:
  // Starts a recording into `obs`, which must outlive it.
  void begin(Observations* obs);
  const SyscallTable& table() const { return *table_; }

  // The task made call `nr` on `arch` while recording.
  void seen(SysArch arch, int nr) { seen_[static_cast<int>(arch)].set(static_cast<size_t>(nr)); }
  // Syscall entry of `t` (t.arch, t.nr, t.args are set). `recording`: the
  // task records and the recording was not stopped; otherwise only an exec's
  // filename is taken.
  void on_entry(pid_t tid, Task& t, SysKind k, bool recording);
  void on_exit(pid_t tid, Task& t, SysKind k, int64_t rval, bool is_error);
  // `tid` completed an exec: the program it now runs, and the script the
  // call named when that is another file (the names its execve entry took).
  void on_exec(pid_t tid, Task& t, const std::string& exec_path, const std::string& exec_unresolved);
  // Moves the syscalls and argument values seen into the observations.
  void finish();

  void lost() { ++obs_->lost_events; }

 private:
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

  bool creds(pid_t tid, Task& t);
  pid_t tgid(pid_t tid, Task& t);
  void add_arg(const Task& t, int index, uint64_t value);
  void add_file(const std::string& path, uint32_t access);
  void add_path_at(pid_t tid, int dirfd, uint64_t addr, uint32_t access, bool empty_is_fd = false);
  void add_fd_file(pid_t tid, int fd, uint32_t access);
  // An open refused with EACCES: the name asked for, into refused_files.
  void add_refused_open(pid_t tid, Task& t, SysKind k);
  void add_cap(const char* cap, const std::string& reason);
  void add_opened_file(pid_t tid, Task& t, int fd, uint64_t flags, uint32_t access);
  void check_dac(pid_t tid, Task& t, const struct stat& st, uint32_t access, const std::string& path);
  void check_chown(pid_t tid, Task& t, const char* stat_path, bool nofollow, uint32_t uid, uint32_t gid);
  void record_socket_addr(pid_t tid, Task& t, int fd, uint64_t addr, uint64_t len, PortUse::Kind kind);

  std::array<std::bitset<kMaxSyscallNr>, kNumSysArches> seen_;
  std::set<ArgKey> args_;
  const SyscallTable* table_ = nullptr;
  Observations* obs_ = nullptr;
};

}  // namespace profile

// Reading a traced task's state from outside it: its memory
// (process_vm_readv), its /proc links (root, cwd, descriptors, status) and a
// borrowed copy of one of its descriptors (pidfd_getfd). Everything here
// reads what a hostile workload controls and may change at any moment, so
// every read is bounded and every failure is reported to the caller, which
// counts it as a lost event when it loses something the profile needed.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "tracer/path_join.h"
#include "tracer/ptrace_decode.h"

namespace profile::tracee {

// /proc/<tid>/status, parsed; false when the task is gone.
bool proc_status(pid_t tid, ProcStatus* out);

// readlink into a string; false when the link is gone or too long.
bool read_link(const char* path, std::string* out);

// Exactly `len` bytes at `addr` of the task's memory.
bool read_mem(pid_t tid, uint64_t addr, void* buf, size_t len);

// A NUL-terminated string of at most cap-1 bytes at `addr`.
bool read_string(pid_t tid, uint64_t addr, char* buf, size_t cap);

// The target of /proc/<tid>/fd/<fd>.
bool fd_path(pid_t tid, int fd, std::string* out);

// Where a path argument of the task leads (tracer/path_join.h): kOk with
// the absolute path, absolute names taken inside the task's root;
// kDotDotAfterName with the name as given, on its directory, for messages.
PathJoin resolve_at(pid_t tid, int dirfd, uint64_t addr, bool empty_is_fd, std::string* out);

// One open file of a task, seen through a borrowed reference to it
// (pidfd_getfd): its path, open flags and inode then all describe the same
// open file, even when another thread sharing the descriptor table closes
// the number and opens something else at it meanwhile.
struct OpenFile {
  std::string path;  // as /proc shows it: "/x", "/x (deleted)", "pipe:[N]", ...
  uint64_t flags = 0;  // from fdinfo
  struct stat st {};
};
// false when the descriptor (or the task) is gone or could not be read.
bool snapshot_fd(pid_t tgid, int fd, OpenFile* out);

// SO_TYPE of the socket at descriptor `fd` of thread group `tgid`.
bool socket_type(pid_t tgid, int fd, int* type);

}  // namespace profile::tracee

#include "tracer/ptrace_memory.h"

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <string_view>

#include "core/file_io.h"
#include "core/unique_fd.h"

namespace profile::tracee {

bool proc_status(pid_t tid, ProcStatus* out) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/status", tid);
  char buf[4096];
  ssize_t n = read_small_file(path, buf, sizeof buf);
  if (n <= 0) return false;
  *out = parse_proc_status(std::string_view(buf, static_cast<size_t>(n)));
  return true;
}

bool read_link(const char* path, std::string* out) {
  char buf[PATH_MAX];
  ssize_t n = readlink(path, buf, sizeof buf);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buf) return false;
  out->assign(buf, static_cast<size_t>(n));
  return true;
}

namespace {

int pidfd_open(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }
int pidfd_getfd(int pidfd, int fd) { return static_cast<int>(syscall(SYS_pidfd_getfd, pidfd, fd, 0)); }

UniqueFd borrow_fd(pid_t tgid, int fd) {
  UniqueFd pidfd(pidfd_open(tgid));
  return UniqueFd(pidfd.get() >= 0 ? pidfd_getfd(pidfd.get(), fd) : -1);
}

}  // namespace

bool read_mem(pid_t tid, uint64_t addr, void* buf, size_t len) {
  if (len == 0) return true;
  iovec local{buf, len};
  iovec remote{reinterpret_cast<void*>(addr), len};
  return process_vm_readv(tid, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(len);
}

// Reads stop at page boundaries so a string ending just before an unmapped
// page is still read.
bool read_string(pid_t tid, uint64_t addr, char* buf, size_t cap) {
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

bool fd_path(pid_t tid, int fd, std::string* out) {
  if (fd < 0) return false;
  char link[64];
  snprintf(link, sizeof link, "/proc/%d/fd/%d", tid, fd);
  if (!read_link(link, out)) return false;
  return true;
}

PathJoin resolve_at(pid_t tid, int dirfd, uint64_t addr, bool empty_is_fd, std::string* out) {
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

bool snapshot_fd(pid_t tgid, int fd, OpenFile* out) {
  UniqueFd local = borrow_fd(tgid, fd);
  if (local.get() < 0) return false;
  char link[64], info[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", local.get());
  snprintf(info, sizeof info, "/proc/self/fdinfo/%d", local.get());
  char buf[1024];
  ssize_t n = read_small_file(info, buf, sizeof buf);
  auto flags = n > 0 ? parse_fdinfo_flags(std::string_view(buf, static_cast<size_t>(n))) : std::nullopt;
  if (!read_link(link, &out->path) || !flags || fstat(local.get(), &out->st) != 0) return false;
  out->flags = *flags;
  return true;
}

bool socket_type(pid_t tgid, int fd, int* type) {
  UniqueFd local = borrow_fd(tgid, fd);
  if (local.get() < 0) return false;
  socklen_t tl = sizeof *type;
  return getsockopt(local.get(), SOL_SOCKET, SO_TYPE, type, &tl) == 0;
}

}  // namespace profile::tracee

#include "runner/seccomp_notify.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>

#include "core/access.h"
#include "core/file_io.h"
#include "core/names.h"
#include "core/profile.h"
#include "core/syscall_semantics.h"

namespace profile {

namespace {

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

// The one message of the handshake: where the listener will be.
struct HandshakeMsg {
  int32_t listener_fd;
};

int64_t now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

std::string arch_of_token(uint32_t token) {
  for (const auto& a : oci_arches())
    if (seccomp_arch_resolve_name(a.lib) == token) return a.lib;
  char buf[32];
  snprintf(buf, sizeof buf, "arch-0x%x", token);
  return buf;
}

const SyscallSemantics* semantics_of(const std::string& arch, int nr) {
  // Filled once per arch and thread (each run has its own supervisor thread).
  thread_local std::map<std::string, std::map<int, const SyscallSemantics*>> cache;
  auto it = cache.find(arch);
  if (it == cache.end()) {
    std::map<int, const SyscallSemantics*> m;
    for (const auto& r : resolve_semantics(arch.c_str())) m[r.nr] = r.row;
    it = cache.emplace(arch, std::move(m)).first;
  }
  auto r = it->second.find(nr);
  return r == it->second.end() ? nullptr : r->second;
}

// Up to `max` bytes of the workload's memory at `addr` that end at a NUL,
// one page at a time (the string may end just before an unmapped page).
std::string read_string(int mem, uint64_t addr, size_t max) {
  std::string out;
  char buf[4096];
  while (out.size() < max) {
    size_t room = 4096 - static_cast<size_t>((addr + out.size()) & 4095);
    size_t want = std::min(room, max - out.size());
    ssize_t n = pread(mem, buf, want, static_cast<off_t>(addr + out.size()));
    if (n <= 0) break;
    const void* nul = memchr(buf, 0, static_cast<size_t>(n));
    if (nul != nullptr) {
      out.append(buf, static_cast<size_t>(static_cast<const char*>(nul) - buf));
      return out;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// "tcp" or "udp" for the workload's socket `fd`, from the socket itself
// (a copy taken with pidfd_getfd); empty when it cannot be told.
std::string socket_protocol(pid_t tid, int fd) {
  int t = static_cast<int>(syscall(SYS_pidfd_open, tid, PIDFD_THREAD));
  if (t < 0) return "";
  int s = static_cast<int>(syscall(SYS_pidfd_getfd, t, fd, 0));
  close(t);
  if (s < 0) return "";
  int type = 0;
  socklen_t len = sizeof type;
  std::string out;
  if (getsockopt(s, SOL_SOCKET, SO_TYPE, &type, &len) == 0)
    out = type == SOCK_STREAM ? "tcp" : type == SOCK_DGRAM ? "udp" : "";
  close(s);
  return out;
}

}  // namespace

const char* denial_mode_name(DenialMode m) {
  switch (m) {
    case DenialMode::kEnforce:
      return "enforce";
    case DenialMode::kComplain:
      return "complain";
    case DenialMode::kKill:
      return "kill";
  }
  return "enforce";
}

Result<DenialMode> parse_denial_mode(const std::string& s) {
  if (s == "enforce") return DenialMode::kEnforce;
  if (s == "complain") return DenialMode::kComplain;
  if (s == "kill") return DenialMode::kKill;
  return make_error("--mode " + quote_value(s) + ": expected enforce, complain or kill");
}

int notify_child_install(const SeccompProgram& prog, int sock, const char** step) noexcept {
  *step = "seccomp notification: pidfd_open";
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, getpid(), 0));
  if (pidfd < 0) return errno;
  // The kernel gives the listener the lowest free descriptor, and nothing
  // else is opened before it.
  *step = "seccomp notification: find a free descriptor";
  int probe = fcntl(sock, F_DUPFD_CLOEXEC, 0);
  if (probe < 0) return errno;
  close(probe);
  HandshakeMsg m{probe};
  iovec iov{&m, sizeof m};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    cmsghdr align;
  } control;
  memset(&control, 0, sizeof control);
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &pidfd, sizeof(int));
  *step = "seccomp notification: send the handshake";
  if (sendmsg(sock, &msg, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof m)) return errno != 0 ? errno : EPROTO;
  *step = "install seccomp filter";
  int listener = -1;
  int err = install_seccomp_listener(prog, &listener);
  if (err != 0) return err;
  *step = "seccomp notification: the listener got an unexpected descriptor";
  if (listener != probe) return EBADF;
  // Blocks until the supervisor holds the listener (or killed us).
  *step = "seccomp notification handshake";
  errno = 0;
  long r = syscall(kNotifyHandshakeNr, 0, 0, 0, 0, 0, 0);
  if (r != kNotifyHandshakeAck) return errno != 0 ? errno : EPROTO;
  // pidfd, the socket and the listener are close-on-exec: the workload
  // inherits none of them.
  return 0;
}

SeccompNotifier::SeccompNotifier(NotifyOptions o) : opt_(std::move(o)) {}

SeccompNotifier::~SeccompNotifier() { stop(); }

Status SeccompNotifier::start(int sock, pid_t root) {
  sock_ = sock;
  root_ = root;
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) return make_error(std::string("eventfd: ") + strerror(errno));
  try {
    thread_ = std::thread([this] { run(); });
  } catch (const std::exception& e) {
    return make_error(std::string("cannot start the seccomp notification thread: ") + e.what());
  }
  return {};
}

void SeccompNotifier::stop() {
  if (thread_.joinable()) {
    uint64_t one = 1;
    ssize_t w = write(stop_fd_, &one, sizeof one);
    (void)w;
    thread_.join();
  }
  for (int* fd : {&sock_, &pidfd_, &listener_, &stop_fd_}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

std::vector<Denial> SeccompNotifier::denials() const {
  std::lock_guard<std::mutex> l(mu_);
  return denials_;
}
uint64_t SeccompNotifier::overflow() const {
  std::lock_guard<std::mutex> l(mu_);
  return overflow_;
}
uint64_t SeccompNotifier::lines_suppressed() const {
  std::lock_guard<std::mutex> l(mu_);
  return suppressed_;
}
uint64_t SeccompNotifier::total() const {
  std::lock_guard<std::mutex> l(mu_);
  return total_;
}
std::string SeccompNotifier::failure() const {
  std::lock_guard<std::mutex> l(mu_);
  return failure_;
}

bool SeccompNotifier::take_listener() {
  auto give_up = [&](const std::string& why) {
    {
      std::lock_guard<std::mutex> l(mu_);
      failure_ = "seccomp notification: " + why + "; the workload was stopped before it started";
    }
    // It may be blocked on a listener nobody reads: never leave it there.
    // Without its pidfd, the root: the workload itself or the init of its
    // PID namespace, whose death ends the namespace.
    if (pidfd_ >= 0)
      syscall(SYS_pidfd_send_signal, pidfd_, SIGKILL, nullptr, 0);
    else
      kill(root_, SIGKILL);
    return false;
  };
  pollfd p[2] = {{sock_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
  for (;;) {
    int n = poll(p, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return give_up(std::string("poll: ") + strerror(errno));
    if (p[1].revents) return false;  // the run ended before the child got here
    break;
  }
  HandshakeMsg m{-1};
  iovec iov{&m, sizeof m};
  union {
    char buf[CMSG_SPACE(sizeof(int) * 4)];
    cmsghdr align;
  } control;
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  ssize_t got = recvmsg(sock_, &msg, MSG_CMSG_CLOEXEC);
  if (got == 0) return false;  // the child ended (a setup step failed) without a handshake
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < nfd; ++i) {
      int fd;
      memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      if (pidfd_ < 0)
        pidfd_ = fd;
      else
        close(fd);
    }
  }
  if (got != static_cast<ssize_t>(sizeof m) || pidfd_ < 0 || m.listener_fd < 0 || (msg.msg_flags & MSG_CTRUNC))
    return give_up("malformed handshake message");
  // The child installs the filter right after sending: until then the
  // number is free (EBADF).
  for (;;) {
    int fd = static_cast<int>(syscall(SYS_pidfd_getfd, pidfd_, m.listener_fd, 0));
    if (fd >= 0) {
      listener_ = fd;
      break;
    }
    if (errno != EBADF) return give_up(std::string("cannot take the listener (pidfd_getfd): ") + strerror(errno));
    pollfd q[2] = {{pidfd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    int n = poll(q, 2, 1);
    if (n > 0 && (q[0].revents || q[1].revents)) return false;  // the child is gone
  }
  char link[64] = {};
  std::string self = "/proc/self/fd/" + std::to_string(listener_);
  ssize_t ln = readlink(self.c_str(), link, sizeof link - 1);
  if (ln < 0 || std::string(link, static_cast<size_t>(ln)) != "anon_inode:seccomp notify")
    return give_up("descriptor " + std::to_string(m.listener_fd) + " of the child is not a seccomp listener");
  fcntl(listener_, F_SETFD, FD_CLOEXEC);
  return true;
}

void SeccompNotifier::run() {
  if (!take_listener()) return;
  pollfd p[2] = {{listener_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
  for (;;) {
    p[0].revents = p[1].revents = 0;
    int n = poll(p, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    // Pending notifications first: the stop comes once the workload has
    // ended, and nothing may be left waiting.
    if (p[0].revents & POLLIN) {
      handle_one();
      continue;
    }
    if (p[1].revents) break;
    // No task uses the filter any more.
    if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL)) break;
  }
}

void SeccompNotifier::handle_one() {
  seccomp_notif req;
  memset(&req, 0, sizeof req);
  if (ioctl(listener_, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) return;  // ENOENT: the task died meanwhile
  seccomp_notif_resp resp;
  memset(&resp, 0, sizeof resp);
  resp.id = req.id;
  auto send = [&] { (void)ioctl(listener_, SECCOMP_IOCTL_NOTIF_SEND, &resp); };
  if (!handshaken_) {
    // The first notification is the child's handshake; anything else
    // before it is not ours to allow.
    if (static_cast<long>(req.data.nr) == kNotifyHandshakeNr) {
      handshaken_ = true;
      resp.val = kNotifyHandshakeAck;
    } else {
      resp.error = -EPERM;
    }
    send();
    return;
  }
  Denial d;
  d.mechanism = "seccomp";
  d.action = opt_.mode == DenialMode::kEnforce ? "denied" : opt_.mode == DenialMode::kComplain ? "allowed" : "killed";
  d.arch = arch_of_token(req.data.arch);
  d.pid = static_cast<int>(req.pid);
  int nr = req.data.nr;
  auto name = syscall_name(d.arch, nr);
  d.syscall = name ? *name : "#" + std::to_string(nr);
  // Everything below is read while the task waits for our answer; ID_VALID
  // afterwards says it was still that task (a pid can be reused).
  char comm[64];
  std::string comm_path = "/proc/" + std::to_string(req.pid) + "/comm";
  ssize_t cn = read_small_file(comm_path.c_str(), comm, 17);
  if (cn > 0) {
    size_t len = static_cast<size_t>(cn);
    while (len > 0 && (comm[len - 1] == '\n' || comm[len - 1] == '\0')) --len;
    d.comm.assign(comm, len);
  }
  int sem_nr = nr;
  if (d.arch == "x32") sem_nr = static_cast<int>(static_cast<uint64_t>(nr) & ~kX32SyscallBit);
  const SyscallSemantics* row = semantics_of(d.arch, sem_nr);
  if (row != nullptr) {
    int path_arg = row->path[0].path;
    bool sock_addr = row->kind == SysKind::kBind || row->kind == SysKind::kConnect;
    if (row->kind == SysKind::kSocket || row->kind == SysKind::kSocketpair) {
      d.family = family_name(static_cast<int>(req.data.args[0] & 0xffff));
      d.type = socket_type_name(static_cast<int>(req.data.args[1] & 0xf));
    }
    if (path_arg >= 0) {
      uint32_t bits = row->path[0].access;
      if (row->open_flags_arg >= 0) bits = profile_open_access(req.data.args[row->open_flags_arg]);
      if (row->kind == SysKind::kCreat) bits = profile_open_access(PROFILE_CREAT_FLAGS);
      for (const auto& a : access_to_names(bits)) d.access.push_back(a);
    }
    if (sock_addr) d.protocol = socket_protocol(static_cast<pid_t>(req.pid), static_cast<int>(req.data.args[0]));
    if (path_arg >= 0 || sock_addr) {
      std::string mem_path = "/proc/" + std::to_string(req.pid) + "/mem";
      int mem = open(mem_path.c_str(), O_RDONLY | O_CLOEXEC);
      if (mem >= 0) {
        if (path_arg >= 0 && req.data.args[path_arg] != 0) d.path = read_string(mem, req.data.args[path_arg], 4096);
        if (sock_addr && req.data.args[1] != 0) {
          sockaddr_storage sa{};
          size_t len = std::min<uint64_t>(req.data.args[2], sizeof sa);
          ssize_t n = pread(mem, &sa, len, static_cast<off_t>(req.data.args[1]));
          if (n >= static_cast<ssize_t>(sizeof(sa_family_t))) {
            d.family = family_name(sa.ss_family);
            if (sa.ss_family == AF_INET && n >= static_cast<ssize_t>(sizeof(sockaddr_in)))
              d.port = ntohs(reinterpret_cast<sockaddr_in*>(&sa)->sin_port);
            else if (sa.ss_family == AF_INET6 && n >= static_cast<ssize_t>(sizeof(sockaddr_in6)))
              d.port = ntohs(reinterpret_cast<sockaddr_in6*>(&sa)->sin6_port);
          }
        }
        close(mem);
      }
    }
  }
  if (ioctl(listener_, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) != 0) return;  // gone: nothing to answer
  switch (opt_.mode) {
    case DenialMode::kEnforce:
      resp.error = -opt_.deny_errno;
      break;
    case DenialMode::kComplain:
      resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
      break;
    case DenialMode::kKill: {
      // SIGKILL to any thread ends the whole thread group. A pidfd of the
      // thread, checked against the still-pending notification, cannot hit
      // a reused pid.
      int t = static_cast<int>(syscall(SYS_pidfd_open, req.pid, PIDFD_THREAD));
      if (t >= 0) {
        if (ioctl(listener_, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) == 0)
          syscall(SYS_pidfd_send_signal, t, SIGKILL, nullptr, 0);
        close(t);
      } else if (ioctl(listener_, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) == 0) {
        kill(static_cast<pid_t>(req.pid), SIGKILL);
      }
      // The call itself does not run: the task dies on its way back.
      resp.error = -EPERM;
      break;
    }
  }
  send();
  record(std::move(d));
}

void SeccompNotifier::record(Denial d) {
  std::string line;
  {
    std::lock_guard<std::mutex> l(mu_);
    ++total_;
    auto it = index_.find(d.key());
    if (it != index_.end()) {
      ++denials_[it->second].count;
      return;
    }
    if (denials_.size() >= opt_.max_distinct) {
      ++overflow_;
      return;
    }
    d.count = 1;
    index_.emplace(d.key(), denials_.size());
    int64_t now = now_ms();
    if (now - window_start_ms_ >= 1000) {
      window_start_ms_ = now;
      window_lines_ = 0;
    }
    if (window_lines_ < opt_.lines_per_second) {
      ++window_lines_;
      line = denial_line(d);
    } else {
      ++suppressed_;
    }
    denials_.push_back(std::move(d));
  }
  if (!line.empty()) report(opt_.reporter, line);
}

}  // namespace profile

#include "runner/proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>

namespace profile {

namespace {

Result<uint16_t> parse_port_number(const std::string& s, const std::string& arg) {
  if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string::npos)
    return make_error("-p '" + arg + "': '" + s + "' is not a port number");
  unsigned long v = std::stoul(s);
  if (v == 0 || v > 65535) return make_error("-p '" + arg + "': port " + s + " is out of range (1-65535)");
  return static_cast<uint16_t>(v);
}

struct Buffer {
  std::array<char, 16384> data;
  size_t off = 0, len = 0;
  bool empty() const { return off == len; }
};

struct Conn {
  int client = -1;
  int upstream = -1;
  bool connecting = true;
  bool client_eof = false, upstream_eof = false;
  bool client_shut = false, upstream_shut = false;
  bool dead = false;
  Buffer to_upstream, to_client;
};

// Reads from `from` into an empty buffer. Returns false on error.
bool fill(int from, Buffer& b, bool& eof) {
  ssize_t n = read(from, b.data.data(), b.data.size());
  if (n > 0) {
    b.off = 0;
    b.len = static_cast<size_t>(n);
    return true;
  }
  if (n == 0) {
    eof = true;
    return true;
  }
  return errno == EAGAIN || errno == EINTR;
}

bool drain(int to, Buffer& b) {
  while (!b.empty()) {
    ssize_t n = send(to, b.data.data() + b.off, b.len - b.off, MSG_NOSIGNAL);
    if (n > 0) {
      b.off += static_cast<size_t>(n);
      continue;
    }
    return n < 0 && (errno == EAGAIN || errno == EINTR);
  }
  return true;
}

void close_conn(Conn& c) {
  if (c.client >= 0) close(c.client);
  if (c.upstream >= 0) close(c.upstream);
  c.client = c.upstream = -1;
  c.dead = true;
}

}  // namespace

Result<PortSpec> parse_port_spec(const std::string& arg) {
  std::string s = arg;
  auto slash = s.find('/');
  if (slash != std::string::npos) {
    std::string proto = s.substr(slash + 1);
    if (proto != "tcp") return make_error("-p '" + arg + "': only tcp can be published");
    s = s.substr(0, slash);
  }
  auto colon = s.find(':');
  if (colon == std::string::npos) return make_error("-p '" + arg + "': expected HOSTPORT:PORT[/tcp]");
  auto h = parse_port_number(s.substr(0, colon), arg);
  if (!h) return h.error();
  auto p = parse_port_number(s.substr(colon + 1), arg);
  if (!p) return p.error();
  return PortSpec{*h, *p};
}

Result<std::unique_ptr<PortProxy>> PortProxy::bind_ports(const std::vector<PortSpec>& specs, Reporter reporter) {
  std::unique_ptr<PortProxy> p(new PortProxy());
  p->specs_ = specs;
  p->reporter_ = std::move(reporter);
  for (const auto& s : specs) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return make_error(std::string("socket: ") + strerror(errno));
    p->listeners_.push_back(fd);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(s.host_port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      int e = errno;
      if (e == EADDRINUSE)
        return make_error("-p " + std::to_string(s.host_port) + ":" + std::to_string(s.port) + ": port " +
                          std::to_string(s.host_port) + " on 127.0.0.1 is already in use");
      return make_error("-p: cannot bind 127.0.0.1:" + std::to_string(s.host_port) + ": " + strerror(e));
    }
    if (listen(fd, 64) != 0) return make_error(std::string("listen: ") + strerror(errno));
  }
  if (pipe2(p->wake_, O_CLOEXEC | O_NONBLOCK) != 0) return make_error(std::string("pipe: ") + strerror(errno));
  return p;
}

PortProxy::~PortProxy() {
  if (thread_.joinable()) {
    char c = 'x';
    ssize_t w = write(wake_[1], &c, 1);
    (void)w;
    thread_.join();
  }
  for (int fd : listeners_) close(fd);
  for (int fd : wake_)
    if (fd >= 0) close(fd);
}

Status PortProxy::start(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/ns/net";
  int ns = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (ns < 0) return make_error("open " + path + ": " + strerror(errno));
  thread_ = std::thread([this, ns] { loop(ns); });
  return {};
}

void PortProxy::loop(int netns_fd) {
  // Only this thread moves: sockets it creates live in the workload's
  // namespace, the listeners stay on the host.
  if (setns(netns_fd, CLONE_NEWNET) != 0) {
    report(reporter_, std::string("port publishing disabled: setns: ") + strerror(errno));
    close(netns_fd);
    return;
  }
  close(netns_fd);
  std::vector<Conn> conns;
  conns.reserve(kMaxConnections);
  std::vector<pollfd> fds;
  std::vector<std::pair<size_t, int>> owner;  // pollfd index -> (conn, 0 client / 1 upstream)
  // Once the run is over, stop accepting but finish relaying what the
  // workload already sent (its sockets outlive its namespace), within bounds.
  bool stopping = false;
  auto stop_deadline = std::chrono::steady_clock::now();
  for (;;) {
    int timeout = -1;
    if (stopping) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(stop_deadline - std::chrono::steady_clock::now());
      if (conns.empty() || left.count() <= 0) break;
      timeout = static_cast<int>(left.count());
    }
    fds.clear();
    owner.clear();
    fds.push_back({wake_[0], static_cast<short>(stopping ? 0 : POLLIN), 0});
    for (int l : listeners_) fds.push_back({l, static_cast<short>(stopping ? 0 : POLLIN), 0});
    size_t first_conn = fds.size();
    for (size_t i = 0; i < conns.size(); ++i) {
      Conn& c = conns[i];
      short ce = 0, ue = 0;
      if (!c.client_eof && c.to_upstream.empty() && !c.connecting) ce |= POLLIN;
      if (!c.to_client.empty()) ce |= POLLOUT;
      if (c.connecting) {
        ue |= POLLOUT;
      } else {
        if (!c.upstream_eof && c.to_client.empty()) ue |= POLLIN;
        if (!c.to_upstream.empty()) ue |= POLLOUT;
      }
      fds.push_back({c.client, ce, 0});
      owner.emplace_back(i, 0);
      fds.push_back({c.upstream, ue, 0});
      owner.emplace_back(i, 1);
    }
    if (poll(fds.data(), fds.size(), timeout) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents) {
      stopping = true;
      stop_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    }
    for (size_t li = 0; li < listeners_.size() && !stopping; ++li) {
      if (!(fds[1 + li].revents & POLLIN)) continue;
      int client = accept4(listeners_[li], nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (client < 0) continue;
      if (conns.size() >= kMaxConnections) {
        close(client);
        continue;
      }
      int up = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (up < 0) {
        close(client);
        continue;
      }
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(specs_[li].port);
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (connect(up, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && errno != EINPROGRESS) {
        close(client);
        close(up);
        continue;
      }
      Conn c;
      c.client = client;
      c.upstream = up;
      conns.push_back(c);
    }
    for (size_t k = first_conn; k < fds.size(); ++k) {
      auto [i, side] = owner[k - first_conn];
      Conn& c = conns[i];
      short re = fds[k].revents;
      if (c.dead || re == 0) continue;
      if (side == 1 && c.connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c.upstream, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
          close_conn(c);
          continue;
        }
        c.connecting = false;
        continue;
      }
      bool ok = true;
      if (side == 0) {
        if ((re & (POLLIN | POLLHUP | POLLERR)) && !c.client_eof && c.to_upstream.empty())
          ok = fill(c.client, c.to_upstream, c.client_eof);
        if (ok && (re & POLLOUT)) ok = drain(c.client, c.to_client);
      } else {
        if ((re & (POLLIN | POLLHUP | POLLERR)) && !c.upstream_eof && c.to_client.empty())
          ok = fill(c.upstream, c.to_client, c.upstream_eof);
        if (ok && (re & POLLOUT)) ok = drain(c.upstream, c.to_upstream);
      }
      if (ok && !c.connecting) ok = drain(c.upstream, c.to_upstream) && drain(c.client, c.to_client);
      if (!ok) {
        close_conn(c);
        continue;
      }
      // Half-close travels through: EOF on one side, once its bytes are
      // delivered, becomes a write shutdown on the other.
      if (c.client_eof && c.to_upstream.empty() && !c.upstream_shut && !c.connecting) {
        shutdown(c.upstream, SHUT_WR);
        c.upstream_shut = true;
      }
      if (c.upstream_eof && c.to_client.empty() && !c.client_shut) {
        shutdown(c.client, SHUT_WR);
        c.client_shut = true;
      }
      if (c.client_shut && c.upstream_shut) close_conn(c);
    }
    std::erase_if(conns, [](const Conn& c) { return c.dead; });
  }
  for (auto& c : conns) close_conn(c);
}

}  // namespace profile

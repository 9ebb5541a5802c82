// Port publishing (`-p HOSTPORT:PORT[/tcp]`): a userland TCP proxy in the
// supervisor, like docker-proxy. Listening sockets are bound on the host's
// 127.0.0.1 before the workload starts (so a busy port fails the run early);
// one thread joins the workload's network namespace with setns() and opens
// every upstream connection from there.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/reporter.h"

namespace profile {

struct PortSpec {
  uint16_t host_port = 0;
  uint16_t port = 0;  // inside the workload's network namespace
};

Result<PortSpec> parse_port_spec(const std::string& arg);

class PortProxy {
 public:
  // Connections relayed at once; more are accepted and closed at once.
  static constexpr size_t kMaxConnections = 64;

  // Binds 127.0.0.1:host_port for each spec. `reporter` gets the note
  // when relaying cannot start (on the proxy's thread).
  static Result<std::unique_ptr<PortProxy>> bind_ports(const std::vector<PortSpec>& specs,
                                                       Reporter reporter = {});
  // Stops accepting, relays what the workload already sent (at most 2 s
  // more), then closes everything.
  ~PortProxy();
  PortProxy(const PortProxy&) = delete;
  PortProxy& operator=(const PortProxy&) = delete;

  // Starts relaying into the network namespace of `pid`.
  Status start(pid_t pid);

 private:
  PortProxy() = default;
  void loop(int netns_fd);

  std::vector<PortSpec> specs_;
  Reporter reporter_;
  std::vector<int> listeners_;
  int wake_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace profile

#include "runner/namespaces.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace profile {

Result<NamespaceSet> namespaces_sharing(const std::vector<std::string>& share) {
  NamespaceSet ns;
  for (const auto& item : share) {
    size_t start = 0;
    for (;;) {
      size_t comma = item.find(',', start);
      std::string name = item.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (name == "pid") {
        ns.pid = false;
      } else if (name == "mnt" || name == "mount") {
        ns.mnt = false;
      } else if (name == "net" || name == "network") {
        ns.net = false;
      } else if (name == "ipc") {
        ns.ipc = false;
      } else if (name == "uts") {
        ns.uts = false;
      } else if (name == "cgroup") {
        ns.cgroup = false;
      } else {
        return make_error("--share: unknown namespace '" + name + "' (pid, mnt, net, ipc, uts or cgroup)");
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return ns;
}

int clone_flags(const NamespaceSet& ns) {
  int f = 0;
  if (ns.pid) f |= CLONE_NEWPID;
  if (ns.mnt) f |= CLONE_NEWNS;
  if (ns.net) f |= CLONE_NEWNET;
  if (ns.ipc) f |= CLONE_NEWIPC;
  if (ns.uts) f |= CLONE_NEWUTS;
  if (ns.user) f |= CLONE_NEWUSER;
  return f;
}

int bring_loopback_up() noexcept {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return errno;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, "lo", 3);
  int err = 0;
  if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0) {
    err = errno;
  } else {
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
    if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0) err = errno;
  }
  close(s);
  return err;
}

}  // namespace profile

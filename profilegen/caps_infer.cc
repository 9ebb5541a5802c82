// Capabilities from syscalls and their arguments. Each rule names the
// behaviour that needs the capability; live state (whose file, whose process)
// is the recorders' part and arrives in Observations::capabilities.
#include "profilegen/caps_infer.h"

#include <errno.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstring>

#include "profilegen/policy.h"

namespace profile {

namespace {

struct SyscallCap {
  const char* syscall;
  const char* cap;
};

// Calls that need the capability whatever their arguments.
constexpr SyscallCap kAlways[] = {
    {"chroot", "SYS_CHROOT"},
    {"setuid", "SETUID"}, {"setreuid", "SETUID"}, {"setresuid", "SETUID"}, {"setfsuid", "SETUID"},
    {"setgid", "SETGID"}, {"setregid", "SETGID"}, {"setresgid", "SETGID"}, {"setfsgid", "SETGID"},
    {"setgroups", "SETGID"},
    {"mount", "SYS_ADMIN"}, {"umount2", "SYS_ADMIN"}, {"pivot_root", "SYS_ADMIN"},
    {"sethostname", "SYS_ADMIN"}, {"setdomainname", "SYS_ADMIN"}, {"setns", "SYS_ADMIN"},
    {"quotactl", "SYS_ADMIN"}, {"fanotify_init", "SYS_ADMIN"}, {"swapon", "SYS_ADMIN"},
    {"swapoff", "SYS_ADMIN"}, {"fsopen", "SYS_ADMIN"}, {"fsmount", "SYS_ADMIN"}, {"move_mount", "SYS_ADMIN"},
    {"reboot", "SYS_BOOT"}, {"kexec_load", "SYS_BOOT"}, {"kexec_file_load", "SYS_BOOT"},
    {"init_module", "SYS_MODULE"}, {"finit_module", "SYS_MODULE"}, {"delete_module", "SYS_MODULE"},
    {"settimeofday", "SYS_TIME"}, {"clock_settime", "SYS_TIME"}, {"stime", "SYS_TIME"},
    {"acct", "SYS_PACCT"},
    {"iopl", "SYS_RAWIO"}, {"ioperm", "SYS_RAWIO"},
    {"vhangup", "SYS_TTY_CONFIG"},
    {"open_by_handle_at", "DAC_READ_SEARCH"},
    {"bpf", "BPF"},
};

constexpr uint64_t kNamespaceFlags = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |
                                     CLONE_NEWPID | CLONE_NEWNET;

// Argument values recorded for (syscall name, index), over every arch.
using ArgIndex = std::map<std::pair<std::string, int>, std::set<uint64_t>>;

void add(std::map<std::string, CapEvidence>* out, const std::string& cap, const std::string& reason) {
  // Recorder evidence and earlier reasons win: the first reason is kept.
  out->emplace(cap, CapEvidence{CapEvidenceKind::kInferred, reason});
}

}  // namespace

std::map<std::string, CapEvidence> infer_capabilities(const Observations& obs) {
  std::map<std::string, CapEvidence> out;
  // Kernel-hook and live-state evidence from the recorder comes first.
  for (const auto& [name, ev] : obs.capabilities) {
    auto n = normalise_cap_name(name);
    if (!n) continue;  // a recorder naming an unknown capability is ignored, not trusted
    out.emplace(*n, ev);
  }

  std::set<std::string> names;
  for (const auto& [arch, nrs] : obs.syscalls)
    for (int nr : nrs) {
      auto n = syscall_name(arch, nr);
      if (n) names.insert(*n);
    }
  ArgIndex args;
  for (const auto& a : obs.args) {
    auto n = syscall_name(a.arch, a.nr);
    if (n) args[{*n, a.index}].insert(a.value);
  }
  auto values = [&](const std::string& sc, int idx) -> const std::set<uint64_t>* {
    auto it = args.find({sc, idx});
    return it == args.end() ? nullptr : &it->second;
  };

  for (const auto& r : kAlways)
    if (names.count(r.syscall)) add(&out, r.cap, std::string(r.syscall) + "()");

  // mknod of a character or block device; FIFOs and sockets need nothing.
  for (const auto& [sc, idx] : {std::pair<const char*, int>{"mknod", 1}, {"mknodat", 2}}) {
    if (!names.count(sc)) continue;
    const auto* v = values(sc, idx);
    if (v == nullptr) {
      add(&out, "MKNOD", std::string(sc) + "() (mode not recorded)");
      continue;
    }
    for (uint64_t m : *v) {
      auto type = m & S_IFMT;
      if (type == S_IFCHR || type == S_IFBLK) {
        add(&out, "MKNOD", std::string(sc) + "() of a " + (type == S_IFCHR ? "character" : "block") + " device");
        break;
      }
    }
  }
  // New namespaces other than a user namespace (which needs no capability
  // and grants its own).
  for (const char* sc : {"unshare", "clone"}) {
    const auto* v = values(sc, 0);
    if (v == nullptr) continue;
    for (uint64_t f : *v) {
      if ((f & kNamespaceFlags) && !(f & CLONE_NEWUSER)) {
        add(&out, "SYS_ADMIN", std::string(sc) + "() creating a namespace");
        break;
      }
    }
  }
  if (const auto* v = values("sched_setscheduler", 1)) {
    for (uint64_t pol : *v)
      if (pol == 1 || pol == 2) {  // SCHED_FIFO, SCHED_RR
        add(&out, "SYS_NICE", "sched_setscheduler() to a real-time policy");
        break;
      }
  }
  if (names.count("syslog")) {
    // Actions 3 (read all) and 10 (buffer size) are open to everyone unless
    // dmesg_restrict is set; everything else needs the capability.
    const auto* v = values("syslog", 0);
    bool privileged = v == nullptr;
    if (v)
      for (uint64_t t : *v) privileged = privileged || (t != 3 && t != 10);
    if (privileged) add(&out, "SYSLOG", "syslog()");
  }

  for (const auto& s : obs.sockets) {
    if (s.family == AF_PACKET) {
      add(&out, "NET_RAW", "packet socket");
    } else if ((s.family == AF_INET || s.family == AF_INET6) && s.type == SOCK_RAW) {
      add(&out, "NET_RAW", std::string("raw ") + family_name(s.family) + " socket");
    } else if (s.type == SOCK_PACKET) {
      add(&out, "NET_RAW", "SOCK_PACKET socket");
    }
  }
  // Ports below 1024 are privileged unless net.ipv4.ip_unprivileged_port_start
  // was lowered on the host; the default is assumed.
  for (const auto& p : obs.ports) {
    if (p.kind == PortUse::kBind && p.port > 0 && p.port < 1024 && (p.protocol == "tcp" || p.protocol == "udp")) {
      add(&out, "NET_BIND_SERVICE", "bind " + p.protocol + " port " + std::to_string(p.port));
    }
  }
  return out;
}

std::vector<std::string> caps_for_failure(const std::string& sc, int err) {
  auto in = [&](std::initializer_list<const char*> l) {
    for (const char* s : l)
      if (sc == s) return true;
    return false;
  };
  if (err == EACCES) {
    if (in({"bind"})) return {"NET_BIND_SERVICE"};
    if (in({"open", "openat", "openat2", "creat", "access", "faccessat", "faccessat2", "execve", "execveat",
            "truncate", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat", "rename", "renameat", "renameat2",
            "link", "linkat", "symlink", "symlinkat", "mknod", "mknodat", "chdir", "stat", "lstat", "newfstatat",
            "statx", "getdents64", "readlink", "readlinkat", "utime", "utimes", "utimensat", "listxattr",
            "getxattr", "setxattr"}))
      return {"DAC_OVERRIDE", "DAC_READ_SEARCH"};
    if (in({"setpriority"})) return {"SYS_NICE"};
    return {};
  }
  if (err != EPERM) return {};
  if (in({"socket"})) return {"NET_RAW"};
  if (in({"chown", "fchown", "lchown", "fchownat"})) return {"CHOWN"};
  if (in({"chmod", "fchmod", "fchmodat", "utime", "utimes", "utimensat", "futimesat"})) return {"FOWNER"};
  if (in({"open", "openat", "openat2", "unlink", "unlinkat", "rename", "renameat", "renameat2", "link", "linkat",
          "setxattr", "fsetxattr", "lsetxattr", "removexattr"}))
    return {"FOWNER", "SYS_ADMIN"};
  if (in({"kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_send_signal"})) return {"KILL"};
  if (in({"setuid", "setreuid", "setresuid", "setfsuid"})) return {"SETUID"};
  if (in({"setgid", "setregid", "setresgid", "setfsgid", "setgroups"})) return {"SETGID"};
  if (in({"chroot"})) return {"SYS_CHROOT"};
  if (in({"mknod", "mknodat"})) return {"MKNOD"};
  if (in({"mount", "umount2", "pivot_root", "unshare", "setns", "sethostname", "setdomainname", "quotactl",
          "fanotify_init", "swapon", "swapoff", "clone", "fsopen", "fsmount", "move_mount", "lookup_dcookie"}))
    return {"SYS_ADMIN"};
  if (in({"sched_setscheduler", "sched_setparam", "sched_setattr", "setpriority", "sched_setaffinity"}))
    return {"SYS_NICE"};
  if (in({"setrlimit", "prlimit64"})) return {"SYS_RESOURCE"};
  if (in({"ptrace", "process_vm_readv", "process_vm_writev"})) return {"SYS_PTRACE"};
  if (in({"capset"})) return {"SETPCAP"};
  if (in({"iopl", "ioperm"})) return {"SYS_RAWIO"};
  if (in({"reboot", "kexec_load", "kexec_file_load"})) return {"SYS_BOOT"};
  if (in({"init_module", "finit_module", "delete_module"})) return {"SYS_MODULE"};
  if (in({"settimeofday", "clock_settime", "adjtimex", "clock_adjtime"})) return {"SYS_TIME"};
  if (in({"mlock", "mlock2", "mlockall", "shmctl"})) return {"IPC_LOCK"};
  if (in({"syslog"})) return {"SYSLOG"};
  if (in({"acct"})) return {"SYS_PACCT"};
  if (in({"bpf"})) return {"BPF", "SYS_ADMIN"};
  if (in({"vhangup"})) return {"SYS_TTY_CONFIG"};
  if (in({"bind", "setsockopt", "ioctl"})) return {"NET_ADMIN"};
  return {};
}

CapAttribution attribute_new_failures(const Observations& recorded, const Observations& replay,
                                      const std::set<std::string>& granted) {
  CapAttribution out;
  for (const auto& [f, count] : replay.failures) {
    if (f.err != EPERM && f.err != EACCES) continue;
    if (count == 0 || recorded.failures.count(f)) continue;
    auto name = syscall_name(f.arch, f.nr);
    std::string sc = name ? *name : "syscall " + std::to_string(f.nr);
    std::string what = f.arch + " " + sc + ": " + (f.err == EPERM ? "EPERM" : "EACCES");
    bool explained = false;
    for (const auto& cap : caps_for_failure(sc, f.err)) {
      if (granted.count(cap)) continue;
      if (!out.add.count(cap))
        out.add.emplace(cap, CapEvidence{CapEvidenceKind::kVerified, "replay without it: " + sc + "() failed with " +
                                                          (f.err == EPERM ? "EPERM" : "EACCES")});
      explained = true;
      break;
    }
    if (!explained) out.unexplained.push_back(what);
  }
  return out;
}

}  // namespace profile

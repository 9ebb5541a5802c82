#include "profilegen/summary.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <vector>

#include "profilegen/runtime_sets.h"

namespace profile {

std::string syscall_group(const std::string& n) {
  auto has = [&](const char* s) { return n.find(s) != std::string::npos; };
  auto starts = [&](const char* s) { return n.rfind(s, 0) == 0; };
  static const char* net[] = {"socket", "bind", "connect", "listen", "accept", "send", "recv",
                              "shutdown", "getsockopt", "setsockopt", "getsockname", "getpeername",
                              "socketpair"};
  for (auto s : net)
    if (starts(s)) return "network";
  static const char* mem[] = {"mmap", "munmap", "mprotect", "brk", "mremap", "madvise", "mlock",
                              "munlock", "msync", "mincore", "pkey_", "membarrier", "memfd"};
  for (auto s : mem)
    if (starts(s)) return "memory";
  static const char* proc[] = {"clone", "fork", "vfork", "execve", "exit", "wait", "kill", "tgkill",
                               "tkill", "getpid", "getppid", "gettid", "set_tid_address", "prctl",
                               "arch_prctl", "setpgid", "getpgid", "setsid", "getsid", "prlimit",
                               "getrlimit", "setrlimit", "sched_", "set_robust_list", "rseq",
                               "futex", "unshare", "setns", "pidfd", "ptrace", "personality"};
  for (auto s : proc)
    if (starts(s)) return "process";
  if (starts("rt_sig") || starts("sig") || has("signal") || starts("pause")) return "signal";
  if (starts("get") && (has("uid") || has("gid") || has("groups"))) return "identity";
  if (starts("set") && (has("uid") || has("gid") || has("groups"))) return "identity";
  if (starts("cap")) return "identity";
  if (has("time") || has("clock") || starts("nanosleep") || starts("alarm")) return "time";
  if (starts("epoll") || starts("poll") || starts("ppoll") || starts("select") || starts("pselect") ||
      starts("eventfd") || starts("pipe") || starts("io_") || starts("inotify") || starts("fanotify"))
    return "io";
  if (starts("msg") || starts("sem") || starts("shm") || starts("mq_")) return "ipc";
  static const char* file[] = {"open", "close", "read", "write", "pread", "pwrite", "lseek", "stat",
                               "fstat", "lstat", "newfstat", "statx", "access", "faccess", "getdents",
                               "readlink", "chdir", "fchdir", "getcwd", "mkdir", "rmdir", "unlink",
                               "rename", "link", "symlink", "chmod", "fchmod", "chown", "fchown",
                               "lchown", "truncate", "ftruncate", "fcntl", "ioctl", "dup", "flock",
                               "fsync", "fdatasync", "sync", "utime", "mknod", "umask", "statfs",
                               "fstatfs", "getxattr", "setxattr", "listxattr", "removexattr",
                               "lgetxattr", "fgetxattr", "sendfile", "splice", "copy_file_range",
                               "fadvise", "readahead", "fallocate", "close_range", "name_to_handle",
                               "open_by_handle", "mount", "umount", "pivot_root", "chroot", "writev",
                               "readv", "preadv", "pwritev"};
  for (auto s : file)
    if (starts(s)) return "file";
  return "other";
}

std::string summarize(const Profile& p) {
  std::ostringstream o;
  size_t total = 0;
  std::map<std::string, std::vector<std::string>> groups;
  for (const auto& [arch, names] : p.syscalls) {
    total += names.size();
    for (const auto& n : names) groups[syscall_group(n)].push_back(n);
  }
  o << "profile '" << p.name << "': " << total << " syscalls";
  if (p.syscalls.size() > 0) {
    o << " (";
    bool first = true;
    for (const auto& [arch, names] : p.syscalls) {
      o << (first ? "" : ", ") << arch << ": " << names.size();
      first = false;
    }
    o << ")";
  }
  o << "\n";
  std::vector<std::pair<std::string, std::vector<std::string>>> sorted(groups.begin(), groups.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
  for (auto& [g, names] : sorted) {
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    o << "  " << g << " (" << names.size() << "): ";
    size_t shown = 0;
    for (const auto& n : names) {
      if (shown == 8) {
        o << ", ...";
        break;
      }
      o << (shown ? ", " : "") << n;
      ++shown;
    }
    o << "\n";
  }
  o << "  files: " << p.files.size() << " rules, network: " << p.network.sockets.size()
    << " socket kinds, " << p.network.ports.size() << " ports, capabilities: ";
  if (p.capabilities.empty()) o << "none";
  bool first = true;
  for (const auto& [c, e] : p.capabilities) {
    o << (first ? "" : ", ") << c;
    first = false;
  }
  o << "\n";
  if (!p.widenings.empty()) {
    // A reviewer's overview: one line per kind, with its count and the first
    // rules; every rule with its reason and evidence is in profile.json.
    o << "  widened beyond the recording (" << p.widenings.size() << "; each with its reason in profile.json "
      << "\"widenings\"):\n";
    std::map<std::string, std::vector<const Widening*>> kinds;
    for (const auto& w : p.widenings) kinds[w.kind].push_back(&w);
    for (const auto& [kind, list] : kinds) {
      // The same list for every workload.
      if (kind == "runtime") {
        o << "    runtime: " << list.size() << " syscalls container runtimes (" << runtimes_to_string(p.runtimes)
          << ") make after installing the filter (--runtime none leaves them out)\n";
        continue;
      }
      o << "    " << kind << " (" << list.size() << "): ";
      constexpr size_t kExamples = 3;
      for (size_t i = 0; i < list.size() && i < kExamples; ++i) {
        const std::string& rule = list[i]->rule;
        // Syscalls read better by name: "syscall x86_64 readlinkat" -> "readlinkat (x86_64)".
        std::string shown = rule;
        if (rule.rfind("syscall ", 0) == 0) {
          auto sp = rule.find(' ', 8);
          if (sp != std::string::npos) shown = rule.substr(sp + 1) + " (" + rule.substr(8, sp - 8) + ")";
        }
        o << (i ? ", " : "") << printable_message(shown);
      }
      if (list.size() > kExamples) o << ", +" << (list.size() - kExamples) << " more";
      o << "\n";
    }
  }
  if (!p.recording.complete)
    o << "  WARNING: recording incomplete (" << p.recording.lost_events
      << " events lost or recording interrupted)\n";
  return o.str();
}

}  // namespace profile

// Parts of the eBPF recorder that need no libbpf: decoding helpers, cgroup
// ids, durations, and the stand-ins used when built without eBPF.
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <cctype>
#include <vector>

#include "core/syscall_semantics.h"
#include "tracer/ebpf_tracer.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

namespace profile {

namespace ebpf_detail {

std::string arch_name(uint32_t arch) {
  switch (arch) {
    case 0: return "x86_64";
    case 1: return "x86";
    case 2: return "x32";
  }
  return "";
}

int seccomp_nr(uint32_t arch, uint64_t nr) {
  // libseccomp numbers x32 syscalls with __X32_SYSCALL_BIT set.
  if (arch == EB_ARCH_X32) return static_cast<int>((nr & (kX32SyscallBit - 1)) | kX32SyscallBit);
  return static_cast<int>(nr & 0x7fffffffu);
}

namespace {
uint8_t eb_op(const SyscallSemantics& r) {
  if (!(r.flags & kSemEbpf)) return EB_OP_NONE;
  switch (r.kind) {
    case SysKind::kOpen:
    case SysKind::kOpenat:
      return EB_OP_OPEN;
    case SysKind::kCreat:
      return EB_OP_CREAT;
    case SysKind::kOpenat2:
      return EB_OP_OPENAT2;
    case SysKind::kMmap:
      return EB_OP_MMAP;
    case SysKind::kSocket:
      return EB_OP_SOCKET;
    case SysKind::kSocketpair:
      return EB_OP_SOCKETPAIR;
    case SysKind::kBind:
      return EB_OP_BIND;
    case SysKind::kConnect:
      return EB_OP_CONNECT;
    default:
      // Any other row the eBPF side looks into is decoded from its paths
      // alone (the chown family's ownership checks are ptrace's).
      return r.path[0].path >= 0 ? EB_OP_PATH : EB_OP_NONE;
  }
}
}  // namespace

Status build_sem_table(SemTable* out) {
  *out = SemTable{};
  for (uint32_t a = 0; a < EB_NARCH; ++a) {
    std::string arch = arch_name(a);
    for (const ResolvedSyscall& rs : resolve_semantics(arch.c_str())) {
      const SyscallSemantics& r = *rs.row;
      if (rs.nr < 0 || rs.nr >= EB_SEM_NR)
        return make_error("eBPF recorder: libseccomp numbers " + arch + " syscall " + r.name + " " +
                          std::to_string(rs.nr) + ", beyond the recorder's table of " + std::to_string(EB_SEM_NR));
      eb_sem& e = out->sem[a][rs.nr];
      e.op = eb_op(r);
      e.flags = static_cast<uint8_t>(((r.flags & kSemRemoveDir) ? EB_SEMF_REMOVEDIR : 0) |
                                     ((r.flags & kSemExit) ? EB_SEMF_EXIT : 0) |
                                     ((r.flags & kSemArg0InMemory) ? EB_SEMF_ARG0_DEREF : 0));
      e.filtered = r.filtered;
      if (e.op == EB_OP_OPEN) {
        e.d1 = r.path[0].dirfd;
        e.p1 = r.open_flags_arg;
        e.d2 = e.p2 = -1;
      } else {
        e.d1 = r.path[0].dirfd;
        e.p1 = r.path[0].path;
        e.a1 = r.path[0].access;
        e.d2 = r.path[1].dirfd;
        e.p2 = r.path[1].path;
        e.a2 = r.path[1].access;
      }
    }
  }
  out->sigreturn_64 = resolve_syscall("x86_64", "rt_sigreturn");
  out->sigreturn_32 = resolve_syscall("x86", "sigreturn");
  out->rt_sigreturn_32 = resolve_syscall("x86", "rt_sigreturn");
  return {};
}

bool join_components(const char* buf, size_t len, uint32_t ncomp, std::string* out) {
  // Leaf first in the buffer: find each component's extent, then append them
  // root first. Bounded by the caller's limit on ncomp; no per-name strings.
  constexpr uint32_t kMaxParts = 64;
  if (ncomp > kMaxParts) return false;
  size_t starts[kMaxParts];
  size_t lens[kMaxParts];
  size_t off = 0, total = 0;
  for (uint32_t i = 0; i < ncomp; ++i) {
    if (off >= len) return false;
    const void* nul = memchr(buf + off, '\0', len - off);
    if (nul == nullptr) return false;
    size_t n = static_cast<const char*>(nul) - (buf + off);
    // A name with '/' or an empty one cannot come from a dentry: refuse it.
    if (n == 0 || memchr(buf + off, '/', n) != nullptr) return false;
    starts[i] = off;
    lens[i] = n;
    total += n + 1;
    off += n + 1;
  }
  if (ncomp == 0) {
    out->assign(1, '/');
    return true;
  }
  out->assign(total, '/');
  size_t pos = 0;
  for (uint32_t i = ncomp; i-- > 0;) {
    memcpy(out->data() + pos + 1, buf + starts[i], lens[i]);
    pos += lens[i] + 1;
  }
  return true;
}

bool is_magic_exec_path(const std::string& path) {
  return path.rfind("/proc/", 0) == 0 || path.rfind("/dev/fd/", 0) == 0 || path == "/dev/fd";
}

std::set<std::string> btf_names_present(const std::string& path, const std::vector<std::string>& names) {
  struct Header {
    uint16_t magic;
    uint8_t version, flags;
    uint32_t hdr_len, type_off, type_len, str_off, str_len;
  } h{};
  constexpr uint32_t kMaxStrings = 64u << 20;
  std::set<std::string> found;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return found;
  if (pread(fd, &h, sizeof h, 0) == static_cast<ssize_t>(sizeof h) && h.magic == 0xeB9F &&
      h.hdr_len >= sizeof h && h.str_len > 0 && h.str_len <= kMaxStrings) {
    std::string strings(h.str_len, '\0');
    off_t at = static_cast<off_t>(h.hdr_len) + h.str_off;
    size_t got = 0;
    while (got < strings.size()) {
      ssize_t n = pread(fd, strings.data() + got, strings.size() - got, at + static_cast<off_t>(got));
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    for (const auto& name : names) {
      std::string needle = std::string(1, '\0') + name + std::string(1, '\0');
      if (!name.empty() && got == strings.size() && strings.find(needle) != std::string::npos) found.insert(name);
    }
  }
  close(fd);
  return found;
}

CapCheck classify_cap_stack(const std::vector<std::string>& frames) {
  CapCheck c;
  size_t i = 0;
  while (i < frames.size() && frames[i] != "cap_capable") ++i;
  if (i == frames.size()) return c;
  c.known = true;
  // security_capable, ns_capable*, capable_wrt_inode_uidgid, has_*capability*,
  // file_ns_capable ...: the plumbing between the check and its reason.
  for (++i; i < frames.size(); ++i) {
    const std::string& f = frames[i];
    if (f.size() >= 8 && f.compare(f.size() - 8, 8, "_noaudit") == 0) c.probe_only = true;
    if (f.find("vm_enough_memory") != std::string::npos) c.probe_only = true;
    if (f.find("capab") == std::string::npos && f.find("vm_enough_memory") == std::string::npos) {
      c.caller = f;
      break;
    }
  }
  return c;
}

}  // namespace ebpf_detail

Result<uint64_t> cgroup_v2_id(const std::string& cgroup_path) {
  struct statfs fs {};
  if (statfs(cgroup_path.c_str(), &fs) != 0)
    return make_error("cgroup '" + cgroup_path + "': " + strerror(errno));
  if (static_cast<unsigned long>(fs.f_type) != CGROUP2_SUPER_MAGIC)
    return make_error("cgroup '" + cgroup_path +
                      "' is not on a cgroup v2 file system (on hybrid systems the v2 tree is "
                      "/sys/fs/cgroup/unified)");
  struct stat st {};
  if (stat(cgroup_path.c_str(), &st) != 0) return make_error("cgroup '" + cgroup_path + "': " + strerror(errno));
  if (!S_ISDIR(st.st_mode)) return make_error("cgroup '" + cgroup_path + "' is not a directory");
  return static_cast<uint64_t>(st.st_ino);
}

Result<uint64_t> parse_duration_ms(const std::string& text) {
  size_t i = 0;
  uint64_t n = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (n > 1000000000ull) return make_error("duration '" + text + "' is too long");
    n = n * 10 + static_cast<uint64_t>(text[i] - '0');
    ++i;
  }
  if (i == 0) return make_error("invalid duration '" + text + "' (examples: 30s, 500ms, 2m)");
  std::string unit = text.substr(i);
  uint64_t mult;
  if (unit.empty() || unit == "s") {
    mult = 1000;
  } else if (unit == "ms") {
    mult = 1;
  } else if (unit == "m") {
    mult = 60 * 1000;
  } else if (unit == "h") {
    mult = 3600 * 1000;
  } else {
    return make_error("invalid duration unit in '" + text + "' (ms, s, m or h)");
  }
  if (n == 0) return make_error("duration '" + text + "' must be positive");
  return n * mult;
}

#ifndef PROFILE_HAVE_EBPF
Result<std::unique_ptr<Tracer>> make_ebpf_tracer(const EbpfOptions&) { return make_ebpf_tracer(); }

Result<Observations> record_cgroup_ebpf(const std::string&, uint64_t) {
  return make_error("attach mode (--cgroup) needs the eBPF backend, which is unavailable: "
                    "this binary was built without eBPF support");
}
#endif

}  // namespace profile

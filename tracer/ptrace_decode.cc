#include "tracer/ptrace_decode.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <vector>

#include "core/names.h"
#include "core/observations.h"

namespace profile {

namespace {

struct KindNames {
  SysKind kind;
  const char* names[4];
};

// Names as libseccomp knows them; a name missing on an arch is skipped
// (e.g. "open" does not exist on aarch64, "chown32" only on x86).
constexpr KindNames kKindNames[] = {
    {SysKind::kOpen, {"open"}},
    {SysKind::kOpenat, {"openat"}},
    {SysKind::kOpenat2, {"openat2"}},
    {SysKind::kCreat, {"creat"}},
    {SysKind::kExecve, {"execve"}},
    {SysKind::kExecveat, {"execveat"}},
    {SysKind::kMmap, {"mmap", "mmap2"}},
    {SysKind::kMprotect, {"mprotect", "pkey_mprotect"}},
    {SysKind::kUnlink, {"unlink", "rmdir"}},
    {SysKind::kUnlinkat, {"unlinkat"}},
    {SysKind::kRename, {"rename"}},
    {SysKind::kRenameat, {"renameat", "renameat2"}},
    {SysKind::kMkdir, {"mkdir", "mknod"}},
    {SysKind::kMkdirat, {"mkdirat", "mknodat"}},
    {SysKind::kLink, {"link"}},
    {SysKind::kLinkat, {"linkat"}},
    {SysKind::kSymlink, {"symlink"}},
    {SysKind::kSymlinkat, {"symlinkat"}},
    {SysKind::kChmodPath, {"chmod", "utime", "utimes"}},
    {SysKind::kChmodAt, {"fchmodat", "futimesat", "fchmodat2"}},
    {SysKind::kChmodFd, {"fchmod"}},
    {SysKind::kUtimensat, {"utimensat", "utimensat_time64"}},
    {SysKind::kChown, {"chown32", "lchown32"}},
    {SysKind::kFchown, {"fchown32"}},
    {SysKind::kFchownat, {"fchownat"}},
    {SysKind::kTruncate, {"truncate", "truncate64"}},
    {SysKind::kFlock, {"flock"}},
    {SysKind::kGetdents, {"getdents", "getdents64"}},
    {SysKind::kSocket, {"socket"}},
    {SysKind::kSocketpair, {"socketpair"}},
    {SysKind::kBind, {"bind"}},
    {SysKind::kConnect, {"connect"}},
    {SysKind::kClone, {"clone"}},
    {SysKind::kPersonality, {"personality"}},
    {SysKind::kPrctl, {"prctl"}},
    {SysKind::kIoctl, {"ioctl"}},
    {SysKind::kKill, {"kill"}},
    {SysKind::kTkill, {"tkill"}},
    {SysKind::kTgkill, {"tgkill"}},
    {SysKind::kCredChange,
     {"setuid", "setgid", "setreuid", "setregid"}},
    {SysKind::kCredChange, {"setresuid", "setresgid", "setfsuid", "setfsgid"}},
    {SysKind::kCredChange, {"setgroups", "capset", "setuid32", "setgid32"}},
    {SysKind::kCredChange, {"setreuid32", "setregid32", "setresuid32", "setresgid32"}},
    {SysKind::kCredChange, {"setfsuid32", "setfsgid32", "setgroups32"}},
};

constexpr uint64_t kX32Bit = 0x40000000ULL;

}  // namespace

SyscallTable::SyscallTable() {
  for (int a = 0; a < kNumSysArches; ++a) {
    auto arch = static_cast<SysArch>(a);
    std::string aname = sys_arch_name(arch);
    auto set = [&](const char* name, SysKind k) {
      auto nr = syscall_number(aname, name);
      if (!nr) return;
      uint64_t n = static_cast<uint64_t>(*nr) & ~kX32Bit;
      if (n < static_cast<uint64_t>(kMaxSyscallNr)) kinds_[a][n] = static_cast<uint8_t>(k);
    };
    for (const auto& kn : kKindNames)
      for (const char* n : kn.names)
        if (n != nullptr) set(n, kn.kind);
    // On x86 the 16-bit-id variants keep the plain names; on 64-bit ABIs
    // the plain names are the 32-bit-id calls.
    if (arch == SysArch::kX86) {
      // i386 "mmap" is old_mmap: its only argument points to a struct, so
      // the prot/fd positions of mmap2 would be read from garbage.
      set("mmap", SysKind::kOther);
      set("chown", SysKind::kChown16);
      set("lchown", SysKind::kChown16);
      set("fchown", SysKind::kFchown16);
    } else {
      set("chown", SysKind::kChown);
      set("lchown", SysKind::kChown);
      set("fchown", SysKind::kFchown);
    }
    auto ex = syscall_number(aname, "execve");
    if (ex) execve_[a] = static_cast<int>(static_cast<uint64_t>(*ex) & ~kX32Bit);
  }
}

const SyscallTable& SyscallTable::get() {
  static const SyscallTable table;
  return table;
}

bool clean_path(std::string_view p) {
  if (p.empty() || p.size() > kMaxPathLen || p[0] != '/') return false;
  // Any other byte is a name the workload may use: profilegen spells the
  // unprintable ones exactly, and dropping them would fail the recording.
  return p.find('\0') == std::string_view::npos;
}

PathJoin join_clean(std::string_view root, std::string_view dir, std::string_view name, std::string* out) {
  if (name.size() > kMaxPathLen || root.size() > kMaxPathLen || dir.size() > kMaxPathLen) return PathJoin::kInvalid;
  PathJoin r = join_resolved(root, dir, name, out);
  if (r == PathJoin::kOk && !clean_path(*out)) return PathJoin::kInvalid;
  return r;
}

std::optional<uint64_t> parse_fdinfo_flags(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find('\n', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(i, end - i);
    i = end + 1;
    if (line.substr(0, 6) != "flags:") continue;
    size_t j = 6;
    while (j < line.size() && (line[j] == '\t' || line[j] == ' ')) ++j;
    if (j == line.size()) return std::nullopt;
    uint64_t v = 0;
    for (; j < line.size(); ++j) {
      if (line[j] < '0' || line[j] > '7' || v >> 60) return std::nullopt;
      v = v * 8 + static_cast<uint64_t>(line[j] - '0');
    }
    return v;
  }
  return std::nullopt;
}

uint32_t open_access(uint64_t flags) {
  if (flags & O_PATH) return 0;
  uint32_t a = 0;
  switch (flags & O_ACCMODE) {
    case O_RDONLY:
      a = kAccessRead;
      break;
    case O_WRONLY:
      a = kAccessWrite;
      break;
    default:  // O_RDWR (and the odd value 3, which Linux treats as O_RDWR-ish)
      a = kAccessRead | kAccessWrite;
      break;
  }
  // Appending writes are their own right in AppArmor ('a' vs 'w').
  if ((flags & O_APPEND) && (a & kAccessWrite)) a = (a & ~kAccessWrite) | kAccessAppend;
  // Whether the file was really created is unknown after the fact: asking to
  // create is what the policy must allow.
  if (flags & O_CREAT) a |= kAccessCreate;
  if (flags & O_TRUNC) a |= kAccessWrite;
  return a;
}

SockAddr decode_sockaddr(const uint8_t* buf, size_t len) {
  SockAddr s;
  if (buf == nullptr || len < sizeof(sa_family_t)) return s;
  sa_family_t fam;
  memcpy(&fam, buf, sizeof fam);
  s.family = fam;
  if (fam == AF_INET) {
    if (len < sizeof(sockaddr_in)) return s;
    sockaddr_in in;
    memcpy(&in, buf, sizeof in);
    s.port = ntohs(in.sin_port);
    s.valid = true;
  } else if (fam == AF_INET6) {
    if (len < sizeof(sockaddr_in6)) return s;
    sockaddr_in6 in6;
    memcpy(&in6, buf, sizeof in6);
    s.port = ntohs(in6.sin6_port);
    s.valid = true;
  } else if (fam == AF_UNIX) {
    constexpr size_t off = offsetof(sockaddr_un, sun_path);
    size_t n = len > sizeof(sockaddr_un) ? sizeof(sockaddr_un) - off : (len > off ? len - off : 0);
    const char* p = reinterpret_cast<const char*>(buf + off);
    if (n == 0) {  // unnamed (autobind)
      s.valid = true;
      return s;
    }
    std::string name;
    if (p[0] == '\0') {
      // Abstract: the name is exactly the remaining bytes; programs that pass
      // sizeof(sockaddr_un) pad it with NULs, which are not part of the name
      // anyone means.
      size_t end = n;
      while (end > 1 && p[end - 1] == '\0') --end;
      name = "@" + std::string(p + 1, end - 1);
    } else {
      name.assign(p, strnlen(p, n));
    }
    if (name.size() > kMaxPathLen) return s;
    for (char ch : name) {
      auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c == 0x7f) return s;
    }
    s.unix_name = std::move(name);
    s.valid = true;
  } else {
    s.valid = true;
  }
  return s;
}

bool Creds::in_group(uint32_t gid) const {
  if (gid == fsgid) return true;
  for (int i = 0; i < ngroups; ++i)
    if (groups[i] == gid) return true;
  return false;
}

namespace {
// Parses up to `max` unsigned decimal numbers separated by blanks.
int parse_ids(std::string_view s, uint32_t* out, int max) {
  int n = 0;
  size_t i = 0;
  while (i < s.size() && n < max) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i >= s.size() || s[i] < '0' || s[i] > '9') break;
    uint64_t v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      v = v * 10 + static_cast<uint64_t>(s[i] - '0');
      if (v > 0xffffffffULL) return n;  // not an id: stop, keep what was valid
      ++i;
    }
    out[n++] = static_cast<uint32_t>(v);
  }
  return n;
}
}  // namespace

ProcStatus parse_proc_status(std::string_view text) {
  ProcStatus st;
  bool uid = false, gid = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    auto value = [&](std::string_view key) -> std::optional<std::string_view> {
      if (line.size() > key.size() && line.substr(0, key.size()) == key) return line.substr(key.size());
      return std::nullopt;
    };
    uint32_t ids[4];
    if (auto v = value("Tgid:")) {
      if (parse_ids(*v, ids, 1) == 1 && ids[0] <= 0x7fffffffu) st.tgid = static_cast<pid_t>(ids[0]);
    } else if (auto v = value("PPid:")) {
      if (parse_ids(*v, ids, 1) == 1 && ids[0] <= 0x7fffffffu) st.ppid = static_cast<pid_t>(ids[0]);
    } else if (auto v = value("Uid:")) {
      if (parse_ids(*v, ids, 4) == 4) {
        st.creds.ruid = ids[0], st.creds.euid = ids[1], st.creds.suid = ids[2], st.creds.fsuid = ids[3];
        uid = true;
      }
    } else if (auto v = value("Gid:")) {
      if (parse_ids(*v, ids, 4) == 4) {
        st.creds.rgid = ids[0], st.creds.egid = ids[1], st.creds.sgid = ids[2], st.creds.fsgid = ids[3];
        gid = true;
      }
    } else if (auto v = value("Groups:")) {
      st.creds.ngroups = parse_ids(*v, st.creds.groups, Creds::kMaxGroups);
    }
  }
  st.has_creds = uid && gid;
  return st;
}

const char* dac_capability_needed(const Creds& c, uint32_t mode, uint32_t uid, uint32_t gid,
                                  uint32_t access) {
  uint32_t bits;
  if (c.fsuid == uid)
    bits = (mode >> 6) & 7;
  else if (c.in_group(gid))
    bits = (mode >> 3) & 7;
  else
    bits = mode & 7;
  bool want_write = access & (kAccessWrite | kAccessAppend);
  bool want_read = access & kAccessRead;
  if (want_write && !(bits & 2)) return "DAC_OVERRIDE";
  if (want_read && !(bits & 4)) return "DAC_READ_SEARCH";
  return nullptr;
}

}  // namespace profile

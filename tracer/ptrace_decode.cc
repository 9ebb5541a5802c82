#include "tracer/ptrace_decode.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <vector>

#include "core/names.h"
#include "core/observations.h"

namespace profile {

// One set of access bits: the eBPF recorder and profilegen read the same
// numbers (core/access.h is C, for the BPF side).
static_assert(kAccessRead == PROFILE_ACCESS_READ && kAccessWrite == PROFILE_ACCESS_WRITE &&
              kAccessAppend == PROFILE_ACCESS_APPEND && kAccessCreate == PROFILE_ACCESS_CREATE &&
              kAccessDelete == PROFILE_ACCESS_DELETE && kAccessExecute == PROFILE_ACCESS_EXECUTE &&
              kAccessMmapExec == PROFILE_ACCESS_MMAP_EXEC && kAccessLink == PROFILE_ACCESS_LINK &&
              kAccessLock == PROFILE_ACCESS_LOCK && kAccessChmod == PROFILE_ACCESS_CHMOD &&
              kAccessList == PROFILE_ACCESS_LIST);
static_assert(O_ACCMODE == PROFILE_O_ACCMODE && O_WRONLY == PROFILE_O_WRONLY && O_CREAT == PROFILE_O_CREAT &&
              O_TRUNC == PROFILE_O_TRUNC && O_APPEND == PROFILE_O_APPEND && O_PATH == PROFILE_O_PATH);
static_assert(PROT_EXEC == PROFILE_PROT_EXEC && MAP_ANONYMOUS == PROFILE_MAP_ANONYMOUS);

SyscallTable::SyscallTable() {
  for (int a = 0; a < kNumSysArches; ++a) {
    auto arch = static_cast<SysArch>(a);
    const char* aname = sys_arch_name(arch);
    for (const ResolvedSyscall& rs : resolve_semantics(aname))
      if (rs.nr < kMaxSyscallNr) rows_[a][rs.nr] = rs.row;
    execve_[a] = resolve_syscall(aname, "execve");
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

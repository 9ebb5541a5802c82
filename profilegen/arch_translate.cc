#include "profilegen/arch_translate.h"

#include <seccomp.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "core/names.h"

namespace profile {

namespace {

// Constants the replacements need, identical on every architecture
// libseccomp knows (include/uapi/linux/fcntl.h, signal numbers below 32 that
// all share, asm-generic O_ bits that every open-flags family below shares).
constexpr uint64_t kSigchld = 17;
constexpr uint64_t kCloneVm = 0x100;
constexpr uint64_t kCloneVfork = 0x4000;
constexpr uint64_t kAtSymlinkNofollow = 0x100;
constexpr uint64_t kAtRemovedir = 0x200;
constexpr uint64_t kAtEmptyPath = 0x1000;
constexpr uint64_t kOCreatWronlyTrunc = 01 | 0100 | 01000;

// How the open flags of an architecture spell the four bits that differ
// between families (O_DIRECT, O_LARGEFILE, O_DIRECTORY, O_NOFOLLOW); every
// other bit is the same in the three families. MIPS, PA-RISC (and SPARC,
// Alpha, which libseccomp lacks) move other bits too: no family.
enum class OpenFlags { kGeneric, kArm, kPpc, kNone };
struct OpenBits {
  uint64_t direct, largefile, directory, nofollow;
};
constexpr OpenBits kOpenBits[] = {
    {040000, 0100000, 0200000, 0400000},  // kGeneric: asm-generic (x86, s390, riscv)
    {0200000, 0400000, 040000, 0100000},  // kArm: arm, arm64
    {0400000, 0200000, 040000, 0100000},  // kPpc: powerpc
};

// What the translation needs to know of an architecture beyond libseccomp.
struct ArchFacts {
  const char* name;
  bool wide;  // 64-bit system call interface (x32's calls are x86_64's)
  // Compat architectures, as runc's and Docker's archMap list them.
  std::vector<const char*> compat;
  OpenFlags open_flags;
  // _IOC as asm-generic encodes it, with the same terminal ioctls: request
  // numbers carry over between these (powerpc, MIPS, PA-RISC differ).
  bool generic_ioctl;
  // SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_NONBLOCK O_NONBLOCK: MIPS swaps them.
  bool generic_socket_types;
  int clone_flags_arg;  // clone(flags, ...) but clone(stack, flags, ...) on s390
};

const std::vector<ArchFacts>& arch_facts() {
  static const std::vector<ArchFacts> facts = {
      {"x86_64", true, {"x86", "x32"}, OpenFlags::kGeneric, true, true, 0},
      {"x86", false, {}, OpenFlags::kGeneric, true, true, 0},
      {"x32", true, {}, OpenFlags::kGeneric, true, true, 0},
      {"aarch64", true, {"arm"}, OpenFlags::kArm, true, true, 0},
      {"arm", false, {}, OpenFlags::kArm, true, true, 0},
      {"riscv64", true, {}, OpenFlags::kGeneric, true, true, 0},
      {"ppc64le", true, {}, OpenFlags::kPpc, false, true, 0},
      {"ppc64", true, {"ppc"}, OpenFlags::kPpc, false, true, 0},
      {"ppc", false, {}, OpenFlags::kPpc, false, true, 0},
      {"s390x", true, {"s390"}, OpenFlags::kGeneric, true, true, 1},
      {"s390", false, {}, OpenFlags::kGeneric, true, true, 1},
      {"mips64", true, {"mips", "mips64n32"}, OpenFlags::kNone, false, false, 0},
      {"mips64n32", false, {"mips", "mips64"}, OpenFlags::kNone, false, false, 0},
      {"mips", false, {}, OpenFlags::kNone, false, false, 0},
      {"mipsel64", true, {"mipsel", "mipsel64n32"}, OpenFlags::kNone, false, false, 0},
      {"mipsel64n32", false, {"mipsel", "mipsel64"}, OpenFlags::kNone, false, false, 0},
      {"mipsel", false, {}, OpenFlags::kNone, false, false, 0},
      {"parisc64", true, {"parisc"}, OpenFlags::kNone, false, true, 0},
      {"parisc", false, {}, OpenFlags::kNone, false, true, 0},
  };
  return facts;
}

const ArchFacts* facts_of(const std::string& arch) {
  for (const auto& f : arch_facts())
    if (arch == f.name) return &f;
  return nullptr;
}

// libseccomp's pseudo numbers at or below this mark calls the arch lacks;
// those above it are calls reached through a multiplexer.
constexpr int kLackedPseudoNr = -10000;

int resolve(const std::string& arch, const std::string& name) {
  uint32_t token = seccomp_arch_resolve_name(arch.c_str());
  if (token == 0) return __NR_SCMP_ERROR;
  return seccomp_syscall_resolve_name_arch(token, name.c_str());
}

// Calls whose arguments the kernel reads from a block in memory on these
// architectures (old_mmap): a filter sees only the block's address.
bool arguments_in_memory(const std::string& arch, const std::string& name) {
  return name == "mmap" && (arch == "x86" || arch == "s390" || arch == "s390x");
}

// What an argument's values mean, which decides whether they carry over.
enum class ValueKind { kPortable, kOpenFlags, kSocketType, kIoctlRequest, kUnknown };

ValueKind value_kind(const std::string& arch, const std::string& name, int index) {
  const ArchFacts* f = facts_of(arch);
  if (name == "clone") return f != nullptr && index == f->clone_flags_arg ? ValueKind::kPortable : ValueKind::kUnknown;
  if ((name == "prctl" || name == "personality") && index == 0) return ValueKind::kPortable;
  if ((name == "mmap" || name == "mmap2" || name == "mprotect" || name == "pkey_mprotect") && index == 2)
    return ValueKind::kPortable;  // PROT_* are the same everywhere
  if (name == "socket" || name == "socketpair") {
    if (index == 0 || index == 2) return ValueKind::kPortable;  // AF_*, protocol numbers
    if (index == 1) return ValueKind::kSocketType;
  }
  if ((name == "open" && index == 1) || (name == "openat" && index == 2)) return ValueKind::kOpenFlags;
  if (name == "ioctl" && index == 1) return ValueKind::kIoctlRequest;
  return ValueKind::kUnknown;
}

std::optional<uint64_t> convert_open_flags(uint64_t v, OpenFlags from, OpenFlags to) {
  if (from == OpenFlags::kNone || to == OpenFlags::kNone) return std::nullopt;
  const OpenBits& a = kOpenBits[static_cast<int>(from)];
  const OpenBits& b = kOpenBits[static_cast<int>(to)];
  uint64_t moved = a.direct | a.largefile | a.directory | a.nofollow;
  uint64_t out = v & ~moved;
  if (v & a.direct) out |= b.direct;
  if (v & a.largefile) out |= b.largefile;
  if (v & a.directory) out |= b.directory;
  if (v & a.nofollow) out |= b.nofollow;
  return out;
}

// The values of a rule on `from_arch` as `to_arch` spells them; nothing when
// their meaning cannot be carried over.
std::optional<std::set<uint64_t>> convert_values(const std::set<uint64_t>& values, const std::string& from_arch,
                                                 const std::string& from_name, int from_index,
                                                 const std::string& to_arch, const std::string& to_name,
                                                 int to_index) {
  // The same call on the same architecture: the values mean what they meant.
  if (from_arch == to_arch && from_name == to_name && from_index == to_index) return values;
  ValueKind kind = value_kind(to_arch, to_name, to_index);
  if (value_kind(from_arch, from_name, from_index) != kind) return std::nullopt;
  const ArchFacts* a = facts_of(from_arch);
  const ArchFacts* b = facts_of(to_arch);
  if (a == nullptr || b == nullptr) return std::nullopt;
  switch (kind) {
    case ValueKind::kPortable:
      return values;
    case ValueKind::kSocketType:
      if (!a->generic_socket_types || !b->generic_socket_types) return std::nullopt;
      return values;
    case ValueKind::kIoctlRequest:
      if (!a->generic_ioctl || !b->generic_ioctl) return std::nullopt;
      return values;
    case ValueKind::kOpenFlags: {
      std::set<uint64_t> out;
      for (uint64_t v : values) {
        auto c = convert_open_flags(v, a->open_flags, b->open_flags);
        if (!c) return std::nullopt;
        out.insert(*c);
      }
      return out;
    }
    case ValueKind::kUnknown:
      break;
  }
  return std::nullopt;
}

const SyscallEquivalent* row_of(const std::string& name) {
  for (const auto& r : equivalent_syscalls())
    if (name == r.from) return &r;
  return nullptr;
}

const UnneededSyscall* unneeded_of(const std::string& name) {
  for (const auto& u : unneeded_elsewhere_syscalls())
    if (name == u.name) return &u;
  return nullptr;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// What one recorded call asks of one target call: a rule per argument it
// restricts (an argument not in the map is unrestricted).
struct Contribution {
  std::string source;  // "x86_64 open", for messages
  std::map<int, std::set<uint64_t>> rules;
  // Rules that could not be carried over, for the message if they matter.
  std::vector<std::string> lost;
};

}  // namespace

const std::vector<SyscallEquivalent>& equivalent_syscalls() {
  // Argument positions: the *at calls take the directory descriptor first.
  static const std::vector<SyscallEquivalent> rows = {
      {"open", {{"openat", {}}}, {{0, 1}, {1, 2}, {2, 3}}},
      {"creat", {{"openat", {{2, kOCreatWronlyTrunc}}}}, {{0, 1}, {1, 3}}},
      {"stat", {{"newfstatat", {{3, 0}}}, {"fstatat64", {{3, 0}}}}, {{0, 1}, {1, 2}}},
      {"lstat", {{"newfstatat", {{3, kAtSymlinkNofollow}}}, {"fstatat64", {{3, kAtSymlinkNofollow}}}},
       {{0, 1}, {1, 2}}},
      {"fstat", {{"newfstatat", {{3, kAtEmptyPath}}}, {"fstatat64", {{3, kAtEmptyPath}}}}, {{0, 0}, {1, 2}}},
      {"access", {{"faccessat", {}}, {"faccessat2", {{3, 0}}}}, {{0, 1}, {1, 2}}},
      {"pipe", {{"pipe2", {{1, 0}}}}, {{0, 0}}},
      {"dup2", {{"dup3", {{2, 0}}}}, {{0, 0}, {1, 1}}},
      {"fork", {{"clone", {{kCloneFlagsArg, kSigchld}}}}, {}},
      {"vfork", {{"clone", {{kCloneFlagsArg, kCloneVm | kCloneVfork | kSigchld}}}}, {}},
      {"poll", {{"ppoll", {}}, {"ppoll_time64", {}}}, {{0, 0}, {1, 1}}},
      {"select", {{"pselect6", {}}, {"pselect6_time64", {}}}, {{0, 0}, {1, 1}, {2, 2}, {3, 3}}},
      {"epoll_wait", {{"epoll_pwait", {{4, 0}}}}, {{0, 0}, {1, 1}, {2, 2}, {3, 3}}},
      {"epoll_create", {{"epoll_create1", {{0, 0}}}}, {}},
      {"mkdir", {{"mkdirat", {}}}, {{0, 1}, {1, 2}}},
      {"mknod", {{"mknodat", {}}}, {{0, 1}, {1, 2}, {2, 3}}},
      {"rename", {{"renameat", {}}, {"renameat2", {{4, 0}}}}, {{0, 1}, {1, 3}}},
      {"unlink", {{"unlinkat", {{2, 0}}}}, {{0, 1}}},
      {"rmdir", {{"unlinkat", {{2, kAtRemovedir}}}}, {{0, 1}}},
      {"readlink", {{"readlinkat", {}}}, {{0, 1}, {1, 2}, {2, 3}}},
      {"chmod", {{"fchmodat", {}}}, {{0, 1}, {1, 2}}},
      {"chown", {{"fchownat", {{4, 0}}}}, {{0, 1}, {1, 2}, {2, 3}}},
      {"lchown", {{"fchownat", {{4, kAtSymlinkNofollow}}}}, {{0, 1}, {1, 2}, {2, 3}}},
      {"link", {{"linkat", {{4, 0}}}}, {{0, 1}, {1, 3}}},
      {"symlink", {{"symlinkat", {}}}, {{0, 0}, {1, 2}}},
      {"getdents", {{"getdents64", {}}}, {{0, 0}, {1, 1}, {2, 2}}},
      {"futimesat", {{"utimensat", {{3, 0}}}, {"utimensat_time64", {{3, 0}}}}, {{0, 0}, {1, 1}}},
      {"utime", {{"utimensat", {{3, 0}}}, {"utimensat_time64", {{3, 0}}}}, {{0, 1}}},
      {"utimes", {{"utimensat", {{3, 0}}}, {"utimensat_time64", {{3, 0}}}}, {{0, 1}}},
      {"time", {{"clock_gettime", {{0, 0}}}, {"clock_gettime64", {{0, 0}}}}, {}},
      {"getpgrp", {{"getpgid", {{0, 0}}}}, {}},
      {"alarm", {{"setitimer", {{0, 0}}}}, {}},
      {"pause", {{"rt_sigsuspend", {}}, {"rt_sigprocmask", {}}}, {}},
      {"eventfd", {{"eventfd2", {{1, 0}}}}, {{0, 0}}},
      {"signalfd", {{"signalfd4", {{3, 0}}}}, {{0, 0}, {1, 1}, {2, 2}}},
      {"inotify_init", {{"inotify_init1", {{0, 0}}}}, {}},
      {"umount", {{"umount2", {{1, 0}}}}, {{0, 0}}},
      {"getrlimit", {{"prlimit64", {}}}, {}},
      {"setrlimit", {{"prlimit64", {}}}, {}},
      {"mmap", {{"mmap2", {}}}, {{0, 0}, {1, 1}, {2, 2}, {3, 3}, {4, 4}}},
      {"sendfile", {{"sendfile64", {}}}, {{0, 0}, {1, 1}}},
      {"fadvise64", {{"fadvise64_64", {}}, {"arm_fadvise64_64", {}}}, {}},
      {"waitpid", {{"wait4", {{3, 0}}}}, {{0, 0}, {1, 1}, {2, 2}}},
      {"signal", {{"rt_sigaction", {}}}, {}},
      {"sigaction", {{"rt_sigaction", {}}}, {}},
      {"sigprocmask", {{"rt_sigprocmask", {}}}, {}},
      {"sigsuspend", {{"rt_sigsuspend", {}}}, {}},
      {"sigpending", {{"rt_sigpending", {}}}, {}},
      {"sigreturn", {{"rt_sigreturn", {}}}, {}},
      {"nice", {{"setpriority", {}}, {"getpriority", {}}}, {}},
  };
  return rows;
}

const std::vector<UnneededSyscall>& unneeded_elsewhere_syscalls() {
  static const std::vector<UnneededSyscall> calls = {
      {"arch_prctl", "sets x86's thread pointer (FS/GS base), which other architectures set from user space"},
      {"set_thread_area", "sets i386's thread-local storage segment; other architectures use a register"},
      {"get_thread_area", "reads i386's thread-local storage segment; other architectures use a register"},
  };
  return calls;
}

Result<std::string> parse_target_arch(const std::string& spelling) {
  std::string lower;
  for (char c : spelling) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  static const std::map<std::string, std::string> aliases = {
      {"arm64", "aarch64"}, {"amd64", "x86_64"},  {"x64", "x86_64"},    {"i386", "x86"},
      {"i486", "x86"},      {"i586", "x86"},      {"i686", "x86"},      {"386", "x86"},
      {"armhf", "arm"},     {"armel", "arm"},     {"armv7", "arm"},     {"armv7l", "arm"},
      {"ppc64el", "ppc64le"}, {"powerpc64le", "ppc64le"}, {"riscv", "riscv64"}};
  for (const auto& a : oci_arches()) {
    if (!a.in_profiles) continue;
    if (spelling == a.lib || spelling == a.oci || lower == a.go) return std::string(a.lib);
  }
  if (auto it = aliases.find(lower); it != aliases.end()) return it->second;
  std::string known;
  for (const auto& a : oci_arches())
    if (a.in_profiles) known += std::string(known.empty() ? "" : ", ") + a.lib;
  return make_error("unknown architecture " + quote_value(spelling) + " (libseccomp's names: " + known + ")");
}

std::vector<std::string> compat_arches(const std::string& arch) {
  std::vector<std::string> out;
  if (const ArchFacts* f = facts_of(arch))
    for (const char* c : f->compat) out.emplace_back(c);
  return out;
}

bool syscall_exists(const std::string& arch, const std::string& name) {
  int nr = resolve(arch, name);
  return nr != __NR_SCMP_ERROR && nr > kLackedPseudoNr;
}

bool arguments_filterable(const std::string& arch, const std::string& name) {
  int nr = resolve(arch, name);
  return nr >= 0 && !arguments_in_memory(arch, name);
}

std::vector<std::string> target_names(const std::string& name, const std::string& arch) {
  // The name itself where it exists: the program makes that very call.
  if (syscall_exists(arch, name)) return {name};
  std::vector<std::string> out;
  if (const SyscallEquivalent* row = row_of(name))
    for (const auto& r : row->to)
      if (syscall_exists(arch, r.name)) out.emplace_back(r.name);
  return out;
}

namespace {

// The architecture each section of `p` goes to; a section with none is
// dropped with a note.
Result<std::map<std::string, std::string>> section_targets(const Profile& p, const std::string& target,
                                                           std::vector<std::string>* notes) {
  const ArchFacts* t = facts_of(target);
  if (t == nullptr) return make_error("unknown architecture " + quote_value(target));
  std::set<std::string> present;
  for (const auto& [arch, names] : p.syscalls)
    if (!names.empty()) present.insert(arch);
  std::map<std::string, std::string> out;
  for (const auto& arch : present) {
    const ArchFacts* s = facts_of(arch);
    if (s == nullptr) return make_error("profile.json: unknown architecture " + quote_value(arch));
    bool compat = false;
    for (const auto& other : present)
      if (const ArchFacts* o = facts_of(other))
        for (const char* c : o->compat) compat |= arch == c;
    if (!compat) {
      // Another word size means another C library making other calls
      // (fstat64, mmap2, _llseek and the *_time64 calls on 32-bit): a name
      // table cannot bridge that.
      if (s->wide != t->wide)
        return make_error("profile.json records " + arch + " (" + (s->wide ? "64" : "32") + "-bit calls) and " +
                          target + " is a " + (t->wide ? "64" : "32") +
                          "-bit architecture, whose C library makes other calls: record the workload on " + target +
                          ", or translate to an architecture of the same word size");
      out[arch] = target;
      continue;
    }
    std::string to;
    for (const char* c : t->compat)
      if (const ArchFacts* cf = facts_of(c); to.empty() && cf != nullptr && cf->wide == s->wide) to = c;
    if (to.empty()) {
      notes->push_back("the " + arch + " section (a compat ABI of the recording) is left out: " + target +
                       " has no compat ABI of its word size, so no such process can run there");
      continue;
    }
    out[arch] = to;
  }
  return out;
}

}  // namespace

Result<ArchTranslation> translate_profile(const Profile& p, const std::string& target) {
  ArchTranslation out;
  out.target = target;
  out.profile.name = p.name;
  out.profile.runtimes = p.runtimes;
  out.profile.recording = p.recording;
  PROFILE_TRY(sections, section_targets(p, target, &out.notes));

  std::vector<std::string> missing;  // calls with no equivalent
  // (target arch, target name) -> what each recorded call asks of it
  std::map<std::pair<std::string, std::string>, std::vector<Contribution>> wanted;
  for (const auto& [from, to] : sections) {
    for (const auto& name : p.syscalls.at(from)) {
      std::vector<std::string> names = target_names(name, to);
      if (names.empty()) {
        if (const UnneededSyscall* u = unneeded_of(name)) {
          out.notes.push_back(from + " " + name + " is not needed on " + to + ": it " + u->why);
          continue;
        }
        missing.push_back(from + " " + name);
        continue;
      }
      const SyscallEquivalent* row = names.front() == name ? nullptr : row_of(name);
      if (row != nullptr)
        out.notes.push_back(from + " " + name + " is " + join(names, " and ") + " on " + to);
      // The recorded rules of this call, by argument.
      std::map<int, const std::set<uint64_t>*> rules;
      for (const auto& r : p.args)
        if (r.arch == from && r.syscall == name) rules[r.index] = &r.values;
      for (const auto& tn : names) {
        Contribution c;
        c.source = from + " " + name;
        const Replacement* rep = nullptr;
        if (row != nullptr)
          for (const auto& r : row->to)
            if (tn == r.name) rep = &r;
        for (const auto& [index, values] : rules) {
          std::optional<int> ti;
          if (row == nullptr) {
            ti = index;
            // Same call, other layout: clone's flags move on s390.
            if (name == "clone" && facts_of(from) != nullptr && index == facts_of(from)->clone_flags_arg)
              ti = facts_of(to)->clone_flags_arg;
          } else {
            for (const auto& [a, b] : row->moves)
              if (a == index) ti = b;
          }
          std::optional<std::set<uint64_t>> tv;
          if (ti && arguments_filterable(to, tn)) tv = convert_values(*values, from, name, index, to, tn, *ti);
          if (!tv) {
            c.lost.push_back(from + " " + name + " argument " + std::to_string(index) + " -> " + to + " " + tn);
            continue;
          }
          c.rules[*ti].insert(tv->begin(), tv->end());
        }
        if (rep != nullptr) {
          for (const auto& imp : rep->implied) {
            int ti = imp.index == kCloneFlagsArg ? facts_of(to)->clone_flags_arg : imp.index;
            // An implied value narrows the replacement to the replaced call;
            // where a filter cannot see the argument, the call is allowed
            // whole only as the replaced call was: unconditionally.
            if (!arguments_filterable(to, tn)) continue;
            auto it = c.rules.find(ti);
            if (it == c.rules.end()) c.rules[ti] = {imp.value};
          }
        }
        wanted[{to, tn}].push_back(std::move(c));
      }
    }
  }

  std::vector<std::string> lost;
  for (auto& [key, contributions] : wanted) {
    const auto& [arch, name] = key;
    out.profile.syscalls[arch].insert(name);
    // A rule that could not be carried over may be dropped only where
    // another recorded call allows this one unconditionally anyway:
    // dropping it then widens nothing.
    bool unconditional = std::any_of(contributions.begin(), contributions.end(),
                                     [](const Contribution& c) { return c.rules.empty() && c.lost.empty(); });
    if (unconditional) continue;
    bool failed = false;
    for (const auto& c : contributions)
      for (const auto& l : c.lost) {
        lost.push_back(l);
        failed = true;
      }
    if (failed) continue;
    // Every contribution restricts the call: an argument is restricted
    // where all of them restrict it, to the union of what they allow.
    std::map<int, std::set<uint64_t>> merged = contributions.front().rules;
    for (size_t i = 1; i < contributions.size(); ++i) {
      for (auto it = merged.begin(); it != merged.end();) {
        auto other = contributions[i].rules.find(it->first);
        if (other == contributions[i].rules.end()) {
          it = merged.erase(it);
        } else {
          it->second.insert(other->second.begin(), other->second.end());
          ++it;
        }
      }
    }
    for (auto& [index, values] : merged) {
      ArgRule r;
      r.arch = arch;
      r.syscall = name;
      r.index = index;
      r.values = std::move(values);
      out.profile.args.insert(std::move(r));
    }
  }

  if (!missing.empty() || !lost.empty()) {
    std::string msg = "cannot translate the profile to " + target + ":";
    if (!missing.empty())
      msg += " no equivalent on " + target + " for " + join(missing, ", ") + ";";
    if (!lost.empty())
      msg += " argument rules that cannot be carried over (the argument is out of a filter's reach there, or its "
             "values mean something else) and that no unconditional grant covers: " +
             join(lost, ", ") + ";";
    msg += " a profile without them would not work there, so none is written";
    return make_error(msg);
  }
  return out;
}

}  // namespace profile

#include "runner/landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <dirent.h>
#include <glob.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <elf.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <set>

#include <nlohmann/json.hpp>

#include "core/access.h"
#include "core/file_io.h"
#include "core/json_read.h"
#include "core/landlock_abi.h"
#include "core/path_pattern.h"
#include "core/sensitive_paths.h"

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

namespace profile {

namespace {

// Kernel ABI structures, defined here because the installed headers may be
// older than the kernel (they lack handled_access_net and scoped).
struct RulesetAttr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net;  // ABI 4
  uint64_t scoped;              // ABI 6
};
struct __attribute__((packed)) PathBeneathAttr {
  uint64_t allowed_access;
  int32_t parent_fd;
};
struct NetPortAttr {
  uint64_t allowed_access;
  uint64_t port;
};
constexpr unsigned kCreateRulesetVersion = 1u << 0;
constexpr int kRulePathBeneath = 1;
constexpr int kRuleNetPort = 2;
constexpr size_t kMaxRules = 65536;

uint64_t mask_up_to(const std::vector<LandlockRight>& table, int abi) {
  uint64_t m = 0;
  for (const auto& r : table)
    if (r.min_abi <= abi) m |= r.bit;
  return m;
}
uint64_t file_mask() {
  uint64_t m = 0;
  for (const auto& r : landlock_fs_rights())
    if (r.file_ok) m |= r.bit;
  return m;
}
uint64_t bit_of(const std::vector<LandlockRight>& table, const char* name) {
  for (const auto& r : table)
    if (strcmp(r.name, name) == 0) return r.bit;
  return 0;
}

std::string dropped(const std::vector<LandlockRight>& table, uint64_t bits, int abi) {
  std::string out;
  for (const auto& r : table)
    if ((bits & r.bit) && r.min_abi > abi)
      out += std::string(out.empty() ? "" : ", ") + r.name + " (ABI " + std::to_string(r.min_abi) + ")";
  return out;
}

// PT_INTERP of an ELF file of either class; `head` holds its first bytes.
template <class Ehdr, class Phdr>
std::string elf_interp(int fd, const unsigned char* head) {
  Ehdr eh;
  memcpy(&eh, head, sizeof(eh));
  // Bounded walk: at most 64 program headers.
  for (unsigned k = 0; k < eh.e_phnum && k < 64 && eh.e_phentsize == sizeof(Phdr); ++k) {
    Phdr ph;
    if (pread(fd, &ph, sizeof(ph), static_cast<off_t>(eh.e_phoff + k * sizeof(Phdr))) != sizeof(ph)) break;
    if (ph.p_type != PT_INTERP || ph.p_filesz < 2 || ph.p_filesz > 4096) continue;
    std::string buf(ph.p_filesz, '\0');
    if (pread(fd, buf.data(), buf.size(), static_cast<off_t>(ph.p_offset)) != static_cast<ssize_t>(buf.size())) break;
    buf.resize(strnlen(buf.c_str(), buf.size()));
    return !buf.empty() && buf[0] == '/' ? buf : "";
  }
  return "";
}

// The ELF PT_INTERP, or with `scripts` also a "#!" line's program.
// With `scripts`, `path` is a rule's path and is read only if it names a
// regular file without a symlink on the way, as the rule applies only then.
std::string interpreter_of(const std::string& path, bool scripts) {
  int fd = -1;
  if (scripts) {
    open_how how{};
    how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    fd = static_cast<int>(syscall(SYS_openat2, AT_FDCWD, path.c_str(), &how, sizeof how));
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
      close(fd);
      return "";
    }
  } else {
    fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  }
  if (fd < 0) return "";
  std::string out;
  unsigned char head[256];
  ssize_t n = pread(fd, head, sizeof(head), 0);
  if (n >= 2 && head[0] == '#' && head[1] == '!') {
    if (scripts) {
      size_t i = 2;
      while (i < static_cast<size_t>(n) && (head[i] == ' ' || head[i] == '\t')) ++i;
      size_t start = i;
      while (i < static_cast<size_t>(n) && head[i] != ' ' && head[i] != '\t' && head[i] != '\n') ++i;
      if (i > start && head[start] == '/') out.assign(reinterpret_cast<const char*>(head) + start, i - start);
    }
  } else if (n >= static_cast<ssize_t>(sizeof(Elf64_Ehdr)) && memcmp(head, ELFMAG, SELFMAG) == 0 &&
             head[EI_CLASS] == ELFCLASS64) {
    out = elf_interp<Elf64_Ehdr, Elf64_Phdr>(fd, head);
  } else if (n >= static_cast<ssize_t>(sizeof(Elf32_Ehdr)) && memcmp(head, ELFMAG, SELFMAG) == 0 &&
             head[EI_CLASS] == ELFCLASS32) {
    out = elf_interp<Elf32_Ehdr, Elf32_Phdr>(fd, head);
  }
  close(fd);
  return out;
}
}  // namespace

// The interpreter execve opens on its own (the ELF PT_INTERP, or a script's
// "#!" line): Landlock checks execute on it, yet no recorder sees it opened.
std::string exec_interpreter(const std::string& path) { return interpreter_of(path, true); }

std::string elf_interpreter(const std::string& path) { return interpreter_of(path, false); }

int landlock_abi() noexcept {
  long v = syscall(__NR_landlock_create_ruleset, nullptr, 0, kCreateRulesetVersion);
  return v > 0 ? static_cast<int>(v) : 0;
}

Result<LandlockSpec> parse_landlock_json(const std::string& text, const std::string& origin) {
  using nlohmann::json;
  // Keys, names and patterns come from the file: the message is made
  // printable as a whole, as profile.json's and seccomp.json's are.
  auto fail = [&](const std::string& where, const std::string& what) {
    return make_error(printable_message(origin + ": " + where + ": " + what));
  };
  StrictJson parsed = parse_json_strict(text, "landlock");
  // A repeated key would otherwise keep its last value: a reviewer reading
  // the first would see other rights than the ones enforced.
  if (parsed.duplicate_at)
    return fail(*parsed.duplicate_at, "duplicate key " + quote_value(parsed.duplicate_key) + " (each key may appear once)");
  if (!parsed.ok) return make_error(printable_message(origin + ": invalid JSON: " + parsed.syntax_error));
  json& j = parsed.value;
  if (!j.is_object()) return fail("landlock", "expected an object");
  if (auto k = first_unknown_key(j, {"schema", "abi", "handled_access_fs", "handled_access_net", "scoped",
                                     "path_beneath", "path_pattern", "net_port", "notes"}))
    return fail("landlock", "unknown key '" + *k + "'");
  for (const char* req : {"schema", "abi", "handled_access_fs"})
    if (!j.contains(req)) return fail("landlock", std::string("missing key '") + req + "'");
  if (!j["schema"].is_number_integer() || j["schema"].get<int64_t>() != kLandlockSchema)
    return fail("schema", "unsupported schema (this build reads " + std::to_string(kLandlockSchema) + ")");
  LandlockSpec s;
  if (!j["abi"].is_number_integer() || j["abi"].get<int64_t>() < 1 || j["abi"].get<int64_t>() > 1000)
    return fail("abi", "expected a positive integer");
  s.abi = static_cast<int>(j["abi"].get<int64_t>());

  auto rights = [&](const json& v, const std::string& where, const std::vector<LandlockRight>& table,
                    uint64_t* out) -> Status {
    if (!v.is_array()) return fail(where, "expected an array of names");
    if (v.size() > 64) return fail(where, "too many names");
    for (const auto& n : v) {
      if (!n.is_string()) return fail(where, "expected a string");
      std::string name = n.get<std::string>();
      uint64_t b = bit_of(table, name.c_str());
      if (b == 0) return fail(where, "unknown right '" + name + "'");
      *out |= b;
    }
    return {};
  };
  PROFILE_TRY(rights(j["handled_access_fs"], "handled_access_fs", landlock_fs_rights(), &s.handled_fs));
  if (j.contains("handled_access_net"))
    PROFILE_TRY(rights(j["handled_access_net"], "handled_access_net", landlock_net_rights(), &s.handled_net));
  if (j.contains("scoped")) PROFILE_TRY(rights(j["scoped"], "scoped", landlock_scopes(), &s.scoped));
  if (j.contains("notes")) {
    if (!j["notes"].is_array()) return fail("notes", "expected an array of strings");
    for (const auto& n : j["notes"])
      if (!n.is_string()) return fail("notes", "expected a string");
  }
  if (j.contains("path_beneath")) {
    const auto& a = j["path_beneath"];
    if (!a.is_array()) return fail("path_beneath", "expected an array");
    if (a.size() > kMaxRules) return fail("path_beneath", "more than 65536 rules");
    for (size_t i = 0; i < a.size(); ++i) {
      std::string where = "path_beneath[" + std::to_string(i) + "]";
      const auto& r = a[i];
      if (!r.is_object()) return fail(where, "expected an object");
      if (auto k = first_unknown_key(r, {"path", "access"})) return fail(where, "unknown key '" + *k + "'");
      if (!r.contains("path") || !r["path"].is_string()) return fail(where + ".path", "expected a string");
      auto exact = unescape_path_bytes(r["path"].get<std::string>());
      if (!exact) return fail(where + ".path", exact.error().message);
      std::string path = std::move(*exact);
      if (path.empty() || path[0] != '/' || path.size() > 4096 || path.find('\0') != std::string::npos)
        return fail(where + ".path", quote_value(path) + " is not an absolute path");
      if (!r.contains("access")) return fail(where, "missing key 'access'");
      LandlockPathSpec ps{path, 0};
      PROFILE_TRY(rights(r["access"], where + ".access", landlock_fs_rights(), &ps.access));
      if (ps.access & ~s.handled_fs) return fail(where + ".access", "grants a right that handled_access_fs does not list");
      if (ps.access == 0) return fail(where + ".access", "no rights");
      s.paths.push_back(std::move(ps));
    }
  }
  if (j.contains("path_pattern")) {
    const auto& a = j["path_pattern"];
    if (!a.is_array()) return fail("path_pattern", "expected an array");
    if (a.size() > kMaxRules) return fail("path_pattern", "more than 65536 rules");
    FlatPattern flat;
    for (size_t i = 0; i < a.size(); ++i) {
      std::string where = "path_pattern[" + std::to_string(i) + "]";
      const auto& r = a[i];
      if (!r.is_object()) return fail(where, "expected an object");
      if (auto k = first_unknown_key(r, {"pattern", "access"})) return fail(where, "unknown key '" + *k + "'");
      if (!r.contains("pattern") || !r["pattern"].is_string()) return fail(where + ".pattern", "expected a string");
      std::string pattern = r["pattern"].get<std::string>();
      auto parsed = parse_path_pattern(pattern, &flat);
      if (!parsed) return fail(where + ".pattern", parsed.error().message);
      // Only `*` in the last component: anything else would need a rule on
      // a directory, which reaches every file beneath it.
      bool ok = flat.components > 0, star = false;
      for (const auto& part : flat.parts) {
        if (part.kind == PatternPart::kLiteral) continue;
        star = true;
        if (part.kind != PatternPart::kStar || part.component + 1 != flat.components) ok = false;
      }
      ok = ok && star;
      if (!ok) return fail(where + ".pattern", "'" + pattern + "' is not a one-level pattern (only '*' in its last component)");
      if (!r.contains("access")) return fail(where, "missing key 'access'");
      LandlockPathSpec ps{pattern, 0};
      PROFILE_TRY(rights(r["access"], where + ".access", landlock_fs_rights(), &ps.access));
      if (ps.access & ~s.handled_fs) return fail(where + ".access", "grants a right that handled_access_fs does not list");
      if (ps.access == 0) return fail(where + ".access", "no rights");
      s.patterns.push_back(std::move(ps));
    }
  }
  if (j.contains("net_port")) {
    const auto& a = j["net_port"];
    if (!a.is_array()) return fail("net_port", "expected an array");
    if (a.size() > kMaxRules) return fail("net_port", "more than 65536 rules");
    for (size_t i = 0; i < a.size(); ++i) {
      std::string where = "net_port[" + std::to_string(i) + "]";
      const auto& r = a[i];
      if (!r.is_object()) return fail(where, "expected an object");
      if (auto k = first_unknown_key(r, {"port", "access"})) return fail(where, "unknown key '" + *k + "'");
      if (!r.contains("port") || !r["port"].is_number_integer() || r["port"].get<int64_t>() < 0 ||
          r["port"].get<int64_t>() > 65535)
        return fail(where + ".port", "expected a port number 0..65535");
      if (!r.contains("access")) return fail(where, "missing key 'access'");
      LandlockPortSpec ps{static_cast<uint64_t>(r["port"].get<int64_t>()), 0};
      PROFILE_TRY(rights(r["access"], where + ".access", landlock_net_rights(), &ps.access));
      if (ps.access & ~s.handled_net) return fail(where + ".access", "grants a right that handled_access_net does not list");
      if (ps.access == 0) return fail(where + ".access", "no rights");
      s.ports.push_back(ps);
    }
  }
  return s;
}

namespace {

// `path` is `area` or lies beneath it.
bool beneath(const std::string& path, const std::string& area) {
  if (area == "/") return !path.empty() && path[0] == '/';
  return path == area || (path.size() > area.size() && path.compare(0, area.size(), area) == 0 && path[area.size()] == '/');
}

// Entries of `dir` (name, is a directory), reached without following any
// symlink, and without symlinks among them: a rule through one is never
// applied (see apply_landlock). Empty when it cannot be read.
std::vector<std::pair<std::string, bool>> list_directory(const std::string& dir) {
  std::vector<std::pair<std::string, bool>> out;
  open_how how{};
  how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  int fd = static_cast<int>(syscall(SYS_openat2, AT_FDCWD, dir.c_str(), &how, sizeof how));
  if (fd < 0) return out;
  DIR* d = fdopendir(fd);
  if (d == nullptr) {
    close(fd);
    return out;
  }
  while (struct dirent* e = readdir(d)) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    struct stat st;
    if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISLNK(st.st_mode)) continue;
    out.emplace_back(e->d_name, S_ISDIR(st.st_mode));
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

// A sensitive path as it exists here, with the rights no rule above it may
// carry to it (read_dir stays: it shows names only, and every directory on
// the way needs it).
struct Sensitive {
  std::string path;
  uint64_t rights = 0;
};

std::vector<Sensitive> concrete_sensitive(uint64_t read_class, uint64_t read_dir_bit) {
  std::vector<Sensitive> out;
  uint64_t all = ~read_dir_bit, writes = ~read_class;
  for (const auto& s : sensitive_paths()) {
    if (!s.landlock) continue;
    uint64_t rights = s.writes_only ? writes : all;
    if (strchr(s.pattern, '*') == nullptr) {
      // Listed whether or not it exists here: the workload's mounts may have it.
      out.push_back({s.pattern, rights});
      continue;
    }
    glob_t g{};
    if (glob(s.pattern, GLOB_NOSORT, nullptr, &g) == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) out.push_back({g.gl_pathv[i], rights});
    globfree(&g);
  }
  return out;
}

// Grants `moved` on every entry of `dir` except the sensitive paths in
// `below` (which get only the rights not sensitive for them), descending
// into the directories on the way to them.
Status split_around(const std::string& dir, uint64_t moved, const std::vector<const Sensitive*>& below,
                    std::vector<LandlockPathSpec>* out, size_t* budget) {
  for (const auto& [name, is_dir] : list_directory(dir)) {
    std::string path = (dir == "/" ? "" : dir) + "/" + name;
    uint64_t access = moved;
    bool descend = false;
    for (const auto* sp : below) {
      if (sp->path == path) access &= ~sp->rights;
      else if (beneath(sp->path, path)) descend = true;
    }
    if (descend && is_dir) {
      PROFILE_TRY(split_around(path, access, below, out, budget));
      continue;
    }
    if (access == 0) continue;
    if ((*budget)-- == 0)
      return make_error("landlock: keeping sensitive paths out of the rule on " + dir + " needs more than 65536 rules");
    out->push_back({path, access});
  }
  return {};
}

}  // namespace

Result<LandlockPlan> plan_landlock(const LandlockSpec& spec, int abi, std::vector<std::string>* notes) {
  if (abi <= 0) return make_error("this kernel has no Landlock");
  LandlockPlan plan;
  plan.abi = abi;
  uint64_t fs_ok = mask_up_to(landlock_fs_rights(), abi);
  uint64_t net_ok = mask_up_to(landlock_net_rights(), abi);
  uint64_t scope_ok = mask_up_to(landlock_scopes(), abi);
  std::string lost = dropped(landlock_fs_rights(), spec.handled_fs, abi);
  std::string lost_net = dropped(landlock_net_rights(), spec.handled_net, abi);
  std::string lost_scope = dropped(landlock_scopes(), spec.scoped, abi);
  for (const auto& l : {lost, lost_net, lost_scope})
    if (!l.empty()) notes->push_back("landlock: kernel ABI " + std::to_string(abi) + " cannot enforce: " + l);
  if (abi < 2 && (spec.handled_fs & bit_of(landlock_fs_rights(), "refer")))
    notes->push_back("landlock: ABI 1 denies every rename or link across directories");
  plan.handled_fs = spec.handled_fs & fs_ok;
  plan.handled_net = spec.handled_net & net_ok;
  plan.scoped = spec.scoped & scope_ok;
  plan.file_rights = file_mask();
  uint64_t exec_bit = bit_of(landlock_fs_rights(), "execute");
  uint64_t read_bit = bit_of(landlock_fs_rights(), "read_file");
  uint64_t read_dir_bit = bit_of(landlock_fs_rights(), "read_dir");
  uint64_t read_class = exec_bit | read_bit | read_dir_bit;
  uint64_t modify_class = spec.handled_fs & ~read_class & ~bit_of(landlock_fs_rights(), "ioctl_dev");
  std::vector<LandlockPathSpec> paths = spec.paths;
  size_t budget = kMaxRules > paths.size() ? kMaxRules - paths.size() : 0;  // rules patterns and splits may add
  // One-level patterns become rules on the matching entries, never on the
  // directory (a rule there would reach every file beneath it).
  std::set<std::string> literal;  // paths the file names in a rule of their own
  for (const auto& p : spec.paths) literal.insert(p.path);
  size_t excluded = 0;
  std::string excluded_list;
  auto exclude = [&](const std::string& path) {
    if (++excluded <= 5) excluded_list += (excluded_list.empty() ? "" : ", ") + path;
  };
  FlatPattern flat;
  for (const auto& pat : spec.patterns) {
    PROFILE_TRY(parse_path_pattern(pat.path, &flat));
    std::string dir = fixed_prefix(flat);
    auto listing = list_directory(dir);
    for (const auto& [name, is_dir] : listing) {
      if (!component_matches(flat, flat.components - 1, name)) continue;
      std::string path = (dir == "/" ? "" : dir) + "/" + name;
      uint64_t access = pat.access & (is_dir ? read_dir_bit : file_mask());
      if (!literal.count(path)) {
        if (const SensitivePath* sp = sensitive_entry(path, (access & modify_class) != 0)) {
          access &= sp->writes_only ? read_class : 0;
          exclude(path);
        }
      }
      if (access == 0) continue;
      if (budget-- == 0) return make_error("landlock: path_pattern " + pat.path + ": more than 65536 rules in all");
      paths.push_back({path, access});
    }
  }
  // A rule on a directory above a sensitive path would reach it: the rights
  // that matter there move down to the directory's other entries. Entries
  // made later under a directory on the way get only the other rights.
  std::vector<Sensitive> sensitive = concrete_sensitive(read_class, read_dir_bit);
  std::vector<LandlockPathSpec> split;
  for (auto& p : paths) {
    std::vector<const Sensitive*> below;
    uint64_t moved = 0;
    for (const auto& sp : sensitive)
      if (sp.path != p.path && beneath(sp.path, p.path) && (p.access & sp.rights) && !literal.count(sp.path)) {
        below.push_back(&sp);
        moved |= p.access & sp.rights;
      }
    if (below.empty()) continue;
    for (const auto* sp : below) exclude(sp->path);
    PROFILE_TRY(split_around(p.path, moved, below, &split, &budget));
    p.access &= ~moved;
  }
  for (auto& p : split) paths.push_back(std::move(p));
  if (excluded > 0)
    notes->push_back("landlock: " + std::to_string(excluded) + " sensitive path(s) kept out of pattern and directory rules (only a rule naming them grants them): " +
                     excluded_list + (excluded > 5 ? ", ..." : ""));

  // Interpreters of executable file rules get execute + read_file, the way
  // execve opens them (scripts' interpreters may have their own, so follow a
  // few levels). Both recorders see what execve opened, so a recorded
  // profile has its interpreters already; this serves profiles recorded
  // before they did and hand-written ones. A "#!" line or PT_INTERP is
  // only believed when the workload cannot have written it: no rule lets it
  // modify the file or a directory above it. Otherwise a workload that may
  // write a script it runs writes "#!/" and gets all of "/" at the next run.
  std::set<std::string> interps;
  std::set<std::string> untrusted;
  // Rights that change an existing file's content or put another file in
  // its place (making a new entry alone cannot replace one).
  uint64_t rewrite = spec.handled_fs & (bit_of(landlock_fs_rights(), "write_file") | bit_of(landlock_fs_rights(), "truncate") |
                                        bit_of(landlock_fs_rights(), "remove_file") | bit_of(landlock_fs_rights(), "remove_dir") |
                                        bit_of(landlock_fs_rights(), "refer"));
  auto may_modify = [&](const std::string& path) {
    for (const auto& p : paths)
      if ((p.access & rewrite) && beneath(path, p.path)) return true;
    return false;
  };
  if (spec.handled_fs & exec_bit) {
    std::vector<std::string> frontier;
    for (const auto& p : paths)
      if (p.access & exec_bit) frontier.push_back(p.path);
    for (int depth = 0; depth < 4 && !frontier.empty(); ++depth) {
      std::vector<std::string> next;
      for (const auto& exe : frontier) {
        if (may_modify(exe)) {
          // Read only to say so: directories and plain files name nothing.
          if (!exec_interpreter(exe).empty()) untrusted.insert(exe);
          continue;
        }
        std::string in = exec_interpreter(exe);
        if (in.empty()) continue;
        // Rules are opened without following symlinks (see apply_landlock):
        // /lib64/ld-linux-x86-64.so.2 is one on most systems.
        char* real = realpath(in.c_str(), nullptr);
        if (real == nullptr) continue;
        in = real;
        free(real);
        struct stat st;
        // A directory would give everything beneath it; only a program file
        // can be an interpreter.
        if (stat(in.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || sensitive_entry(in, false)) {
          notes->push_back("landlock: " + exe + " names " + in + " as its interpreter, which is not a regular program file outside the sensitive paths: not granted");
          continue;
        }
        if (!interps.insert(in).second) continue;
        paths.push_back({in, (exec_bit | read_bit) & spec.handled_fs});
        next.push_back(in);
      }
      frontier = std::move(next);
    }
  }
  if (!interps.empty()) {
    std::string list;
    for (const auto& i : interps) list += (list.empty() ? "" : ", ") + i;
    notes->push_back("landlock: execute granted on the interpreter(s) execve opens: " + list);
  }
  if (!untrusted.empty()) {
    std::string list;
    for (const auto& i : untrusted) list += (list.empty() ? "" : ", ") + i;
    notes->push_back("landlock: the workload may modify " + list +
                     ", so the interpreter it names (\"#!\" or ELF) is granted only if the profile names it");
  }
  size_t missing = 0;
  std::string missing_list;
  auto names = std::make_shared<std::vector<std::string>>();
  std::vector<uint64_t> rights;
  for (const auto& p : paths) {
    uint64_t access = p.access & plan.handled_fs;
    struct stat st;
    if (stat(p.path.c_str(), &st) != 0) {
      // Absent here; it may exist in the workload's mounts (a --rootfs, a
      // secret). Absent there too, it gets no rule: only stricter.
      if (++missing <= 5) missing_list += (missing_list.empty() ? "" : ", ") + p.path;
    } else if (!S_ISDIR(st.st_mode)) {
      // Directory-only rights on a file are refused by the kernel (EINVAL);
      // the child checks again in its own mounts.
      access &= file_mask();
    }
    if (access == 0) continue;
    names->push_back(p.path);
    rights.push_back(access);
  }
  for (size_t i = 0; i < names->size(); ++i) plan.paths.push_back({(*names)[i].c_str(), rights[i]});
  plan.names = std::move(names);
  if (missing > 0)
    notes->push_back("landlock: " + std::to_string(missing) + " path(s) of the policy do not exist on the host (they get a rule only if the sandbox has them): " +
                     missing_list + (missing > 5 ? ", ..." : ""));
  for (const auto& p : spec.ports) {
    uint64_t access = p.access & plan.handled_net;
    if (access != 0) plan.ports.push_back({p.port, access});
  }
  return plan;
}

Result<LandlockPlan> load_landlock_file(const std::string& path, std::vector<std::string>* notes) {
  auto text = read_text_file(path, 16 << 20);
  if (!text) return text.error();
  auto spec = parse_landlock_json(*text, path);
  if (!spec) return spec.error();
  return plan_landlock(*spec, landlock_abi(), notes);
}

uint64_t landlock_rights_for_access(uint32_t access) {
  using namespace landlock_bit;
  uint64_t r = 0;
  if (access & PROFILE_ACCESS_READ) r |= kReadFile;
  if (access & PROFILE_ACCESS_LIST) r |= kReadDir;
  if (access & (PROFILE_ACCESS_WRITE | PROFILE_ACCESS_APPEND)) r |= kWriteFile;
  if (access & PROFILE_ACCESS_CREATE) r |= kMakeReg;
  if (access & PROFILE_ACCESS_DELETE) r |= kRemoveFile;
  if (access & PROFILE_ACCESS_EXECUTE) r |= kExecute;
  return r;
}

uint64_t landlock_plan_refuses(const LandlockPlan& plan, const std::string& path, uint64_t needed) {
  using namespace landlock_bit;
  needed &= plan.handled_fs;
  if (needed == 0 || path.empty() || path[0] != '/') return 0;
  const uint64_t on_parent = kMakeReg | kRemoveFile | kMakeDir | kRemoveDir;
  std::string parent = path.substr(0, path.find_last_of('/'));
  if (parent.empty()) parent = "/";
  uint64_t granted_self = 0, granted_parent = 0;
  for (const auto& r : plan.paths) {
    std::string rp = r.path;
    if (beneath(path, rp)) granted_self |= r.access;
    if (beneath(parent, rp)) granted_parent |= r.access;
  }
  return (needed & ~on_parent & ~granted_self) | (needed & on_parent & ~granted_parent);
}

bool landlock_plan_refuses_port(const LandlockPlan& plan, uint64_t port, uint64_t access) {
  if ((plan.handled_net & access) == 0) return false;
  for (const auto& r : plan.ports)
    if (r.port == port && (r.access & access) == access) return false;
  return true;
}

int apply_landlock(const LandlockPlan& plan, const char** step) noexcept {
  RulesetAttr attr{plan.handled_fs, plan.handled_net, plan.scoped};
  // Older kernels reject a larger struct with non-zero tail fields; pass the
  // size of the ABI in use.
  size_t size = plan.abi >= 6 ? sizeof(RulesetAttr) : plan.abi >= 4 ? 2 * sizeof(uint64_t) : sizeof(uint64_t);
  *step = "landlock: create ruleset";
  int rfd = static_cast<int>(syscall(__NR_landlock_create_ruleset, &attr, size, 0));
  if (rfd < 0) return errno;
  *step = "landlock: add path rule";
  for (const auto& r : plan.paths) {
    // No symlink is followed on the way to a rule's path: a directory the
    // workload could write (in an earlier run) replaced by a symlink must not
    // carry its rights to wherever the link points. Recorded paths are
    // canonical already.
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    int fd = static_cast<int>(syscall(SYS_openat2, AT_FDCWD, r.path, &how, sizeof how));
    if (fd < 0 && errno == ELOOP) continue;  // through a symlink: no rule, only stricter
    if (fd < 0) {
      // Not in this mount namespace, or out of reach with the capabilities
      // kept: no rule, so no access beneath it (only ever stricter).
      if (errno == ENOENT || errno == ENOTDIR || errno == EACCES) continue;
      int e = errno;
      close(rfd);
      *step = "landlock: open rule path";
      return e;
    }
    uint64_t access = r.access;
    struct stat st;
    if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode)) access &= plan.file_rights;
    PathBeneathAttr pb{access, fd};
    int rc = access == 0 ? 0 : static_cast<int>(syscall(__NR_landlock_add_rule, rfd, kRulePathBeneath, &pb, 0));
    int e = errno;
    close(fd);
    if (rc != 0) {
      close(rfd);
      return e;
    }
  }
  *step = "landlock: add port rule";
  for (const auto& r : plan.ports) {
    NetPortAttr np{r.access, r.port};
    if (syscall(__NR_landlock_add_rule, rfd, kRuleNetPort, &np, 0) != 0) {
      int e = errno;
      close(rfd);
      return e;
    }
  }
  *step = "no_new_privs";
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    int e = errno;
    close(rfd);
    return e;
  }
  *step = "landlock: restrict self";
  if (syscall(__NR_landlock_restrict_self, rfd, 0) != 0) {
    int e = errno;
    close(rfd);
    return e;
  }
  close(rfd);
  return 0;
}

}  // namespace profile

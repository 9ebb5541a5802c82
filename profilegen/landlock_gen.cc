#include "profilegen/landlock_gen.h"

#include <cstring>
#include <map>
#include <set>

#include "core/landlock_abi.h"
#include "profilegen/files.h"
#include "profilegen/json_writer.h"
#include "profilegen/policy.h"

namespace profile {

namespace {

using namespace landlock_bit;

std::string parent_dir(const std::string& path) {
  auto s = path.find_last_of('/');
  if (s == 0 || s == std::string::npos) return "/";
  return path.substr(0, s);
}

constexpr uint64_t kReadRights = kExecute | kReadFile | kReadDir;

// no_directory_grant (policy.h): there a created, removed or linked path
// gets only its own file rights, when it exists as enforce starts; a
// hand-written pattern on a directory below (`/etc/app/**`) grants more.

// A pattern whose only wildcards are `*` in its last component: it names
// entries of one directory, never anything beneath them.
bool one_level(const FlatPattern& p) {
  if (p.components == 0) return false;
  bool wild = false;
  for (const auto& part : p.parts) {
    if (part.kind == PatternPart::kLiteral) continue;
    if (part.kind != PatternPart::kStar || part.component + 1 != p.components) return false;
    wild = true;
  }
  return wild;
}

// `dir/**`: a double star as the whole last component.
bool tree_rule(const FlatPattern& p) {
  if (p.components < 2 || p.parts.empty()) return false;
  const auto& last = p.parts.back();
  return last.kind == PatternPart::kDoubleStar && last.component + 1 == p.components &&
         (p.parts.size() < 2 || p.parts[p.parts.size() - 2].component != last.component);
}

// Every component but the `**` is literal.
bool literal_root(const FlatPattern& p) {
  for (size_t i = 0; i + 1 < p.parts.size(); ++i)
    if (p.parts[i].kind != PatternPart::kLiteral) return false;
  return true;
}

bool under(const std::string& path, const std::string& area) {
  return path == area || (path.size() > area.size() && path.compare(0, area.size(), area) == 0 && path[area.size()] == '/');
}

}  // namespace

Result<std::string> render_landlock(const Profile& p) {
  std::map<std::string, uint64_t> rules;  // directory or file -> rights
  std::map<std::string, uint64_t> entry_rules;  // one-level pattern -> rights on its matching entries
  std::set<std::string> notes;
  bool lock_or_chmod = false, mmap = false, literal_read = false;

  // Rules come mostly in path order, so most insertions are at the end:
  // the hint saves a search through tens of thousands of long keys.
  auto grant = [&rules](const std::string& path) -> uint64_t& { return rules.try_emplace(rules.end(), path)->second; };
  auto note = [&notes](std::string n) { notes.emplace_hint(notes.end(), std::move(n)); };
  FlatPattern comps;
  for (const auto& [pat, names] : p.files) {
    auto bits = access_from_names(names);
    if (!bits) return with_context(bits.error(), "files " + pat);
    uint32_t b = *bits;
    auto parsed = parse_path_pattern(pat, &comps);
    if (!parsed) return with_context(parsed.error(), "files");
    bool literal = pattern_is_literal(comps);
    std::string prefix = fixed_prefix(comps);

    uint64_t file = 0, dir = 0;
    if (b & kAccessRead) file |= kReadFile;
    if (b & kAccessWrite) file |= kWriteFile | kTruncate;
    if (b & kAccessAppend) file |= kWriteFile;
    if (b & kAccessExecute) file |= kExecute;
    if (b & kAccessMmapExec) {
      // Landlock does not mediate mmap(PROT_EXEC); the file must be readable.
      // The dynamic loader is also opened by execve as the interpreter,
      // which Landlock checks as execute.
      file |= kReadFile;
      mmap = true;
      std::string base = prefix.substr(prefix.find_last_of('/') + 1);
      if (literal && base.compare(0, 3, "ld-") == 0) file |= kExecute;
    }
    if ((b & (kAccessRead | kAccessWrite)) && under(prefix, "/dev")) file |= kIoctlDev;
    if (b & (kAccessLock | kAccessChmod)) lock_or_chmod = true;
    // "list" marks a directory: reading it is read_dir, and read_file there
    // would open every file beneath it.
    bool is_dir = (b & kAccessList) != 0;
    if (is_dir && literal) file = kReadDir;
    // A plain open(O_RDONLY) of a directory (glibc's locale code does it) is
    // read_dir to Landlock, and a recorder may only see "read". On a literal
    // path read_dir only ever applies if it is a directory: the runner drops
    // directory rights from rules on files.
    if (literal && !is_dir && (b & kAccessRead) && !(b & kAccessCreate)) {
      file |= kReadDir;
      literal_read = true;
    }
    if (b & kAccessCreate) dir |= is_dir ? kMakeDir : kMakeReg;
    if (b & kAccessDelete) dir |= is_dir ? kRemoveDir : kRemoveFile;
    // "link" covers hard links (make_reg + refer) and symbolic links the
    // workload creates (make_sym): the recorders mark both as link.
    if (b & kAccessLink) dir |= kMakeReg | kMakeSym | kRefer;

    if (literal) {
      if (dir != 0) {
        // The file may not exist when the ruleset is built (the workload
        // creates it), so its own rights go on its directory too.
        // A directory the workload creates does not exist either when the
        // ruleset is built, so its own rights (read_dir) go there as well.
        std::string parent = parent_dir(prefix);
        if (no_directory_grant(parent)) {
          if (file != 0) grant(prefix) |= file;
          note(pat + ": created, removed or linked directly in " + escape_path_bytes(parent) +
               ": not granted on that directory (it would reach every file in it); only the path's own "
               "rights, if it exists when enforce starts");
        } else {
          grant(parent) |= dir | file;
          if (file != 0)
            note(pat + ": created, removed or linked by the workload; its rights are granted beneath " +
                 escape_path_bytes(parent));
          if (is_dir) grant(prefix) |= file;
        }
      } else {
        grant(prefix) |= file;
      }
    } else if (tree_rule(comps)) {
      // `dir/**` (a created tree, a read-only content tree): Landlock's
      // path_beneath is exactly that, for files and directories alike.
      uint64_t bits = file & ~kReadDir;
      if (b & kAccessList) bits |= kReadDir;
      if (b & kAccessCreate) bits |= kMakeReg | kMakeDir;
      if (b & kAccessDelete) bits |= kRemoveFile | kRemoveDir;
      if (b & kAccessLink) bits |= kMakeReg | kMakeSym | kRefer;
      if (const SensitivePath* s = sensitive_entry(prefix, (bits & ~kReadRights) != 0)) {
        bits &= s->writes_only ? kReadRights : 0;
        note(pat + ": not granted " + (s->writes_only ? "beyond reading " : "") + "beneath " + escape_path_bytes(prefix) +
             ", it is in the sensitive area " + s->pattern + " (only a literal rule grants there)");
      }
      if (bits == 0) continue;
      std::string root = pat.substr(0, pat.size() - 3);
      auto created = p.files.find(root);
      bool recreated = literal_root(comps) && created != p.files.end() && created->second.count("create");
      if (recreated && !no_directory_grant(parent_dir(prefix))) {
        // The tree is made by the workload, so it does not exist when the
        // ruleset is built and a rule on it would be skipped: its rights go
        // on the directory it is created in, the nearest that exists.
        std::string parent = parent_dir(prefix);
        grant(parent) |= bits | kMakeDir | kReadDir;
        note(pat + ": created by the workload during the recording; it does not exist when enforce starts, so "
             "the rights used in it are granted beneath " + escape_path_bytes(parent) + ", where it is created again");
      } else {
        grant(prefix) |= bits;
        note(pat + ": granted beneath " + escape_path_bytes(prefix) +
             ((b & kWideningWriteBits) ? "" : " for reading (a read-only tree)"));
      }
    } else if (dir == 0 && one_level(comps)) {
      // A rule on the directory would reach every file beneath it (Landlock
      // has no "direct children only"), /etc/shadow for a pattern /etc/*
      // collapsed from a few reads in /etc. The runner grants these rights
      // on the matching entries present when enforce starts instead, never
      // on sensitive ones; a directory among them gets read_dir only.
      entry_rules[pat] |= file | (is_dir ? uint64_t{kReadDir} : uint64_t{0});
      note(pat + ": granted on the matching entries of " + escape_path_bytes(prefix) + " present when enforce starts");
    } else {
      uint64_t bits = file | dir;
      // Inside a sensitive area only a literal rule grants anything.
      if (const SensitivePath* s = sensitive_entry(prefix, (bits & ~kReadRights) != 0)) {
        bits &= s->writes_only ? kReadRights : 0;
        note(pat + ": not granted " + (s->writes_only ? "beyond reading " : "") + "beneath " + escape_path_bytes(prefix) + ", it is in the sensitive area " +
             s->pattern + " (only a literal rule grants there)");
      }
      if (bits != 0) {
        grant(prefix) |= bits;
        note(pat + ": widened to everything beneath " + escape_path_bytes(prefix) + " (Landlock rules are path-beneath, without patterns)");
      }
    }
  }
  for (const auto& u : p.network.unix_sockets) {
    if (u.empty() || u[0] != '/') continue;
    std::string parent = parent_dir(u);
    rules[parent] |= kMakeSock;
    notes.insert(escape_path_bytes(u) + ": unix socket; bind may create it, so make_sock is granted beneath " +
                 escape_path_bytes(parent));
  }
  if (mmap) notes.insert("mmap-exec: Landlock does not mediate executable mappings; read_file is granted instead");
  if (literal_read)
    notes.insert("read on a named path grants read_file and read_dir; the one that does not fit the file type is dropped when enforcing");
  if (lock_or_chmod) notes.insert("lock, chmod: not mediated by Landlock (AppArmor and seccomp still apply)");

  std::map<int, uint64_t> ports;
  for (const auto& r : p.network.ports) {
    if (r.protocol != "tcp") {
      notes.insert(r.kind + " " + r.protocol + " port " + std::to_string(r.port) + ": Landlock mediates TCP only");
      continue;
    }
    if (r.kind == "connect" && r.port == 0) continue;
    ports[r.port] |= r.kind == "bind" ? kBindTcp : kConnectTcp;
  }

  uint64_t scoped = 0;
  bool abstract = false;
  for (const auto& u : p.network.unix_sockets) abstract = abstract || (!u.empty() && u[0] == '@');
  if (abstract) {
    notes.insert("abstract unix sockets are used, so they are not scoped (peers may be outside the sandbox)");
  } else {
    scoped |= 1ull << 0;
  }
  bool signals_out = false;
  for (const auto& [arch, names] : p.syscalls)
    for (const char* s : {"kill", "pidfd_send_signal", "rt_sigqueueinfo"}) signals_out = signals_out || names.count(s);
  if (signals_out) {
    notes.insert("the workload sends signals with kill() or similar, so signals are not scoped");
  } else {
    scoped |= 1ull << 1;
  }

  uint64_t handled_fs = 0;
  int abi = 1;
  for (const auto& r : landlock_fs_rights()) {
    handled_fs |= r.bit;
    abi = std::max(abi, r.min_abi);
  }
  abi = std::max(abi, 4);  // TCP ports are always handled: unrecorded ones are denied
  if (scoped) abi = std::max(abi, 6);

  // Key order is that of the ordered nlohmann document this file was
  // written from before; the writer reproduces its dump(2).
  auto names = [](JsonWriter& w, const std::vector<LandlockRight>& table, uint64_t bits) {
    w.begin_array();
    for (const auto& r : table)
      if (bits & r.bit) w.value(r.name);
    w.end_array();
  };
  JsonWriter w(1024 + 160 * rules.size());
  w.begin_object();
  w.key("schema");
  w.value(kLandlockSchema);
  w.key("abi");
  w.value(abi);
  w.key("handled_access_fs");
  names(w, landlock_fs_rights(), handled_fs);
  w.key("handled_access_net");
  names(w, landlock_net_rights(), kBindTcp | kConnectTcp);
  w.key("scoped");
  names(w, landlock_scopes(), scoped);
  w.key("path_beneath");
  w.begin_array();
  for (const auto& [path, bits] : rules) {
    if (bits == 0) continue;
    w.begin_object();
    w.key("path");
    w.value(escape_path_bytes(path));  // exact bytes, even those JSON cannot hold
    w.key("access");
    names(w, landlock_fs_rights(), bits);
    w.end_object();
  }
  w.end_array();
  if (!entry_rules.empty()) {
    // Only written when there are some: files without them stay as before.
    w.key("path_pattern");
    w.begin_array();
    for (const auto& [pattern, bits] : entry_rules) {
      if (bits == 0) continue;
      w.begin_object();
      w.key("pattern");
      w.value(pattern);
      w.key("access");
      names(w, landlock_fs_rights(), bits);
      w.end_object();
    }
    w.end_array();
  }
  w.key("net_port");
  w.begin_array();
  for (const auto& [port, bits] : ports) {
    w.begin_object();
    w.key("port");
    w.value(port);
    w.key("access");
    names(w, landlock_net_rights(), bits);
    w.end_object();
  }
  w.end_array();
  w.key("notes");
  w.string_array(notes);
  w.end_object();
  std::string out = w.take();
  out.push_back('\n');
  return out;
}

}  // namespace profile

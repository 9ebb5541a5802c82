#include "profilegen/apparmor.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "profilegen/files.h"
#include "profilegen/policy.h"

namespace profile {

namespace {

constexpr uint32_t kWriteish = kAccessWrite | kAccessAppend | kAccessCreate | kAccessDelete | kAccessChmod |
                               kAccessLink | kAccessLock;

// AppArmor 3.0 knows these socket families (the parser rejects decnet).
bool apparmor_family(const std::string& f) {
  static const char* const kKnown[] = {
      "unix", "inet", "ax25", "ipx", "appletalk", "netrom", "bridge", "atmpvc", "x25", "inet6", "rose",
      "netbeui", "security", "key", "netlink", "packet", "ash", "econet", "atmsvc", "rds", "sna", "irda",
      "pppox", "wanpipe", "llc", "ib", "mpls", "can", "tipc", "bluetooth", "iucv", "rxrpc", "isdn", "phonet",
      "ieee802154", "caif", "alg", "nfc", "vsock", "kcm", "qipcrtr", "smc", "xdp", "mctp"};
  for (const char* k : kKnown)
    if (f == k) return true;
  return false;
}
bool apparmor_type(const std::string& t) {
  for (const char* k : {"stream", "dgram", "raw", "rdm", "seqpacket", "packet"})
    if (t == k) return true;
  return false;
}

std::string quoted_name(const std::string& name) { return "\"" + apparmor_profile_name(name) + "\""; }

std::string perms(uint32_t b) {
  std::string s;
  if (b & (kAccessRead | kAccessList)) s += "r";
  if (b & (kAccessWrite | kAccessCreate | kAccessDelete | kAccessChmod)) {
    s += "w";
  } else if (b & kAccessAppend) {
    s += "a";  // 'a' and 'w' are mutually exclusive; w implies append
  }
  if (b & kAccessMmapExec) s += "m";
  if (b & kAccessExecute) s += "ix";  // children stay in this profile
  if (b & kAccessLink) s += "l";
  if (b & kAccessLock) s += "k";
  return s;
}

bool under(const std::string& path, const std::string& area) {
  return path == area || (path.size() > area.size() && path.compare(0, area.size(), area) == 0 && path[area.size()] == '/');
}

struct HardeningGroup {
  const char* area;    // rules at or under it conflict
  bool writes_only;    // only write-ish rules conflict
  std::vector<const char*> lines;
};

}  // namespace

std::string apparmor_profile_name(const std::string& name) {
  std::string out;
  // The name is also matched as a pattern (peer=...), so only characters
  // that are literal in both places are kept.
  for (char c : name.substr(0, 200)) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                c == '_' || c == '.' || c == '+' || c == '~';
    out.push_back(keep ? c : '_');
  }
  return out.empty() ? "profile" : out;
}

namespace {

// Characters of literal text AppArmor needs escaped (glob metacharacters),
// quoted (blanks, comment start, non-ASCII) or spelled as \xHH inside quotes,
// which apparmor_parser reads back as exactly that byte: control bytes, bytes
// outside valid UTF-8, and the backslash (as "\\" it breaks the rule when it
// ends a name: "/D/end\\ w," and "/D/end\\" rw," do not parse).
constexpr uint8_t kEscape = 1, kQuote = 2, kHexByte = 4;
struct GlobTable {
  uint8_t flags[256];
  constexpr GlobTable() : flags() {
    for (char c : std::string_view("*?[]{},^\"\\@")) flags[static_cast<unsigned char>(c)] = kEscape;
    flags[static_cast<unsigned char>('\\')] = kHexByte | kQuote;
    for (char c : std::string_view(" #")) flags[static_cast<unsigned char>(c)] = kQuote;
    for (int c = 0; c < 0x20; ++c) flags[c] = kHexByte | kQuote;
    flags[0x7f] = kHexByte | kQuote;
    for (int c = 0x80; c < 0x100; ++c) flags[c] = kQuote;
  }
};
constexpr GlobTable kGlob;

// Appends a parsed pattern in AppArmor glob syntax, quoted when needed.
void append_apparmor_glob(const FlatPattern& p, std::string* out) {
  const size_t start = out->size();
  bool quote = false;
  size_t comp = SIZE_MAX;
  for (const auto& part : p.parts) {
    if (part.component != comp) {
      *out += '/';
      comp = part.component;
    }
    switch (part.kind) {
      case PatternPart::kStar: *out += '*'; break;
      case PatternPart::kDoubleStar: *out += "**"; break;
      case PatternPart::kPid: *out += "@{pid}"; break;
      case PatternPart::kLiteral: {
        std::string_view t = p.literal(part);
        size_t run = 0;  // start of the characters not yet copied
        for (size_t i = 0; i < t.size(); ++i) {
          auto u = static_cast<unsigned char>(t[i]);
          uint8_t f = kGlob.flags[u];
          if (f == 0) continue;
          quote = quote || (f & kQuote);
          if (u >= 0x80) {
            size_t n = utf8_sequence_length(t, i);
            if (n > 0) {
              i += n - 1;
              continue;
            }
            f = kHexByte;
          }
          if (f & kEscape) {
            out->append(t.substr(run, i - run));
            *out += '\\';
            run = i;
          } else if (f & kHexByte) {
            static const char kHex[] = "0123456789abcdef";
            out->append(t.substr(run, i - run));
            *out += "\\x";
            out->push_back(kHex[u >> 4]);
            out->push_back(kHex[u & 0xf]);
            run = i + 1;
          }
        }
        out->append(t.substr(run));
        break;
      }
    }
  }
  if (out->size() == start) *out += '/';
  if (quote) {
    out->insert(out->begin() + static_cast<std::ptrdiff_t>(start), '"');
    *out += '"';
  }
}

void add_rule(std::string* o, const std::string& target, const std::string& perms) {
  *o += "  ";
  *o += target;
  *o += ' ';
  *o += perms;
  *o += ",\n";
}

}  // namespace

Result<std::string> apparmor_path(const std::string& pattern) {
  FlatPattern parsed;
  PROFILE_TRY(parse_path_pattern(pattern, &parsed));
  std::string out;
  append_apparmor_glob(parsed, &out);
  return out;
}

Result<std::string> render_apparmor(const Profile& p) {
  const std::string name = quoted_name(p.name);

  // Unix socket files are opened for read and write by connect()/bind().
  std::map<std::string, uint32_t> sockets;
  for (const auto& u : p.network.unix_sockets)
    if (!u.empty() && u[0] == '/') sockets[escape_pattern_literal(u)] |= kAccessRead | kAccessWrite;
  // Every file rule in pattern order: p.files merged with the socket files.
  std::vector<std::pair<const std::string*, uint32_t>> files;
  files.reserve(p.files.size() + sockets.size());
  auto sock = sockets.begin();
  for (const auto& [pat, names] : p.files) {
    auto bits = access_from_names(names);
    if (!bits) return with_context(bits.error(), "files " + pat);
    for (; sock != sockets.end() && sock->first < pat; ++sock) files.emplace_back(&sock->first, sock->second);
    if (sock != sockets.end() && sock->first == pat) *bits |= (sock++)->second;
    files.emplace_back(&pat, *bits);
  }
  for (; sock != sockets.end(); ++sock) files.emplace_back(&sock->first, sock->second);

  std::string o;
  o.reserve(4096 + 64 * files.size());
  o += "# AppArmor profile generated by `profile` from profile.json.\n";
  o += "# Regenerate it with `profile generate DIR` instead of editing it.\n";
  o += "abi <abi/3.0>,\n\ninclude <tunables/global>\n\n";
  o += "profile " + name + " flags=(attach_disconnected,mediate_deleted) {\n";
  if (files.empty()) {
    // Nothing about files was recorded (hand-written profile): the base
    // abstraction is the least a dynamically linked program needs to start.
    o += "  # No file accesses recorded: the minimum a dynamically linked program needs.\n";
    o += "  include <abstractions/base>\n\n";
  }

  if (!p.capabilities.empty()) {
    for (const auto& [cap, ev] : p.capabilities) {
      std::string lower;
      for (char c : cap) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      o += "  capability " + lower + ",";
      std::string why = cap_evidence_name(ev.kind) + (ev.reason.empty() ? "" : ": " + ev.reason);
      for (auto& ch : why)
        if (ch == '\n' || ch == '\r') ch = ' ';
      o += "  # " + why;
      o += "\n";
    }
    o += "\n";
  }

  std::set<std::string> net;
  std::vector<std::string> inexpressible;
  for (const auto& s : p.network.sockets) {
    if (!apparmor_family(s.family) || !apparmor_type(s.type)) {
      inexpressible.push_back(s.family + " " + s.type);
      continue;
    }
    net.insert("  network " + s.family + " " + s.type + ",\n");
  }
  for (const auto& l : net) o += l;
  for (const auto& x : inexpressible) o += "  # network " + x + ": not expressible in AppArmor 3.0, stays denied\n";
  if (!p.network.ports.empty()) {
    o += "  # Ports (AppArmor 3.0 has no port rules; landlock.json enforces the TCP ones):";
    for (const auto& r : p.network.ports) o += " " + r.kind + "/" + r.protocol + "/" + std::to_string(r.port);
    o += "\n";
  }
  if (!net.empty() || !inexpressible.empty() || !p.network.ports.empty()) o += "\n";

  // Signals and ptrace only among processes of this profile, plus signals
  // from the unconfined supervisor (so stop and Ctrl-C still work).
  bool traces = false;
  for (const auto& [arch, names] : p.syscalls) traces = traces || names.count("ptrace");
  o += "  signal (send, receive) peer=" + name + ",\n";
  o += "  signal (receive) peer=unconfined,\n";
  o += std::string("  ptrace (") + (traces ? "read, readby, trace, tracedby" : "read, readby") + ") peer=" + name +
       ",\n\n";

  // Docker's default hardening. A group is left out only when the recorded
  // behaviour itself needs what it denies (deny always wins in AppArmor).
  const HardeningGroup groups[] = {
      {"/proc", true,
       {"deny @{PROC}/* w,",
        "deny @{PROC}/{[^1-9/],[^1-9/][^0-9/],[^1-9s/][^0-9y/][^0-9s/],[^1-9/][^0-9/][^0-9/][^0-9/]*}/** w,",
        "deny @{PROC}/sys/[^k]** w,", "deny @{PROC}/sys/kernel/{?,??,[^s][^h][^m]**} w,"}},
      {"/proc/sysrq-trigger", false, {"deny @{PROC}/sysrq-trigger rwklx,"}},
      {"/proc/kcore", false, {"deny @{PROC}/kcore rwklx,"}},
      {"", false, {"deny mount,", "deny umount,", "deny pivot_root,"}},
      {"/sys", true,
       {"deny /sys/[^f]*/** wklx,", "deny /sys/f[^s]*/** wklx,", "deny /sys/fs/[^c]*/** wklx,",
        "deny /sys/fs/c[^g]*/** wklx,", "deny /sys/fs/cg[^r]*/** wklx,"}},
      {"/sys/firmware", false, {"deny /sys/firmware/** rwklx,"}},
      {"/sys/devices/virtual/powercap", false, {"deny /sys/devices/virtual/powercap/** rwklx,"}},
      {"/sys/kernel/security", false, {"deny /sys/kernel/security/** rwklx,"}},
  };
  constexpr size_t kGroups = sizeof(groups) / sizeof(groups[0]);
  // Per group, the fixed prefix of the first rule (in file order) that
  // conflicts with it.
  std::string conflicts[kGroups];
  std::multimap<std::string, const Widening*> widened;
  for (const auto& w : p.widenings) widened.emplace(w.rule, &w);
  FlatPattern comps;
  std::string target;  // reused from rule to rule
  for (const auto& [pat, bits] : files) {
    auto parsed = parse_path_pattern(*pat, &comps);
    if (!parsed) return with_context(parsed.error(), "files");
    const auto& parts = comps.parts;
    bool own_proc = parts.size() >= 2 && parts[0].component == 0 && parts[0].kind == PatternPart::kLiteral &&
                    comps.literal(parts[0]) == "proc" && parts[1].component == 1 &&
                    parts[1].kind == PatternPart::kPid;  // @{pid} is always a whole component
    std::string prefix = own_proc ? "/proc/@{pid}" : fixed_prefix(comps);
    for (size_t g = 0; g < kGroups; ++g) {
      if (!conflicts[g].empty() || groups[g].area[0] == '\0' || prefix == "/proc/@{pid}") continue;
      if (!under(prefix, groups[g].area) || (groups[g].writes_only && !(bits & kWriteish))) continue;
      conflicts[g] = prefix;
    }
    // A reviewer reads why a rule is wider than the recording next to it.
    for (auto w = widened.find(*pat); w != widened.end() && w->first == *pat; ++w) {
      std::string why = "  # " + w->second->kind + ": " + w->second->reason;
      for (auto& ch : why)
        if (ch == '\n' || ch == '\r') ch = ' ';
      o += why + "\n";
    }
    target.clear();
    append_apparmor_glob(comps, &target);
    bool tree = !parts.empty() && parts.back().kind == PatternPart::kDoubleStar &&
                (parts.size() < 2 || parts[parts.size() - 2].component != parts.back().component);
    if (tree) {
      // `dir/**` matches the files and the directories beneath dir alike.
      std::string pm = perms(bits);
      if (!pm.empty()) add_rule(&o, target, pm);
      continue;
    }
    if (bits & kAccessList) {
      // AppArmor matches directories with a trailing slash.
      std::string dir = target;
      if (dir.back() == '"') {
        if (dir[dir.size() - 2] != '/') dir.insert(dir.size() - 1, "/");
      } else if (dir.back() != '/') {
        dir += "/";
      }
      add_rule(&o, dir, perms(bits));
      // A pattern may stand for directories and files alike (mkdtemp and
      // mkstemp names share "tmp*"): the files need their own rule.
      uint32_t file_bits = bits & ~static_cast<uint32_t>(kAccessList);
      if (pattern_is_literal(comps) || (file_bits & ~static_cast<uint32_t>(kAccessRead)) == 0) continue;
      std::string pm = perms(file_bits);
      if (!pm.empty()) add_rule(&o, target, pm);
      continue;
    }
    std::string pm = perms(bits);
    if (pm.empty()) continue;
    add_rule(&o, target, pm);
  }

  if (auto reached = sensitive_reached(files); !reached.empty()) {
    o += "\n  # Sensitive paths a pattern above reaches but the recording never named.\n";
    for (const SensitivePath* s : reached) {
      auto glob = apparmor_path(s->pattern);
      if (!glob) return glob.error();
      const char* pm = s->writes_only ? " wkl,\n" : " rwklx,\n";
      o += "  deny " + *glob + pm + "  deny " + *glob + "/**" + pm;
    }
  }
  o += "\n  # Hardening carried over from Docker's default profile.\n";
  for (size_t gi = 0; gi < kGroups; ++gi) {
    const auto& g = groups[gi];
    const std::string& conflict = conflicts[gi];
    if (!conflict.empty()) {
      o += "  # omitted (the recorded workload uses " + conflict + "):";
      for (const char* l : g.lines) o += std::string(" ") + l;
      o += "\n";
      continue;
    }
    for (const char* l : g.lines) o += std::string("  ") + l + "\n";
  }
  o += "}\n";
  return o;
}

}  // namespace profile

#include "profilegen/profile_yaml.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <map>
#include <memory>
#include <sstream>
#include <utility>

#include "core/names.h"
#include "core/path_pattern.h"

namespace profile {

namespace {

// profile.yaml is shallow (top / add|remove / kind / entry / list): a deeper
// document is not one of ours, and a bound keeps hostile nesting cheap.
constexpr int kMaxDepth = 8;
constexpr size_t kMaxReasonBytes = 4096;
constexpr size_t kMaxNameBytes = 256;

// The document as a tree with the line of every node. Built from the
// parser's events rather than YAML::Node so that aliases (whose expansion
// is unbounded), repeated keys and tags are refused where they appear.
struct YNode {
  enum Kind { kNull, kScalar, kSeq, kMap } kind = kNull;
  int line = 0;          // 1-based
  bool plain = false;    // an unquoted scalar (numbers must be plain)
  std::string text;      // kScalar
  std::vector<std::unique_ptr<YNode>> items;                            // kSeq
  std::vector<std::pair<std::string, std::unique_ptr<YNode>>> entries;  // kMap, in document order
};

class TreeBuilder : public YAML::EventHandler {
 public:
  explicit TreeBuilder(std::string origin) : origin_(std::move(origin)) {}

  std::unique_ptr<YNode> root;
  std::optional<Error> error;
  int documents = 0;

  void OnDocumentStart(const YAML::Mark&) override { ++documents; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t a) override {
    auto n = node(YNode::kNull, m, a, "");
    if (n) add(std::move(n));
  }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override {
    fail(m, "aliases (*name) are not accepted: write each entry out");
  }
  void OnScalar(const YAML::Mark& m, const std::string& tag, YAML::anchor_t a, const std::string& value) override {
    auto n = node(YNode::kScalar, m, a, tag == "?" ? "" : tag);
    if (!n) return;
    n->plain = tag == "?";
    n->text = value;
    add(std::move(n));
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t a,
                       YAML::EmitterStyle::value) override {
    open(node(YNode::kSeq, m, a, tag == "?" ? "" : tag), m);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t a, YAML::EmitterStyle::value) override {
    open(node(YNode::kMap, m, a, tag == "?" ? "" : tag), m);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    std::unique_ptr<YNode> n;
    std::optional<std::string> key;  // kMap: the key waiting for its value
    int key_line = 0;
  };

  void fail(const YAML::Mark& m, const std::string& why) {
    if (!error) error = make_error(origin_ + ":" + std::to_string(m.line + 1) + ": " + why);
  }
  std::unique_ptr<YNode> node(YNode::Kind k, const YAML::Mark& m, YAML::anchor_t anchor, const std::string& tag) {
    if (error) return nullptr;
    if (anchor != YAML::NullAnchor) {
      fail(m, "anchors (&name) are not accepted: write each entry out");
      return nullptr;
    }
    // "!" is the tag of a quoted scalar; any other is an explicit tag.
    if (!tag.empty() && tag != "!") {
      fail(m, "tags are not accepted (" + quote_value(tag) + ")");
      return nullptr;
    }
    auto n = std::make_unique<YNode>();
    n->kind = k;
    n->line = m.line + 1;
    return n;
  }
  void open(std::unique_ptr<YNode> n, const YAML::Mark& m) {
    if (!n) {
      ++ignored_;  // keeps the matching close() from popping a real frame
      return;
    }
    if (stack_.size() >= static_cast<size_t>(kMaxDepth)) {
      fail(m, "nested deeper than " + std::to_string(kMaxDepth) + " levels");
      ++ignored_;
      return;
    }
    stack_.push_back(Open{std::move(n), std::nullopt, 0});
  }
  void close() {
    if (ignored_ > 0) {
      --ignored_;
      return;
    }
    if (stack_.empty()) return;
    auto n = std::move(stack_.back().n);
    stack_.pop_back();
    add(std::move(n));
  }
  void add(std::unique_ptr<YNode> n) {
    if (error || ignored_ > 0) return;
    if (stack_.empty()) {
      if (!root) root = std::move(n);
      return;
    }
    Open& top = stack_.back();
    if (top.n->kind == YNode::kSeq) {
      top.n->items.push_back(std::move(n));
      return;
    }
    if (!top.key) {
      if (n->kind != YNode::kScalar) {
        error = make_error(origin_ + ":" + std::to_string(n->line) + ": a key must be a plain name");
        return;
      }
      for (const auto& [k, v] : top.n->entries)
        if (k == n->text) {
          error = make_error(origin_ + ":" + std::to_string(n->line) + ": key " + quote_value(n->text) +
                             " repeated (first on line " + std::to_string(v->line) + ")");
          return;
        }
      top.key = std::move(n->text);
      top.key_line = n->line;
      return;
    }
    top.n->entries.emplace_back(std::move(*top.key), std::move(n));
    top.key.reset();
  }

  std::string origin_;
  std::vector<Open> stack_;
  int ignored_ = 0;
};

// Reads the tree with messages that name the file and the line.
class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  Error fail(int line, const std::string& why) const {
    return make_error(printable_message(origin_ + ":" + std::to_string(line) + ": " + why));
  }
  Error fail(const YNode& n, const std::string& why) const { return fail(n.line, why); }

  static const char* kind_name(const YNode& n) {
    switch (n.kind) {
      case YNode::kNull: return "nothing";
      case YNode::kScalar: return "a single value";
      case YNode::kSeq: return "a list";
      case YNode::kMap: return "a mapping";
    }
    return "?";
  }

  Status expect(const YNode& n, YNode::Kind k, const std::string& what, const std::string& field) const {
    if (n.kind == k) return {};
    return fail(n, field + ": expected " + what + ", found " + kind_name(n));
  }

  // Checks the keys of a mapping: every key known, the required ones there.
  Status keys(const YNode& n, const std::string& field, const std::vector<std::string>& allowed,
              const std::vector<std::string>& required) const {
    PROFILE_TRY(expect(n, YNode::kMap, "a mapping", field));
    for (const auto& [k, v] : n.entries) {
      bool known = false;
      for (const auto& a : allowed) known = known || a == k;
      if (!known) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        return fail(*v, field + ": unknown key " + quote_value(k) + " (expected " + list + ")");
      }
    }
    for (const auto& r : required)
      if (!find(n, r)) return fail(n, field + ": missing " + quote_value(r));
    return {};
  }

  static const YNode* find(const YNode& map, const std::string& key) {
    for (const auto& [k, v] : map.entries)
      if (k == key) return v.get();
    return nullptr;
  }

  // A string that goes into profile.json and messages: valid UTF-8, bounded.
  Result<std::string> str(const YNode& n, const std::string& field, size_t max_bytes) const {
    PROFILE_TRY(expect(n, YNode::kScalar, "a string", field));
    if (n.text.size() > max_bytes)
      return fail(n, field + ": " + quote_value(n.text) + " is longer than " + std::to_string(max_bytes) + " bytes");
    for (size_t i = 0; i < n.text.size();) {
      size_t len = utf8_sequence_length(n.text, i);
      if (len == 0 || n.text[i] == '\0') return fail(n, field + ": " + quote_value(n.text) + " is not valid UTF-8 text");
      i += len;
    }
    return n.text;
  }

  Result<int> integer(const YNode& n, const std::string& field, int lo, int hi) const {
    PROFILE_TRY(expect(n, YNode::kScalar, "a number", field));
    bool digits = n.plain && !n.text.empty() && n.text.size() <= 9;
    for (char c : n.text) digits = digits && c >= '0' && c <= '9';
    if (!digits) return fail(n, field + ": " + quote_value(n.text) + " is not a whole number");
    int v = std::stoi(n.text);
    if (v < lo || v > hi)
      return fail(n, field + ": " + n.text + " is out of range (" + std::to_string(lo) + " to " + std::to_string(hi) + ")");
    return v;
  }

  // A non-empty list of strings, each once.
  Result<std::set<std::string>> names(const YNode& n, const std::string& field) const {
    PROFILE_TRY(expect(n, YNode::kSeq, "a list", field));
    if (n.items.empty()) return fail(n, field + ": the list is empty");
    std::set<std::string> out;
    for (const auto& item : n.items) {
      PROFILE_TRY(s, str(*item, field, kMaxNameBytes));
      if (!out.insert(s).second) return fail(*item, field + ": " + quote_value(s) + " is listed twice");
    }
    return out;
  }

  Result<std::string> reason(const YNode& entry, const std::string& field) const {
    const YNode* r = find(entry, "reason");
    PROFILE_TRY(s, str(*r, field + ".reason", kMaxReasonBytes));
    bool blank = true;
    for (char c : s) blank = blank && (c == ' ' || c == '\t' || c == '\n' || c == '\r');
    if (blank) return fail(*r, field + ".reason: empty; say why this entry is needed");
    return s;
  }

 private:
  std::string origin_;
};

Status read_files(const Reader& rd, const YNode& list, const std::string& field, bool adding,
                  std::vector<YamlFileEntry>* out) {
  PROFILE_TRY(rd.expect(list, YNode::kSeq, "a list", field));
  FlatPattern parsed;
  for (const auto& item : list.items) {
    const YNode& e = *item;
    if (adding)
      PROFILE_TRY(rd.keys(e, field, {"path", "access", "reason"}, {"path", "access", "reason"}));
    else
      PROFILE_TRY(rd.keys(e, field, {"path", "access", "reason"}, {"path", "reason"}));
    YamlFileEntry f;
    f.line = e.line;
    const YNode* pn = Reader::find(e, "path");
    PROFILE_TRY(path, rd.str(*pn, field + ".path", kMaxPatternBytes));
    auto ok = parse_path_pattern(path, &parsed);
    if (!ok) return rd.fail(*pn, field + ".path: " + ok.error().message);
    uint32_t bits = 0;
    if (const YNode* an = Reader::find(e, "access")) {
      PROFILE_TRY(acc, rd.names(*an, field + ".access"));
      for (const auto& a : acc) {
        auto bit = access_from_name(a);
        if (!bit) return rd.fail(*an, field + ".access: " + bit.error().message);
        bits |= *bit;
      }
      f.access = std::move(acc);
    }
    // The same rule as profile.json: a literal path is the user's explicit
    // choice, a wildcard that writes must not widen to a system directory.
    if (adding) {
      ok = check_pattern_scope(parsed, bits);
      if (!ok) return rd.fail(*pn, field + ".path: " + quote_value(path) + ": " + ok.error().message);
    }
    f.path = std::move(path);
    PROFILE_TRY(reason, rd.reason(e, field));
    f.reason = std::move(reason);
    out->push_back(std::move(f));
  }
  return {};
}

Status read_syscalls(const Reader& rd, const YNode& list, const std::string& field,
                     std::vector<YamlSyscallEntry>* out) {
  PROFILE_TRY(rd.expect(list, YNode::kSeq, "a list", field));
  for (const auto& item : list.items) {
    const YNode& e = *item;
    PROFILE_TRY(rd.keys(e, field, {"names", "arch", "reason"}, {"names", "reason"}));
    YamlSyscallEntry s;
    s.line = e.line;
    if (const YNode* an = Reader::find(e, "arch")) {
      PROFILE_TRY(arch, rd.str(*an, field + ".arch", kMaxNameBytes));
      // Also one seccomp.json can name: the profile must stay renderable.
      auto oci = arch_to_oci(arch);
      if (!oci) return rd.fail(*an, field + ".arch: " + oci.error().message);
      s.arch = std::move(arch);
    }
    const YNode* nn = Reader::find(e, "names");
    PROFILE_TRY(names, rd.names(*nn, field + ".names"));
    // Without an arch a name must exist on some architecture (a typo is
    // caught here, with its line); apply_profile_yaml checks it against each
    // architecture of the profile.
    for (const auto& n : names) {
      if (!s.arch.empty()) {
        auto nr = syscall_number(s.arch, n);
        if (!nr) return rd.fail(*nn, field + ".names: " + nr.error().message);
        continue;
      }
      bool known = false;
      for (const auto& a : oci_arches())
        known = known || (a.in_profiles && syscall_number(a.lib, n).ok());
      if (!known) return rd.fail(*nn, field + ".names: unknown syscall " + quote_value(n) + " on every architecture");
    }
    s.names = std::move(names);
    PROFILE_TRY(reason, rd.reason(e, field));
    s.reason = std::move(reason);
    out->push_back(std::move(s));
  }
  return {};
}

Status read_ports(const Reader& rd, const YNode& list, const std::string& field, std::vector<YamlPortEntry>* out) {
  PROFILE_TRY(rd.expect(list, YNode::kSeq, "a list", field));
  for (const auto& item : list.items) {
    const YNode& e = *item;
    PROFILE_TRY(rd.keys(e, field, {"kind", "protocol", "port", "reason"}, {"kind", "protocol", "port", "reason"}));
    YamlPortEntry p;
    p.line = e.line;
    const YNode* kn = Reader::find(e, "kind");
    PROFILE_TRY(kind, rd.str(*kn, field + ".kind", kMaxNameBytes));
    if (kind != "bind" && kind != "connect")
      return rd.fail(*kn, field + ".kind: unknown kind " + quote_value(kind) + " (bind or connect)");
    const YNode* pn = Reader::find(e, "protocol");
    PROFILE_TRY(proto, rd.str(*pn, field + ".protocol", kMaxNameBytes));
    if (proto != "tcp" && proto != "udp")
      return rd.fail(*pn, field + ".protocol: unknown protocol " + quote_value(proto) + " (tcp or udp)");
    PROFILE_TRY(port, rd.integer(*Reader::find(e, "port"), field + ".port", 0, 65535));
    p.rule.kind = kind;
    p.rule.protocol = proto;
    p.rule.port = port;
    PROFILE_TRY(reason, rd.reason(e, field));
    p.reason = std::move(reason);
    out->push_back(std::move(p));
  }
  return {};
}

Status read_sockets(const Reader& rd, const YNode& list, const std::string& field, bool adding,
                    std::vector<YamlSocketEntry>* out) {
  PROFILE_TRY(rd.expect(list, YNode::kSeq, "a list", field));
  for (const auto& item : list.items) {
    const YNode& e = *item;
    if (adding)
      PROFILE_TRY(rd.keys(e, field, {"family", "type", "protocol", "reason"}, {"family", "type", "reason"}));
    else
      PROFILE_TRY(rd.keys(e, field, {"family", "type", "protocol", "reason"}, {"family", "reason"}));
    YamlSocketEntry s;
    s.line = e.line;
    const YNode* fn = Reader::find(e, "family");
    PROFILE_TRY(fam, rd.str(*fn, field + ".family", kMaxNameBytes));
    auto fnum = family_number(fam);
    if (!fnum) return rd.fail(*fn, field + ".family: " + fnum.error().message);
    s.family = std::move(fam);
    if (const YNode* tn = Reader::find(e, "type")) {
      PROFILE_TRY(type, rd.str(*tn, field + ".type", kMaxNameBytes));
      auto tnum = socket_type_number(type);
      if (!tnum) return rd.fail(*tn, field + ".type: " + tnum.error().message);
      s.type = std::move(type);
    }
    if (const YNode* pn = Reader::find(e, "protocol")) {
      PROFILE_TRY(proto, rd.integer(*pn, field + ".protocol", 0, 65535));
      s.protocol = proto;
    }
    PROFILE_TRY(reason, rd.reason(e, field));
    s.reason = std::move(reason);
    out->push_back(std::move(s));
  }
  return {};
}

Status read_capabilities(const Reader& rd, const YNode& list, const std::string& field,
                         std::vector<YamlCapabilityEntry>* out) {
  PROFILE_TRY(rd.expect(list, YNode::kSeq, "a list", field));
  for (const auto& item : list.items) {
    const YNode& e = *item;
    PROFILE_TRY(rd.keys(e, field, {"name", "reason"}, {"name", "reason"}));
    YamlCapabilityEntry c;
    c.line = e.line;
    const YNode* nn = Reader::find(e, "name");
    PROFILE_TRY(name, rd.str(*nn, field + ".name", kMaxNameBytes));
    auto norm = normalise_cap_name(name);
    if (!norm) return rd.fail(*nn, field + ".name: " + norm.error().message);
    c.name = std::move(*norm);
    PROFILE_TRY(reason, rd.reason(e, field));
    c.reason = std::move(reason);
    out->push_back(std::move(c));
  }
  return {};
}

Status read_changes(const Reader& rd, const YNode& n, const std::string& field, bool adding, ProfileChanges* out) {
  PROFILE_TRY(rd.keys(n, field, {"files", "syscalls", "ports", "sockets", "capabilities"}, {}));
  for (const auto& [k, v] : n.entries) {
    std::string f = field + "." + k;
    if (k == "files") PROFILE_TRY(read_files(rd, *v, f, adding, &out->files));
    if (k == "syscalls") PROFILE_TRY(read_syscalls(rd, *v, f, &out->syscalls));
    if (k == "ports") PROFILE_TRY(read_ports(rd, *v, f, &out->ports));
    if (k == "sockets") PROFILE_TRY(read_sockets(rd, *v, f, adding, &out->sockets));
    if (k == "capabilities") PROFILE_TRY(read_capabilities(rd, *v, f, &out->capabilities));
  }
  return {};
}

// Widening rules, spelled as docs/policy.md gives them.
std::string syscall_rule(const std::string& arch, const std::string& name) { return "syscall " + arch + " " + name; }
std::string capability_rule(const std::string& name) { return "capability " + name; }
std::string port_rule(const PortRule& r) { return "port " + r.kind + " " + r.protocol + " " + std::to_string(r.port); }
std::string socket_rule(const SocketRule& r) {
  return "socket " + r.family + " " + r.type + " " + std::to_string(r.protocol);
}

// One thing both added and removed is a contradiction the reader of the
// file cannot resolve; refused, naming both lines.
Status check_contradictions(const Reader& rd, const ProfileYaml& y) {
  for (const auto& a : y.add.files)
    for (const auto& r : y.remove.files)
      if (a.path == r.path)
        return rd.fail(r.line, "remove.files: " + quote_value(r.path) + " is also added (line " +
                                   std::to_string(a.line) + ")");
  for (const auto& a : y.add.syscalls)
    for (const auto& r : y.remove.syscalls)
      for (const auto& n : r.names)
        if (a.names.count(n) && (a.arch.empty() || r.arch.empty() || a.arch == r.arch))
          return rd.fail(r.line, "remove.syscalls: " + quote_value(n) + " is also added (line " +
                                     std::to_string(a.line) + ")");
  for (const auto& a : y.add.ports)
    for (const auto& r : y.remove.ports)
      if (a.rule == r.rule)
        return rd.fail(r.line, "remove.ports: " + r.rule.kind + " " + r.rule.protocol + " " +
                                   std::to_string(r.rule.port) + " is also added (line " + std::to_string(a.line) + ")");
  for (const auto& a : y.add.sockets)
    for (const auto& r : y.remove.sockets)
      if (a.family == r.family && (r.type.empty() || r.type == a.type) &&
          (!r.protocol || *r.protocol == a.protocol.value_or(0)))
        return rd.fail(r.line, "remove.sockets: " + quote_value(a.family) + " sockets are also added (line " +
                                   std::to_string(a.line) + ")");
  for (const auto& a : y.add.capabilities)
    for (const auto& r : y.remove.capabilities)
      if (a.name == r.name)
        return rd.fail(r.line, "remove.capabilities: " + quote_value(r.name) + " is also added (line " +
                                   std::to_string(a.line) + ")");
  return {};
}

}  // namespace

Result<ProfileYaml> parse_profile_yaml(const std::string& text, const std::string& origin) {
  if (text.size() > kMaxProfileYamlBytes)
    return make_error(origin + ": larger than " + std::to_string(kMaxProfileYamlBytes) + " bytes");
  TreeBuilder tree(origin);
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    while (!tree.error && parser.HandleNextDocument(tree)) {
      if (tree.documents > 1) return make_error(origin + ": more than one YAML document ('---'): write one");
    }
  } catch (const YAML::Exception& e) {
    return make_error(printable_message(origin + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg));
  }
  if (tree.error) return Error{printable_message(tree.error->message), tree.error->exit_code};
  ProfileYaml y;
  y.origin = origin;
  // An empty file (or only comments) changes nothing.
  if (!tree.root || tree.root->kind == YNode::kNull) return y;
  Reader rd(origin);
  PROFILE_TRY(rd.keys(*tree.root, "profile.yaml", {"add", "remove"}, {}));
  if (const YNode* a = Reader::find(*tree.root, "add")) PROFILE_TRY(read_changes(rd, *a, "add", true, &y.add));
  if (const YNode* r = Reader::find(*tree.root, "remove"))
    PROFILE_TRY(read_changes(rd, *r, "remove", false, &y.remove));
  PROFILE_TRY(check_contradictions(rd, y));
  return y;
}

Result<Profile> apply_profile_yaml(const Profile& in, const ProfileYaml& y, std::vector<std::string>* notes) {
  Reader rd(y.origin);
  Profile p = in;
  auto note = [&](int line, const std::string& what) {
    if (notes != nullptr)
      notes->push_back(printable_message(y.origin + ":" + std::to_string(line) + ": " + what +
                                         ": not in the profile, nothing removed"));
  };
  std::vector<std::string> arches;
  for (const auto& [arch, names] : in.syscalls)
    if (!names.empty()) arches.push_back(arch);

  // A removed rule is no longer granted: its widening would tell a
  // reviewer otherwise.
  auto drop_widenings = [&](const std::string& rule) {
    for (auto w = p.widenings.begin(); w != p.widenings.end();)
      w = w->rule == rule ? p.widenings.erase(w) : std::next(w);
  };
  for (const auto& r : y.remove.files) {
    auto it = p.files.find(r.path);
    if (it == p.files.end()) {
      note(r.line, "file rule " + quote_value(r.path));
      continue;
    }
    if (r.access.empty()) {
      p.files.erase(it);
      drop_widenings(r.path);
      continue;
    }
    size_t removed = 0;
    for (const auto& a : r.access) removed += it->second.erase(a);
    if (removed == 0) note(r.line, "access of " + quote_value(r.path));
    if (it->second.empty()) {
      p.files.erase(it);
      drop_widenings(r.path);
    }
  }
  for (const auto& r : y.remove.syscalls) {
    for (const auto& name : r.names) {
      bool removed = false;
      for (auto& [arch, names] : p.syscalls) {
        if (!r.arch.empty() && arch != r.arch) continue;
        if (names.erase(name) == 0) continue;
        removed = true;
        drop_widenings(syscall_rule(arch, name));
        // Argument rules of a syscall that is no longer allowed mean nothing.
        for (auto a = p.args.begin(); a != p.args.end();)
          a = a->arch == arch && a->syscall == name ? p.args.erase(a) : std::next(a);
      }
      if (!removed) note(r.line, "syscall " + quote_value(name) + (r.arch.empty() ? "" : " on " + r.arch));
    }
  }
  for (const auto& r : y.remove.ports) {
    if (p.network.ports.erase(r.rule) == 0) note(r.line, port_rule(r.rule));
    drop_widenings(port_rule(r.rule));
  }
  for (const auto& r : y.remove.sockets) {
    size_t removed = 0;
    for (auto s = p.network.sockets.begin(); s != p.network.sockets.end();) {
      bool match = s->family == r.family && (r.type.empty() || s->type == r.type) &&
                   (!r.protocol || s->protocol == *r.protocol);
      if (match) {
        ++removed;
        drop_widenings(socket_rule(*s));
      }
      s = match ? p.network.sockets.erase(s) : std::next(s);
    }
    if (removed == 0) note(r.line, "socket family " + quote_value(r.family));
  }
  for (const auto& r : y.remove.capabilities) {
    if (p.capabilities.erase(r.name) == 0) note(r.line, "capability " + r.name);
    drop_widenings(capability_rule(r.name));
  }

  // Every addition is listed as a "manual" widening with the user's reason
  // (the current one: an edited reason replaces the one a previous run
  // wrote), so a reviewer of profile.json sees what was added by hand.
  auto manual = [&](const std::string& rule, const std::string& reason) {
    Widening probe;
    probe.kind = "manual";
    probe.rule = rule;
    p.widenings.erase(probe);
    add_widening(&p, "manual", rule, reason, {});
  };

  for (const auto& a : y.add.files) {
    p.files[a.path].insert(a.access.begin(), a.access.end());
    manual(a.path, a.reason);
  }
  for (const auto& a : y.add.syscalls) {
    std::vector<std::string> targets = a.arch.empty() ? arches : std::vector<std::string>{a.arch};
    if (targets.empty())
      return rd.fail(a.line, "add.syscalls: the profile has no architecture yet; name one with 'arch:'");
    for (const auto& arch : targets)
      for (const auto& name : a.names) {
        auto nr = syscall_number(arch, name);
        if (!nr) return rd.fail(a.line, "add.syscalls.names: " + nr.error().message);
      }
    for (const auto& arch : targets)
      for (const auto& name : a.names) {
        p.syscalls[arch].insert(name);
        manual(syscall_rule(arch, name), a.reason);
      }
  }
  for (const auto& a : y.add.ports) {
    p.network.ports.insert(a.rule);
    manual(port_rule(a.rule), a.reason);
  }
  for (const auto& a : y.add.sockets) {
    SocketRule r{a.family, a.type, a.protocol.value_or(0)};
    p.network.sockets.insert(r);
    manual(socket_rule(r), a.reason);
  }
  for (const auto& a : y.add.capabilities) {
    p.capabilities.emplace(a.name, CapEvidence{CapEvidenceKind::kManual, a.reason});
    manual(capability_rule(a.name), a.reason);
  }
  return p;
}

}  // namespace profile

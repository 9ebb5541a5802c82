// profile.json: the canonical writer and the strict reader, side by side so
// that a key added to one is seen next to the other.
#include "profilegen/profile.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "core/json_read.h"
#include "profilegen/files.h"
#include "profilegen/json_writer.h"
#include "profilegen/runtime_sets.h"

namespace profile {

using nlohmann::json;

std::string profile_to_json(const Profile& p) {
  // Keys in the sorted order of a nlohmann::json object, which wrote this
  // file before (and whose dump(2) the writer reproduces).
  JsonWriter w(256 + 96 * p.files.size());
  w.begin_object();
  w.key("arguments");
  w.begin_array();
  for (const auto& r : p.args) {
    w.begin_object();
    w.key("arch");
    w.value(r.arch);
    w.key("index");
    w.value(r.index);
    w.key("syscall");
    w.value(r.syscall);
    w.key("values");
    w.begin_array();
    for (uint64_t v : r.values) w.value(v);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("capabilities");
  w.begin_array();
  for (const auto& [name, ev] : p.capabilities) {
    w.begin_object();
    w.key("evidence");
    w.value(cap_evidence_name(ev.kind));
    w.key("name");
    w.value(name);
    w.key("reason");
    w.value(ev.reason);
    w.end_object();
  }
  w.end_array();
  w.key("files");
  w.begin_array();
  for (const auto& [path, acc] : p.files) {
    w.begin_object();
    w.key("access");
    w.string_array(acc);
    w.key("path");
    w.value(path);
    w.end_object();
  }
  w.end_array();
  w.key("name");
  w.value(p.name);
  w.key("network");
  w.begin_object();
  w.key("ports");
  w.begin_array();
  for (const auto& r : p.network.ports) {
    w.begin_object();
    w.key("kind");
    w.value(r.kind);
    w.key("port");
    w.value(r.port);
    w.key("protocol");
    w.value(r.protocol);
    w.end_object();
  }
  w.end_array();
  w.key("sockets");
  w.begin_array();
  for (const auto& s : p.network.sockets) {
    w.begin_object();
    w.key("family");
    w.value(s.family);
    w.key("protocol");
    w.value(s.protocol);
    w.key("type");
    w.value(s.type);
    w.end_object();
  }
  w.end_array();
  w.key("unix");
  // Socket paths are the workload's exact bytes, which JSON may not hold.
  w.begin_array();
  for (const auto& u : p.network.unix_sockets) w.value(escape_path_bytes(u));
  w.end_array();
  w.end_object();
  w.key("recording");
  w.begin_object();
  w.key("complete");
  w.value(p.recording.complete);
  w.key("lost_events");
  w.value(p.recording.lost_events);
  w.key("tracer");
  w.value(p.recording.tracer);
  w.end_object();
  // Only present when chosen, so that older profiles read as they always have.
  if (!p.runtimes.empty()) {
    w.key("runtime");
    w.string_array(p.runtimes);
  }
  w.key("schema");
  w.value(p.schema);
  // Only present when chosen, like "runtime".
  if (p.strict_args) {
    w.key("strict_args");
    w.value(true);
  }
  w.key("syscalls");
  w.begin_object();
  for (const auto& [arch, names] : p.syscalls) {
    w.key(arch);
    w.string_array(names);
  }
  w.end_object();
  // Only present when something was widened, so that a profile without
  // widenings reads as it always has.
  if (!p.widenings.empty()) {
    w.key("widenings");
    w.begin_array();
    for (const auto& wd : p.widenings) {
      w.begin_object();
      w.key("evidence");
      w.begin_array();
      for (const auto& e : wd.evidence) w.value(escape_path_bytes(e));
      w.end_array();
      w.key("kind");
      w.value(wd.kind);
      w.key("reason");
      w.value(wd.reason);
      w.key("rule");
      w.value(escape_path_bytes(wd.rule));
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
  std::string out = w.take();
  out.push_back('\n');
  return out;
}

namespace {

// Where a value is in the document, for error messages. An element of a
// long array is named by its index and only spelled out on failure: a
// profile may have tens of thousands of file rules.
class Where {
 public:
  Where(std::string text) : text_(std::move(text)) {}  // NOLINT: implicit by design
  Where(const char* text) : text_(text) {}              // NOLINT
  Where(const char* array, size_t index, const char* field) : array_(array), index_(index), field_(field) {}
  std::string str() const {
    if (array_ == nullptr) return text_;
    return std::string(array_) + "[" + std::to_string(index_) + "]" + field_;
  }

 private:
  std::string text_;
  const char* array_ = nullptr;
  size_t index_ = 0;
  const char* field_ = "";
};

// Strict accessors: every failure names the JSON path.
class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  // Values in `where` and `what` come from the file: the message is made
  // printable as a whole, whatever a caller forgot to quote.
  Error fail(const Where& where, const std::string& what) const {
    return make_error(printable_message(origin_ + ": " + where.str() + ": " + what));
  }
  Status keys(const json& obj, const Where& where, std::initializer_list<const char*> allowed,
              std::initializer_list<const char*> required = {}) const {
    if (!obj.is_object()) return fail(where, "expected an object, got " + std::string(obj.type_name()));
    if (auto k = first_unknown_key(obj, allowed)) return fail(where, "unknown key " + quote_value(*k));
    for (const char* r : required)
      if (!obj.contains(r)) return fail(where, std::string("missing key '") + r + "'");
    return {};
  }
  Result<std::string> str(const json& v, const Where& where, size_t max_bytes = 4096) const {
    if (!v.is_string()) return fail(where, "expected a string, got " + std::string(v.type_name()));
    std::string s = v.get<std::string>();
    if (s.size() > max_bytes) return fail(where, "string longer than " + std::to_string(max_bytes) + " bytes");
    if (s.find('\0') != std::string::npos) return fail(where, "string contains a NUL byte");
    return s;
  }
  Result<int64_t> integer(const json& v, const Where& where, int64_t lo, int64_t hi) const {
    if (!v.is_number_integer()) return fail(where, "expected an integer, got " + std::string(v.type_name()));
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
      return fail(where, "integer out of range");
    int64_t n = v.get<int64_t>();
    if (n < lo || n > hi) return fail(where, "integer " + std::to_string(n) + " out of range");
    return n;
  }
  Result<uint64_t> u64(const json& v, const Where& where) const {
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
      return fail(where, "expected a non-negative integer");
    return v.get<uint64_t>();
  }
  Result<bool> boolean(const json& v, const Where& where) const {
    if (!v.is_boolean()) return fail(where, "expected true or false, got " + std::string(v.type_name()));
    return v.get<bool>();
  }
  Status array(const json& v, const Where& where) const {
    if (!v.is_array()) return fail(where, "expected an array, got " + std::string(v.type_name()));
    if (v.size() > 1000000) return fail(where, "array too long");
    return {};
  }
  const std::string& origin() const { return origin_; }

 private:
  std::string origin_;
};

}  // namespace

Result<Profile> profile_from_json(const std::string& text, const std::string& origin) {
  Reader rd(origin);
  StrictJson doc = parse_json_strict(text, "profile");
  if (doc.duplicate_at)
    return rd.fail(*doc.duplicate_at, "duplicate key " + quote_value(doc.duplicate_key) + " (each key may appear once)");
  if (!doc.ok) return make_error(printable_message(origin + ": invalid JSON: " + doc.syntax_error));
  json& j = doc.value;
  PROFILE_TRY(rd.keys(j, "profile",
                      {"schema", "name", "syscalls", "arguments", "files", "network", "capabilities",
                       "recording", "runtime", "strict_args", "widenings"},
                      {"schema", "name", "syscalls"}));
  Profile p;
  PROFILE_TRY(schema, rd.integer(j["schema"], "schema", 0, 1000));
  if (schema != kProfileSchema)
    return rd.fail("schema", "unsupported schema " + std::to_string(schema) + " (this build reads " +
                                 std::to_string(kProfileSchema) + ")");
  PROFILE_TRY(name, rd.str(j["name"], "name"));
  p.name = name;
  if (!j["syscalls"].is_object()) return rd.fail("syscalls", "expected an object of arch -> names");
  for (const auto& [arch, names] : j["syscalls"].items()) {
    std::string where = "syscalls." + arch;
    auto ok = check_arch(arch);
    if (!ok) return rd.fail(where, ok.error().message);
    PROFILE_TRY(rd.array(names, where));
    auto& set = p.syscalls[arch];
    for (size_t i = 0; i < names.size(); ++i) {
      PROFILE_TRY(n, rd.str(names[i], where + "[" + std::to_string(i) + "]"));
      auto nr = syscall_number(arch, n);
      if (!nr) return rd.fail(where, nr.error().message);
      set.insert(n);
    }
  }
  if (j.contains("arguments")) {
    PROFILE_TRY(rd.array(j["arguments"], "arguments"));
    for (size_t i = 0; i < j["arguments"].size(); ++i) {
      const auto& a = j["arguments"][i];
      std::string where = "arguments[" + std::to_string(i) + "]";
      PROFILE_TRY(rd.keys(a, where, {"arch", "syscall", "index", "values"}, {"arch", "syscall", "index", "values"}));
      ArgRule r;
      PROFILE_TRY(arch, rd.str(a["arch"], where + ".arch"));
      auto ok = check_arch(arch);
      if (!ok) return rd.fail(where, ok.error().message);
      PROFILE_TRY(sc, rd.str(a["syscall"], where + ".syscall"));
      auto nr = syscall_number(arch, sc);
      if (!nr) return rd.fail(where, nr.error().message);
      PROFILE_TRY(idx, rd.integer(a["index"], where + ".index", 0, 5));
      PROFILE_TRY(rd.array(a["values"], where + ".values"));
      for (const auto& v : a["values"]) {
        PROFILE_TRY(u, rd.u64(v, where + ".values"));
        r.values.insert(u);
      }
      r.arch = arch;
      r.syscall = sc;
      r.index = static_cast<int>(idx);
      if (p.args.count(r)) return rd.fail(where, "duplicate rule for " + sc + " argument " + std::to_string(idx));
      p.args.insert(r);
    }
  }
  // Every pattern is checked here, so a bad one is reported against
  // profile.json and its JSON path, not against the file rendered from it.
  FlatPattern parsed;  // reused from rule to rule
  auto check_rule = [&](const std::string& pattern, uint32_t bits, size_t i) -> Status {
    auto ok = parse_path_pattern(pattern, &parsed);
    if (ok) ok = check_pattern_scope(parsed, bits);
    if (!ok) return rd.fail(Where("files", i, ".path"), ok.error().message);
    return {};
  };
  if (j.contains("files")) {
    const auto& files = j["files"];
    PROFILE_TRY(rd.array(files, "files"));
    for (size_t i = 0; i < files.size(); ++i) {
      const auto& f = files[i];
      PROFILE_TRY(rd.keys(f, Where("files", i, ""), {"path", "access"}, {"path", "access"}));
      PROFILE_TRY(path, rd.str(f["path"], Where("files", i, ".path"), kMaxPatternBytes));
      if (path.empty() || path[0] != '/')
        return rd.fail(Where("files", i, ".path"), "path " + quote_value(path) + " is not absolute");
      const Where access_where("files", i, ".access");
      PROFILE_TRY(rd.array(f["access"], access_where));
      // profile_to_json writes the rules sorted: each new one goes at the end.
      auto rule = p.files.try_emplace(p.files.end(), std::move(path));
      uint32_t bits = 0;
      for (const auto& a : f["access"]) {
        PROFILE_TRY(an, rd.str(a, access_where));
        auto bit = access_from_name(an);
        if (!bit) return rd.fail(access_where, bit.error().message);
        bits |= *bit;
        rule->second.insert(std::move(an));
      }
      PROFILE_TRY(check_rule(rule->first, bits, i));
    }
  }
  if (j.contains("network")) {
    const auto& n = j["network"];
    PROFILE_TRY(rd.keys(n, "network", {"sockets", "ports", "unix"}));
    if (n.contains("sockets")) {
      PROFILE_TRY(rd.array(n["sockets"], "network.sockets"));
      for (size_t i = 0; i < n["sockets"].size(); ++i) {
        const auto& s = n["sockets"][i];
        std::string where = "network.sockets[" + std::to_string(i) + "]";
        PROFILE_TRY(rd.keys(s, where, {"family", "type", "protocol"}, {"family", "type"}));
        SocketRule r;
        PROFILE_TRY(fam, rd.str(s["family"], where + ".family"));
        auto fn = family_number(fam);
        if (!fn) return rd.fail(where, fn.error().message);
        PROFILE_TRY(type, rd.str(s["type"], where + ".type"));
        auto tn = socket_type_number(type);
        if (!tn) return rd.fail(where, tn.error().message);
        if (s.contains("protocol")) {
          PROFILE_TRY(proto, rd.integer(s["protocol"], where + ".protocol", 0, 65535));
          r.protocol = static_cast<int>(proto);
        }
        r.family = fam;
        r.type = type;
        p.network.sockets.insert(r);
      }
    }
    if (n.contains("ports")) {
      PROFILE_TRY(rd.array(n["ports"], "network.ports"));
      for (size_t i = 0; i < n["ports"].size(); ++i) {
        const auto& s = n["ports"][i];
        std::string where = "network.ports[" + std::to_string(i) + "]";
        PROFILE_TRY(rd.keys(s, where, {"kind", "protocol", "port"}, {"kind", "protocol", "port"}));
        PortRule r;
        PROFILE_TRY(kind, rd.str(s["kind"], where + ".kind"));
        if (kind != "bind" && kind != "connect") return rd.fail(where + ".kind", "unknown kind " + quote_value(kind));
        PROFILE_TRY(proto, rd.str(s["protocol"], where + ".protocol"));
        if (proto != "tcp" && proto != "udp")
          return rd.fail(where + ".protocol", "unknown protocol " + quote_value(proto));
        PROFILE_TRY(port, rd.integer(s["port"], where + ".port", 0, 65535));
        r.kind = kind;
        r.protocol = proto;
        r.port = static_cast<int>(port);
        p.network.ports.insert(r);
      }
    }
    if (n.contains("unix")) {
      PROFILE_TRY(rd.array(n["unix"], "network.unix"));
      for (const auto& u : n["unix"]) {
        PROFILE_TRY(s, rd.str(u, "network.unix", kMaxPatternBytes));
        if (s.empty()) return rd.fail("network.unix", "empty socket path");
        auto exact = unescape_path_bytes(s);
        if (!exact) return rd.fail("network.unix", exact.error().message);
        p.network.unix_sockets.insert(std::move(*exact));
      }
    }
  }
  if (j.contains("capabilities")) {
    PROFILE_TRY(rd.array(j["capabilities"], "capabilities"));
    for (size_t i = 0; i < j["capabilities"].size(); ++i) {
      const auto& c = j["capabilities"][i];
      std::string where = "capabilities[" + std::to_string(i) + "]";
      PROFILE_TRY(rd.keys(c, where, {"name", "evidence", "reason"}, {"name"}));
      PROFILE_TRY(cname, rd.str(c["name"], where + ".name"));
      auto norm = normalise_cap_name(cname);
      if (!norm) return rd.fail(where, norm.error().message);
      CapEvidence ev;
      if (c.contains("evidence")) {
        PROFILE_TRY(k, rd.str(c["evidence"], where + ".evidence"));
        auto kind = cap_evidence_from_name(k);
        if (!kind) return rd.fail(where + ".evidence", "unknown evidence " + quote_value(k));
        ev.kind = *kind;
      }
      if (c.contains("reason")) {
        PROFILE_TRY(r, rd.str(c["reason"], where + ".reason"));
        ev.reason = r;
      }
      p.capabilities[*norm] = ev;
    }
  }
  if (j.contains("recording")) {
    const auto& r = j["recording"];
    PROFILE_TRY(rd.keys(r, "recording", {"tracer", "complete", "lost_events"}));
    if (r.contains("tracer")) {
      PROFILE_TRY(t, rd.str(r["tracer"], "recording.tracer"));
      p.recording.tracer = t;
    }
    if (r.contains("complete")) {
      PROFILE_TRY(c, rd.boolean(r["complete"], "recording.complete"));
      p.recording.complete = c;
    }
    if (r.contains("lost_events")) {
      PROFILE_TRY(l, rd.u64(r["lost_events"], "recording.lost_events"));
      p.recording.lost_events = l;
    }
  }
  if (j.contains("runtime")) {
    PROFILE_TRY(rd.array(j["runtime"], "runtime"));
    for (size_t i = 0; i < j["runtime"].size(); ++i) {
      std::string where = "runtime[" + std::to_string(i) + "]";
      PROFILE_TRY(r, rd.str(j["runtime"][i], where));
      const auto& known = runtime_names();
      if (std::find(known.begin(), known.end(), r) == known.end())
        return rd.fail(where, "unknown container runtime " + quote_value(r) + " (known: crun, runc)");
      if (!p.runtimes.insert(r).second) return rd.fail(where, "repeats " + quote_value(r));
    }
  }
  if (j.contains("strict_args")) {
    PROFILE_TRY(b, rd.boolean(j["strict_args"], "strict_args"));
    p.strict_args = b;
  }
  if (j.contains("widenings")) {
    PROFILE_TRY(rd.array(j["widenings"], "widenings"));
    for (size_t i = 0; i < j["widenings"].size(); ++i) {
      const auto& wj = j["widenings"][i];
      std::string where = "widenings[" + std::to_string(i) + "]";
      PROFILE_TRY(rd.keys(wj, where, {"kind", "rule", "reason", "evidence"}, {"kind", "rule", "reason"}));
      PROFILE_TRY(kind, rd.str(wj["kind"], where + ".kind"));
      if (!is_widening_kind(kind)) return rd.fail(where + ".kind", "unknown widening kind " + quote_value(kind));
      PROFILE_TRY(rule, rd.str(wj["rule"], where + ".rule"));
      auto exact_rule = unescape_path_bytes(rule);
      if (!exact_rule) return rd.fail(where + ".rule", exact_rule.error().message);
      PROFILE_TRY(reason, rd.str(wj["reason"], where + ".reason"));
      std::vector<std::string> evidence;
      if (wj.contains("evidence")) {
        PROFILE_TRY(rd.array(wj["evidence"], where + ".evidence"));
        if (wj["evidence"].size() > kMaxWideningEvidence)
          return rd.fail(where + ".evidence", "more than " + std::to_string(kMaxWideningEvidence) + " entries");
        for (size_t k = 0; k < wj["evidence"].size(); ++k) {
          PROFILE_TRY(e, rd.str(wj["evidence"][k], where + ".evidence[" + std::to_string(k) + "]"));
          auto exact = unescape_path_bytes(e);
          if (!exact) return rd.fail(where + ".evidence", exact.error().message);
          evidence.push_back(std::move(*exact));
        }
      }
      Widening probe;
      probe.kind = kind;
      probe.rule = *exact_rule;
      if (p.widenings.count(probe)) return rd.fail(where, "repeats kind " + quote_value(kind) + " and rule " + quote_value(rule));
      add_widening(&p, kind, *exact_rule, reason, evidence);
    }
  }
  return p;
}

}  // namespace profile

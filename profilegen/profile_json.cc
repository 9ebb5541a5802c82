// profile.json: the canonical writer and the strict reader, side by side so
// that a key added to one is seen next to the other.
#include "profilegen/profile.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

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
    w.value(ev.kind);
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
    for (const auto& [k, v] : obj.items()) {
      bool known = false;
      for (const char* a : allowed) known = known || k == a;
      if (!known) return fail(where, "unknown key " + quote_value(k));
    }
    for (const char* r : required)
      if (!obj.contains(r)) return fail(where, std::string("missing key '") + r + "'");
    return {};
  }
  Result<std::string> str(const json& v, const Where& where, size_t max_bytes = 4096) const {
    if (!v.is_string()) return fail(where, "expected a string, got " + std::string(v.type_name()));
    return checked(v.get<std::string>(), where, max_bytes);
  }
  // The checks of str() on a value already known to be a string.
  Result<std::string> checked(std::string s, const Where& where, size_t max_bytes = 4096) const {
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
    return length(v.size(), where);
  }
  // The length check of array() on a value already known to be an array.
  Status length(size_t n, const Where& where) const {
    if (n > 1000000) return fail(where, "array too long");
    return {};
  }
  const std::string& origin() const { return origin_; }

 private:
  std::string origin_;
};

// One element of the files array as profile_to_json writes it.
struct FileRecord {
  std::string path;
  std::vector<std::string> access;
};

// Builds the document of profile.json, except that the elements of the
// top-level "files" array go straight into records instead of a tree of
// tens of thousands of small objects (the document keeps an empty array).
// Only the shape profile_to_json writes is taken: objects with exactly a
// "path" string and an "access" array of strings. On anything else it stops
// (the parse returns false) and the caller parses the whole text into a
// document, so every error is reported exactly as it always was.
class FilesFastPath {
 public:
  FilesFastPath(json* root, std::vector<FileRecord>* files) : dom_(*root), files_(files) {}

  bool null() { return in_files_ ? false : (files_key_ = false, dom_.null()); }
  bool boolean(bool v) { return in_files_ ? false : (files_key_ = false, dom_.boolean(v)); }
  bool number_integer(json::number_integer_t v) { return in_files_ ? false : (files_key_ = false, dom_.number_integer(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return in_files_ ? false : (files_key_ = false, dom_.number_unsigned(v)); }
  bool number_float(json::number_float_t v, const std::string& s) {
    return in_files_ ? false : (files_key_ = false, dom_.number_float(v, s));
  }
  bool binary(json::binary_t& v) { return in_files_ ? false : (files_key_ = false, dom_.binary(v)); }
  bool string(std::string& v) {
    if (!in_files_) return files_key_ = false, dom_.string(v);
    if (state_ == kPathValue) {
      files_->back().path = std::move(v);
      state_ = kInRecord;
      return true;
    }
    if (state_ != kInAccess) return false;
    files_->back().access.push_back(std::move(v));
    return true;
  }
  bool start_object(std::size_t n) {
    if (!in_files_) {
      files_key_ = false;
      ++depth_;
      keys_.emplace_back();
      return dom_.start_object(n);
    }
    if (state_ != kBetween) return false;
    files_->emplace_back();
    state_ = kInRecord;
    seen_path_ = seen_access_ = false;
    return true;
  }
  bool key(std::string& k) {
    if (!in_files_) {
      files_key_ = depth_ == 1 && k == "files";
      // A repeated key is an error, reported with its place by the full
      // parse ("files" is not in keys_: its array is not kept).
      if (files_key_ && seen_files_) return false;
      if (!files_key_ && !keys_.back().insert(k).second) return false;
      return dom_.key(k);
    }
    if (state_ != kInRecord) return false;
    if (k == "path" && !seen_path_) {
      seen_path_ = true;
      state_ = kPathValue;
      return true;
    }
    if (k == "access" && !seen_access_) {
      seen_access_ = true;
      state_ = kAccessValue;
      return true;
    }
    return false;
  }
  bool end_object() {
    if (!in_files_) {
      --depth_;
      keys_.pop_back();
      return dom_.end_object();
    }
    if (state_ != kInRecord || !seen_path_ || !seen_access_) return false;
    state_ = kBetween;
    return true;
  }
  bool start_array(std::size_t n) {
    if (!in_files_) {
      if (files_key_) {
        files_key_ = false;
        seen_files_ = in_files_ = true;
        state_ = kBetween;
        return dom_.start_array(0);
      }
      ++depth_;
      return dom_.start_array(n);
    }
    if (state_ != kAccessValue) return false;
    state_ = kInAccess;
    return true;
  }
  bool end_array() {
    if (!in_files_) {
      --depth_;
      return dom_.end_array();
    }
    if (state_ == kInAccess) {
      state_ = kInRecord;
      return true;
    }
    if (state_ != kBetween) return false;
    in_files_ = false;
    return dom_.end_array();
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }

 private:
  enum State { kBetween, kInRecord, kPathValue, kAccessValue, kInAccess };
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::vector<FileRecord>* files_;
  int depth_ = 0;           // open containers of the document
  std::vector<std::set<std::string>> keys_;  // per open object of the document
  bool files_key_ = false;  // the last event was the top-level key "files"
  bool seen_files_ = false;
  bool in_files_ = false;
  State state_ = kBetween;
  bool seen_path_ = false, seen_access_ = false;
};

// A path pattern spells a byte in up to four characters.
constexpr size_t kMaxPatternText = 4 * 4096;

// The whole document, refusing a key repeated in one object (nlohmann would
// keep the last value, so a reviewer and the tool could read different
// rules). On a repeat, `duplicate` names the JSON path and the key.
class StrictDom {
 public:
  explicit StrictDom(json* root) : dom_(*root) {}

  bool null() { return value(), dom_.null(); }
  bool boolean(bool v) { return value(), dom_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return value(), dom_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return value(), dom_.number_unsigned(v); }
  bool number_float(json::number_float_t v, const std::string& t) { return value(), dom_.number_float(v, t); }
  bool binary(json::binary_t& v) { return value(), dom_.binary(v); }
  bool string(std::string& v) { return value(), dom_.string(v); }
  bool start_object(std::size_t n) {
    value();
    frames_.push_back({true, {}, 0, {}});
    return dom_.start_object(n);
  }
  bool key(std::string& k) {
    auto& f = frames_.back();
    if (!f.keys.insert(k).second) {
      duplicate_at = path(frames_.size() - 1);
      duplicate_key = k;
      return false;
    }
    f.key = k;
    return dom_.key(k);
  }
  bool end_object() {
    frames_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t n) {
    value();
    frames_.push_back({false, {}, 0, {}});
    return dom_.start_array(n);
  }
  bool end_array() {
    frames_.pop_back();
    return dom_.end_array();
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    error = e.what();
    return false;
  }

  std::string duplicate_at, duplicate_key;  // set when a key repeats
  std::string error;      // set on a syntax error

 private:
  struct Frame {
    bool object;
    std::string key;         // object: the last key
    size_t next;             // array: elements begun so far
    std::set<std::string> keys;
  };
  void value() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().next;
  }
  // The JSON path of the first `n` open containers, as Where spells it.
  std::string path(size_t n) const {
    std::string out;
    for (size_t i = 0; i < n; ++i) {
      const Frame& f = frames_[i];
      if (f.object) {
        if (!out.empty()) out += '.';
        out += f.key;
      } else {
        out += "[" + std::to_string(f.next - 1) + "]";
      }
    }
    return out.empty() ? "profile" : out;
  }

  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::vector<Frame> frames_;
};

}  // namespace

Result<Profile> profile_from_json(const std::string& text, const std::string& origin) {
  Reader rd(origin);
  json j;
  std::vector<FileRecord> fast_files;
  FilesFastPath fast(&j, &fast_files);
  bool fast_read = false;
  try {
    fast_read = json::sax_parse(text, &fast);
  } catch (const json::exception&) {
    // Reported by the full parse below.
  }
  if (!fast_read) {
    fast_files.clear();
    j = json();
    StrictDom strict(&j);
    bool parsed = false;
    try {
      parsed = json::sax_parse(text, &strict);
    } catch (const json::exception& e) {
      if (strict.error.empty()) strict.error = e.what();
    }
    if (!strict.duplicate_at.empty())
      return rd.fail(strict.duplicate_at, "duplicate key " + quote_value(strict.duplicate_key) + " (each key may appear once)");
    if (!parsed) return make_error(printable_message(origin + ": invalid JSON: " + strict.error));
  }
  PROFILE_TRY(rd.keys(j, "profile",
                      {"schema", "name", "syscalls", "arguments", "files", "network", "capabilities",
                       "recording", "runtime", "widenings"},
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
  if (fast_read && j.contains("files") && j["files"].is_array()) {
    // The checks of the loop below, on records whose shape is already known.
    PROFILE_TRY(rd.length(fast_files.size(), "files"));
    for (size_t i = 0; i < fast_files.size(); ++i) {
      auto& f = fast_files[i];
      PROFILE_TRY(path, rd.checked(std::move(f.path), Where("files", i, ".path"), kMaxPatternText));
      if (path.empty() || path[0] != '/')
        return rd.fail(Where("files", i, ".path"), "path " + quote_value(path) + " is not absolute");
      const Where access_where("files", i, ".access");
      PROFILE_TRY(rd.length(f.access.size(), access_where));
      auto rule = p.files.try_emplace(p.files.end(), std::move(path));
      uint32_t bits = 0;
      for (auto& a : f.access) {
        PROFILE_TRY(an, rd.checked(std::move(a), access_where));
        auto bit = access_from_name(an);
        if (!bit) return rd.fail(access_where, bit.error().message);
        bits |= *bit;
        rule->second.insert(std::move(an));
      }
      PROFILE_TRY(check_rule(rule->first, bits, i));
    }
  } else if (j.contains("files")) {
    const auto& files = j["files"];
    PROFILE_TRY(rd.array(files, "files"));
    for (size_t i = 0; i < files.size(); ++i) {
      const auto& f = files[i];
      PROFILE_TRY(rd.keys(f, Where("files", i, ""), {"path", "access"}, {"path", "access"}));
      PROFILE_TRY(path, rd.str(f["path"], Where("files", i, ".path"), kMaxPatternText));
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
        PROFILE_TRY(s, rd.str(u, "network.unix", kMaxPatternText));
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
      CapEvidence ev{"manual", ""};
      if (c.contains("evidence")) {
        PROFILE_TRY(k, rd.str(c["evidence"], where + ".evidence"));
        if (k != "observed" && k != "inferred" && k != "verified" && k != "manual")
          return rd.fail(where + ".evidence", "unknown evidence " + quote_value(k));
        ev.kind = k;
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

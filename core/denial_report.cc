#include "core/denial_report.h"

#include <nlohmann/json.hpp>

#include "core/file_io.h"
#include "core/json_read.h"
#include "core/names.h"
#include "core/path_pattern.h"

namespace profile {

using nlohmann::json;
using ordered_json = nlohmann::ordered_json;

std::string Denial::key() const {
  // NUL cannot occur in any field as stored (paths and names end at it).
  std::string k = mechanism;
  std::string acc;
  for (const auto& a : access) acc += a + ",";
  for (const std::string* s :
       {&arch, &syscall, &path, static_cast<const std::string*>(&acc), &family, &type, &protocol}) {
    k.push_back('\0');
    k += *s;
  }
  k.push_back('\0');
  k += std::to_string(port);
  k.push_back('\0');
  k += capability;
  return k;
}

namespace {

const char* const kMechanisms[] = {"seccomp", "landlock", "capability"};
const char* const kActions[] = {"denied", "allowed", "killed"};
const char* const kModes[] = {"enforce", "complain", "kill"};

template <size_t N>
bool one_of(const std::string& v, const char* const (&set)[N]) {
  for (const char* s : set)
    if (v == s) return true;
  return false;
}

}  // namespace

std::string denial_report_to_json(const DenialReport& r) {
  ordered_json j;
  j["version"] = kDenialReportVersion;
  j["mode"] = r.mode;
  ordered_json list = ordered_json::array();
  for (const Denial& d : r.denials) {
    ordered_json e;
    e["mechanism"] = d.mechanism;
    e["action"] = d.action;
    e["arch"] = d.arch;
    e["syscall"] = d.syscall;
    e["pid"] = d.pid;
    e["comm"] = escape_path_bytes(d.comm);
    if (!d.path.empty()) e["path"] = escape_path_bytes(d.path);
    if (!d.access.empty()) e["access"] = d.access;
    if (!d.family.empty()) e["family"] = d.family;
    if (!d.type.empty()) e["type"] = d.type;
    if (!d.protocol.empty()) e["protocol"] = d.protocol;
    if (d.port >= 0) e["port"] = d.port;
    if (!d.capability.empty()) e["capability"] = d.capability;
    e["count"] = d.count;
    list.push_back(std::move(e));
  }
  j["denials"] = std::move(list);
  j["overflow"] = r.overflow;
  j["invisible"] = r.invisible;
  return j.dump(2) + "\n";
}

Result<DenialReport> parse_denial_report(const std::string& text, const std::string& origin) {
  auto fail = [&](const std::string& where, const std::string& msg) {
    return make_error(printable_message(origin + ": " + where + ": " + msg));
  };
  if (text.size() > kMaxDenialReportBytes)
    return make_error(origin + ": " + std::to_string(text.size()) + " bytes, more than the limit of " +
                      std::to_string(kMaxDenialReportBytes));
  if (auto deep = json_nesting_error(text, 8)) return make_error(origin + ": " + *deep);
  StrictJson doc = parse_json_strict(text, "report");
  if (doc.duplicate_at) return fail(*doc.duplicate_at, "duplicate key " + quote_value(doc.duplicate_key));
  if (!doc.ok) return make_error(printable_message(origin + ": invalid JSON: " + doc.syntax_error));
  const json& j = doc.value;
  if (!j.is_object()) return fail("report", "expected an object");
  if (auto k = first_unknown_key(j, {"version", "mode", "denials", "overflow", "invisible"}))
    return fail("report", "unknown key " + quote_value(*k));
  for (const char* req : {"version", "mode", "denials"})
    if (!j.contains(req)) return fail("report", std::string("missing key '") + req + "'");
  auto str = [&](const json& v, const std::string& where, size_t max) -> Result<std::string> {
    if (!v.is_string()) return fail(where, std::string("expected a string, got ") + v.type_name());
    const auto& s = v.get_ref<const std::string&>();
    if (s.size() > max) return fail(where, "longer than " + std::to_string(max) + " bytes");
    return s;
  };
  auto uint = [&](const json& v, const std::string& where, uint64_t max) -> Result<uint64_t> {
    if (!v.is_number_unsigned()) return fail(where, "expected a non-negative integer, got " + v.dump());
    uint64_t n = v.get<uint64_t>();
    if (n > max) return fail(where, std::to_string(n) + " is out of range (at most " + std::to_string(max) + ")");
    return n;
  };
  PROFILE_TRY(version, uint(j["version"], "version", 1u << 30));
  if (version != static_cast<uint64_t>(kDenialReportVersion))
    return fail("version", std::to_string(version) + " is not a report version this profile reads (" +
                               std::to_string(kDenialReportVersion) + ")");
  DenialReport r;
  PROFILE_TRY(mode, str(j["mode"], "mode", 64));
  if (!one_of(mode, kModes)) return fail("mode", "unknown mode " + quote_value(mode));
  r.mode = mode;
  if (j.contains("overflow")) {
    PROFILE_TRY(o, uint(j["overflow"], "overflow", UINT64_MAX));
    r.overflow = o;
  }
  if (j.contains("invisible")) {
    const json& inv = j["invisible"];
    if (!inv.is_array()) return fail("invisible", "expected an array");
    if (inv.size() > 64) return fail("invisible", "more than 64 entries");
    for (size_t i = 0; i < inv.size(); ++i) {
      PROFILE_TRY(s, str(inv[i], "invisible[" + std::to_string(i) + "]", 1024));
      r.invisible.push_back(s);
    }
  }
  const json& list = j["denials"];
  if (!list.is_array()) return fail("denials", "expected an array");
  if (list.size() > kMaxReportedDenials)
    return fail("denials", std::to_string(list.size()) + " entries, more than the limit of " +
                               std::to_string(kMaxReportedDenials));
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = "denials[" + std::to_string(i) + "]";
    const json& e = list[i];
    if (!e.is_object()) return fail(at, "expected an object");
    if (auto k = first_unknown_key(e, {"mechanism", "action", "arch", "syscall", "pid", "comm", "path", "access",
                                       "family", "type", "protocol", "port", "capability", "count"}))
      return fail(at, "unknown key " + quote_value(*k));
    for (const char* req : {"mechanism", "action", "arch", "syscall", "pid", "comm", "count"})
      if (!e.contains(req)) return fail(at, std::string("missing key '") + req + "'");
    Denial d;
    PROFILE_TRY(mech, str(e["mechanism"], at + ".mechanism", 64));
    if (!one_of(mech, kMechanisms)) return fail(at + ".mechanism", "unknown mechanism " + quote_value(mech));
    d.mechanism = mech;
    PROFILE_TRY(action, str(e["action"], at + ".action", 64));
    if (!one_of(action, kActions)) return fail(at + ".action", "unknown action " + quote_value(action));
    d.action = action;
    PROFILE_TRY(arch, str(e["arch"], at + ".arch", 64));
    d.arch = arch;
    PROFILE_TRY(sc, str(e["syscall"], at + ".syscall", 64));
    // Landlock's file denials come from the recorder's file list, which
    // does not keep the call.
    if (sc.empty() && mech == "seccomp") return fail(at + ".syscall", "empty");
    d.syscall = sc;
    PROFILE_TRY(pid, uint(e["pid"], at + ".pid", INT32_MAX));
    d.pid = static_cast<int>(pid);
    PROFILE_TRY(comm, str(e["comm"], at + ".comm", 256));
    auto raw_comm = unescape_path_bytes(comm);
    if (!raw_comm) return fail(at + ".comm", raw_comm.error().message);
    d.comm = *raw_comm;
    if (e.contains("path")) {
      PROFILE_TRY(path, str(e["path"], at + ".path", 4 * 4096));
      auto raw = unescape_path_bytes(path);
      if (!raw) return fail(at + ".path", raw.error().message);
      if (raw->empty() || raw->find('\0') != std::string::npos)
        return fail(at + ".path", "not a path: " + quote_value(path));
      d.path = *raw;
    }
    if (e.contains("access")) {
      const json& acc = e["access"];
      if (!acc.is_array() || acc.size() > 16) return fail(at + ".access", "expected an array of access names");
      for (size_t k = 0; k < acc.size(); ++k) {
        PROFILE_TRY(a, str(acc[k], at + ".access[" + std::to_string(k) + "]", 64));
        d.access.push_back(a);
      }
    }
    if (e.contains("family")) {
      PROFILE_TRY(fam, str(e["family"], at + ".family", 64));
      d.family = fam;
    }
    if (e.contains("type")) {
      PROFILE_TRY(type, str(e["type"], at + ".type", 64));
      d.type = type;
    }
    if (e.contains("protocol")) {
      PROFILE_TRY(proto, str(e["protocol"], at + ".protocol", 64));
      if (proto != "tcp" && proto != "udp")
        return fail(at + ".protocol", "expected tcp or udp, got " + quote_value(proto));
      d.protocol = proto;
    }
    if (e.contains("port")) {
      PROFILE_TRY(port, uint(e["port"], at + ".port", 65535));
      d.port = static_cast<int>(port);
    }
    if (e.contains("capability")) {
      PROFILE_TRY(cap, str(e["capability"], at + ".capability", 64));
      auto name = normalise_cap_name(cap);
      if (!name) return fail(at + ".capability", name.error().message);
      d.capability = *name;
    }
    PROFILE_TRY(count, uint(e["count"], at + ".count", UINT64_MAX));
    if (count == 0) return fail(at + ".count", "0: a reported denial happened at least once");
    d.count = count;
    r.denials.push_back(std::move(d));
  }
  return r;
}

Result<DenialReport> read_denial_report(const std::string& path) {
  PROFILE_TRY(text, read_text_file(path, kMaxDenialReportBytes));
  return parse_denial_report(text, path);
}

std::string denial_line(const Denial& d) {
  std::string s = d.mechanism + ": " + d.action;
  if (d.mechanism != "seccomp" && d.action == "allowed") s += " (would be denied)";
  if (!d.syscall.empty()) s += " " + printable_message(d.syscall);
  if (!d.arch.empty()) s += " (" + printable_message(d.arch) + ")";
  if (!d.path.empty()) s += " path " + quote_value(d.path, 256);
  if (!d.access.empty()) {
    s += " (";
    for (size_t i = 0; i < d.access.size(); ++i) s += (i ? "," : "") + printable_message(d.access[i]);
    s += ")";
  }
  if (!d.family.empty()) s += " family " + printable_message(d.family);
  if (!d.type.empty()) s += " " + printable_message(d.type);
  if (!d.protocol.empty()) s += " " + printable_message(d.protocol);
  if (d.port >= 0) s += " port " + std::to_string(d.port);
  if (!d.capability.empty()) s += " " + printable_message(d.capability);
  if (d.pid > 0) s += " by pid " + std::to_string(d.pid) + " " + quote_value(d.comm, 64);
  return s;
}

}  // namespace profile

#include "profilegen/export.h"

#include <string.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <limits>
#include <map>
#include <set>

#include "core/names.h"
#include "core/path_pattern.h"
#include "core/sensitive_paths.h"
#include "profilegen/apparmor.h"

namespace profile {

namespace {

// Runtime-spec configs carry no Docker extensions: a rule that only Docker
// evaluates (includes/excludes, archMap) would be applied unconditionally
// or dropped by the other consumers, so it is refused rather than guessed.
Status check_plain_seccomp(const nlohmann::json& s) {
  if (!s.is_object()) return make_error("seccomp.json: not an object");
  if (s.contains("archMap")) return make_error("seccomp.json: 'archMap' cannot be exported (only Docker reads it)");
  if (s.contains("syscalls")) {
    const auto& calls = s["syscalls"];
    for (size_t i = 0; i < calls.size(); ++i)
      for (const char* k : {"includes", "excludes"})
        if (calls[i].contains(k))
          return make_error("seccomp.json: syscalls[" + std::to_string(i) + "]: '" + k +
                            "' cannot be exported (only Docker reads it)");
  }
  return {};
}

// POSIX shell: a word of only these characters needs no quotes.
bool shell_safe(const std::string& w) {
  if (w.empty()) return false;
  for (unsigned char c : w) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr("_@%+=:,./-", c) != nullptr;
    if (!ok || c == 0) return false;
  }
  return true;
}

std::string shell_quote(const std::string& w) {
  if (shell_safe(w)) return w;
  std::string out = "'";
  for (char c : w) {
    if (c == '\'')
      out += "'\\''";
    else
      out.push_back(c);
  }
  return out + "'";
}

bool has_write(uint32_t bits) { return (bits & kWideningWriteBits) != 0; }

// Does any file rule of `p` (with at least one of `mask`'s bits) reach
// `area` or a path beneath it?
bool profile_reaches(const Profile& p, const std::string& area, uint32_t mask) {
  FlatPattern a, f;
  if (!parse_path_pattern(area, &a)) return true;
  for (const auto& [pat, names] : p.files) {
    auto bits = access_from_names(names);
    if (!bits || (*bits & mask) == 0) continue;
    if (!parse_path_pattern(pat, &f)) return true;  // unreadable: keep the area usable
    if (pattern_may_reach(f, a)) return true;
  }
  return false;
}

std::vector<std::string> caps_with_prefix(const std::vector<std::string>& caps) {
  std::vector<std::string> out;
  for (const auto& c : caps) out.push_back("CAP_" + c);
  return out;
}

// runc's and Docker's masked and read-only /proc and /sys entries. A
// profile that uses one of them keeps it: masking what the workload reads
// would break it; the others cost it nothing.
const std::vector<std::string>& default_masked_paths() {
  static const std::vector<std::string> v = {
      "/proc/acpi",         "/proc/asound",      "/proc/kcore",
      "/proc/keys",         "/proc/latency_stats", "/proc/sched_debug", "/proc/scsi",
      "/proc/timer_list",   "/proc/timer_stats", "/sys/devices/virtual/powercap", "/sys/firmware"};
  return v;
}
const std::vector<std::string>& default_readonly_paths() {
  static const std::vector<std::string> v = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                             "/proc/sysrq-trigger"};
  return v;
}

// ---- YAML ----

bool valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Plain when YAML cannot read the word as anything but this string; double
// quoted (escapes for control bytes) otherwise. Paths come from the workload.
void scalar(YAML::Emitter& e, const std::string& s) {
  static const std::set<std::string> keywords = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"};
  bool plain = !s.empty() && !(s[0] >= '0' && s[0] <= '9') && s[0] != '-' && s[0] != '.';
  for (unsigned char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("_./-", c)))
      plain = false;
  std::string lower;
  for (char c : s) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  if (keywords.count(lower)) plain = false;
  if (plain)
    e << s;
  else
    e << YAML::DoubleQuoted << s;
}

void key(YAML::Emitter& e, const char* k) { e << YAML::Key << k << YAML::Value; }

void string_list(YAML::Emitter& e, const char* k, const std::vector<std::string>& v) {
  key(e, k);
  if (v.empty()) e << YAML::Flow;
  e << YAML::BeginSeq;
  for (const auto& s : v) scalar(e, s);
  e << YAML::EndSeq;
}

std::string finish(const YAML::Emitter& e) { return std::string(e.c_str()) + "\n"; }

// The SPO SeccompProfile spec of seccomp.json: the operator's schema has no
// defaultErrnoRet (the runtimes then return EPERM) and int64 values.
// An operator object up to its open `spec` map: apiVersion, kind, metadata.name.
void begin_spo_object(YAML::Emitter& e, const char* api_version, const char* kind, const std::string& name) {
  e << YAML::BeginMap;
  key(e, "apiVersion");
  e << api_version;
  key(e, "kind");
  e << kind;
  key(e, "metadata");
  e << YAML::BeginMap;
  key(e, "name");
  scalar(e, name);
  e << YAML::EndMap;
  key(e, "spec");
  e << YAML::BeginMap;
}

Result<std::string> spo_seccomp(const nlohmann::json& s, const std::string& name) {
  if (s.contains("defaultErrnoRet") && s["defaultErrnoRet"] != 1)
    return make_error("seccomp.json: defaultErrnoRet " + s["defaultErrnoRet"].dump() +
                      " cannot be exported to a SeccompProfile (the operator's schema has no defaultErrnoRet; "
                      "runtimes return EPERM)");
  YAML::Emitter e;
  begin_spo_object(e, "security-profiles-operator.x-k8s.io/v1beta1", "SeccompProfile", name);
  key(e, "defaultAction");
  scalar(e, s["defaultAction"].get<std::string>());
  if (s.contains("architectures")) string_list(e, "architectures", s["architectures"].get<std::vector<std::string>>());
  if (s.contains("flags")) string_list(e, "flags", s["flags"].get<std::vector<std::string>>());
  if (s.contains("syscalls") && !s["syscalls"].empty()) {
    key(e, "syscalls");
    e << YAML::BeginSeq;
    for (size_t i = 0; i < s["syscalls"].size(); ++i) {
      const auto& r = s["syscalls"][i];
      std::string where = "seccomp.json: syscalls[" + std::to_string(i) + "]";
      e << YAML::BeginMap;
      key(e, "action");
      scalar(e, r["action"].get<std::string>());
      if (r.contains("args") && !r["args"].empty()) {
        key(e, "args");
        e << YAML::BeginSeq;
        for (const auto& a : r["args"]) {
          e << YAML::BeginMap;
          key(e, "index");
          e << a["index"].get<uint64_t>();
          key(e, "op");
          scalar(e, a["op"].get<std::string>());
          for (const char* k : {"value", "valueTwo"}) {
            if (!a.contains(k)) continue;
            uint64_t v = a[k].get<uint64_t>();
            if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
              return make_error(where + ": " + k + " " + std::to_string(v) +
                                " does not fit the SeccompProfile schema (int64)");
            key(e, k);
            e << v;
          }
          e << YAML::EndMap;
        }
        e << YAML::EndSeq;
      }
      if (r.contains("errnoRet")) {
        key(e, "errnoRet");
        e << r["errnoRet"].get<uint64_t>();
      }
      std::vector<std::string> names;
      if (r.contains("names")) names = r["names"].get<std::vector<std::string>>();
      if (r.contains("name")) names.push_back(r["name"].get<std::string>());
      string_list(e, "names", names);
      e << YAML::EndMap;
    }
    e << YAML::EndSeq;
  }
  e << YAML::EndMap << YAML::EndMap;
  return finish(e);
}

// The operator's AppArmorProfile holds allow lists ("abstract"), from which
// it writes its own AppArmor profile.
Result<std::string> spo_apparmor(const ExportInput& in, const std::string& name, std::vector<std::string>* notes) {
  const Profile& p = in.profile;
  std::vector<std::string> exes, libs, ro, wo, rw;
  for (const auto& [pat, names] : p.files) {
    PROFILE_TRY(bits, access_from_names(names));
    auto glob = apparmor_path(pat);
    if (!glob) return with_context(glob.error(), "profile.json: files");
    // The operator writes each path into its profile unquoted, so a path
    // that needs quotes (a blank, a byte outside ASCII: the workload's
    // choice) is left out: the workload is denied it, where widening to an
    // ancestor would grant what nobody recorded.
    if ((!glob->empty() && (*glob)[0] == '"') || !valid_utf8(*glob)) {
      notes->push_back("profile.json: files: " + quote_value(pat) +
                       " left out of the AppArmorProfile (the operator does not quote paths)");
      continue;
    }
    std::string path = *glob;
    if (bits & kAccessExecute) exes.push_back(path);
    if (bits & kAccessMmapExec) libs.push_back(path);
    bool reads = (bits & (kAccessRead | kAccessList | kAccessLock)) != 0;
    bool writes = has_write(bits);
    if ((bits & kAccessList) && path != "/" && path.back() != '/' && !writes && !(bits & kAccessRead)) path += "/";
    if (reads && writes)
      rw.push_back(path);
    else if (writes)
      wo.push_back(path);
    else if (reads)
      ro.push_back(path);
  }
  bool raw = false, tcp = false, udp = false;
  for (const auto& s : p.network.sockets) {
    if (s.type == "raw" || s.family == "packet") raw = true;
    if (s.family == "inet" || s.family == "inet6") {
      if (s.type == "stream") tcp = true;
      if (s.type == "dgram") udp = true;
    }
  }
  YAML::Emitter e;
  begin_spo_object(e, "security-profiles-operator.x-k8s.io/v1", "AppArmorProfile", name);
  key(e, "abstract");
  e << YAML::BeginMap;
  if (!in.caps.empty()) {
    key(e, "capability");
    e << YAML::BeginMap;
    std::vector<std::string> lower;
    for (const auto& c : in.caps) {
      std::string l;
      for (char ch : c) l.push_back(static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch));
      lower.push_back(l);
    }
    string_list(e, "allowedCapabilities", lower);
    e << YAML::EndMap;
  }
  if (!exes.empty() || !libs.empty()) {
    key(e, "executable");
    e << YAML::BeginMap;
    if (!exes.empty()) string_list(e, "allowedExecutables", exes);
    if (!libs.empty()) string_list(e, "allowedLibraries", libs);
    e << YAML::EndMap;
  }
  // Always present: the operator reads a missing filesystem section as "no
  // file rules" too, but spelling it out is what a reviewer expects.
  key(e, "filesystem");
  e << YAML::BeginMap;
  string_list(e, "readOnlyPaths", ro);
  string_list(e, "readWritePaths", rw);
  string_list(e, "writeOnlyPaths", wo);
  e << YAML::EndMap;
  if (raw || tcp || udp) {
    key(e, "network");
    e << YAML::BeginMap;
    if (raw) {
      key(e, "allowRaw");
      e << true;
    }
    if (tcp || udp) {
      key(e, "allowedProtocols");
      e << YAML::BeginMap;
      if (tcp) {
        key(e, "allowTcp");
        e << true;
      }
      if (udp) {
        key(e, "allowUdp");
        e << true;
      }
      e << YAML::EndMap;
    }
    e << YAML::EndMap;
  }
  e << YAML::EndMap << YAML::EndMap << YAML::EndMap;
  return finish(e);
}

// ---- systemd ----

// systemd's architecture names, by libseccomp name.
Result<std::string> systemd_arch(const std::string& arch) {
  static const std::map<std::string, std::string> m = {
      {"x86_64", "x86-64"},   {"x86", "x86"},           {"x32", "x32"},
      {"aarch64", "arm64"},   {"arm", "arm"},           {"mips", "mips"},
      {"mipsel", "mips-le"},  {"mips64", "mips64"},     {"mipsel64", "mips64-le"},
      {"mips64n32", "mips64-n32"}, {"mipsel64n32", "mips64-le-n32"}, {"ppc", "ppc"},
      {"ppc64", "ppc64"},     {"ppc64le", "ppc64-le"},  {"s390", "s390"},
      {"s390x", "s390x"},     {"riscv64", "riscv64"},   {"parisc", "parisc"},
      {"parisc64", "parisc64"}, {"loongarch64", "loongarch64"}};
  auto it = m.find(arch);
  if (it == m.end()) return make_error("profile.json: architecture " + quote_value(arch) + " has no systemd name");
  return it->second;
}

// A path systemd reads back as itself from a unit file word: no quoting or
// escape syntax involved, '%' doubled (specifier expansion).
bool systemd_safe_component(const std::string& c) {
  for (unsigned char ch : c)
    if (ch <= 0x20 || ch >= 0x7f || ch == '"' || ch == '\'' || ch == '\\' || ch == ';') return false;
  return true;
}

// The longest ancestor-or-self of `path` that a unit file can spell without
// quoting ("/" when none). A component with a blank, a quote or a byte
// outside ASCII is the workload's choice; cutting there widens the rule
// rather than letting a name inject a setting.
std::string systemd_path(const std::string& path) {
  std::string out;
  size_t i = 1;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string comp = path.substr(i, j - i);
    if (!comp.empty()) {
      if (!systemd_safe_component(comp)) break;
      out += "/" + comp;
    }
    i = j + 1;
  }
  if (out.empty()) return "/";
  std::string escaped;
  for (char c : out) {
    if (c == '%') escaped += "%";
    escaped.push_back(c);
  }
  return escaped;
}

// Lines of `setting=` words, a few per line (systemd joins repeated
// assignments of these settings).
void wrapped(std::string* o, const std::string& setting, const std::vector<std::string>& words, size_t per_line) {
  for (size_t i = 0; i < words.size(); i += per_line) {
    *o += setting + "=";
    for (size_t k = i; k < words.size() && k < i + per_line; ++k) *o += (k == i ? "" : " ") + words[k];
    *o += "\n";
  }
}

}  // namespace

const std::vector<std::string>& export_formats() {
  static const std::vector<std::string> v = {"docker", "kubernetes", "oci", "podman", "systemd"};
  return v;
}

Result<std::string> export_container_flags(const ExportInput& in) {
  PROFILE_TRY(check_plain_seccomp(in.seccomp));
  std::vector<std::string> words = {"--security-opt", "seccomp=" + in.dir + "/seccomp.json"};
  if (in.has_apparmor) words.insert(words.end(), {"--security-opt", "apparmor=" + apparmor_profile_name(in.profile.name)});
  words.insert(words.end(), {"--cap-drop", "ALL"});
  for (const auto& c : in.caps) words.insert(words.end(), {"--cap-add", c});
  words.insert(words.end(), {"--security-opt", "no-new-privileges"});
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + shell_quote(w);
  return out + "\n";
}

Result<nlohmann::json> export_oci_fragment(const ExportInput& in, bool ambient) {
  PROFILE_TRY(check_plain_seccomp(in.seccomp));
  nlohmann::json f = nlohmann::json::object();
  auto caps = caps_with_prefix(in.caps);
  nlohmann::json c = {{"bounding", caps}, {"effective", caps}, {"permitted", caps}};
  if (ambient) {
    c["inheritable"] = caps;
    c["ambient"] = caps;
  }
  f["process"]["capabilities"] = c;
  f["process"]["noNewPrivileges"] = true;
  f["linux"]["seccomp"] = in.seccomp;
  nlohmann::json masked = nlohmann::json::array(), readonly = nlohmann::json::array();
  for (const auto& m : default_masked_paths())
    if (!profile_reaches(in.profile, m, ~0u)) masked.push_back(m);
  for (const auto& r : default_readonly_paths())
    if (!profile_reaches(in.profile, r, kWideningWriteBits)) readonly.push_back(r);
  f["linux"]["maskedPaths"] = masked;
  f["linux"]["readonlyPaths"] = readonly;
  return f;
}

void merge_oci_fragment(nlohmann::json* config, const nlohmann::json& fragment) {
  for (const auto& [section, values] : fragment.items()) {
    if (!(*config)[section].is_object()) (*config)[section] = nlohmann::json::object();
    for (const auto& [k, v] : values.items()) (*config)[section][k] = v;
  }
}

std::string kubernetes_name(const std::string& profile_name) {
  std::string out;
  bool dash = false;
  for (unsigned char c : profile_name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (ok) {
      if (dash && !out.empty()) out.push_back('-');
      dash = false;
      out.push_back(static_cast<char>(c));
    } else {
      dash = true;
    }
  }
  if (out.size() > 253) out.resize(253);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

bool is_dns1123_subdomain(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  size_t i = 0;
  while (i <= name.size()) {
    size_t j = name.find('.', i);
    if (j == std::string::npos) j = name.size();
    std::string label = name.substr(i, j - i);
    if (label.empty()) return false;
    for (char c : label)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    i = j + 1;
  }
  return true;
}

Result<KubernetesExport> export_kubernetes(const ExportInput& in, const std::string& name) {
  PROFILE_TRY(check_plain_seccomp(in.seccomp));
  if (!is_dns1123_subdomain(name))
    return make_error("Kubernetes name " + quote_value(name) +
                      " is not a DNS-1123 subdomain (lower case letters, digits, '-' and '.')");
  KubernetesExport out;
  PROFILE_TRY(seccomp, spo_seccomp(in.seccomp, name));
  out.objects = "---\n" + seccomp;
  if (in.has_apparmor) {
    PROFILE_TRY(apparmor, spo_apparmor(in, name, &out.notes));
    out.objects += "---\n" + apparmor;
  }

  YAML::Emitter e;
  e << YAML::BeginMap;
  key(e, "securityContext");
  e << YAML::BeginMap;
  key(e, "allowPrivilegeEscalation");
  e << false;
  if (in.has_apparmor) {
    key(e, "appArmorProfile");
    e << YAML::BeginMap;
    key(e, "type");
    e << "Localhost";
    key(e, "localhostProfile");
    scalar(e, name);
    e << YAML::EndMap;
  }
  key(e, "capabilities");
  e << YAML::BeginMap;
  if (!in.caps.empty()) string_list(e, "add", in.caps);
  string_list(e, "drop", {"ALL"});
  e << YAML::EndMap;
  key(e, "seccompProfile");
  e << YAML::BeginMap;
  key(e, "type");
  e << "Localhost";
  // Where the operator installs a cluster-scoped SeccompProfile, relative
  // to the kubelet's seccomp directory.
  key(e, "localhostProfile");
  scalar(e, "operator/" + name + ".json");
  e << YAML::EndMap;
  e << YAML::EndMap << YAML::EndMap;
  out.security_context = finish(e);
  return out;
}

Result<std::string> export_systemd(const ExportInput& in) {
  PROFILE_TRY(check_plain_seccomp(in.seccomp));
  const Profile& p = in.profile;
  std::string o;
  o += "# systemd drop-in generated by `profile export --format systemd` from profile.json.\n";
  o += "# Install it as /etc/systemd/system/UNIT.service.d/profile.conf; docs/exports.md says\n";
  o += "# what it enforces and what only the seccomp, AppArmor and Landlock files do.\n";
  o += "[Service]\n";
  o += "NoNewPrivileges=yes\n";

  // Each list setting is reset first: a drop-in's assignments otherwise add
  // to what the unit itself grants.
  std::vector<std::string> caps = caps_with_prefix(in.caps);
  o += "CapabilityBoundingSet=\n";
  wrapped(&o, "CapabilityBoundingSet", caps, 8);
  // Without ambient capabilities a service with User= loses every
  // capability at execve; for root they add nothing it lacks.
  o += "AmbientCapabilities=\n";
  wrapped(&o, "AmbientCapabilities", caps, 8);

  std::vector<std::string> arches;
  std::set<std::string> names;
  for (const auto& [arch, calls] : p.syscalls) {
    PROFILE_TRY(a, systemd_arch(arch));
    arches.push_back(a);
    for (const auto& n : calls) {
      // '@', '~' and ':' are systemd's group, negation and errno syntax.
      for (char c : n)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
          return make_error("profile.json: syscall name " + quote_value(n) + " cannot be written for systemd");
      names.insert(n);
    }
  }
  if (arches.empty()) arches.push_back("native");
  o += "SystemCallArchitectures=";
  for (size_t i = 0; i < arches.size(); ++i) o += (i ? " " : "") + arches[i];
  o += "\n";
  std::set<std::string> with_args;
  for (const auto& r : p.args) with_args.insert(r.syscall);
  if (!with_args.empty()) {
    o += "# Allowed with any arguments here (seccomp.json restricts their arguments):";
    for (const auto& n : with_args) o += " " + n;
    o += "\n";
  }
  o += "SystemCallFilter=\n";
  wrapped(&o, "SystemCallFilter", std::vector<std::string>(names.begin(), names.end()), 8);
  std::string def = in.seccomp.value("defaultAction", "");
  if (def == "SCMP_ACT_ERRNO") {
    int err = in.seccomp.value("defaultErrnoRet", 1);
    const char* en = strerrorname_np(err);
    if (en == nullptr)
      return make_error("seccomp.json: defaultErrnoRet " + std::to_string(err) + " has no errno name for systemd");
    o += std::string("SystemCallErrorNumber=") + en + "\n";
  } else if (def != "SCMP_ACT_KILL" && def != "SCMP_ACT_KILL_PROCESS" && def != "SCMP_ACT_KILL_THREAD") {
    // systemd's filter either kills or returns an errno for what it does not list.
    return make_error("seccomp.json: defaultAction " + quote_value(def) + " has no systemd equivalent");
  }

  std::set<std::string> families;
  for (const auto& s : p.network.sockets) {
    if (!family_number(s.family))
      return make_error("profile.json: network: unknown socket family " + quote_value(s.family));
    std::string f = "AF_";
    for (char c : s.family) f.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c));
    families.insert(f);
  }
  o += "RestrictAddressFamilies=\n";
  if (families.empty()) {
    o += "RestrictAddressFamilies=none\n";
  } else {
    wrapped(&o, "RestrictAddressFamilies", std::vector<std::string>(families.begin(), families.end()), 8);
  }

  if (in.has_apparmor) o += "AppArmorProfile=" + apparmor_profile_name(p.name) + "\n";

  // Writes: everything read-only, then what the profile writes. Creating or
  // removing an entry changes its directory, so those open the directory.
  std::set<std::string> writable;
  for (const auto& [pat, access] : p.files) {
    PROFILE_TRY(bits, access_from_names(access));
    if (!has_write(bits)) continue;
    FlatPattern f;
    auto parsed = parse_path_pattern(pat, &f);
    if (!parsed) return with_context(parsed.error(), "profile.json: files");
    std::string path = fixed_prefix(f);
    if (pattern_is_literal(f) && (bits & (kAccessCreate | kAccessDelete | kAccessLink))) {
      auto slash = path.find_last_of('/');
      path = slash == 0 ? "/" : path.substr(0, slash);
    }
    std::string spelled = systemd_path(path);
    if (spelled == "/")
      return make_error("profile.json: files: " + quote_value(pat) +
                        " would make the whole file system writable in a systemd drop-in");
    writable.insert("-" + spelled);
  }
  o += "ReadOnlyPaths=\nReadOnlyPaths=/\n";
  o += "ReadWritePaths=\n";
  wrapped(&o, "ReadWritePaths", std::vector<std::string>(writable.begin(), writable.end()), 4);
  std::vector<std::string> hidden;
  for (const auto& s : sensitive_paths()) {
    std::string path = s.pattern;
    if (s.writes_only || path.find('*') != std::string::npos) continue;
    if (!profile_reaches(p, path, ~0u)) hidden.push_back("-" + path);
  }
  o += "InaccessiblePaths=\n";
  wrapped(&o, "InaccessiblePaths", hidden, 4);
  return o;
}

}  // namespace profile

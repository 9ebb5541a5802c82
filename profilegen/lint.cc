#include "profilegen/lint.h"

#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "core/json_read.h"
#include "core/names.h"
#include "core/path_pattern.h"
#include "core/sensitive_paths.h"
#include "profilegen/profile.h"
#include "profilegen/seccomp_args.h"

namespace profile {

namespace {

constexpr int kMaxSeccompDepth = 16;

// Directories whose contents the system runs or trusts.
const char* const kSystemDirs[] = {"/bin", "/boot", "/etc", "/lib", "/lib32", "/lib64", "/libx32",
                                   "/proc/sys", "/sbin", "/sys", "/usr", "/var/lib"};

bool is_system_path(const std::string& prefix) {
  if (prefix == "/") return true;
  for (const char* d : kSystemDirs) {
    std::string s = d;
    if (prefix == s || (prefix.size() > s.size() && prefix.compare(0, s.size(), s) == 0 && prefix[s.size()] == '/'))
      return true;
  }
  return false;
}

std::string action_text(const nlohmann::json& rule) {
  std::string a = rule.value("action", std::string());
  if (rule.contains("errnoRet") && rule["errnoRet"].is_number_unsigned())
    a += "(" + std::to_string(rule["errnoRet"].get<uint64_t>()) + ")";
  return a;
}

bool is_allow_action(const std::string& a) { return a == "SCMP_ACT_ALLOW" || a == "SCMP_ACT_LOG"; }

const std::set<std::string>& known_actions() {
  static const std::set<std::string> a = {"SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
                                          "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
                                          "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",          "SCMP_ACT_NOTIFY"};
  return a;
}

}  // namespace

const char* risky_syscall_reason(const std::string& n) {
  static const std::map<std::string, const char*> m = {
      {"ptrace", "reads and writes other processes"},
      {"process_vm_writev", "writes other processes' memory"},
      {"process_vm_readv", "reads other processes' memory"},
      {"mount", "changes the mount table"},
      {"umount2", "changes the mount table"},
      {"pivot_root", "changes the root filesystem"},
      {"move_mount", "changes the mount table"},
      {"fsmount", "changes the mount table"},
      {"bpf", "loads programs into the kernel"},
      {"perf_event_open", "observes the kernel and other processes"},
      {"kexec_load", "replaces the running kernel"},
      {"kexec_file_load", "replaces the running kernel"},
      {"init_module", "loads kernel modules"},
      {"finit_module", "loads kernel modules"},
      {"delete_module", "unloads kernel modules"},
      {"open_by_handle_at", "opens files by handle, around path checks"},
      {"userfaultfd", "a common kernel exploit primitive"},
      {"keyctl", "reaches the kernel keyring"},
      {"add_key", "reaches the kernel keyring"},
      {"request_key", "reaches the kernel keyring"},
      {"setns", "enters other namespaces"},
      {"unshare", "creates namespaces (kernel attack surface)"},
      {"reboot", "reboots the machine"},
      {"swapon", "changes swap"},
      {"swapoff", "changes swap"},
      {"iopl", "raw I/O port access"},
      {"ioperm", "raw I/O port access"},
  };
  auto it = m.find(n);
  return it == m.end() ? nullptr : it->second;
}

const char* risky_capability_reason(const std::string& c) {
  static const std::map<std::string, const char*> m = {
      {"SYS_ADMIN", "mount, namespaces, BPF and most of the kernel's administration"},
      {"SYS_PTRACE", "trace and read any process"},
      {"SYS_MODULE", "load kernel modules"},
      {"SYS_RAWIO", "raw device and memory access"},
      {"BPF", "load BPF programs"},
      {"PERFMON", "observe the kernel"},
      {"NET_ADMIN", "reconfigure the network"},
      {"DAC_OVERRIDE", "bypass file permission checks"},
      {"DAC_READ_SEARCH", "read any file, open files by handle"},
      {"SYS_BOOT", "reboot the machine"},
      {"MAC_ADMIN", "change the LSM policy"},
      {"MAC_OVERRIDE", "bypass the LSM policy"},
      {"SETFCAP", "give files capabilities"},
  };
  auto it = m.find(c);
  return it == m.end() ? nullptr : it->second;
}

// An unshare rule whose conditions keep every namespace flag clear (the
// rule seccomp.json renders for unshare recorded without namespaces) only
// unshares descriptors and the like: not the risk the warning is about.
bool unshare_without_namespaces(const nlohmann::json& rule) {
  if (!rule.contains("args") || !rule["args"].is_array()) return false;
  for (const auto& a : rule["args"]) {
    if (!a.is_object() || a.value("index", -1) != 0 || a.value("op", std::string()) != "SCMP_CMP_MASKED_EQ") continue;
    if (!a.contains("value") || !a["value"].is_number_unsigned()) continue;
    uint64_t mask = a["value"].get<uint64_t>();
    uint64_t datum = a.contains("valueTwo") && a["valueTwo"].is_number_unsigned() ? a["valueTwo"].get<uint64_t>() : 0;
    if ((mask & kUnshareNamespaceFlags) == kUnshareNamespaceFlags && (datum & kUnshareNamespaceFlags) == 0) return true;
  }
  return false;
}

std::vector<std::string> lint_seccomp(const std::string& text) {
  std::vector<std::string> out;
  if (auto e = json_nesting_error(text, kMaxSeccompDepth)) return {*e};
  StrictJson sj = parse_json_strict(text, "");
  if (!sj.ok) {
    if (sj.duplicate_at)
      out.push_back("key " + quote_value(sj.duplicate_key) + " repeated" +
                    (sj.duplicate_at->empty() ? std::string() : " in " + *sj.duplicate_at));
    else
      out.push_back("not valid JSON: " + sj.syntax_error);
    return out;
  }
  const auto& j = sj.value;
  if (!j.is_object()) return {"not a seccomp profile (the top level is not an object)"};
  if (auto k = first_unknown_key(j, {"defaultAction", "defaultErrnoRet", "architectures", "archMap", "syscalls",
                                     "flags", "listenerPath", "listenerMetadata"}))
    out.push_back("unknown key " + quote_value(*k));
  std::string def;
  if (!j.contains("defaultAction") || !j["defaultAction"].is_string()) {
    out.push_back("no \"defaultAction\"");
  } else {
    def = j["defaultAction"].get<std::string>();
    if (!known_actions().count(def)) out.push_back("unknown defaultAction " + quote_value(def));
    if (def == "SCMP_ACT_ALLOW" || def == "SCMP_ACT_LOG")
      out.push_back("defaultAction " + def + " allows every syscall the rules do not name");
  }
  std::string def_text = def;
  if (j.contains("defaultErrnoRet") && j["defaultErrnoRet"].is_number_unsigned())
    def_text += "(" + std::to_string(j["defaultErrnoRet"].get<uint64_t>()) + ")";

  std::vector<std::string> arches;
  if (j.contains("architectures")) {
    if (!j["architectures"].is_array()) {
      out.push_back("\"architectures\" is not a list");
    } else {
      for (const auto& a : j["architectures"]) {
        if (!a.is_string()) {
          out.push_back("an architecture is not a string");
          continue;
        }
        auto lib = arch_from_oci(a.get<std::string>());
        if (!lib || !check_arch(*lib))
          out.push_back("unknown architecture " + quote_value(a.get<std::string>()));
        else
          arches.push_back(*lib);
      }
    }
  }
  if (!j.contains("architectures")) arches.push_back("x86_64");

  if (j.contains("syscalls") && !j["syscalls"].is_array()) {
    out.push_back("\"syscalls\" is not a list");
    return out;
  }
  // name -> (action, args as text) of each rule naming it, for duplicates
  // and contradictions. Conditional rules (includes/excludes) apply only
  // in some settings, so they do not contradict the others.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> seen;
  size_t idx = 0;
  for (const auto& rule : j.value("syscalls", nlohmann::json::array())) {
    std::string where = "syscalls[" + std::to_string(idx++) + "]";
    if (!rule.is_object()) {
      out.push_back(where + " is not an object");
      continue;
    }
    std::string act = rule.value("action", std::string());
    if (!rule.contains("action") || !rule["action"].is_string()) {
      out.push_back(where + " has no \"action\"");
      continue;
    }
    if (!known_actions().count(act)) out.push_back(where + ": unknown action " + quote_value(act));
    std::vector<std::string> names;
    if (rule.contains("names") && rule["names"].is_array()) {
      for (const auto& n : rule["names"])
        if (n.is_string()) names.push_back(n.get<std::string>());
    }
    if (rule.contains("name") && rule["name"].is_string()) names.push_back(rule["name"].get<std::string>());
    if (names.empty()) out.push_back(where + " names no syscall");
    std::string args = rule.contains("args") ? rule["args"].dump() : "";
    bool conditional = rule.contains("includes") || rule.contains("excludes");
    std::string act_text = action_text(rule);
    if (!conditional && !def.empty() && act_text == def_text)
      out.push_back(where + " has the default action " + def_text + ": it changes nothing (" +
                    quote_value(names.empty() ? "" : names.front()) + (names.size() > 1 ? ", ..." : "") + ")");
    for (const auto& n : names) {
      for (const auto& a : arches)
        if (!syscall_number(a, n)) out.push_back(where + ": unknown syscall " + quote_value(n) + " for " + a);
      if (is_allow_action(act) && !is_allow_action(def))
        if (const char* why = risky_syscall_reason(n))
          if (!(n == "unshare" && unshare_without_namespaces(rule)))
            out.push_back(where + ": allows " + n + " (" + why + ")");
      if (conditional) continue;
      for (const auto& [pact, pargs] : seen[n]) {
        if (pargs != args) continue;
        if (pact == act_text)
          out.push_back(where + ": duplicate rule for " + quote_value(n));
        else
          out.push_back(where + ": contradictory rules for " + quote_value(n) + ": " + pact + " and " + act_text);
        break;
      }
      seen[n].emplace_back(act_text, args);
    }
  }
  return out;
}

std::vector<std::string> lint_profile_grants(const Profile& p) {
  std::vector<std::string> out;
  for (const auto& [c, e] : p.capabilities)
    if (const char* why = risky_capability_reason(c)) out.push_back("grants capability " + c + " (" + why + ")");
  for (const auto& [arch, names] : p.syscalls)
    for (const auto& n : names) {
      const char* why = risky_syscall_reason(n);
      if (!why) continue;
      // Recorded without namespace flags, seccomp.json lets unshare create none.
      if (n == "unshare") {
        auto it = p.args.find(ArgRule{arch, n, 0, {}});
        bool clear = it != p.args.end() && !it->values.empty();
        if (it != p.args.end())
          for (uint64_t v : it->values) clear = clear && (v & kUnshareNamespaceFlags) == 0;
        if (clear) continue;
      }
      out.push_back("allows " + n + " on " + arch + " (" + why + ")");
    }
  // seccomp.json answers clone3 with ENOSYS unless it was seen creating a
  // namespace; then it is allowed whole, since its flags are out of reach.
  for (const auto& r : p.args) {
    if (r.syscall != "clone3" || r.index != 0 || !p.syscalls.count(r.arch) || !p.syscalls.at(r.arch).count("clone3"))
      continue;
    uint64_t ns = 0;
    for (uint64_t v : r.values) ns |= v & kUnshareNamespaceFlags;
    if (ns) {
      char hex[24];
      snprintf(hex, sizeof(hex), "0x%llx", static_cast<unsigned long long>(ns));
      out.push_back("allows clone3 on " + r.arch + " with any flags: the recording saw it create namespaces (" + hex +
                    ") and seccomp cannot read clone3's flags");
    }
  }
  FlatPattern fp;
  struct Area {
    const SensitivePath* entry;
    FlatPattern pattern;
  };
  std::vector<Area> sensitive;
  for (const auto& s : sensitive_paths()) {
    FlatPattern sp;
    if (parse_path_pattern(s.pattern, &sp)) sensitive.push_back(Area{&s, std::move(sp)});
  }
  for (const auto& [path, acc] : p.files) {
    auto bits = access_from_names(acc);
    if (!bits || !parse_path_pattern(path, &fp)) continue;
    bool writes = (*bits & kWideningWriteBits) != 0;
    std::string q = quote_value(path, 4096);
    if (writes && is_system_path(fixed_prefix(fp))) out.push_back("write access to the system path " + q);
    for (const auto& a : sensitive) {
      if (a.entry->writes_only && !writes) continue;
      if (pattern_may_reach(fp, a.pattern))
        out.push_back("access to the sensitive path " + std::string(a.entry->pattern) + " through " + q);
    }
  }
  if (!p.recording.complete)
    out.push_back("the recording is incomplete (" + std::to_string(p.recording.lost_events) +
                  " events lost): the profile may miss what the workload needs");
  return out;
}

std::vector<std::string> lint_profile_json(const std::string& text, const std::string& origin) {
  auto p = profile_from_json(text, origin);
  if (!p) {
    std::string m = p.error().message;
    // The reader's message starts with the origin; the caller adds it.
    if (m.compare(0, origin.size(), origin) == 0) m = m.substr(origin.size());
    while (!m.empty() && (m[0] == ':' || m[0] == ' ')) m.erase(0, 1);
    return {m};
  }
  return lint_profile_grants(*p);
}

std::vector<std::string> lint_caps_txt(const std::string& text) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string where = "line " + std::to_string(n) + ": ";
    auto c = normalise_cap_name(line);
    if (!c) {
      out.push_back(where + "unknown capability " + quote_value(line));
      continue;
    }
    if (!seen.insert(*c).second) out.push_back(where + "capability " + *c + " listed twice");
    if (const char* why = risky_capability_reason(*c)) out.push_back(where + "grants capability " + *c + " (" + why + ")");
  }
  if (!text.empty() && text.back() != '\n') out.push_back("no trailing newline");
  return out;
}

}  // namespace profile

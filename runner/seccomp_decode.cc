// Decoding follows what Docker (profile -> OCI spec) and runc (OCI spec ->
// libseccomp) accept, so `profile enforce --seccomp` reads a file the way
// `docker run --security-opt seccomp=FILE` would. Where we deliberately
// differ (strict keys) the reason is given in place.
#include "runner/seccomp_decode.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "core/json_read.h"
#include "core/names.h"
#include "runner/seccomp.h"

namespace profile {

namespace {

using json = nlohmann::json;

constexpr int kMaxJsonDepth = 32;
constexpr size_t kMaxSyscallEntries = 4096;
constexpr size_t kMaxNamesPerEntry = 4096;
constexpr size_t kMaxArgsPerEntry = 6;  // a syscall has six arguments

// Real Linux syscalls that an older libseccomp table may lack. A name in no
// table of any arch is a typo and refused; these are skipped like runc skips
// every name libseccomp cannot resolve (the syscall then gets the default
// action).
constexpr const char* kRecentSyscalls[] = {
    "cachestat",        "fchmodat2",         "map_shadow_stack",  "futex_wake",
    "futex_wait",       "futex_requeue",     "statmount",         "listmount",
    "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules", "mseal",
    "setxattrat",       "getxattrat",        "listxattrat",       "removexattrat",
    "open_tree_attr",   "file_getattr",      "file_setattr",      "uretprobe",
    "uprobe",           "riscv_hwprobe",     "set_mempolicy_home_node", "memfd_secret",
    "process_mrelease", "futex_waitv",       "landlock_create_ruleset", "landlock_add_rule",
    "landlock_restrict_self", "quotactl_fd", "epoll_pwait2",      "mount_setattr",
    "close_range",      "openat2",           "pidfd_getfd",       "faccessat2",
    "process_madvise",  "clone3",            "pidfd_open",        "riscv_flush_icache",
};

std::string type_name(const json& j) { return j.type_name(); }

// A JSON value quoted for an error message, bounded.
std::string shown(const json& j) {
  std::string s = j.is_string() ? j.get<std::string>() : j.dump();
  if (s.size() > 64) s = s.substr(0, 61) + "...";
  std::string out;
  for (char c : s) out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
  return "'" + out + "'";
}

class Decoder {
 public:
  explicit Decoder(std::string origin) : origin_(std::move(origin)) {}

  Result<SeccompDoc> run(const std::string& text);
  Result<uint32_t> action(const json& name, const json* errno_ret, const std::string& path,
                          const std::string& errno_path) const;

 private:
  Error fail(const std::string& path, const std::string& msg) const {
    return make_error(origin_ + ": " + (path.empty() ? "" : path + ": ") + msg);
  }
  Error wrong_type(const std::string& path, const char* want, const json& got) const {
    return fail(path, std::string("expected ") + want + ", got " + type_name(got) + " " + shown(got));
  }
  Status keys(const json& obj, const std::string& path, std::initializer_list<const char*> allowed) const;
  Result<std::string> string_at(const json& j, const std::string& path) const;
  Result<uint64_t> unsigned_at(const json& j, const std::string& path) const;
  Result<std::vector<std::string>> strings_at(const json& j, const std::string& path, size_t max) const;
  Status oci_arch(const std::string& oci, const std::string& path) const;
  Status arches(const json& root);
  Result<SeccompCondition> condition(const json& f, const std::string& path) const;
  Status syscall_entry(const json& e, const std::string& path);

  std::string origin_;
  SeccompDoc doc_;
};

Status Decoder::keys(const json& obj, const std::string& path, std::initializer_list<const char*> allowed) const {
  // Unknown keys are refused: a misspelt "agrs" would otherwise silently turn
  // a conditional allow into an unconditional one.
  if (auto k = first_unknown_key(obj, allowed)) return fail(path, "unknown key " + shown(json(*k)));
  return {};
}

Result<std::string> Decoder::string_at(const json& j, const std::string& path) const {
  if (!j.is_string()) return wrong_type(path, "a string", j);
  return j.get<std::string>();
}

Result<uint64_t> Decoder::unsigned_at(const json& j, const std::string& path) const {
  if (!j.is_number_unsigned()) return wrong_type(path, "a non-negative integer", j);
  return j.get<uint64_t>();
}

Result<std::vector<std::string>> Decoder::strings_at(const json& j, const std::string& path, size_t max) const {
  if (!j.is_array()) return wrong_type(path, "an array of strings", j);
  if (j.size() > max) return fail(path, "more than " + std::to_string(max) + " entries");
  std::vector<std::string> out;
  for (size_t i = 0; i < j.size(); ++i) {
    auto s = string_at(j[i], path + "[" + std::to_string(i) + "]");
    if (!s) return s.error();
    out.push_back(*s);
  }
  return out;
}

Result<uint32_t> Decoder::action(const json& name_j, const json* errno_ret, const std::string& path,
                                 const std::string& errno_path) const {
  auto name = string_at(name_j, path);
  if (!name) return name.error();
  std::optional<uint32_t> err;
  // null is "absent", as Go's decoder (Docker, runc) reads it.
  if (errno_ret != nullptr && !errno_ret->is_null()) {
    auto v = unsigned_at(*errno_ret, errno_path);
    if (!v) return v.error();
    // The kernel caps a filter's errno at MAX_ERRNO.
    if (*v > 4095) return fail(errno_path, "errno " + std::to_string(*v) + " is out of range 0..4095");
    err = static_cast<uint32_t>(*v);
  }
  const std::string& n = *name;
  auto no_errno = [&]() -> Status {
    if (err) return fail(errno_path, "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not " + n);
    return {};
  };
  // Like runc: ERRNO and TRACE without a value return EPERM.
  if (n == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(err.value_or(EPERM));
  if (n == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(err.value_or(EPERM));
  uint32_t act;
  if (n == "SCMP_ACT_ALLOW") act = SCMP_ACT_ALLOW;
  else if (n == "SCMP_ACT_LOG") act = SCMP_ACT_LOG;
  else if (n == "SCMP_ACT_KILL" || n == "SCMP_ACT_KILL_THREAD") act = SCMP_ACT_KILL_THREAD;
  else if (n == "SCMP_ACT_KILL_PROCESS") act = SCMP_ACT_KILL_PROCESS;
  else if (n == "SCMP_ACT_TRAP") act = SCMP_ACT_TRAP;
  else if (n == "SCMP_ACT_NOTIFY")
    return fail(path, "SCMP_ACT_NOTIFY needs a user-notification listener, which profile does not provide");
  else
    return fail(path, "unknown action " + shown(name_j));
  PROFILE_TRY(no_errno());
  return act;
}

Status Decoder::oci_arch(const std::string& oci, const std::string& path) const {
  for (const auto& a : oci_arches())
    if (oci == a.oci) return {};
  return fail(path, "unknown architecture " + shown(json(oci)));
}

Status Decoder::arches(const json& root) {
  if (root.contains("architectures") && !root["architectures"].is_null()) {
    const json& a = root["architectures"];
    auto names = strings_at(a, "architectures", 64);
    if (!names) return names.error();
    for (size_t i = 0; i < names->size(); ++i) {
      PROFILE_TRY(oci_arch((*names)[i], "architectures[" + std::to_string(i) + "]"));
      doc_.architectures.push_back((*names)[i]);
    }
  }
  if (root.contains("archMap") && !root["archMap"].is_null()) {
    const json& m = root["archMap"];
    if (!m.is_array()) return wrong_type("archMap", "an array", m);
    if (m.size() > 64) return fail("archMap", "more than 64 entries");
    for (size_t i = 0; i < m.size(); ++i) {
      std::string where = "archMap[" + std::to_string(i) + "]";
      const json& e = m[i];
      if (!e.is_object()) return wrong_type(where, "an object", e);
      PROFILE_TRY(keys(e, where, {"architecture", "subArchitectures"}));
      if (!e.contains("architecture")) return fail(where, "missing 'architecture'");
      SeccompArchMapDoc entry;
      auto main = string_at(e["architecture"], where + ".architecture");
      if (!main) return main.error();
      PROFILE_TRY(oci_arch(*main, where + ".architecture"));
      entry.architecture = *main;
      if (e.contains("subArchitectures") && !e["subArchitectures"].is_null()) {
        auto s = strings_at(e["subArchitectures"], where + ".subArchitectures", 16);
        if (!s) return s.error();
        entry.sub_architectures = *s;
      }
      for (size_t k = 0; k < entry.sub_architectures.size(); ++k)
        PROFILE_TRY(oci_arch(entry.sub_architectures[k], where + ".subArchitectures[" + std::to_string(k) + "]"));
      doc_.arch_map.push_back(std::move(entry));
    }
  }
  return {};
}

Result<SeccompCondition> Decoder::condition(const json& f, const std::string& path) const {
  if (!f.is_object()) return wrong_type(path, "an object", f);
  PROFILE_TRY(keys(f, path, {"caps", "arches", "minKernel"}));
  SeccompCondition c;
  if (f.contains("arches") && !f["arches"].is_null()) {
    auto list = strings_at(f["arches"], path + ".arches", 64);
    if (!list) return list.error();
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string& a = (*list)[i];
      bool known = std::any_of(oci_arches().begin(), oci_arches().end(), [&](const ArchNames& o) {
        return a == o.oci || a == o.lib || a == o.go;
      });
      // Docker's own profile says "arm64", "amd64" (Go) but also "x86", "x32".
      if (!known) return fail(path + ".arches[" + std::to_string(i) + "]", "unknown architecture " + shown(json(a)));
    }
    c.arches = *list;
  }
  if (f.contains("caps") && !f["caps"].is_null()) {
    auto list = strings_at(f["caps"], path + ".caps", 64);
    if (!list) return list.error();
    for (size_t i = 0; i < list->size(); ++i) {
      auto cap = normalise_cap_name((*list)[i]);
      if (!cap) return fail(path + ".caps[" + std::to_string(i) + "]", cap.error().message);
      c.caps.push_back(*cap);
    }
  }
  if (f.contains("minKernel") && !f["minKernel"].is_null()) {
    auto s = string_at(f["minKernel"], path + ".minKernel");
    if (!s) return s.error();
    auto k = parse_seccomp_kernel_version(*s);
    if (!k) return fail(path + ".minKernel", k.error().message + " " + shown(f["minKernel"]));
    c.min_kernel = *k;
  }
  return c;
}

Status Decoder::syscall_entry(const json& e, const std::string& path) {
  if (!e.is_object()) return wrong_type(path, "an object", e);
  PROFILE_TRY(keys(e, path, {"names", "name", "action", "errnoRet", "args", "comment", "includes", "excludes"}));
  SeccompSyscallDoc r;
  r.path = path;
  if (e.contains("name") && e.contains("names"))
    return fail(path, "use either 'name' or 'names', not both");
  if (e.contains("names")) {
    auto n = strings_at(e["names"], path + ".names", kMaxNamesPerEntry);
    if (!n) return n.error();
    if (n->empty()) return fail(path + ".names", "empty list");
    r.names = *n;
  } else if (e.contains("name")) {
    auto n = string_at(e["name"], path + ".name");
    if (!n) return n.error();
    r.names = {*n};
  } else {
    return fail(path, "missing 'names'");
  }
  if (!e.contains("action")) return fail(path, "missing 'action'");
  auto act = action(e["action"], e.contains("errnoRet") ? &e["errnoRet"] : nullptr, path + ".action",
                    path + ".errnoRet");
  if (!act) return act.error();
  r.action = *act;
  if (e.contains("comment") && !e["comment"].is_string() && !e["comment"].is_null()) return wrong_type(path + ".comment", "a string", e["comment"]);

  if (e.contains("args") && !e["args"].is_null()) {
    const json& args = e["args"];
    if (!args.is_array()) return wrong_type(path + ".args", "an array", args);
    if (args.size() > kMaxArgsPerEntry) return fail(path + ".args", "more than 6 conditions");
    for (size_t i = 0; i < args.size(); ++i) {
      std::string ap = path + ".args[" + std::to_string(i) + "]";
      const json& a = args[i];
      if (!a.is_object()) return wrong_type(ap, "an object", a);
      PROFILE_TRY(keys(a, ap, {"index", "value", "valueTwo", "op"}));
      for (const char* k : {"index", "value", "op"})
        if (!a.contains(k)) return fail(ap, std::string("missing '") + k + "'");
      auto idx = unsigned_at(a["index"], ap + ".index");
      if (!idx) return idx.error();
      if (*idx > 5) return fail(ap + ".index", "argument index " + std::to_string(*idx) + " is out of range 0..5");
      auto val = unsigned_at(a["value"], ap + ".value");
      if (!val) return val.error();
      uint64_t two = 0;
      if (a.contains("valueTwo") && !a["valueTwo"].is_null()) {
        auto t = unsigned_at(a["valueTwo"], ap + ".valueTwo");
        if (!t) return t.error();
        two = *t;
      }
      auto op = string_at(a["op"], ap + ".op");
      if (!op) return op.error();
      static const std::pair<const char*, scmp_compare> kOps[] = {
          {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
          {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
          {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
      std::optional<scmp_compare> cmp;
      for (const auto& [name, c] : kOps)
        if (*op == name) cmp = c;
      if (!cmp) return fail(ap + ".op", "unknown operator " + shown(a["op"]));
      // valueTwo only means something to MASKED_EQ (value = mask, valueTwo =
      // expected); elsewhere a non-zero one is a mistake worth reporting.
      if (*cmp != SCMP_CMP_MASKED_EQ && two != 0)
        return fail(ap + ".valueTwo", "only used by SCMP_CMP_MASKED_EQ, not " + *op);
      r.args.push_back({static_cast<unsigned>(*idx), *cmp, *val, two});
    }
  }

  // Conditions are checked (and so errors reported) even for rules they drop.
  if (e.contains("excludes") && !e["excludes"].is_null()) {
    auto c = condition(e["excludes"], path + ".excludes");
    if (!c) return c.error();
    r.excludes = std::move(*c);
  }
  if (e.contains("includes") && !e["includes"].is_null()) {
    auto c = condition(e["includes"], path + ".includes");
    if (!c) return c.error();
    r.includes = std::move(*c);
  }
  // Names are checked whether or not the rule applies here: a typo in an
  // s390-only rule is still a typo.
  for (size_t i = 0; i < r.names.size(); ++i) {
    const std::string& n = r.names[i];
    // Checked before libseccomp sees it: an embedded NUL would otherwise
    // make "getpid\u0000x" resolve as getpid.
    bool plain = !n.empty() && n.size() <= 64 && std::all_of(n.begin(), n.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (plain && seccomp_syscall_resolve_name(n.c_str()) != __NR_SCMP_ERROR) continue;
    bool recent = std::any_of(std::begin(kRecentSyscalls), std::end(kRecentSyscalls),
                              [&](const char* s) { return n == s; });
    if (!plain || !recent)
      return fail(path + ".names[" + std::to_string(i) + "]", "unknown syscall " + shown(json(n)));
  }
  doc_.syscalls.push_back(std::move(r));
  return {};
}

Result<SeccompDoc> Decoder::run(const std::string& text) {
  if (text.size() > kMaxSeccompJsonBytes)
    return fail("", "file is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                        std::to_string(kMaxSeccompJsonBytes));
  if (auto deep = json_nesting_error(text, kMaxJsonDepth)) return fail("", *deep);
  StrictJson parsed = parse_json_strict(text, "");
  // Go's decoder (Docker) keeps the last of a repeated key; a reviewer
  // reading the first would see a different policy from the one enforced.
  if (parsed.duplicate_at)
    return fail(*parsed.duplicate_at, "duplicate key " + shown(json(parsed.duplicate_key)) + " (each key may appear once)");
  if (!parsed.ok) return fail("", "malformed JSON: " + strip_json_exception_prefix(parsed.syntax_error));
  const json& root = parsed.value;
  if (!root.is_object()) return wrong_type("", "a JSON object", root);
  PROFILE_TRY(keys(root, "", {"defaultAction", "defaultErrnoRet", "architectures", "archMap", "syscalls", "flags",
                              "listenerPath", "listenerMetadata"}));

  if (!root.contains("defaultAction")) return fail("", "missing 'defaultAction'");
  auto def = action(root["defaultAction"], root.contains("defaultErrnoRet") ? &root["defaultErrnoRet"] : nullptr,
                    "defaultAction", "defaultErrnoRet");
  if (!def) return def.error();
  doc_.default_action = *def;
  if (root.contains("listenerPath")) {
    auto lp = string_at(root["listenerPath"], "listenerPath");
    if (!lp) return lp.error();
    if (!lp->empty()) return fail("listenerPath", "seccomp user notification is not supported");
  }
  if (root.contains("listenerMetadata") && !root["listenerMetadata"].is_string())
    return wrong_type("listenerMetadata", "a string", root["listenerMetadata"]);
  if (root.contains("flags") && !root["flags"].is_null()) {
    auto fl = strings_at(root["flags"], "flags", 16);
    if (!fl) return fl.error();
    for (size_t i = 0; i < fl->size(); ++i) {
      const std::string& s = (*fl)[i];
      if (s == "SECCOMP_FILTER_FLAG_LOG") doc_.flags |= SECCOMP_FILTER_FLAG_LOG;
      else if (s == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") doc_.flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
      // TSYNC: the child is single-threaded when it installs the filter.
      // WAIT_KILLABLE_RECV only concerns notify listeners, which we refuse.
      else if (s != "SECCOMP_FILTER_FLAG_TSYNC" && s != "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")
        return fail("flags[" + std::to_string(i) + "]", "unknown flag " + shown(json(s)));
    }
  }
  PROFILE_TRY(arches(root));

  if (root.contains("syscalls") && !root["syscalls"].is_null()) {
    const json& sc = root["syscalls"];
    if (!sc.is_array()) return wrong_type("syscalls", "an array", sc);
    if (sc.size() > kMaxSyscallEntries)
      return fail("syscalls", "more than " + std::to_string(kMaxSyscallEntries) + " entries");
    for (size_t i = 0; i < sc.size(); ++i) PROFILE_TRY(syscall_entry(sc[i], "syscalls[" + std::to_string(i) + "]"));
  }
  return std::move(doc_);
}

}  // namespace

Result<SeccompKernelVersion> parse_seccomp_kernel_version(const std::string& s) {
  SeccompKernelVersion k;
  size_t i = 0;
  auto number = [&](int* out) {
    size_t start = i;
    long v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 6) v = v * 10 + (s[i++] - '0');
    if (i == start) return false;
    *out = static_cast<int>(v);
    return true;
  };
  if (!number(&k.major) || i >= s.size() || s[i] != '.') return make_error("not a MAJOR.MINOR kernel version");
  ++i;
  if (!number(&k.minor)) return make_error("not a MAJOR.MINOR kernel version");
  return k;
}

Result<SeccompDoc> decode_seccomp_json(const std::string& text, const std::string& origin) {
  try {
    Decoder d(origin);
    return d.run(text);
  } catch (const std::exception& e) {
    // Should not happen (every access is type-checked), but a hostile file
    // must never crash the tool.
    return make_error(origin + ": " + strip_json_exception_prefix(e.what()));
  }
}

Result<uint32_t> decode_seccomp_action(const std::string& name, const std::string& origin,
                                       const std::string& path) {
  Decoder d(origin);
  return d.action(json(name), nullptr, path, "");
}

std::string seccomp_action_text(uint32_t act) {
  switch (act & SECCOMP_RET_ACTION_FULL) {
    case SCMP_ACT_ALLOW: return "SCMP_ACT_ALLOW";
    case SCMP_ACT_LOG: return "SCMP_ACT_LOG";
    case SCMP_ACT_KILL_PROCESS: return "SCMP_ACT_KILL_PROCESS";
    case SCMP_ACT_KILL_THREAD: return "SCMP_ACT_KILL_THREAD";
    case SCMP_ACT_TRAP: return "SCMP_ACT_TRAP";
    case SECCOMP_RET_ERRNO: return "SCMP_ACT_ERRNO(" + std::to_string(act & SECCOMP_RET_DATA) + ")";
    case SECCOMP_RET_TRACE: return "SCMP_ACT_TRACE(" + std::to_string(act & SECCOMP_RET_DATA) + ")";
  }
  char buf[16];
  snprintf(buf, sizeof(buf), "0x%08x", act);
  return buf;
}

}  // namespace profile

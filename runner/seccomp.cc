// Loader, compiler and installer for OCI/Docker seccomp JSON.
//
// Semantics follow what Docker (profile -> OCI spec) and runc (OCI spec ->
// libseccomp) do together, so `profile enforce --seccomp` treats a file the
// way `docker run --security-opt seccomp=FILE` would. Where we deliberately
// differ (strict keys, bad-arch action) the reason is given in place.
#include "runner/seccomp.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/names.h"
#include "core/file_io.h"
#include "core/unique_fd.h"

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

std::string strip_nlohmann_prefix(const std::string& what) {
  // "[json.exception.parse_error.101] parse error at line 1, ..." -> "parse error at line 1, ..."
  if (!what.empty() && what[0] == '[') {
    size_t e = what.find("] ");
    if (e != std::string::npos) return what.substr(e + 2);
  }
  return what;
}

// Nesting is bounded before parsing so a hostile "[[[[..." cannot exhaust
// the stack anywhere in the JSON library.
std::optional<std::string> check_nesting(const std::string& text) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        return "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::nullopt;
}

struct Kernel {
  int major = 0, minor = 0;
};

Result<Kernel> parse_kernel_version(const std::string& s) {
  // Docker reads "MAJOR.MINOR" (anything after is ignored by its Sscanf).
  Kernel k;
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

Kernel running_kernel() {
  struct utsname u {};
  if (uname(&u) != 0) return {};
  auto k = parse_kernel_version(u.release);
  return k ? *k : Kernel{};
}

bool kernel_at_least(const Kernel& have, const Kernel& want) {
  return have.major != want.major ? have.major > want.major : have.minor >= want.minor;
}

std::string action_text(uint32_t act) {
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

struct FilterDeleter {
  void operator()(void* c) const { seccomp_release(c); }
};
using FilterPtr = std::unique_ptr<void, FilterDeleter>;


struct Arg {
  unsigned index;
  scmp_compare op;
  uint64_t value, value_two;
};

struct Rule {
  std::string path;  // "syscalls[3]" for messages
  std::vector<std::string> names;
  uint32_t action;
  std::vector<Arg> args;
};

class Loader {
 public:
  Loader(std::string origin, const SeccompContext& ctx) : origin_(std::move(origin)), ctx_(ctx) {}

  Result<SeccompProgram> run(const std::string& text);

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
  Result<uint32_t> action(const json& name, const json* errno_ret, const std::string& path,
                          const std::string& errno_path) const;
  Result<uint32_t> native_or_listed_arch(const std::string& oci, const std::string& path) const;
  Status arches(const json& root);
  // Whether Docker's includes/excludes keep the rule.
  Result<bool> filter_matches(const json& f, const std::string& path, bool include) const;
  Status syscall_entry(const json& e, const std::string& path);
  Result<SeccompProgram> compile();

  std::string origin_;
  const SeccompContext& ctx_;
  Kernel kernel_;
  uint32_t native_ = 0;
  uint32_t default_action_ = 0;
  unsigned flags_ = 0;
  std::vector<uint32_t> arch_tokens_;  // native first
  std::vector<Rule> rules_;
};

Status Loader::keys(const json& obj, const std::string& path, std::initializer_list<const char*> allowed) const {
  // Unknown keys are refused: a misspelt "agrs" would otherwise silently turn
  // a conditional allow into an unconditional one.
  for (const auto& [k, v] : obj.items()) {
    (void)v;
    bool ok = std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; });
    if (!ok) return fail(path, "unknown key " + shown(json(k)));
  }
  return {};
}

Result<std::string> Loader::string_at(const json& j, const std::string& path) const {
  if (!j.is_string()) return wrong_type(path, "a string", j);
  return j.get<std::string>();
}

Result<uint64_t> Loader::unsigned_at(const json& j, const std::string& path) const {
  if (!j.is_number_unsigned()) return wrong_type(path, "a non-negative integer", j);
  return j.get<uint64_t>();
}

Result<std::vector<std::string>> Loader::strings_at(const json& j, const std::string& path, size_t max) const {
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

Result<uint32_t> Loader::action(const json& name_j, const json* errno_ret, const std::string& path,
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

Result<uint32_t> Loader::native_or_listed_arch(const std::string& oci, const std::string& path) const {
  for (const auto& a : oci_arches()) {
    if (oci == a.oci) return seccomp_arch_resolve_name(a.lib);  // 0: this libseccomp lacks it
  }
  return fail(path, "unknown architecture " + shown(json(oci)));
}

Status Loader::arches(const json& root) {
  std::vector<std::pair<uint32_t, std::string>> wanted;  // token (0 = unsupported), where
  std::set<std::string> listed;
  if (root.contains("architectures") && !root["architectures"].is_null()) {
    const json& a = root["architectures"];
    auto names = strings_at(a, "architectures", 64);
    if (!names) return names.error();
    for (size_t i = 0; i < names->size(); ++i) {
      std::string where = "architectures[" + std::to_string(i) + "]";
      auto tok = native_or_listed_arch((*names)[i], where);
      if (!tok) return tok.error();
      wanted.push_back({*tok, where});
      listed.insert((*names)[i]);
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
      auto main = string_at(e["architecture"], where + ".architecture");
      if (!main) return main.error();
      auto main_tok = native_or_listed_arch(*main, where + ".architecture");
      if (!main_tok) return main_tok.error();
      std::vector<std::string> subs;
      if (e.contains("subArchitectures") && !e["subArchitectures"].is_null()) {
        auto s = strings_at(e["subArchitectures"], where + ".subArchitectures", 16);
        if (!s) return s.error();
        subs = *s;
      }
      std::vector<std::pair<uint32_t, std::string>> sub_toks;
      for (size_t k = 0; k < subs.size(); ++k) {
        std::string sw = where + ".subArchitectures[" + std::to_string(k) + "]";
        auto t = native_or_listed_arch(subs[k], sw);
        if (!t) return t.error();
        sub_toks.push_back({*t, sw});
      }
      // Docker takes the entry of the native arch; an entry whose main arch
      // is also listed in "architectures" brings its sub-arches along too.
      if ((*main_tok != 0 && *main_tok == native_) || listed.count(*main)) {
        wanted.push_back({*main_tok, where + ".architecture"});
        wanted.insert(wanted.end(), sub_toks.begin(), sub_toks.end());
      }
    }
  }
  arch_tokens_ = {native_};
  for (const auto& [tok, where] : wanted) {
    (void)where;
    // An arch this libseccomp cannot build for cannot be the one we run on;
    // its syscalls hit the bad-arch action, which is what leaving it out means.
    if (tok == 0) continue;
    if (std::find(arch_tokens_.begin(), arch_tokens_.end(), tok) == arch_tokens_.end()) arch_tokens_.push_back(tok);
  }
  return {};
}

Result<bool> Loader::filter_matches(const json& f, const std::string& path, bool include) const {
  if (!f.is_object()) return wrong_type(path, "an object", f);
  PROFILE_TRY(keys(f, path, {"caps", "arches", "minKernel"}));
  // Docker's rule: includes need every condition (all caps, native arch in
  // the list, kernel >= minKernel); excludes drop the rule on any of them.
  bool any = false, all = true;
  if (f.contains("arches") && !f["arches"].is_null()) {
    auto list = strings_at(f["arches"], path + ".arches", 64);
    if (!list) return list.error();
    std::set<std::string> native_names;
    for (const auto& a : oci_arches()) {
      if (seccomp_arch_resolve_name(a.lib) == native_) native_names = {a.oci, a.lib, a.go};
    }
    bool hit = false;
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string& a = (*list)[i];
      bool known = std::any_of(oci_arches().begin(), oci_arches().end(), [&](const ArchNames& o) {
        return a == o.oci || a == o.lib || a == o.go;
      });
      // Docker's own profile says "arm64", "amd64" (Go) but also "x86", "x32".
      if (!known) return fail(path + ".arches[" + std::to_string(i) + "]", "unknown architecture " + shown(json(a)));
      if (native_names.count(a)) hit = true;
    }
    if (!list->empty()) {
      any = any || hit;
      all = all && hit;
    }
  }
  if (f.contains("caps") && !f["caps"].is_null()) {
    auto list = strings_at(f["caps"], path + ".caps", 64);
    if (!list) return list.error();
    for (size_t i = 0; i < list->size(); ++i) {
      auto c = normalise_cap_name((*list)[i]);
      if (!c) return fail(path + ".caps[" + std::to_string(i) + "]", c.error().message);
      bool have = ctx_.caps.count(*c) > 0;
      any = any || have;
      all = all && have;
    }
  }
  if (f.contains("minKernel") && !f["minKernel"].is_null()) {
    auto s = string_at(f["minKernel"], path + ".minKernel");
    if (!s) return s.error();
    auto k = parse_kernel_version(*s);
    if (!k) return fail(path + ".minKernel", k.error().message + " " + shown(f["minKernel"]));
    bool new_enough = kernel_at_least(kernel_, *k);
    any = any || new_enough;
    all = all && new_enough;
  }
  return include ? all : !any;
}

Status Loader::syscall_entry(const json& e, const std::string& path) {
  if (!e.is_object()) return wrong_type(path, "an object", e);
  PROFILE_TRY(keys(e, path, {"names", "name", "action", "errnoRet", "args", "comment", "includes", "excludes"}));
  Rule r;
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
  bool keep = true;
  if (e.contains("excludes") && !e["excludes"].is_null()) {
    auto m = filter_matches(e["excludes"], path + ".excludes", false);
    if (!m) return m.error();
    keep = keep && *m;
  }
  if (e.contains("includes") && !e["includes"].is_null()) {
    auto m = filter_matches(e["includes"], path + ".includes", true);
    if (!m) return m.error();
    keep = keep && *m;
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
  if (keep) rules_.push_back(std::move(r));
  return {};
}

Result<SeccompProgram> Loader::compile() {
  SeccompProgram prog;
  FilterPtr f(seccomp_init(default_action_));
  if (!f) return fail("", "libseccomp cannot create a filter with default action " + action_text(default_action_));
  // no_new_privs is set by the capability step; libseccomp must not do it.
  if (seccomp_attr_set(f.get(), SCMP_FLTATR_CTL_NNP, 0) != 0) return fail("", "libseccomp: cannot clear the NNP attribute");
  // A syscall from an arch the filter does not cover (int $0x80 when only
  // x86_64 is listed) kills the whole process. libseccomp's default kills
  // only the calling thread, which can leave a half-dead process behind, and
  // there is no reason to let such a call fall through to ERRNO.
  if (seccomp_attr_set(f.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) != 0)
    return fail("", "libseccomp: cannot set the bad-arch action");
  // No binary-tree optimisation (runc enables it past 32 names): for Docker's
  // profile it grows the program from ~1000 to ~1250 instructions with no
  // measurable gain here, since the kernel caches constant allow verdicts.
  for (uint32_t tok : arch_tokens_) {
    if (tok == native_) continue;
    int rc = seccomp_arch_add(f.get(), tok);
    if (rc != 0 && rc != -EEXIST) return fail("architectures", std::string("libseccomp cannot add an arch: ") + strerror(-rc));
  }
  for (uint32_t tok : arch_tokens_) {
    const char* name = "?";
    for (const auto& a : oci_arches())
      if (seccomp_arch_resolve_name(a.lib) == tok) name = a.lib;
    prog.arches.push_back(name);
  }
  for (const Rule& r : rules_) {
    // libseccomp refuses a rule that repeats the default action; runc drops
    // those too, they change nothing.
    if (r.action == default_action_) continue;
    for (const std::string& n : r.names) {
      int nr = seccomp_syscall_resolve_name(n.c_str());
      if (nr == __NR_SCMP_ERROR) {
        prog.skipped.push_back(n);
        continue;
      }
      std::vector<scmp_arg_cmp> conds;
      bool repeated_index = false;
      for (const Arg& a : r.args) {
        for (const auto& c : conds)
          if (c.arg == a.index) repeated_index = true;
        conds.push_back(scmp_arg_cmp{a.index, a.op, a.value, a.value_two});
      }
      auto add = [&](unsigned count, const scmp_arg_cmp* c) -> Status {
        // A pseudo-syscall number (a name absent natively, e.g. socketcall
        // on x86_64) is translated by libseccomp for each arch that has it.
        int rc = seccomp_rule_add_array(f.get(), r.action, nr, count, c);
        if (rc != 0)
          return fail(r.path, "libseccomp refused the rule for " + shown(json(n)) + ": " + strerror(-rc));
        ++prog.rules;
        return {};
      };
      if (repeated_index) {
        // libseccomp cannot AND two conditions on one argument; runc then adds
        // one rule per condition (they OR), and so do we.
        for (const auto& c : conds) PROFILE_TRY(add(1, &c));
      } else {
        PROFILE_TRY(add(static_cast<unsigned>(conds.size()), conds.data()));
      }
    }
  }
  UniqueFd mem(static_cast<int>(syscall(SYS_memfd_create, "seccomp-bpf", MFD_CLOEXEC)));
  if (mem.get() < 0) return fail("", std::string("memfd_create: ") + strerror(errno));
  int rc = seccomp_export_bpf(f.get(), mem.get());
  if (rc != 0) return fail("", std::string("libseccomp cannot generate the filter: ") + strerror(-rc));
  off_t size = lseek(mem.get(), 0, SEEK_END);
  if (size < 0) return fail("", std::string("lseek: ") + strerror(errno));
  if (size == 0 || size % sizeof(sock_filter) != 0)
    return fail("", "libseccomp produced a program of " + std::to_string(size) + " bytes");
  size_t count = static_cast<size_t>(size) / sizeof(sock_filter);
  if (count > BPF_MAXINSNS)
    return fail("", "the compiled filter has " + std::to_string(count) + " instructions, more than the kernel's " +
                        std::to_string(BPF_MAXINSNS));
  prog.insns.resize(count);
  size_t got = 0;
  char* dst = reinterpret_cast<char*>(prog.insns.data());
  while (got < static_cast<size_t>(size)) {
    ssize_t n = pread(mem.get(), dst + got, static_cast<size_t>(size) - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("", std::string("reading the compiled filter: ") + (n < 0 ? strerror(errno) : "short read"));
    got += static_cast<size_t>(n);
  }
  prog.flags = flags_;
  prog.default_action = action_text(default_action_);
  std::sort(prog.skipped.begin(), prog.skipped.end());
  prog.skipped.erase(std::unique(prog.skipped.begin(), prog.skipped.end()), prog.skipped.end());
  return prog;
}

Result<SeccompProgram> Loader::run(const std::string& text) {
  if (text.size() > kMaxSeccompJsonBytes)
    return fail("", "file is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                        std::to_string(kMaxSeccompJsonBytes));
  if (auto deep = check_nesting(text)) return fail("", *deep);
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {
    return fail("", "malformed JSON: " + strip_nlohmann_prefix(e.what()));
  }
  if (!root.is_object()) return wrong_type("", "a JSON object", root);
  PROFILE_TRY(keys(root, "", {"defaultAction", "defaultErrnoRet", "architectures", "archMap", "syscalls", "flags",
                              "listenerPath", "listenerMetadata"}));

  kernel_ = ctx_.kernel_major > 0 ? Kernel{ctx_.kernel_major, ctx_.kernel_minor} : running_kernel();
  native_ = seccomp_arch_native();

  if (!root.contains("defaultAction")) return fail("", "missing 'defaultAction'");
  auto def = action(root["defaultAction"], root.contains("defaultErrnoRet") ? &root["defaultErrnoRet"] : nullptr,
                    "defaultAction", "defaultErrnoRet");
  if (!def) return def.error();
  default_action_ = *def;
  if (!ctx_.override_default_action.empty()) {
    json o = ctx_.override_default_action;
    auto ov = action(o, nullptr, "override of defaultAction", "");
    if (!ov) return ov.error();
    default_action_ = *ov;
  }
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
      if (s == "SECCOMP_FILTER_FLAG_LOG") flags_ |= SECCOMP_FILTER_FLAG_LOG;
      else if (s == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") flags_ |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
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
  return compile();
}

}  // namespace

Result<SeccompProgram> compile_seccomp_json(const std::string& text, const std::string& origin,
                                            const SeccompContext& ctx) {
  try {
    Loader l(origin, ctx);
    return l.run(text);
  } catch (const std::exception& e) {
    // Should not happen (every access is type-checked), but a hostile file
    // must never crash the tool.
    return make_error(origin + ": " + strip_nlohmann_prefix(e.what()));
  }
}

Result<SeccompProgram> compile_seccomp_file(const std::string& path, const SeccompContext& ctx) {
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > kMaxSeccompJsonBytes)
    return make_error(path + ": file is " + std::to_string(st.st_size) + " bytes, more than the limit of " +
                      std::to_string(kMaxSeccompJsonBytes));
  // The bound also holds for a file that grows after stat, or a pipe.
  auto text = read_text_file(path, kMaxSeccompJsonBytes);
  if (!text) return text.error();
  return compile_seccomp_json(*text, path, ctx);
}

std::string describe_seccomp(const SeccompProgram& prog) {
  std::string arches;
  for (const auto& a : prog.arches) arches += (arches.empty() ? "" : ",") + a;
  std::string s = "seccomp: " + std::to_string(prog.insns.size()) + " BPF instructions, arches " + arches +
                  ", default " + prog.default_action + ", " + std::to_string(prog.rules) + " rules";
  if (!prog.skipped.empty()) s += ", " + std::to_string(prog.skipped.size()) + " syscall names unknown to libseccomp";
  return s;
}

int install_seccomp(const SeccompProgram& prog) noexcept {
  if (prog.insns.empty() || prog.insns.size() > BPF_MAXINSNS) return EINVAL;
  struct sock_fprog fprog {};
  fprog.len = static_cast<unsigned short>(prog.insns.size());
  fprog.filter = const_cast<sock_filter*>(prog.insns.data());
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, prog.flags, &fprog) == 0) return 0;
  int e = errno;
  // Kernels before 3.17 have no seccomp(2); prctl takes no flags.
  if (e == ENOSYS && prog.flags == 0) {
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) == 0) return 0;
    e = errno;
  }
  return e;
}

}  // namespace profile

#include "profilegen/seccomp_args.h"

#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <map>
#include <optional>

#include "core/names.h"
#include "profilegen/runtime_sets.h"

namespace profile {

static_assert(kCloneNamespaceFlags == (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |
                                       CLONE_NEWPID | CLONE_NEWNET));

namespace {

// int and unsigned int arguments: the kernel reads the low 32 bits only, so
// the rule does too; upper bits a caller left in the register neither
// widen nor break it.
constexpr uint64_t kLow32 = 0xffffffffull;
constexpr uint64_t kSocketTypeMask = kLow32 & ~static_cast<uint64_t>(SOCK_NONBLOCK | SOCK_CLOEXEC);
constexpr uint64_t kWriteExec = PROT_WRITE | PROT_EXEC;

// What runc and crun call prctl with after installing the filter without
// no-new-privileges (strace, docs/seccomp.md): bounding-set drops, keepcaps
// around the uid change, ambient capabilities.
constexpr uint64_t kRuntimePrctlOptions[] = {PR_SET_KEEPCAPS, PR_CAPBSET_DROP, PR_CAP_AMBIENT};

SeccompArgCmp low32_eq(unsigned index, uint64_t v) { return {index, kLow32, v & kLow32, true}; }
SeccompArgCmp masked_eq(unsigned index, uint64_t mask, uint64_t v) { return {index, mask, v & mask, true}; }

class Deriver {
 public:
  Deriver(const Profile& p, const std::set<std::string>& allowed) : p_(p), allowed_(allowed) {}

  // The recorded values of argument `index` of `name` over the profile's
  // architectures; nullopt when some architecture allows the call without
  // any (a hand-written or widened entry, or a recording from before the
  // argument was captured): the rule could not say what that one needs.
  std::optional<std::set<uint64_t>> recorded(const std::string& name, int index) const {
    std::set<uint64_t> out;
    bool any_arch = false;
    for (const auto& [arch, names] : p_.syscalls) {
      if (!names.count(name)) continue;
      any_arch = true;
      auto it = p_.args.find(ArgRule{arch, name, index, {}});
      if (it == p_.args.end()) return std::nullopt;
      out.insert(it->values.begin(), it->values.end());
    }
    if (!any_arch) return std::nullopt;
    return out;
  }

  // Recorded values where there are any, whether or not every arch has them.
  std::set<uint64_t> any_recorded(const std::string& name, int index) const {
    std::set<uint64_t> out;
    for (const auto& r : p_.args)
      if (r.syscall == name && r.index == index) out.insert(r.values.begin(), r.values.end());
    return out;
  }

  bool allowed(const std::string& name) const { return allowed_.count(name) > 0 || plan_.added.count(name) > 0; }

  void add(const std::string& name, std::vector<SeccompArgCmp> args) {
    std::sort(args.begin(), args.end());
    alternatives_[name].insert(std::move(args));
  }

  bool runtime_calls(const std::string& name) const {
    for (const auto& [arch, names] : p_.syscalls)
      if (runtime_syscalls(p_, arch).count(name)) return true;
    return false;
  }

  void socket() {
    if (!allowed("socket")) return;
    auto families = recorded("socket", 0);
    if (!families) return;
    // The recorded pairs say which types each family was used with; a
    // family known only from "arguments" keeps any type.
    std::map<uint64_t, std::set<uint64_t>> types;
    for (const auto& s : p_.network.sockets) {
      auto f = family_number(s.family);
      auto t = socket_type_number(s.type);
      if (!f || !t) continue;
      families->insert(static_cast<uint64_t>(*f));
      types[static_cast<uint64_t>(*f)].insert(static_cast<uint64_t>(*t));
    }
    for (uint64_t f : *families) {
      auto it = types.find(f & kLow32);
      if (it == types.end()) {
        add("socket", {low32_eq(0, f)});
        continue;
      }
      for (uint64_t t : it->second) add("socket", {low32_eq(0, f), masked_eq(1, kSocketTypeMask, t)});
    }
  }

  // Namespaces only in the combinations recorded (none: no namespace).
  void namespaces(const std::string& name, uint64_t mask, const std::set<uint64_t>& values) {
    std::set<uint64_t> combos = {0};
    for (uint64_t v : values) combos.insert(v & mask);
    for (uint64_t c : combos) add(name, {masked_eq(0, mask, c)});
  }

  void clone3_and_clone() {
    // clone3 passes its flags in memory: seccomp cannot tell a thread from
    // a new user namespace, so it answers ENOSYS and glibc falls back to
    // clone, whose flags it can check. Allowed as such only when the
    // recording saw clone3 create a namespace (nothing narrower is possible).
    bool clone3_namespaces = false;
    if (allowed("clone3"))
      for (uint64_t v : any_recorded("clone3", 0))
        if (v & kUnshareNamespaceFlags) clone3_namespaces = true;
    plan_.clone3_enosys = !clone3_namespaces;
    if (plan_.clone3_enosys && allowed("clone3")) {
      plan_.conditional.insert("clone3");
      if (!allowed_.count("clone")) plan_.added.insert("clone");
    }
    // clone's argument 0 is recorded on every call, so an allowed clone
    // without values is a widened one (the fork family, the fallback
    // above): creating threads and processes, never namespaces.
    if (allowed("clone")) namespaces("clone", kCloneNamespaceFlags, any_recorded("clone", 0));
  }

  void unshare() {
    if (!allowed("unshare")) return;
    if (auto v = recorded("unshare", 0)) namespaces("unshare", kUnshareNamespaceFlags, *v);
  }

  void low32_values(const std::string& name, int index, std::set<uint64_t> extra = {}) {
    if (!allowed(name)) return;
    std::set<uint64_t> values = std::move(extra);
    bool own = std::any_of(p_.syscalls.begin(), p_.syscalls.end(), [&](const auto& a) { return a.second.count(name); });
    if (own) {
      auto v = recorded(name, index);
      if (!v) return;
      values.insert(v->begin(), v->end());
    }
    if (values.empty()) return;
    std::set<uint64_t> low;
    for (uint64_t v : values) low.insert(v & kLow32);
    for (uint64_t v : low) add(name, {low32_eq(static_cast<unsigned>(index), v)});
  }

  void prctl() {
    std::set<uint64_t> runtime;
    if (runtime_calls("prctl")) runtime.insert(std::begin(kRuntimePrctlOptions), std::end(kRuntimePrctlOptions));
    low32_values("prctl", 0, runtime);
  }

  void write_xor_exec() {
    for (const char* name : {"mmap", "mmap2", "mprotect", "pkey_mprotect"}) {
      if (!allowed(name)) continue;
      for (uint64_t prot : {uint64_t{0}, uint64_t{PROT_WRITE}, uint64_t{PROT_EXEC}}) add(name, {masked_eq(2, kWriteExec, prot)});
    }
  }

  SeccompArgPlan run() {
    clone3_and_clone();
    socket();
    unshare();
    low32_values("personality", 0);
    prctl();
    if (p_.strict_args) {
      low32_values("ioctl", 1);
      write_xor_exec();
    }
    for (auto& [name, alts] : alternatives_) {
      plan_.conditional.insert(name);
      for (const auto& a : alts) plan_.rules.push_back({name, a});
    }
    return std::move(plan_);
  }

 private:
  const Profile& p_;
  const std::set<std::string>& allowed_;
  std::map<std::string, std::set<std::vector<SeccompArgCmp>>> alternatives_;
  SeccompArgPlan plan_;
};

}  // namespace

SeccompArgPlan plan_seccomp_args(const Profile& p, const std::set<std::string>& allowed) {
  return Deriver(p, allowed).run();
}

}  // namespace profile

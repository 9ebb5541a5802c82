// seccomp JSON, step 3 of 3: apply. The decoded (seccomp_decode.h) and
// planned (seccomp_plan.h) filter is compiled with libseccomp in the parent,
// and the raw program installed in the child. Only this file calls
// libseccomp to build a filter.
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
#include <cstdint>
#include <memory>

#include "core/file_io.h"
#include "core/json_read.h"
#include "core/names.h"
#include "core/unique_fd.h"
#include "runner/seccomp_decode.h"
#include "runner/seccomp_plan.h"

namespace profile {

namespace {

SeccompKernelVersion running_kernel() {
  struct utsname u {};
  if (uname(&u) != 0) return {};
  auto k = parse_seccomp_kernel_version(u.release);
  return k ? *k : SeccompKernelVersion{};
}

struct FilterDeleter {
  void operator()(void* c) const { seccomp_release(c); }
};
using FilterPtr = std::unique_ptr<void, FilterDeleter>;

// The libseccomp name of the arch we run on, "" if the name table lacks it.
std::string native_arch_name() {
  uint32_t native = seccomp_arch_native();
  for (const auto& a : oci_arches())
    if (seccomp_arch_resolve_name(a.lib) == native) return a.lib;
  return {};
}

// A syscall name quoted as the decoder quotes values.
std::string shown_name(const std::string& n) {
  std::string s = n.size() > 64 ? n.substr(0, 61) + "..." : n;
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  return "'" + s + "'";
}

bool denies(uint32_t action) {
  uint32_t a = action & 0xffff0000u;
  return action == SCMP_ACT_KILL_PROCESS || action == SCMP_ACT_KILL_THREAD || a == (SCMP_ACT_ERRNO(0) & 0xffff0000u) ||
         a == (SCMP_ACT_TRAP & 0xffff0000u);
}

Result<SeccompProgram> apply_plan(const SeccompPlan& plan, const std::string& origin, bool notify_default) {
  auto fail = [&](const std::string& path, const std::string& msg) {
    return make_error(origin + ": " + (path.empty() ? "" : path + ": ") + msg);
  };
  const bool notify = notify_default && denies(plan.default_action);
  const uint32_t default_action = notify ? SCMP_ACT_NOTIFY : plan.default_action;
  const uint32_t native = seccomp_arch_native();
  std::vector<uint32_t> arch_tokens = {native};
  for (const auto& a : plan.arches) {
    // An arch this libseccomp cannot build for cannot be the one we run on;
    // its syscalls hit the bad-arch action, which is what leaving it out means.
    uint32_t tok = seccomp_arch_resolve_name(a.c_str());
    if (tok == 0) continue;
    if (std::find(arch_tokens.begin(), arch_tokens.end(), tok) == arch_tokens.end()) arch_tokens.push_back(tok);
  }
  SeccompProgram prog;
  FilterPtr f(seccomp_init(default_action));
  if (!f) return fail("", "libseccomp cannot create a filter with default action " + seccomp_action_text(default_action));
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
  for (uint32_t tok : arch_tokens) {
    if (tok == native) continue;
    int rc = seccomp_arch_add(f.get(), tok);
    if (rc != 0 && rc != -EEXIST) return fail("architectures", std::string("libseccomp cannot add an arch: ") + strerror(-rc));
  }
  for (uint32_t tok : arch_tokens) {
    const char* name = "?";
    for (const auto& a : oci_arches())
      if (seccomp_arch_resolve_name(a.lib) == tok) name = a.lib;
    prog.arches.push_back(name);
  }
  for (const SeccompPlannedRule& r : plan.rules) {
    int nr = seccomp_syscall_resolve_name(r.name.c_str());
    if (nr == __NR_SCMP_ERROR) {
      prog.skipped.push_back(r.name);
      continue;
    }
    // A pseudo-syscall number (a name absent natively, e.g. socketcall on
    // x86_64) is translated by libseccomp for each arch that has it.
    int rc = seccomp_rule_add_array(f.get(), r.action, nr, static_cast<unsigned>(r.conds.size()), r.conds.data());
    if (rc != 0)
      return fail(r.path, "libseccomp refused the rule for " + shown_name(r.name) + ": " + strerror(-rc));
    ++prog.rules;
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
  prog.flags = plan.flags;
  prog.default_action = seccomp_action_text(plan.default_action);
  prog.notify = notify;
  prog.replaced_action = notify ? plan.default_action : 0;
  std::sort(prog.skipped.begin(), prog.skipped.end());
  prog.skipped.erase(std::unique(prog.skipped.begin(), prog.skipped.end()), prog.skipped.end());
  return prog;
}


}  // namespace

Result<SeccompProgram> compile_seccomp_json(const std::string& text, const std::string& origin,
                                            const SeccompContext& ctx) {
  try {
    auto doc = decode_seccomp_json(text, origin);
    if (!doc) return doc.error();
    SeccompPlanInput in;
    in.native_arch = native_arch_name();
    in.caps = ctx.caps;
    in.kernel = ctx.kernel_major > 0 ? SeccompKernelVersion{ctx.kernel_major, ctx.kernel_minor} : running_kernel();
    if (!ctx.override_default_action.empty()) {
      auto ov = decode_seccomp_action(ctx.override_default_action, origin, "override of defaultAction");
      if (!ov) return ov.error();
      in.default_action_override = *ov;
    }
    return apply_plan(plan_seccomp(*doc, in), origin, ctx.notify_default);
  } catch (const std::exception& e) {
    // Should not happen (every access is type-checked), but a hostile file
    // must never crash the tool.
    return make_error(origin + ": " + strip_json_exception_prefix(e.what()));
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
                  ", default " + prog.default_action + (prog.notify ? " (through the notification supervisor)" : "") +
                  ", " + std::to_string(prog.rules) + " rules";
  if (!prog.skipped.empty()) s += ", " + std::to_string(prog.skipped.size()) + " syscall names unknown to libseccomp";
  return s;
}

int install_seccomp_listener(const SeccompProgram& prog, int* listener) noexcept {
  if (prog.insns.empty() || prog.insns.size() > BPF_MAXINSNS) return EINVAL;
  struct sock_fprog fprog {};
  fprog.len = static_cast<unsigned short>(prog.insns.size());
  fprog.filter = const_cast<sock_filter*>(prog.insns.data());
  unsigned flags = prog.flags | SECCOMP_FILTER_FLAG_NEW_LISTENER;
  // TSYNC and a listener are exclusive unless a failed sync says ESRCH.
  if (flags & SECCOMP_FILTER_FLAG_TSYNC) flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
  if (fd < 0) return errno;
  *listener = static_cast<int>(fd);
  return 0;
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

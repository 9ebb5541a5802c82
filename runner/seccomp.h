// seccomp: loads OCI/Docker seccomp JSON (the full format, including archMap,
// includes/excludes, minKernel and argument rules), compiles it with
// libseccomp in the parent, and installs the raw program in the child.
#pragma once

#include <linux/filter.h>

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"

namespace profile {

struct SeccompProgram {
  std::vector<sock_filter> insns;
  // SECCOMP_FILTER_FLAG_* bits for seccomp(2) (from the profile's "flags").
  unsigned int flags = 0;
  // What the program was compiled from, for describe_seccomp().
  std::string default_action;       // e.g. "SCMP_ACT_ERRNO(1)"
  std::vector<std::string> arches;  // libseccomp names, native first
  size_t rules = 0;                 // rules handed to libseccomp
  std::vector<std::string> skipped; // syscall names this libseccomp does not know
  // The default action was replaced by SCMP_ACT_NOTIFY (SeccompContext::
  // notify_default): installed with a listener that the supervisor answers
  // (runner/seccomp_notify.h). `replaced_action` is what the profile said.
  bool notify = false;
  uint32_t replaced_action = 0;
};

struct SeccompContext {
  // Capabilities the workload will hold (names without CAP_), for
  // includes/excludes "caps" conditions.
  std::set<std::string> caps;
  // Kernel version for "minKernel"; zero means detect with uname().
  int kernel_major = 0;
  int kernel_minor = 0;
  // Replaces the default action (an SCMP_ACT_* name).
  std::string override_default_action;
  // Turns a denying default action (ERRNO, KILL, TRAP) into SCMP_ACT_NOTIFY
  // so that a supervisor sees, names and answers every call outside the
  // rules. The rules themselves (ALLOW, and explicit ERRNO rules) stay as
  // they are, so allowed calls keep the kernel's action cache.
  bool notify_default = false;
};

// Largest seccomp JSON document accepted.
inline constexpr size_t kMaxSeccompJsonBytes = 4 << 20;

// Parses and compiles a seccomp JSON document. `origin` (the file name)
// prefixes every error, which names the offending value and its JSON path:
//   bad.json: syscalls[2].action: unknown action 'SCMP_ACT_FLY'
Result<SeccompProgram> compile_seccomp_json(const std::string& text, const std::string& origin,
                                            const SeccompContext& ctx);
Result<SeccompProgram> compile_seccomp_file(const std::string& path, const SeccompContext& ctx);

// One line: instruction count, arches, default action, rule count.
std::string describe_seccomp(const SeccompProgram& prog);

// Child side, between clone and execve: no allocation, no exceptions.
// Returns 0 or an errno value. no_new_privs must already be set.
int install_seccomp(const SeccompProgram& prog) noexcept;
// The same with SECCOMP_FILTER_FLAG_NEW_LISTENER: *listener receives the
// notification descriptor (close-on-exec, as the kernel creates it).
int install_seccomp_listener(const SeccompProgram& prog, int* listener) noexcept;

}  // namespace profile

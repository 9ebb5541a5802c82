// seccomp: loads OCI/Docker seccomp JSON (the full format, including archMap,
// includes/excludes, minKernel and argument rules), compiles it with
// libseccomp in the parent, and installs the raw program in the child.
#pragma once

#include <linux/filter.h>

#include <set>
#include <string>
#include <vector>

#include "profilegen/error.h"

namespace profile {

struct SeccompProgram {
  std::vector<sock_filter> insns;
};

struct SeccompContext {
  // Capabilities the workload will hold (names without CAP_), for
  // includes/excludes "caps" conditions.
  std::set<std::string> caps;
  // Kernel version for "minKernel"; zero means detect with uname().
  int kernel_major = 0;
  int kernel_minor = 0;
  // Replaces the default action (complain mode: SCMP_ACT_LOG).
  std::string override_default_action;
};

// Parses and compiles a seccomp JSON document. `origin` (the file name)
// prefixes every error, which names the offending value.
Result<SeccompProgram> compile_seccomp_json(const std::string& text, const std::string& origin,
                                            const SeccompContext& ctx);
Result<SeccompProgram> compile_seccomp_file(const std::string& path, const SeccompContext& ctx);

// Child side, between clone and execve: no allocation, no exceptions.
// Returns 0 or an errno value. no_new_privs must already be set.
int install_seccomp(const SeccompProgram& prog) noexcept;

}  // namespace profile

// seccomp JSON, step 2 of 3: plan. Docker's semantics applied to a decoded
// document for one machine and one workload: which architectures the filter
// covers (architectures + archMap), which rules survive includes/excludes
// (capabilities, native arch, minKernel), the default action (or its
// override), and the concrete rules handed to libseccomp. Pure: no
// libseccomp call, no system call; the apply step (seccomp.cc) compiles it.
#pragma once

#include <seccomp.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runner/seccomp_decode.h"

namespace profile {

struct SeccompPlanInput {
  // libseccomp name of the arch we run on ("x86_64").
  std::string native_arch;
  // Capabilities the workload will hold (names without CAP_).
  std::set<std::string> caps;
  SeccompKernelVersion kernel;
  // Replaces the document's default action (complain mode: SCMP_ACT_LOG).
  std::optional<uint32_t> default_action_override;
};

// One libseccomp rule: a syscall name (resolved, and translated for each
// arch, by libseccomp) with conditions that must all hold.
struct SeccompPlannedRule {
  std::string path;  // the "syscalls[N]" entry it came from, for messages
  std::string name;
  uint32_t action = 0;
  std::vector<scmp_arg_cmp> conds;
};

struct SeccompPlan {
  uint32_t default_action = 0;
  unsigned flags = 0;
  // libseccomp arch names, native first, each once. May name an arch this
  // libseccomp cannot build for; apply leaves those out.
  std::vector<std::string> arches;
  std::vector<SeccompPlannedRule> rules;
};

SeccompPlan plan_seccomp(const SeccompDoc& doc, const SeccompPlanInput& in);

}  // namespace profile

// seccomp JSON, step 1 of 3: decode. Strict JSON (unknown keys, wrong types
// and repeated keys refused) into a plain struct that mirrors the OCI/Docker
// format, every value checked on its own: action and operator names,
// architecture names, syscall names, capability names, kernel versions.
// Nothing here depends on the machine or the workload; Docker's semantics
// (archMap, includes/excludes) are the plan step's (seccomp_plan.h).
#pragma once

#include <seccomp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace profile {

struct SeccompKernelVersion {
  int major = 0, minor = 0;
};

// "MAJOR.MINOR", anything after ignored (as Docker's Sscanf reads it).
Result<SeccompKernelVersion> parse_seccomp_kernel_version(const std::string& s);

// An "includes" or "excludes" object.
struct SeccompCondition {
  std::vector<std::string> caps;    // normalised, without CAP_
  std::vector<std::string> arches;  // as written: OCI, libseccomp or Go names
  std::optional<SeccompKernelVersion> min_kernel;
};

struct SeccompArgDoc {
  unsigned index = 0;
  scmp_compare op = SCMP_CMP_EQ;
  uint64_t value = 0, value_two = 0;
};

// One entry of "syscalls".
struct SeccompSyscallDoc {
  std::string path;                // "syscalls[3]", for messages
  std::vector<std::string> names;  // from "names" or "name"
  uint32_t action = 0;             // SCMP_ACT_*, errnoRet applied
  std::vector<SeccompArgDoc> args;
  std::optional<SeccompCondition> includes, excludes;
};

struct SeccompArchMapDoc {
  std::string architecture;  // OCI name
  std::vector<std::string> sub_architectures;
};

struct SeccompDoc {
  uint32_t default_action = 0;  // SCMP_ACT_*, defaultErrnoRet applied
  unsigned flags = 0;           // SECCOMP_FILTER_FLAG_* bits
  std::vector<std::string> architectures;  // OCI names
  std::vector<SeccompArchMapDoc> arch_map;
  std::vector<SeccompSyscallDoc> syscalls;
};

// Every error starts with `origin` and names the JSON path of the value:
//   bad.json: syscalls[2].action: unknown action 'SCMP_ACT_FLY'
Result<SeccompDoc> decode_seccomp_json(const std::string& text, const std::string& origin);

// An action name alone (no errno value), for an override of defaultAction;
// errors read "origin: path: ...".
Result<uint32_t> decode_seccomp_action(const std::string& name, const std::string& origin,
                                       const std::string& path);

// The SCMP_ACT_* spelling of an action value, e.g. "SCMP_ACT_ERRNO(1)".
std::string seccomp_action_text(uint32_t act);

}  // namespace profile

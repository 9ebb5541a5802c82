// Secrets: `--secret NAME=FILE` is read by the supervisor and written by the
// workload's setup into a private in-memory tmpfs at /run/secrets/NAME (mode
// 0400, owned by the workload user). The host file is never bind-mounted, so
// the workload cannot reach it or its directory.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace profile {

struct Secret {
  std::string name;
  std::string data;
};

// Bounds: a secret is a credential, not a data set.
constexpr size_t kMaxSecretBytes = 1 << 20;
constexpr size_t kMaxSecrets = 64;

// Parses NAME=FILE and reads FILE. NAME is a plain file name.
Result<Secret> load_secret(const std::string& arg);

}  // namespace profile

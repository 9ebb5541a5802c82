#include "runner/default_policy.h"

#include <string>

#include "runner/default_seccomp_json.h"

namespace profile {

std::string_view default_seccomp_json() { return std::string_view(kDefaultSeccompJson, kDefaultSeccompJson_size); }

Result<SeccompProgram> compile_default_seccomp(const SeccompContext& ctx) {
  return compile_seccomp_json(std::string(default_seccomp_json()), kDefaultSeccompOrigin, ctx);
}

}  // namespace profile

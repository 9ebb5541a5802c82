// PLACEHOLDER until the Docker-format loader lands: refuses to enforce.
#include "runner/seccomp.h"

namespace profile {

Result<SeccompProgram> compile_seccomp_json(const std::string&, const std::string& origin,
                                            const SeccompContext&) {
  return make_error(origin + ": seccomp loading is not implemented yet");
}

Result<SeccompProgram> compile_seccomp_file(const std::string& path, const SeccompContext& ctx) {
  return compile_seccomp_json("", path, ctx);
}

int install_seccomp(const SeccompProgram&) noexcept { return 38; }

}  // namespace profile

#include "runner/loaders.h"

#include <cstdlib>

#include "runner/landlock.h"

namespace profile {

// The dynamic loader of each executed binary is opened and mapped by the
// kernel inside execve, where no recorder sees it; policies must still allow
// it (AppArmor "mr", Landlock execute). Read from the binaries as the
// workload saw them (through --rootfs when there is one).
void add_exec_loaders(const RunSpec& spec, Observations* obs) {
  std::string root;
  if (spec.isolation && spec.isolation->ns.mnt) root = spec.isolation->mounts.rootfs;
  while (!root.empty() && root.back() == '/') root.pop_back();
  for (const auto& exe : obs->execs) {
    std::string loader = elf_interpreter(root + exe);
    if (loader.empty()) continue;
    // Recorders report resolved paths (AppArmor matches those too):
    // /lib64/ld-linux-x86-64.so.2 is usually a symlink.
    char* real = realpath((root + loader).c_str(), nullptr);
    if (real == nullptr) continue;
    std::string resolved(real);
    free(real);
    if (resolved.compare(0, root.size(), root) != 0) continue;
    obs->add_file(resolved.substr(root.size()), kAccessRead | kAccessMmapExec);
  }
}

}  // namespace profile

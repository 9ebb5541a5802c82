// A profile recorded on one architecture, translated for another
// (`profile generate --arch`): the recorded syscall names become the target's
// names for the same kernel operations, with their argument rules moved to
// the target's argument positions. The table of equivalents is data
// (equivalent_syscalls()), documented in docs/architectures.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/profile.h"

namespace profile {

// The target's spelling of an argument known only there: clone's flags are
// argument 0 on most architectures and argument 1 on s390 and s390x.
inline constexpr int kCloneFlagsArg = -1;

// An argument value the replacement needs to do exactly what the replaced
// call did (pipe is pipe2 with flags 0).
struct ImpliedArg {
  int index;  // argument of the replacement, or kCloneFlagsArg
  uint64_t value;
};

struct Replacement {
  const char* name;
  std::vector<ImpliedArg> implied;
};

// One row: a call some architectures lack and what does its job there.
struct SyscallEquivalent {
  const char* from;
  // Every replacement the target has is allowed (rename is renameat and, on
  // riscv64, which lacks renameat, renameat2); a target with none of them
  // cannot run the call.
  std::vector<Replacement> to;
  // Argument positions of `from` -> of the replacement. A rule on an
  // argument not listed cannot be carried over.
  std::vector<std::pair<int, int>> moves;
};

// The whole table, in the order docs/architectures.md lists it.
const std::vector<SyscallEquivalent>& equivalent_syscalls();

// Machine-specific calls whose job other architectures do without a
// syscall (x86_64's arch_prctl sets the thread pointer, which aarch64 code
// writes from user space): dropped, with a note, where the target lacks them.
struct UnneededSyscall {
  const char* name;
  const char* why;
};
const std::vector<UnneededSyscall>& unneeded_elsewhere_syscalls();

// The libseccomp architecture named by `spelling`: a libseccomp name
// ("aarch64"), an OCI name ("SCMP_ARCH_AARCH64") or a common alias ("arm64",
// "amd64", "i386"). An error naming the value otherwise.
Result<std::string> parse_target_arch(const std::string& spelling);

// The compat architectures of `arch` (aarch64 -> arm), as the OCI
// runtimes' archMap lists them; empty when it has none.
std::vector<std::string> compat_arches(const std::string& arch);

// Whether libseccomp knows `name` on `arch`, directly or through a
// multiplexer (socket through socketcall on s390x).
bool syscall_exists(const std::string& arch, const std::string& name);
// Whether libseccomp can filter the register arguments of `name` on `arch`:
// not for calls reached through a multiplexer, nor for calls whose
// arguments the kernel reads from memory (mmap on s390x and i386).
bool arguments_filterable(const std::string& arch, const std::string& name);

// The names that do `name`'s job on `arch`: `name` itself when the arch has
// it, else the replacements of its row that the arch has. Empty when there
// are none (no row, or a row whose replacements the arch lacks).
std::vector<std::string> target_names(const std::string& name, const std::string& arch);

struct ArchTranslation {
  std::string target;                // libseccomp name
  Profile profile;                   // syscalls and arguments under the target's arches only
  std::vector<std::string> notes;    // what was dropped or replaced, one line each
};

// Translates the syscalls and argument rules of `p` to `target` (a
// libseccomp name): the sections of the profile's primary architecture go to
// `target`, those of its compat architectures (x86 next to x86_64) to the
// target's compat architecture. Fails, listing every call and rule that
// cannot be carried over, rather than return a profile that cannot work.
Result<ArchTranslation> translate_profile(const Profile& p, const std::string& target);

}  // namespace profile

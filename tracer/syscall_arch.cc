#include "tracer/syscall_arch.h"

#include <linux/audit.h>

#include "core/syscall_semantics.h"

namespace profile {

DecodedSyscall decode_syscall(uint32_t audit_arch, uint64_t raw_nr) {
  DecodedSyscall d;
  if (audit_arch == AUDIT_ARCH_X86_64) {
    // x32 tasks run on the 64-bit entry with the x32 bit in the number; the
    // audit arch does not tell them apart.
    if (raw_nr & kX32SyscallBit) {
      d.arch = SysArch::kX32;
      raw_nr &= ~kX32SyscallBit;
    } else {
      d.arch = SysArch::kX86_64;
    }
  } else if (audit_arch == AUDIT_ARCH_I386) {
    d.arch = SysArch::kX86;
    // The compat entry zero-extends eax; a value with high bits set cannot be
    // a syscall (it is, e.g., -1 from syscall(-1)).
  } else {
    return d;
  }
  if (raw_nr < static_cast<uint64_t>(kMaxSyscallNr)) d.nr = static_cast<int>(raw_nr);
  return d;
}

const char* sys_arch_name(SysArch arch) {
  switch (arch) {
    case SysArch::kX86_64:
      return "x86_64";
    case SysArch::kX86:
      return "x86";
    case SysArch::kX32:
      return "x32";
    case SysArch::kUnknown:
      break;
  }
  return "";
}

}  // namespace profile

// Decoding of the (audit arch, raw number) pair a syscall stop reports into
// the architecture and number libseccomp uses. Pure: unit-tested with
// synthetic input, because IA-32 emulation and x32 are off on the build hosts.
#pragma once

#include <cstdint>

namespace profile {

enum class SysArch : uint8_t { kX86_64 = 0, kX86 = 1, kX32 = 2, kUnknown = 3 };
inline constexpr int kNumSysArches = 3;
// Syscall numbers at or above this are not syscalls of any known table
// (x32 numbers are counted without __X32_SYSCALL_BIT).
inline constexpr int kMaxSyscallNr = 1024;

struct DecodedSyscall {
  SysArch arch = SysArch::kUnknown;
  int nr = -1;  // -1: not a valid syscall number for `arch`
};

// audit_arch is AUDIT_ARCH_* from PTRACE_GET_SYSCALL_INFO; raw_nr is the
// number as the kernel saw it (for x32, with __X32_SYSCALL_BIT set).
DecodedSyscall decode_syscall(uint32_t audit_arch, uint64_t raw_nr);

// libseccomp arch name ("x86_64", "x86", "x32"); "" for kUnknown.
const char* sys_arch_name(SysArch arch);

}  // namespace profile

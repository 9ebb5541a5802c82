// Names <-> numbers for everything a profile names: syscalls (per
// architecture, through libseccomp), architectures (libseccomp, OCI and Go
// spellings), capabilities (through libcap) and socket constants. One table
// of each, so every part of the program agrees on a name.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"

namespace profile {

// An architecture under its three spellings. `lib` is libseccomp's name; the
// installed libseccomp may not know every one (LoongArch, m68k, SuperH came
// later), which only matters if one of them is the native arch.
struct ArchNames {
  const char* oci;  // "SCMP_ARCH_X86_64"
  const char* lib;  // "x86_64"
  const char* go;   // Go's GOARCH, what Docker's includes/excludes "arches" match
  // Whether profile.json may name it (the architectures libseccomp 2.5 knows).
  bool in_profiles;
};
// Every architecture of the OCI runtime spec.
const std::vector<ArchNames>& oci_arches();

// Syscall names <-> numbers, per libseccomp arch name.
Result<std::string> syscall_name(const std::string& arch, int nr);
Result<int> syscall_number(const std::string& arch, const std::string& name);
// Validates a libseccomp arch name ("x86_64", "x86", "x32", "aarch64", ...).
Status check_arch(const std::string& arch);
// "x86_64" <-> "SCMP_ARCH_X86_64".
Result<std::string> arch_to_oci(const std::string& arch);
Result<std::string> arch_from_oci(const std::string& oci);

// Capability names via libcap; canonical form is upper case without CAP_.
Result<std::string> normalise_cap_name(const std::string& name);
Result<int> cap_number(const std::string& name);
std::string cap_name(int cap);
// Docker's default capability set.
const std::vector<std::string>& docker_default_caps();
// The highest capability number the running kernel knows
// (/proc/sys/kernel/cap_last_cap; libcap's CAP_LAST_CAP when unreadable).
int cap_last_cap();

// Socket constants <-> names.
std::string family_name(int family);
Result<int> family_number(const std::string& name);
std::string socket_type_name(int type);
Result<int> socket_type_number(const std::string& name);

}  // namespace profile

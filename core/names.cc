#include "core/names.h"

#include <seccomp.h>
#include <sys/capability.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace profile {

namespace {

// The OCI runtime spec's architectures; the first nineteen are the ones
// libseccomp 2.5 knows, which profile.json may name.
const ArchNames kArches[] = {
    {"SCMP_ARCH_X86", "x86", "386", true},
    {"SCMP_ARCH_X86_64", "x86_64", "amd64", true},
    {"SCMP_ARCH_X32", "x32", "amd64p32", true},
    {"SCMP_ARCH_ARM", "arm", "arm", true},
    {"SCMP_ARCH_AARCH64", "aarch64", "arm64", true},
    {"SCMP_ARCH_MIPS", "mips", "mips", true},
    {"SCMP_ARCH_MIPS64", "mips64", "mips64", true},
    {"SCMP_ARCH_MIPS64N32", "mips64n32", "mips64p32", true},
    {"SCMP_ARCH_MIPSEL", "mipsel", "mipsle", true},
    {"SCMP_ARCH_MIPSEL64", "mipsel64", "mips64le", true},
    {"SCMP_ARCH_MIPSEL64N32", "mipsel64n32", "mips64p32le", true},
    {"SCMP_ARCH_PPC", "ppc", "ppc", true},
    {"SCMP_ARCH_PPC64", "ppc64", "ppc64", true},
    {"SCMP_ARCH_PPC64LE", "ppc64le", "ppc64le", true},
    {"SCMP_ARCH_S390", "s390", "s390", true},
    {"SCMP_ARCH_S390X", "s390x", "s390x", true},
    {"SCMP_ARCH_PARISC", "parisc", "parisc", true},
    {"SCMP_ARCH_PARISC64", "parisc64", "parisc64", true},
    {"SCMP_ARCH_RISCV64", "riscv64", "riscv64", true},
    {"SCMP_ARCH_LOONGARCH64", "loongarch64", "loong64", false},
    {"SCMP_ARCH_M68K", "m68k", "m68k", false},
    {"SCMP_ARCH_SH", "sh", "sh", false},
    {"SCMP_ARCH_SHEB", "sheb", "shbe", false},
};

Result<uint32_t> arch_token(const std::string& arch) {
  for (const auto& a : kArches) {
    if (a.in_profiles && arch == a.lib) {
      uint32_t tok = seccomp_arch_resolve_name(a.lib);
      if (tok == 0) return make_error("architecture " + quote_value(arch) + " is not supported by this libseccomp");
      return tok;
    }
  }
  return make_error("unknown architecture " + quote_value(arch));
}

}  // namespace

const std::vector<ArchNames>& oci_arches() {
  static const std::vector<ArchNames> all(std::begin(kArches), std::end(kArches));
  return all;
}

Status check_arch(const std::string& arch) {
  auto tok = arch_token(arch);
  if (!tok) return tok.error();
  return {};
}

Result<std::string> arch_to_oci(const std::string& arch) {
  for (const auto& a : kArches)
    if (a.in_profiles && arch == a.lib) return std::string(a.oci);
  return make_error("unknown architecture " + quote_value(arch));
}

Result<std::string> arch_from_oci(const std::string& oci) {
  for (const auto& a : kArches)
    if (a.in_profiles && oci == a.oci) return std::string(a.lib);
  return make_error("unknown architecture " + quote_value(oci));
}

Result<std::string> syscall_name(const std::string& arch, int nr) {
  auto tok = arch_token(arch);
  if (!tok) return tok.error();
  // Recorders strip __X32_SYSCALL_BIT; libseccomp's x32 table carries it.
  constexpr int kX32Bit = 0x40000000;
  if (arch == "x32" && nr >= 0 && nr < kX32Bit) nr |= kX32Bit;
  char* name = seccomp_syscall_resolve_num_arch(*tok, nr);
  if (name == nullptr)
    return make_error("syscall number " + std::to_string(nr) + " is unknown on " + arch);
  std::string out(name);
  free(name);
  return out;
}

Result<int> syscall_number(const std::string& arch, const std::string& name) {
  auto tok = arch_token(arch);
  if (!tok) return tok.error();
  int nr = seccomp_syscall_resolve_name_arch(*tok, name.c_str());
  // Negative numbers are libseccomp pseudo-syscalls: the name does not exist
  // on this arch (e.g. "socketcall" on x86_64).
  if (nr == __NR_SCMP_ERROR || nr < 0)
    return make_error("unknown syscall " + quote_value(name) + " on " + arch);
  return nr;
}

Result<std::string> normalise_cap_name(const std::string& name) {
  std::string lower;
  for (char c : name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower.rfind("cap_", 0) != 0) lower = "cap_" + lower;
  cap_value_t v;
  if (cap_from_name(lower.c_str(), &v) != 0 || v < 0)
    return make_error("unknown capability " + quote_value(name));
  return cap_name(v);
}

Result<int> cap_number(const std::string& name) {
  auto n = normalise_cap_name(name);
  if (!n) return n.error();
  std::string lower = "cap_" + *n;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  cap_value_t v;
  if (cap_from_name(lower.c_str(), &v) != 0) return make_error("unknown capability " + quote_value(name));
  return static_cast<int>(v);
}

std::string cap_name(int cap) {
  char* text = cap_to_name(static_cast<cap_value_t>(cap));
  std::string out = text ? text : std::to_string(cap);
  if (text) cap_free(text);
  if (out.rfind("cap_", 0) == 0) out = out.substr(4);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

int cap_last_cap() {
  int n = -1;
  if (FILE* f = std::fopen("/proc/sys/kernel/cap_last_cap", "re")) {
    if (std::fscanf(f, "%d", &n) != 1) n = -1;
    std::fclose(f);
  }
  return n > 0 && n < 64 ? n : CAP_LAST_CAP;
}

const std::vector<std::string>& docker_default_caps() {
  static const std::vector<std::string> caps = {
      "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
      "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"};
  return caps;
}

namespace {
struct NamedNumber {
  int number;
  const char* name;
};
constexpr NamedNumber kFamilies[] = {
    {AF_UNSPEC, "unspec"}, {AF_UNIX, "unix"}, {AF_INET, "inet"}, {AF_AX25, "ax25"},
    {AF_IPX, "ipx"}, {AF_APPLETALK, "appletalk"}, {AF_NETROM, "netrom"},
    {AF_BRIDGE, "bridge"}, {AF_ATMPVC, "atmpvc"}, {AF_X25, "x25"}, {AF_INET6, "inet6"},
    {AF_ROSE, "rose"}, {AF_DECnet, "decnet"}, {AF_NETBEUI, "netbeui"},
    {AF_SECURITY, "security"}, {AF_KEY, "key"}, {AF_NETLINK, "netlink"},
    {AF_PACKET, "packet"}, {AF_ASH, "ash"}, {AF_ECONET, "econet"},
    {AF_ATMSVC, "atmsvc"}, {AF_RDS, "rds"}, {AF_SNA, "sna"}, {AF_IRDA, "irda"},
    {AF_PPPOX, "pppox"}, {AF_WANPIPE, "wanpipe"}, {AF_LLC, "llc"}, {AF_IB, "ib"},
    {AF_MPLS, "mpls"}, {AF_CAN, "can"}, {AF_TIPC, "tipc"}, {AF_BLUETOOTH, "bluetooth"},
    {AF_IUCV, "iucv"}, {AF_RXRPC, "rxrpc"}, {AF_ISDN, "isdn"}, {AF_PHONET, "phonet"},
    {AF_IEEE802154, "ieee802154"}, {AF_CAIF, "caif"}, {AF_ALG, "alg"}, {AF_NFC, "nfc"},
    {AF_VSOCK, "vsock"}, {AF_KCM, "kcm"}, {AF_QIPCRTR, "qipcrtr"}, {AF_SMC, "smc"},
    {44, "xdp"}, {45, "mctp"},
};
constexpr NamedNumber kTypes[] = {
    {SOCK_STREAM, "stream"}, {SOCK_DGRAM, "dgram"}, {SOCK_RAW, "raw"},
    {SOCK_RDM, "rdm"}, {SOCK_SEQPACKET, "seqpacket"}, {SOCK_DCCP, "dccp"},
    {SOCK_PACKET, "packet"},
};

template <size_t N>
std::string name_of(const NamedNumber (&table)[N], int n, const char* prefix) {
  for (const auto& e : table)
    if (e.number == n) return e.name;
  return std::string(prefix) + std::to_string(n);
}

template <size_t N>
Result<int> number_of(const NamedNumber (&table)[N], const std::string& name, const char* prefix,
                      const char* what) {
  for (const auto& e : table)
    if (name == e.name) return e.number;
  std::string p(prefix);
  if (name.rfind(p, 0) == 0 && name.size() > p.size() && name.size() < p.size() + 4 &&
      std::all_of(name.begin() + p.size(), name.end(), ::isdigit))
    return std::stoi(name.substr(p.size()));
  return make_error(std::string("unknown socket ") + what + " " + quote_value(name));
}
}  // namespace

std::string family_name(int family) { return name_of(kFamilies, family, "family-"); }
Result<int> family_number(const std::string& name) {
  return number_of(kFamilies, name, "family-", "family");
}
std::string socket_type_name(int type) { return name_of(kTypes, type, "type-"); }
Result<int> socket_type_number(const std::string& name) {
  return number_of(kTypes, name, "type-", "type");
}

}  // namespace profile

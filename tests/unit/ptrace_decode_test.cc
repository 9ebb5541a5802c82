// The ptrace recorder's pure decoding, on synthetic input: arch/number
// pairs the build hosts cannot produce live (x32, and IA-32 where emulation
// is off), hostile paths and socket addresses, /proc credentials.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <string>

#include "profilegen/profile.h"
#include "core/observations.h"
#include "tracer/ptrace_decode.h"
#include "tracer/syscall_arch.h"

namespace profile {
namespace {

constexpr uint64_t kX32Bit = 0x40000000ULL;

std::string name_of(const DecodedSyscall& d) {
  auto n = syscall_name(sys_arch_name(d.arch), d.nr);
  return n ? *n : "<" + n.error().message + ">";
}

TEST(PtraceDecode, X86_64NumbersAreTakenAsIs) {
  auto d = decode_syscall(AUDIT_ARCH_X86_64, 257);
  EXPECT_EQ(d.arch, SysArch::kX86_64);
  EXPECT_EQ(d.nr, 257);
  EXPECT_STREQ(sys_arch_name(d.arch), "x86_64");
  EXPECT_EQ(name_of(d), "openat");
}

TEST(PtraceDecode, I386ArchIsX86WithItsOwnTable) {
  // 5 is open on i386 but fstat on x86_64: the arch decides the name.
  auto d = decode_syscall(AUDIT_ARCH_I386, 5);
  EXPECT_EQ(d.arch, SysArch::kX86);
  EXPECT_STREQ(sys_arch_name(d.arch), "x86");
  EXPECT_EQ(name_of(d), "open");
  EXPECT_EQ(name_of(decode_syscall(AUDIT_ARCH_X86_64, 5)), "fstat");
  // int $0x80 getpid, as tests/helpers/int80.c makes it.
  EXPECT_EQ(name_of(decode_syscall(AUDIT_ARCH_I386, 20)), "getpid");
}

TEST(PtraceDecode, X32IsX86_64ArchWithTheX32BitStripped) {
  auto d = decode_syscall(AUDIT_ARCH_X86_64, kX32Bit | 257);
  EXPECT_EQ(d.arch, SysArch::kX32);
  EXPECT_EQ(d.nr, 257);
  EXPECT_STREQ(sys_arch_name(d.arch), "x32");
  EXPECT_EQ(name_of(d), "openat");
  // x32's own numbers above 512 (its execve is 520).
  auto e = decode_syscall(AUDIT_ARCH_X86_64, kX32Bit | 520);
  EXPECT_EQ(e.arch, SysArch::kX32);
  EXPECT_EQ(name_of(e), "execve");
}

TEST(PtraceDecode, BogusNumbersAndArchesAreRejected) {
  auto d = decode_syscall(AUDIT_ARCH_X86_64, ~0ULL);  // syscall(-1)
  EXPECT_EQ(d.nr, -1);
  EXPECT_EQ(decode_syscall(AUDIT_ARCH_I386, 0xffffffffULL).nr, -1);
  EXPECT_EQ(decode_syscall(AUDIT_ARCH_X86_64, 100000).nr, -1);
  auto a = decode_syscall(AUDIT_ARCH_AARCH64, 56);
  EXPECT_EQ(a.arch, SysArch::kUnknown);
  EXPECT_EQ(a.nr, -1);
  EXPECT_STREQ(sys_arch_name(a.arch), "");
}

TEST(PtraceDecode, KindTableCoversEveryArch) {
  const auto& t = SyscallTable::get();
  auto nr = [](const char* arch, const char* name) {
    auto n = syscall_number(arch, name);
    EXPECT_TRUE(n.ok()) << arch << " " << name;
    return n ? static_cast<int>(static_cast<uint64_t>(*n) & ~kX32Bit) : -1;
  };
  EXPECT_EQ(t.kind(SysArch::kX86_64, nr("x86_64", "openat")), SysKind::kOpenat);
  EXPECT_EQ(t.kind(SysArch::kX86, nr("x86", "open")), SysKind::kOpen);
  EXPECT_EQ(t.kind(SysArch::kX86, nr("x86", "mmap2")), SysKind::kMmap);
  EXPECT_EQ(t.kind(SysArch::kX86, nr("x86", "mmap")), SysKind::kOther);  // old_mmap(struct*)
  EXPECT_EQ(t.kind(SysArch::kX86_64, nr("x86_64", "mmap")), SysKind::kMmap);
  EXPECT_EQ(t.kind(SysArch::kX86, nr("x86", "chown")), SysKind::kChown16);
  EXPECT_EQ(t.kind(SysArch::kX86, nr("x86", "chown32")), SysKind::kChown);
  EXPECT_EQ(t.kind(SysArch::kX86_64, nr("x86_64", "chown")), SysKind::kChown);
  EXPECT_EQ(t.kind(SysArch::kX32, nr("x32", "socket")), SysKind::kSocket);
  EXPECT_EQ(t.kind(SysArch::kX32, nr("x32", "execve")), SysKind::kExecve);
  EXPECT_EQ(t.kind(SysArch::kX86_64, nr("x86_64", "getpid")), SysKind::kOther);
  EXPECT_EQ(t.kind(SysArch::kUnknown, 2), SysKind::kOther);
  EXPECT_EQ(t.kind(SysArch::kX86_64, -1), SysKind::kOther);
  EXPECT_EQ(t.kind(SysArch::kX86_64, kMaxSyscallNr), SysKind::kOther);
  EXPECT_EQ(t.execve_number(SysArch::kX86_64), nr("x86_64", "execve"));
  EXPECT_EQ(t.execve_number(SysArch::kX86), nr("x86", "execve"));
  EXPECT_EQ(t.execve_number(SysArch::kX32), 520);
}

std::string joined(std::string_view root, std::string_view dir, std::string_view name) {
  std::string out;
  PathJoin r = join_clean(root, dir, name, &out);
  if (r == PathJoin::kDotDotAfterName) return "<unresolved>";
  if (r == PathJoin::kInvalid) return "<invalid>";
  return out;
}

// The chown family and utimensat are decoded from their rows: where the
// path and ids are, and whether a final link is followed, on every arch.
TEST(PtraceDecode, ChownAndUtimensatRowsSayWhereAndWhetherToFollow) {
  const auto& t = SyscallTable::get();
  auto row = [&t](SysArch a, const char* arch, const char* name) -> const SyscallSemantics* {
    auto n = syscall_number(arch, name);
    if (!n) {
      ADD_FAILURE() << arch << " " << name;
      return nullptr;
    }
    const SyscallSemantics* r = t.row(a, static_cast<int>(static_cast<uint64_t>(*n) & ~kX32Bit));
    EXPECT_NE(r, nullptr) << arch << " " << name;
    return r;
  };
  struct Case {
    SysArch a;
    const char* arch;
    const char* name;
    int dirfd, path;
    bool nofollow, nofollow_flag4, empty_flag4;
  };
  const Case cases[] = {
      {SysArch::kX86_64, "x86_64", "chown", -1, 0, false, false, false},
      {SysArch::kX86_64, "x86_64", "lchown", -1, 0, true, false, false},
      {SysArch::kX86_64, "x86_64", "fchownat", 0, 1, false, true, true},
      {SysArch::kX86, "x86", "chown", -1, 0, false, false, false},
      {SysArch::kX86, "x86", "lchown", -1, 0, true, false, false},
      {SysArch::kX86, "x86", "lchown32", -1, 0, true, false, false},
      {SysArch::kX86, "x86", "chown32", -1, 0, false, false, false},
      {SysArch::kX32, "x32", "lchown", -1, 0, true, false, false},
  };
  for (const Case& c : cases) {
    const SyscallSemantics* r = row(c.a, c.arch, c.name);
    if (r == nullptr) continue;
    std::string where = std::string(c.arch) + " " + c.name;
    EXPECT_EQ(r->path[0].dirfd, c.dirfd) << where;
    EXPECT_EQ(r->path[0].path, c.path) << where;
    EXPECT_EQ(r->path[0].access, kAccessChmod) << where;
    EXPECT_EQ((r->flags & kSemNoFollow) != 0, c.nofollow) << where;
    EXPECT_EQ((r->flags & kSemNoFollowFlag4) != 0, c.nofollow_flag4) << where;
    EXPECT_EQ((r->flags & kSemEmptyPathFlag4) != 0, c.empty_flag4) << where;
  }
  for (const char* name : {"utimensat"}) {
    const SyscallSemantics* r = row(SysArch::kX86_64, "x86_64", name);
    if (r == nullptr) continue;
    EXPECT_EQ(r->kind, SysKind::kUtimensat);
    EXPECT_EQ(r->path[0].dirfd, 0);
    EXPECT_EQ(r->path[0].path, 1);
    EXPECT_EQ(r->path[0].access, kAccessChmod);
    EXPECT_TRUE(r->flags & kSemEmptyPathIsFd);
    // Not the eBPF recorder's: it has the file from its open already.
    EXPECT_FALSE(r->flags & kSemEbpf);
  }
}

TEST(PtraceDecode, PathsJoinOntoResolvedDirectories) {
  EXPECT_EQ(joined("/", "/home/u", "a.txt"), "/home/u/a.txt");
  EXPECT_EQ(joined("/", "/home/u", "/etc//passwd"), "/etc/passwd");
  // ".." of the kernel-resolved cwd: its parent is a real directory.
  EXPECT_EQ(joined("/", "/home/u", "../v/./b"), "/home/v/b");
  EXPECT_EQ(joined("/", "/", "../../.."), "/");
  EXPECT_EQ(joined("/", "/a", ""), "/a");  // AT_EMPTY_PATH: the dirfd itself
  EXPECT_EQ(joined("/", "/a/", "b/"), "/a/b");
  // Absolute names are inside the task's root, which ".." never leaves.
  EXPECT_EQ(joined("/jail", "/jail/w", "/etc/passwd"), "/jail/etc/passwd");
  EXPECT_EQ(joined("/jail", "/jail/w", "/../etc/passwd"), "/jail/etc/passwd");
  EXPECT_EQ(joined("/jail", "/jail/w", "../../../x"), "/jail/x");
  // A cwd outside the root (chroot without chdir): nothing stops the climb.
  EXPECT_EQ(joined("/jail", "/srv/w", "../../x"), "/x");
}

TEST(PtraceDecode, DotDotAfterANameFromTheStringIsUnresolved) {
  // The kernel follows "L" before "..": if L is a symbolic link, "L/.." is
  // its target's parent, which text cannot know.
  EXPECT_EQ(joined("/", "/s/w", "L/../../../etc/passwd"), "<unresolved>");
  EXPECT_EQ(joined("/", "/s/w", "/s/w/L/../x"), "<unresolved>");
  EXPECT_EQ(joined("/", "/s/w", "../a/../x"), "<unresolved>");
  EXPECT_EQ(joined("/", "/s/w", "a/./.."), "<unresolved>");
  EXPECT_EQ(joined("/", "", "/a/.."), "<unresolved>");
  // "." and "//" after a name are harmless.
  EXPECT_EQ(joined("/", "/s/w", "a/.//b/."), "/s/w/a/b");
}

TEST(PtraceDecode, FdinfoFlagsAreOctal) {
  EXPECT_EQ(parse_fdinfo_flags("pos:\t0\nflags:\t0100002\nmnt_id:\t24\n").value_or(99), 0100002u);
  EXPECT_EQ(parse_fdinfo_flags("flags: 0").value_or(99), 0u);
  EXPECT_FALSE(parse_fdinfo_flags("pos:\t0\nmnt_id:\t24\n"));
  EXPECT_FALSE(parse_fdinfo_flags("flags:\t0109\n"));
  EXPECT_FALSE(parse_fdinfo_flags("flags:\t\n"));
  EXPECT_FALSE(parse_fdinfo_flags("flags:\t7777777777777777777777777\n"));
}

TEST(PtraceDecode, HostilePathsAreRefused) {
  EXPECT_EQ(joined("/", "relative/base", "x"), "<invalid>");
  EXPECT_EQ(joined("/", "", "x"), "<invalid>");
  EXPECT_EQ(joined("relative", "/d", "x"), "<invalid>");
  // Control bytes are names like any other (the profile spells them \xHH).
  EXPECT_EQ(joined("/", "/d", "new\nline"), "/d/new\nline");
  EXPECT_EQ(joined("/", "/d", std::string("esc\x1b[0m")), "/d/esc\x1b[0m");
  EXPECT_EQ(joined("/", "/d", std::string(5000, 'a')), "<invalid>");
  EXPECT_FALSE(clean_path("pipe:[1234]"));
  EXPECT_FALSE(clean_path(""));
  EXPECT_TRUE(clean_path(std::string("/a\x7f\x01\n\xff")));
  EXPECT_FALSE(clean_path(std::string("/a\0b", 4)));
  EXPECT_TRUE(clean_path("/with space/and-ünïcode"));
  EXPECT_TRUE(clean_path("/" + std::string(kMaxPathLen - 1, 'a')));
  EXPECT_FALSE(clean_path("/" + std::string(kMaxPathLen, 'a')));
}

TEST(PtraceDecode, OpenFlagsGiveAccess) {
  EXPECT_EQ(open_access(O_RDONLY), kAccessRead);
  EXPECT_EQ(open_access(O_WRONLY), kAccessWrite);
  EXPECT_EQ(open_access(O_RDWR), kAccessRead | kAccessWrite);
  EXPECT_EQ(open_access(O_WRONLY | O_APPEND), kAccessAppend);
  EXPECT_EQ(open_access(O_RDWR | O_APPEND), kAccessRead | kAccessAppend);
  EXPECT_EQ(open_access(O_WRONLY | O_CREAT | O_TRUNC), kAccessWrite | kAccessCreate);
  EXPECT_EQ(open_access(O_RDONLY | O_TRUNC), kAccessRead | kAccessWrite);
  EXPECT_EQ(open_access(O_RDONLY | O_DIRECTORY | O_CLOEXEC), kAccessRead);
  EXPECT_EQ(open_access(O_PATH | O_RDONLY), 0u);
}

// Both recorders read creat and mmap through core/access.h.
TEST(PtraceDecode, CreatAndExecutableMappingsFromTheSharedHeader) {
  EXPECT_EQ(static_cast<uint64_t>(PROFILE_CREAT_FLAGS), static_cast<uint64_t>(O_CREAT | O_WRONLY | O_TRUNC));
  EXPECT_EQ(open_access(PROFILE_CREAT_FLAGS), kAccessWrite | kAccessCreate);
  EXPECT_TRUE(profile_mmap_execs_file(PROT_READ | PROT_EXEC, MAP_PRIVATE));
  EXPECT_FALSE(profile_mmap_execs_file(PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS));
  EXPECT_FALSE(profile_mmap_execs_file(PROT_READ | PROT_WRITE, MAP_SHARED));
  // Bits the workload sets beyond the ones that matter change nothing.
  EXPECT_TRUE(profile_mmap_execs_file(PROT_EXEC | 0xff00, MAP_PRIVATE | 0x100000));
}

TEST(PtraceDecode, InetSockaddrsGivePorts) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(8080);
  auto s = decode_sockaddr(reinterpret_cast<const uint8_t*>(&in), sizeof in);
  EXPECT_TRUE(s.valid);
  EXPECT_EQ(s.family, AF_INET);
  EXPECT_EQ(s.port, 8080);
  // Truncated by addrlen: not trusted.
  EXPECT_FALSE(decode_sockaddr(reinterpret_cast<const uint8_t*>(&in), 3).valid);

  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  in6.sin6_port = htons(443);
  auto s6 = decode_sockaddr(reinterpret_cast<const uint8_t*>(&in6), sizeof in6);
  EXPECT_TRUE(s6.valid);
  EXPECT_EQ(s6.family, AF_INET6);
  EXPECT_EQ(s6.port, 443);
  EXPECT_FALSE(decode_sockaddr(nullptr, 16).valid);
  EXPECT_FALSE(decode_sockaddr(reinterpret_cast<const uint8_t*>(&in6), 1).valid);
}

TEST(PtraceDecode, UnixSockaddrsGiveNames) {
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  strcpy(un.sun_path, "/run/app.sock");
  auto s = decode_sockaddr(reinterpret_cast<const uint8_t*>(&un), sizeof un);
  EXPECT_TRUE(s.valid);
  EXPECT_EQ(s.unix_name, "/run/app.sock");

  // Abstract, with exact length and with NUL padding to sizeof.
  sockaddr_un ab{};
  ab.sun_family = AF_UNIX;
  memcpy(ab.sun_path + 1, "bus", 3);
  auto exact = decode_sockaddr(reinterpret_cast<const uint8_t*>(&ab), offsetof(sockaddr_un, sun_path) + 4);
  EXPECT_EQ(exact.unix_name, "@bus");
  auto padded = decode_sockaddr(reinterpret_cast<const uint8_t*>(&ab), sizeof ab);
  EXPECT_EQ(padded.unix_name, "@bus");

  // Unnamed (autobind) socket: valid, no name.
  auto unnamed = decode_sockaddr(reinterpret_cast<const uint8_t*>(&ab), sizeof(sa_family_t));
  EXPECT_TRUE(unnamed.valid);
  EXPECT_EQ(unnamed.unix_name, "");

  // A name without NUL must not run past the structure (addrlen is larger).
  uint8_t big[sizeof(sockaddr_un) + 64];
  memset(big, 'A', sizeof big);
  sa_family_t fam = AF_UNIX;
  memcpy(big, &fam, sizeof fam);
  auto unterminated = decode_sockaddr(big, sizeof big);
  EXPECT_TRUE(unterminated.valid);
  EXPECT_EQ(unterminated.unix_name.size(), sizeof(un.sun_path));

  sockaddr_un bad{};
  bad.sun_family = AF_UNIX;
  memcpy(bad.sun_path + 1, "x\ny", 3);
  EXPECT_FALSE(decode_sockaddr(reinterpret_cast<const uint8_t*>(&bad), offsetof(sockaddr_un, sun_path) + 4).valid);
}

TEST(PtraceDecode, ProcStatusCredentials) {
  const char* text =
      "Name:\tcat\nUmask:\t0022\nState:\tR (running)\nTgid:\t4242\nNgid:\t0\nPid:\t4243\n"
      "PPid:\t17\nTracerPid:\t1\nUid:\t1000\t1001\t1002\t1003\nGid:\t100\t101\t102\t103\n"
      "FDSize:\t64\nGroups:\t4 24 27 \nNStgid:\t4242\n";
  auto st = parse_proc_status(text);
  EXPECT_EQ(st.tgid, 4242);
  EXPECT_EQ(st.ppid, 17);
  ASSERT_TRUE(st.has_creds);
  EXPECT_EQ(st.creds.ruid, 1000u);
  EXPECT_EQ(st.creds.euid, 1001u);
  EXPECT_EQ(st.creds.suid, 1002u);
  EXPECT_EQ(st.creds.fsuid, 1003u);
  EXPECT_EQ(st.creds.fsgid, 103u);
  ASSERT_EQ(st.creds.ngroups, 3);
  EXPECT_TRUE(st.creds.in_group(27));
  EXPECT_TRUE(st.creds.in_group(103));
  EXPECT_FALSE(st.creds.in_group(100));  // real gid is not used for access

  auto broken = parse_proc_status("Uid:\t1\t2\nGid:\tx\n");
  EXPECT_FALSE(broken.has_creds);
  auto overflow = parse_proc_status("Tgid:\t99999999999999\n");
  EXPECT_EQ(overflow.tgid, 0);
}

TEST(PtraceDecode, DacCapabilityFromModeBits) {
  Creds root;  // fsuid 0, fsgid 0, no groups
  // root reading a file of another user with mode 0600: only a capability lets it.
  EXPECT_STREQ(dac_capability_needed(root, 0100600, 1000, 1000, kAccessRead), "DAC_READ_SEARCH");
  EXPECT_STREQ(dac_capability_needed(root, 0100644, 1000, 1000, kAccessWrite), "DAC_OVERRIDE");
  EXPECT_STREQ(dac_capability_needed(root, 0100444, 1000, 1000, kAccessRead | kAccessAppend), "DAC_OVERRIDE");
  EXPECT_EQ(dac_capability_needed(root, 0100644, 1000, 1000, kAccessRead), nullptr);
  // Own file, group file, world file.
  EXPECT_EQ(dac_capability_needed(root, 0100600, 0, 1000, kAccessRead | kAccessWrite), nullptr);
  Creds user;
  user.fsuid = 1000;
  user.fsgid = 1000;
  user.ngroups = 1;
  user.groups[0] = 27;
  EXPECT_EQ(dac_capability_needed(user, 0100640, 0, 27, kAccessRead), nullptr);
  EXPECT_STREQ(dac_capability_needed(user, 0100640, 0, 27, kAccessWrite), "DAC_OVERRIDE");
  EXPECT_STREQ(dac_capability_needed(user, 0100604, 0, 5, kAccessRead | kAccessWrite), "DAC_OVERRIDE");
  // The owner class applies even when it is stricter than "other".
  EXPECT_STREQ(dac_capability_needed(user, 0100044, 1000, 5, kAccessRead), "DAC_READ_SEARCH");
}

}  // namespace
}  // namespace profile

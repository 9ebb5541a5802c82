// The syscall semantics table (core/syscall_semantics.h) and what the eBPF
// loader makes of it. The expected numbers below are the ones the BPF
// program used to hard-code, copied from it before it was made
// table-driven: resolving the table by name through libseccomp must give the
// same entries, except for the changes listed with their reason.
#include <gtest/gtest.h>

#include <fcntl.h>

#include <map>
#include <set>
#include <string>
#include <tuple>

#include "core/access.h"
#include "core/syscall_semantics.h"
#include "tracer/bpf/recorder.h"
#include "tracer/ebpf_tracer.h"
#include "core/observations.h"
#include "tracer/ptrace_decode.h"

namespace profile {
namespace {

constexpr uint16_t R = kAccessRead, W = kAccessWrite, C = kAccessCreate, D = kAccessDelete, L = kAccessLink,
                   M = kAccessChmod, LS = kAccessList;

struct Old {
  int nr;
  uint8_t op;
  int d1, p1;
  uint16_t a1;
  int d2, p2;
  uint16_t a2;
  uint8_t flags = 0;
};
Old open_(int nr, int dirfd, int flags_arg) { return {nr, EB_OP_OPEN, dirfd, flags_arg, 0, -1, -1, 0}; }
Old op_(int nr, uint8_t op) { return {nr, op, -1, -1, 0, -1, -1, 0}; }
Old p1_(int nr, int d, int p, uint16_t a, uint8_t flags = 0) { return {nr, EB_OP_PATH, d, p, a, -1, -1, 0, flags}; }
Old p2_(int nr, int d, int p, uint16_t a, int e, int q, uint16_t b) { return {nr, EB_OP_PATH, d, p, a, e, q, b}; }

// classify() of the BPF program as it was, i386 then x86_64 (x32 shared
// the x86_64 switch).
const std::vector<Old> kOldX86 = {
    open_(5, -1, 1), open_(295, 0, 2), op_(8, EB_OP_CREAT), op_(437, EB_OP_OPENAT2),
    p1_(10, -1, 0, D), p1_(301, 0, 1, D, EB_SEMF_REMOVEDIR),
    p2_(38, -1, 0, D, -1, 1, C), p2_(302, 0, 1, D, 2, 3, C), p2_(353, 0, 1, D, 2, 3, C),
    p1_(39, -1, 0, C | LS), p1_(296, 0, 1, C | LS), p1_(40, -1, 0, D | LS),
    p2_(9, -1, 0, L, -1, 1, C | L), p2_(303, 0, 1, L, 2, 3, C | L),
    p1_(83, -1, 1, C | L), p1_(304, 1, 2, C | L),
    p1_(15, -1, 0, M), p1_(182, -1, 0, M), p1_(16, -1, 0, M), p1_(212, -1, 0, M), p1_(198, -1, 0, M),
    p1_(306, 0, 1, M), p1_(452, 0, 1, M), p1_(298, 0, 1, M),
    p1_(92, -1, 0, W), p1_(193, -1, 0, W), p1_(14, -1, 0, C), p1_(297, 0, 1, C),
    op_(192, EB_OP_MMAP), op_(359, EB_OP_SOCKET), op_(360, EB_OP_SOCKETPAIR), op_(361, EB_OP_BIND),
    op_(362, EB_OP_CONNECT),
};
const std::vector<Old> kOldX86_64 = {
    open_(2, -1, 1), open_(257, 0, 2), op_(85, EB_OP_CREAT), op_(437, EB_OP_OPENAT2),
    p1_(87, -1, 0, D), p1_(263, 0, 1, D, EB_SEMF_REMOVEDIR),
    p2_(82, -1, 0, D, -1, 1, C), p2_(264, 0, 1, D, 2, 3, C), p2_(316, 0, 1, D, 2, 3, C),
    p1_(83, -1, 0, C | LS), p1_(258, 0, 1, C | LS), p1_(84, -1, 0, D | LS),
    p2_(86, -1, 0, L, -1, 1, C | L), p2_(265, 0, 1, L, 2, 3, C | L),
    p1_(88, -1, 1, C | L), p1_(266, 1, 2, C | L),
    p1_(90, -1, 0, M), p1_(92, -1, 0, M), p1_(94, -1, 0, M),
    p1_(268, 0, 1, M), p1_(452, 0, 1, M), p1_(260, 0, 1, M),
    p1_(76, -1, 0, W), p1_(133, -1, 0, C), p1_(259, 0, 1, C),
    op_(9, EB_OP_MMAP), op_(41, EB_OP_SOCKET), op_(53, EB_OP_SOCKETPAIR), op_(49, EB_OP_BIND),
    op_(42, EB_OP_CONNECT),
};
// filtered_arg() as it was: number -> argument bits.
const std::map<int, uint8_t> kOldFilteredX86 = {{120, 1}, {359, 7}, {136, 1}, {172, 1}, {54, 2}, {192, 4}, {125, 4}};
const std::map<int, uint8_t> kOldFilteredX86_64 = {{56, 1}, {41, 7}, {135, 1}, {157, 1}, {16, 2}, {9, 4}, {10, 4}};

// The intended differences, each with its reason:
// - link/linkat now record what the ptrace recorder always did (the target
//   read, the new name a link): one table, so the two recorders agree;
// - utime, utimes, futimesat (attribute changes by path) and pkey_mprotect's
//   prot were only looked into by ptrace; the eBPF recorder reads the same
//   rows now.
Old linked(Old o) {
  o.a1 = R;
  o.a2 = L;
  return o;
}

void expect_entry(const eb_sem& e, const Old& o, const std::string& where) {
  EXPECT_EQ(e.op, o.op) << where;
  EXPECT_EQ(e.flags, o.flags) << where;
  EXPECT_EQ(e.p1, o.p1) << where;
  if (o.op == EB_OP_PATH || o.op == EB_OP_OPEN) {
    EXPECT_EQ(e.d1, o.d1) << where;
  }
  if (o.op == EB_OP_PATH) {
    EXPECT_EQ(e.a1, o.a1) << where;
    EXPECT_EQ(e.p2, o.p2) << where;
    if (o.p2 >= 0) {
      EXPECT_EQ(e.d2, o.d2) << where;
      EXPECT_EQ(e.a2, o.a2) << where;
    }
  }
}

void expect_matches_old(const ebpf_detail::SemTable& t, uint32_t arch, const std::vector<Old>& old,
                        const std::map<int, uint8_t>& old_filtered, const std::map<int, Old>& changed,
                        const std::map<int, uint8_t>& added_filtered) {
  std::string an = ebpf_detail::arch_name(arch);
  std::set<int> expected;
  for (Old o : old) {
    if (auto it = changed.find(o.nr); it != changed.end()) o = it->second;
    expect_entry(t.sem[arch][o.nr], o, an + " " + std::to_string(o.nr));
    expected.insert(o.nr);
  }
  for (const auto& [nr, o] : changed) {
    expect_entry(t.sem[arch][nr], o, an + " " + std::to_string(nr) + " (changed)");
    expected.insert(nr);
  }
  std::map<int, uint8_t> filtered = old_filtered;
  filtered.insert(added_filtered.begin(), added_filtered.end());
  for (int nr = 0; nr < EB_SEM_NR; ++nr) {
    const eb_sem& e = t.sem[arch][nr];
    auto f = filtered.find(nr);
    EXPECT_EQ(e.filtered, f == filtered.end() ? 0 : f->second) << an << " " << nr;
    if (!expected.count(nr)) {
      EXPECT_EQ(e.op, EB_OP_NONE) << an << " " << nr << " is new";
    }
  }
}

TEST(SyscallSemantics, LoaderTableEqualsTheOldHardCodedNumbersX86_64) {
  ebpf_detail::SemTable t;
  ASSERT_TRUE(ebpf_detail::build_sem_table(&t).ok());
  EXPECT_EQ(t.sem[EB_ARCH_X86_64][257].op, EB_OP_OPEN);  // openat
  std::map<int, Old> changed = {
      {86, linked(p2_(86, -1, 0, 0, -1, 1, 0))}, {265, linked(p2_(265, 0, 1, 0, 2, 3, 0))},
      {132, p1_(132, -1, 0, M)},  // utime
      {235, p1_(235, -1, 0, M)},  // utimes
      {261, p1_(261, 0, 1, M)},   // futimesat
  };
  // unshare's flags and clone3's (read at its pointer) are recorded for the
  // namespace rules of seccomp.json.
  expect_matches_old(t, EB_ARCH_X86_64, kOldX86_64, kOldFilteredX86_64, changed,
                     {{329, 4} /* pkey_mprotect */, {272, 1} /* unshare */, {435, 1} /* clone3 */});
  for (int nr = 0; nr < EB_SEM_NR; ++nr)
    EXPECT_EQ((t.sem[EB_ARCH_X86_64][nr].flags & EB_SEMF_ARG0_DEREF) != 0, nr == 435) << nr;
  // exit and exit_group, which the exit program never sees.
  for (int nr = 0; nr < EB_SEM_NR; ++nr)
    EXPECT_EQ((t.sem[EB_ARCH_X86_64][nr].flags & EB_SEMF_EXIT) != 0, nr == 60 || nr == 231) << nr;
  EXPECT_EQ(t.sigreturn_64, 15);
}

TEST(SyscallSemantics, LoaderTableEqualsTheOldHardCodedNumbersI386) {
  ebpf_detail::SemTable t;
  ASSERT_TRUE(ebpf_detail::build_sem_table(&t).ok());
  EXPECT_EQ(t.sem[EB_ARCH_X86][295].op, EB_OP_OPEN);  // openat
  std::map<int, Old> changed = {
      {9, linked(p2_(9, -1, 0, 0, -1, 1, 0))}, {303, linked(p2_(303, 0, 1, 0, 2, 3, 0))},
      {30, p1_(30, -1, 0, M)},    // utime
      {271, p1_(271, -1, 0, M)},  // utimes
      {299, p1_(299, 0, 1, M)},   // futimesat
  };
  expect_matches_old(t, EB_ARCH_X86, kOldX86, kOldFilteredX86, changed,
                     {{380, 4} /* pkey_mprotect */, {310, 1} /* unshare */, {435, 1} /* clone3 */});
  for (int nr = 0; nr < EB_SEM_NR; ++nr)
    EXPECT_EQ((t.sem[EB_ARCH_X86][nr].flags & EB_SEMF_EXIT) != 0, nr == 1 || nr == 252) << nr;
  EXPECT_EQ(t.sigreturn_32, 119);
  EXPECT_EQ(t.rt_sigreturn_32, 173);
}

// x32 went through the x86_64 switch, with ioctl special-cased to its own
// number (514); by name, every x32-specific number comes from libseccomp.
TEST(SyscallSemantics, LoaderTableX32UsesX32Numbers) {
  ebpf_detail::SemTable t;
  ASSERT_TRUE(ebpf_detail::build_sem_table(&t).ok());
  EXPECT_EQ(t.sem[EB_ARCH_X32][16].filtered, 0);  // 16 is not ioctl on x32
  EXPECT_EQ(t.sem[EB_ARCH_X32][514].filtered, 2);
  EXPECT_EQ(t.sem[EB_ARCH_X32][257].op, EB_OP_OPEN);
  EXPECT_EQ(t.sem[EB_ARCH_X32][41].filtered, 7);  // socket
}

// Every row names a call libseccomp knows on at least one arch it is meant
// for, once per arch, and its argument indexes are syscall arguments.
TEST(SyscallSemantics, RowsAreWellFormed) {
  for (const char* arch : {"x86_64", "x86", "x32"}) {
    std::set<int> seen;
    for (const ResolvedSyscall& rs : resolve_semantics(arch)) {
      EXPECT_TRUE(seen.insert(rs.nr).second) << arch << " " << rs.row->name << " twice";
      EXPECT_LT(rs.nr, EB_SEM_NR) << arch << " " << rs.row->name;
    }
  }
  for (const SyscallSemantics& r : syscall_semantics()) {
    bool known = false;
    for (const char* arch : {"x86_64", "x86", "x32"}) known = known || resolve_syscall(arch, r.name) >= 0;
    EXPECT_TRUE(known) << r.name;
    for (const SemPath& p : r.path) {
      EXPECT_LT(p.dirfd, 6) << r.name;
      EXPECT_LT(p.path, 6) << r.name;
      EXPECT_EQ(p.access & ~PROFILE_ACCESS_ALL, 0) << r.name;
    }
    EXPECT_EQ(r.filtered & ~0x3f, 0) << r.name;
  }
  EXPECT_TRUE(resolve_semantics("aarch64").empty());
  EXPECT_EQ(resolve_syscall("nosucharch", "open"), -1);
}

// The ptrace recorder's view of the same rows.
TEST(SyscallSemantics, PtraceTableReadsTheSameRows) {
  const auto& t = SyscallTable::get();
  const SyscallSemantics* unlinkat = t.row(SysArch::kX86_64, 263);
  ASSERT_NE(unlinkat, nullptr);
  EXPECT_STREQ(unlinkat->name, "unlinkat");
  EXPECT_EQ(t.kind(SysArch::kX86, 295), SysKind::kOpenat);
  EXPECT_EQ(t.row(SysArch::kX86_64, 39), nullptr);  // getpid
  EXPECT_EQ(t.execve_number(SysArch::kX32), 520);
}

// One open_access for both recorders. A descriptor opened O_WRONLY|O_APPEND
// can only append: AppArmor's 'a', which 'w' would widen. The eBPF recorder
// used to record {write, append} for it (and append for a read-only one).
TEST(SyscallSemantics, OpenAccessAppendIsNotWrite) {
  EXPECT_EQ(profile_open_access(O_WRONLY | O_APPEND), PROFILE_ACCESS_APPEND);
  EXPECT_EQ(profile_open_access(O_WRONLY | O_APPEND | O_CREAT), PROFILE_ACCESS_APPEND | PROFILE_ACCESS_CREATE);
  EXPECT_EQ(profile_open_access(O_RDWR | O_APPEND), PROFILE_ACCESS_READ | PROFILE_ACCESS_APPEND);
  EXPECT_EQ(profile_open_access(O_RDONLY | O_APPEND), PROFILE_ACCESS_READ);
  EXPECT_EQ(profile_open_access(O_WRONLY | O_APPEND | O_TRUNC), PROFILE_ACCESS_APPEND | PROFILE_ACCESS_WRITE);
  EXPECT_EQ(profile_open_access(O_ACCMODE), PROFILE_ACCESS_READ | PROFILE_ACCESS_WRITE);
  EXPECT_EQ(profile_open_access(O_PATH | O_WRONLY | O_APPEND), 0u);
}

// The rows the eBPF recorder does not look into, which the parity workload
// (tests/helpers/eb_semantics.c) therefore leaves out: a new row must either
// be decoded by both recorders (and made by that helper) or be added here.
TEST(SyscallSemantics, PtraceOnlyRows) {
  std::set<std::string> ptrace_only;
  for (const SyscallSemantics& r : syscall_semantics())
    if (!(r.flags & kSemEbpf) && r.filtered == 0 && !(r.flags & kSemExit)) ptrace_only.insert(r.name);
  std::set<std::string> expected = {
      "execve", "execveat",                                     // sched_process_exec in eBPF
      "fchmod", "fchown", "fchown32", "flock", "getdents", "getdents64",  // descriptors
      "utimensat", "utimensat_time64",                          // a descriptor when the path is NULL
      "kill", "tkill", "tgkill",                                // ptrace's KILL inference
      "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid", "setfsgid",
      "setgroups", "capset", "setuid32", "setgid32", "setreuid32", "setregid32", "setresuid32",
      "setresgid32", "setfsuid32", "setfsgid32", "setgroups32",  // ptrace's cached credentials
  };
  EXPECT_EQ(ptrace_only, expected);
}

}  // namespace
}  // namespace profile

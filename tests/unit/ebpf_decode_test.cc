// Decoding of the eBPF recorder's kernel data, on synthetic inputs: arch
// detection (compat/x32 cannot be exercised live on kernels without IA-32
// emulation), path assembly, durations.
#include <gtest/gtest.h>

#include <cstring>

#include "profilegen/profile.h"
#include "tracer/bpf/recorder.h"
#include "tracer/ebpf_tracer.h"

namespace profile {
namespace {

TEST(EbpfDecode, NativeSyscallIsX86_64) {
  __u64 nr = 0;
  EXPECT_EQ(eb_decode_arch(0, 59, &nr), static_cast<__u32>(EB_ARCH_X86_64));
  EXPECT_EQ(nr, 59u);
  EXPECT_EQ(ebpf_detail::arch_name(EB_ARCH_X86_64), "x86_64");
  EXPECT_EQ(*syscall_name("x86_64", ebpf_detail::seccomp_nr(EB_ARCH_X86_64, nr)), "execve");
}

TEST(EbpfDecode, CompatTaskIsX86EvenWithOtherStatusBits) {
  __u64 nr = 0;
  // TS_COMPAT plus an unrelated status bit; int 0x80 getpid is 20 on i386.
  EXPECT_EQ(eb_decode_arch(EB_TS_COMPAT | 0x8, 20, &nr), static_cast<__u32>(EB_ARCH_X86));
  EXPECT_EQ(nr, 20u);
  EXPECT_EQ(*syscall_name("x86", ebpf_detail::seccomp_nr(EB_ARCH_X86, nr)), "getpid");
  // The same number natively is a different syscall: the classic bypass.
  EXPECT_EQ(*syscall_name("x86_64", 20), "writev");
}

TEST(EbpfDecode, X32BitSelectsX32) {
  __u64 nr = 0;
  EXPECT_EQ(eb_decode_arch(0, EB_X32_SYSCALL_BIT | 257, &nr), static_cast<__u32>(EB_ARCH_X32));
  EXPECT_EQ(nr, 257u);
  EXPECT_EQ(*syscall_name("x32", ebpf_detail::seccomp_nr(EB_ARCH_X32, nr)), "openat");
  EXPECT_EQ(*syscall_name("x32", ebpf_detail::seccomp_nr(EB_ARCH_X32, 520)), "execve");
}

TEST(EbpfDecode, CompatWinsOverX32Bit) {
  // A 32-bit entry never carries the x32 bit; if garbage sets it, the number
  // stays what the 32-bit task passed (and is unknown, not silently x32).
  __u64 nr = 0;
  EXPECT_EQ(eb_decode_arch(EB_TS_COMPAT, EB_X32_SYSCALL_BIT | 5, &nr), static_cast<__u32>(EB_ARCH_X86));
  EXPECT_EQ(nr, EB_X32_SYSCALL_BIT | 5);
}

TEST(EbpfDecode, UnknownArchIndexHasNoName) { EXPECT_EQ(ebpf_detail::arch_name(7), ""); }

TEST(EbpfDecode, JoinsComponentsLeafFirst) {
  const char buf[] = "libc.so.6\0x86_64-linux-gnu\0lib\0usr";
  std::string out;
  ASSERT_TRUE(ebpf_detail::join_components(buf, sizeof buf, 4, &out));
  EXPECT_EQ(out, "/usr/lib/x86_64-linux-gnu/libc.so.6");
  ASSERT_TRUE(ebpf_detail::join_components(buf, 0, 0, &out));
  EXPECT_EQ(out, "/");
}

TEST(EbpfDecode, RejectsShortOrMalformedComponentBuffers) {
  const char buf[] = "a\0b";  // two components, but we claim three
  std::string out;
  EXPECT_FALSE(ebpf_detail::join_components(buf, sizeof buf, 3, &out));
  const char unterminated[3] = {'a', 'b', 'c'};
  EXPECT_FALSE(ebpf_detail::join_components(unterminated, sizeof unterminated, 1, &out));
  const char empty[] = "\0a";
  EXPECT_FALSE(ebpf_detail::join_components(empty, sizeof empty, 2, &out));
}

TEST(EbpfDecode, NormalisesJoinedPaths) {
  EXPECT_EQ(ebpf_detail::normalise_path("/a/b/../c/./d//e"), "/a/c/d/e");
  EXPECT_EQ(ebpf_detail::normalise_path("/../../x"), "/x");
  EXPECT_EQ(ebpf_detail::normalise_path("/"), "/");
  EXPECT_EQ(ebpf_detail::normalise_path("/a/.."), "/");
}

TEST(EbpfDecode, ScriptNamesThroughMagicLinksAreNotFiles) {
  EXPECT_TRUE(ebpf_detail::is_magic_exec_path("/proc/self/exe"));
  EXPECT_TRUE(ebpf_detail::is_magic_exec_path("/proc/123/fd/4"));
  EXPECT_TRUE(ebpf_detail::is_magic_exec_path("/dev/fd/3"));
  EXPECT_TRUE(ebpf_detail::is_magic_exec_path("/dev/fd/3/run.sh"));
  EXPECT_FALSE(ebpf_detail::is_magic_exec_path("/usr/local/bin/run.sh"));
  // Only whole components: these are ordinary files.
  EXPECT_FALSE(ebpf_detail::is_magic_exec_path("/procs/run.sh"));
  EXPECT_FALSE(ebpf_detail::is_magic_exec_path("/dev/fdisk.sh"));
}

TEST(EbpfDecode, ParsesDurations) {
  EXPECT_EQ(*parse_duration_ms("30s"), 30000u);
  EXPECT_EQ(*parse_duration_ms("30"), 30000u);
  EXPECT_EQ(*parse_duration_ms("250ms"), 250u);
  EXPECT_EQ(*parse_duration_ms("2m"), 120000u);
  EXPECT_EQ(*parse_duration_ms("1h"), 3600000u);
  EXPECT_FALSE(parse_duration_ms("").ok());
  EXPECT_FALSE(parse_duration_ms("s").ok());
  EXPECT_FALSE(parse_duration_ms("0s").ok());
  EXPECT_FALSE(parse_duration_ms("5 s").ok());
  EXPECT_FALSE(parse_duration_ms("99999999999999999999").ok());
  auto bad = parse_duration_ms("3d");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("3d"), std::string::npos);
}

TEST(EbpfDecode, CgroupIdNeedsCgroup2) {
  auto r = cgroup_v2_id("/tmp");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/tmp"), std::string::npos);
}

}  // namespace
}  // namespace profile

// Decoding of the eBPF recorder's kernel data, on synthetic inputs: arch
// detection (compat/x32 cannot be exercised live on kernels without IA-32
// emulation), path assembly, durations.
#include <gtest/gtest.h>

#include <cstring>
#include <sstream>

#include "profilegen/profile.h"
#include "tracer/bpf/recorder.h"
#include "test_util.h"
#include "tracer/btf_cache.h"
#include "tracer/ebpf_tracer.h"
#include "tracer/path_join.h"
#include "tracer/kernel_symbols.h"

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

// The eBPF recorder joins a path string onto the directory it walked in the
// kernel, with paths relative to the task's root.
TEST(EbpfDecode, JoinsStringsOntoWalkedDirectories) {
  std::string out;
  ASSERT_EQ(join_resolved("/", "", "/a/./d//e", &out), PathJoin::kOk);
  EXPECT_EQ(out, "/a/d/e");
  ASSERT_EQ(join_resolved("/", "", "/../../x", &out), PathJoin::kOk);
  EXPECT_EQ(out, "/x");
  ASSERT_EQ(join_resolved("/", "/s/w/a/b", "../../etc/passwd", &out), PathJoin::kOk);
  EXPECT_EQ(out, "/s/w/etc/passwd");
  ASSERT_EQ(join_resolved("/", "/", ".", &out), PathJoin::kOk);
  EXPECT_EQ(out, "/");
  EXPECT_EQ(join_resolved("/", "", "/a/b/../c", &out), PathJoin::kDotDotAfterName);
  EXPECT_EQ(join_resolved("/", "/s/w", "L/../../../etc/passwd", &out), PathJoin::kDotDotAfterName);
  EXPECT_EQ(join_resolved("/", "", "relative", &out), PathJoin::kInvalid);
}

TEST(EbpfDecode, UnresolvedPathsAreEscapedForMessages) {
  EXPECT_EQ(escape_for_message("/a/L/../b"), "/a/L/../b");
  EXPECT_EQ(escape_for_message(std::string("/x\n\x1b[31m\"\\\xff", 11)), "/x\\x0a\\x1b[31m\\x22\\x5c\\xff");
  EXPECT_EQ(escape_for_message(std::string(300, 'a'), 4), "aaaa...");
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

namespace profile {
namespace {

TEST(KernelSymbols, KeepsTextSymbolsAndFindsTheEnclosingOne) {
  std::istringstream in(
      "ffffffff81366210 T capable\n"
      "ffffffff81366080 T file_ns_capable\n"
      "ffffffff81a80900 t cap_capable\n"
      "ffffffff82000000 D some_data\n"
      "0000000000000000 T hidden_by_kptr_restrict\n"
      "ffffffffc0001000 t helper_in_module\t[somemod]\n"
      "not a line\n"
      "ffffffffzz T bad_address\n"
      "ffffffff81000000 W weak_one\n");
  auto k = KernelSymbols::parse(in);
  ASSERT_TRUE(k.usable());
  EXPECT_EQ(k.name_of(0xffffffff81366210ull), "capable");
  EXPECT_EQ(k.name_of(0xffffffff81366215ull), "capable");
  EXPECT_EQ(k.name_of(0xffffffff81366100ull), "file_ns_capable");
  EXPECT_EQ(k.name_of(0xffffffff81a80983ull), "cap_capable");
  EXPECT_EQ(k.name_of(0xffffffff82000010ull), "cap_capable");  // data symbols are not kept
  EXPECT_EQ(k.name_of(0xffffffffc0001010ull), "helper_in_module");
  EXPECT_EQ(k.name_of(0xffffffff81000001ull), "weak_one");
  EXPECT_EQ(k.name_of(0x1000), "");  // below every symbol
}

TEST(KernelSymbols, AllZeroAddressesAreNotUsable) {
  std::istringstream in("0000000000000000 T capable\n0000000000000000 t cap_capable\n");
  EXPECT_FALSE(KernelSymbols::parse(in).usable());
}

// Stacks as the recorder captured them on Linux 6.18, innermost first.
TEST(EbpfDecode, CapStackOfAChownIsANeed) {
  auto c = ebpf_detail::classify_cap_stack({"bpf_prog_x_on_cap_capable", "bpf_trace_run5", "cap_capable",
                                            "security_capable", "capable_wrt_inode_uidgid", "setattr_prepare",
                                            "ext4_setattr", "notify_change", "chown_common"});
  EXPECT_TRUE(c.known);
  EXPECT_FALSE(c.probe_only);
  EXPECT_EQ(c.caller, "setattr_prepare");
}

TEST(EbpfDecode, MemoryAccountingAndNoauditChecksAreProbes) {
  auto vm = ebpf_detail::classify_cap_stack({"bpf_prog_x", "bpf_trace_run5", "cap_capable",
                                             "security_vm_enough_memory_mm", "__mmap_region", "do_mmap"});
  EXPECT_TRUE(vm.known);
  EXPECT_TRUE(vm.probe_only);
  auto na = ebpf_detail::classify_cap_stack({"bpf_trace_run5", "cap_capable", "security_capable",
                                             "ns_capable_noaudit", "some_caller"});
  EXPECT_TRUE(na.probe_only);
  EXPECT_EQ(na.caller, "some_caller");
  auto audited = ebpf_detail::classify_cap_stack({"cap_capable", "security_capable", "ns_capable", "inet_bind_sk"});
  EXPECT_FALSE(audited.probe_only);
  EXPECT_EQ(audited.caller, "inet_bind_sk");
}

TEST(EbpfDecode, CapStackWithoutCapCapableIsUnknown) {
  auto c = ebpf_detail::classify_cap_stack({"", "", "something"});
  EXPECT_FALSE(c.known);
  EXPECT_FALSE(ebpf_detail::classify_cap_stack({}).known);
}

// A BTF file: header, an empty type section, then the string table.
std::string btf_with_strings(const std::string& strings, uint16_t magic = 0xeB9F) {
  std::string out;
  auto put32 = [&](uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
  out.append(reinterpret_cast<const char*>(&magic), 2);
  out.push_back(1);  // version
  out.push_back(0);  // flags
  put32(24);         // hdr_len
  put32(0);          // type_off
  put32(0);          // type_len
  put32(0);          // str_off
  put32(static_cast<uint32_t>(strings.size()));
  return out + strings;
}

TEST(EbpfDecode, BtfNameLookupMatchesWholeNamesOnly) {
  test::TempDir d;
  std::string strings = std::string("\0task_struct\0btf_trace_cap_capable\0", 35);
  test::write_file(d / "btf", btf_with_strings(strings));
  using S = std::set<std::string>;
  // "cap_capable" is only a suffix of a name, "btf_trace_cap" only a prefix.
  EXPECT_EQ(ebpf_detail::btf_names_present(d / "btf", {"btf_trace_cap_capable", "task_struct", "cap_capable",
                                                       "btf_trace_cap", ""}),
            (S{"btf_trace_cap_capable", "task_struct"}));
  test::write_file(d / "bad", btf_with_strings(strings, 0x1234));
  EXPECT_EQ(ebpf_detail::btf_names_present(d / "bad", {"task_struct"}), S{});
  // A string section that claims more bytes than the file has.
  std::string cut = btf_with_strings(strings);
  test::write_file(d / "cut", cut.substr(0, cut.size() - 10));
  EXPECT_EQ(ebpf_detail::btf_names_present(d / "cut", {"btf_trace_cap_capable"}), S{});
  EXPECT_EQ(ebpf_detail::btf_names_present(d / "missing", {"task_struct"}), S{});
}

}  // namespace
}  // namespace profile

namespace profile {
namespace {

std::string note(uint32_t type, const std::string& name, const std::string& desc) {
  std::string out;
  auto put32 = [&](uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
  put32(static_cast<uint32_t>(name.size()));
  put32(static_cast<uint32_t>(desc.size()));
  put32(type);
  out += name;
  out.append((4 - name.size() % 4) % 4, '\0');
  out += desc;
  out.append((4 - desc.size() % 4) % 4, '\0');
  return out;
}

TEST(BtfCache, FindsTheGnuBuildIdAmongOtherNotes) {
  std::string id("\x48\xdc\x54\x0c\x8b\x76\x39\x38\x04\xca\x80\x88\xdb\xfa\x7d\x42\x91\x1a\x94\x44", 20);
  std::string notes = note(6, std::string("Linux\0", 6), "abcd") + note(3, std::string("GNU\0", 4), id);
  EXPECT_EQ(btf_cache_detail::build_id_from_notes(notes), "48dc540c8b76393804ca8088dbfa7d42911a9444");
  // A build id under another owner's name is not the kernel's.
  EXPECT_EQ(btf_cache_detail::build_id_from_notes(note(3, std::string("Xen\0", 4), id)), "");
  EXPECT_EQ(btf_cache_detail::build_id_from_notes(""), "");
}

TEST(BtfCache, RefusesNotesWhoseSizesRunPastTheBlob) {
  std::string id(20, '\x11');
  std::string notes = note(3, std::string("GNU\0", 4), id);
  EXPECT_EQ(btf_cache_detail::build_id_from_notes(notes.substr(0, notes.size() - 4)), "");
  std::string huge = notes;
  uint32_t big = 0xfffffff0u;
  memcpy(&huge[4], &big, 4);  // descsz
  EXPECT_EQ(btf_cache_detail::build_id_from_notes(huge), "");
}

TEST(BtfCache, KeyHashDependsOnEveryByte) {
  std::string a(1000, 'a'), b = a;
  b[999] = 'b';
  EXPECT_EQ(btf_cache_detail::hash_hex(a.data(), a.size()).size(), 16u);
  EXPECT_NE(btf_cache_detail::hash_hex(a.data(), a.size()), btf_cache_detail::hash_hex(b.data(), b.size()));
  EXPECT_EQ(btf_cache_detail::hash_hex(a.data(), a.size()), btf_cache_detail::hash_hex(a.data(), a.size()));
}

}  // namespace
}  // namespace profile

// Parity of the two recorders: the same workload recorded with --tracer ebpf
// and --tracer ptrace must give the same syscall and file sets, up to the
// documented differences (docs/recorders.md, "Intended differences from the ptrace recorder").
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "test_util.h"
#include "tracer/ebpf_tracer.h"

namespace profile::test {
namespace {

using nlohmann::json;

struct Sets {
  std::set<std::string> syscalls;  // "arch:name"
  std::set<std::string> files;     // paths
  std::set<std::string> accesses;  // "path:access", one per access bit
};

Sets sets_of(const json& p) {
  Sets s;
  for (const auto& [arch, names] : p["syscalls"].items())
    for (const auto& n : names) s.syscalls.insert(arch + ":" + n.get<std::string>());
  for (const auto& f : p["files"]) {
    std::string path = f["path"].get<std::string>();
    s.files.insert(path);
    for (const auto& a : f["access"]) s.accesses.insert(path + ":" + a.get<std::string>());
  }
  return s;
}

std::string diff(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::string out;
  for (const auto& x : a)
    if (!b.count(x)) out += " +" + x;
  for (const auto& x : b)
    if (!a.count(x)) out += " -" + x;
  return out;
}

// Records `cmd` with one backend; an empty optional means it is unavailable.
std::optional<json> record_with(const std::string& tracer, const std::vector<std::string>& cmd, std::string* why) {
  TempDir d;
  std::vector<std::string> args = {"record", "--tracer", tracer, "-o", d / "p", "--"};
  args.insert(args.end(), cmd.begin(), cmd.end());
  auto r = run_profile(args, 60);
  if (r.exit_code != 0) {
    *why = r.err;
    return std::nullopt;
  }
  return json::parse(read_file(d / "p/profile.json"));
}

// Records `cmd` with both backends and compares syscalls, paths and each
// path's access bits (policies are generated from all three).
void expect_parity(const std::vector<std::string>& cmd) {
  std::string why;
  auto pt = record_with("ptrace", cmd, &why);
  if (!pt) FAIL() << "ptrace recording failed: " << why;
  auto eb = record_with("ebpf", cmd, &why);
  if (!eb) {
    if (require_privileged()) FAIL() << "eBPF recording failed: " << why;
    GTEST_SKIP() << "the eBPF recorder cannot load on this kernel: " << why;
  }
  Sets e = sets_of(*eb), p = sets_of(*pt);
  // futex is made only when a lock or a join is contended, which depends on
  // thread timing, not on the recorder: two runs of one program differ.
  e.syscalls.erase("x86_64:futex");
  p.syscalls.erase("x86_64:futex");
  // Before Linux 6.10 (no sched_prepare_exec) a successful execveat can only
  // be seen at its return, where the kernel reports execve's number
  // (docs/recorders.md, "What the eBPF recorder records").
  if (ebpf_detail::btf_names_present("/sys/kernel/btf/vmlinux", {"btf_trace_sched_prepare_exec"}).empty() &&
      p.syscalls.erase("x86_64:execveat") > 0)
    p.syscalls.insert("x86_64:execve");
  EXPECT_EQ(e.syscalls, p.syscalls) << "ebpf(+) vs ptrace(-):" << diff(e.syscalls, p.syscalls);
  EXPECT_EQ(e.files, p.files) << "ebpf(+) vs ptrace(-):" << diff(e.files, p.files);
  EXPECT_EQ(e.accesses, p.accesses) << "ebpf(+) vs ptrace(-):" << diff(e.accesses, p.accesses);
}

class EbpfParity : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(EbpfParity, SameSyscallsAndFilesAsPtrace) {
  PROFILE_NEEDS_ROOT();
  expect_parity(GetParam());
}

// Directories, symbolic links, a fifo, executable mappings and a `#!`
// script (by name and through a /proc magic link): the accesses Landlock
// and AppArmor rules are made of. eb_dirs leaves its directory as it found
// it, so both recordings start from the same state.
TEST(EbpfParityFiles, DirsSymlinksMappingsAndScripts) {
  PROFILE_NEEDS_ROOT();
  TempDir work;
  expect_parity({helper("eb_dirs"), work.path()});
}

// Every row of the syscall semantics table (core/syscall_semantics.cc) that
// both recorders look into, each open access mode among them: the recorders
// used to disagree on O_APPEND ({write, append} against {append}), which no
// workload here opened with. The rows only ptrace looks into (calls on
// descriptors, signals, credentials) are listed in SyscallSemantics.PtraceOnlyRows.
TEST(EbpfParityFiles, EverySemanticsRow) {
  PROFILE_NEEDS_ROOT();
  TempDir work;
  expect_parity({helper("eb_semantics"), work.path()});
}

INSTANTIATE_TEST_SUITE_P(
    Workloads, EbpfParity,
    ::testing::Values(std::vector<std::string>{"/bin/true"},
                      std::vector<std::string>{"/bin/sh", "-c", "cat /etc/hostname >/dev/null; ls / >/dev/null"},
                      std::vector<std::string>{helper("eb_tree"), "fork"},
                      std::vector<std::string>{helper("eb_tree"), "threads"},
                      std::vector<std::string>{helper("eb_tree"), "exec", "2"}));

}  // namespace
}  // namespace profile::test

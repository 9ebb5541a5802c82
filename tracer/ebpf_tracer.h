// eBPF recorder (libbpf CO-RE): the default backend.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tracer/bpf/recorder.h"
#include "tracer/tracer.h"

namespace profile {

struct EbpfOptions {
  // Non-zero: record every task of this cgroup v2 (attach mode) instead of
  // a process tree handed to attach().
  uint64_t cgroup_id = 0;
  // Ring buffer size; 0 means PROFILE_EBPF_RINGBUF_BYTES or the default.
  // Rounded up to a power of two of at least one page.
  uint64_t ringbuf_bytes = 0;
};

// Loads the BPF programs; an error says why (kernel refused, no BTF, built
// without eBPF), so auto mode can fall back with that reason.
Result<std::unique_ptr<Tracer>> make_ebpf_tracer();
Result<std::unique_ptr<Tracer>> make_ebpf_tracer(const EbpfOptions& options);

#ifdef PROFILE_HAVE_EBPF
// Starts loading the eBPF recorder on another thread and returns at once, so
// that the load (tens of ms, mostly the verifier) overlaps the sandbox's
// set-up. attach() waits for the load and returns its error when it failed;
// ebpf_load_failed() then tells, so that the caller can fall back to another
// recorder before the workload ever ran.
std::unique_ptr<Tracer> start_ebpf_tracer();
bool ebpf_load_failed(const Tracer& tracer);
#endif

// Attach mode: records the already running tasks of the cgroup v2 directory
// `cgroup_path` for `duration_ms` (0: until SIGINT/SIGTERM). Ctrl-C ends the
// recording early and marks it partial.
Result<Observations> record_cgroup_ebpf(const std::string& cgroup_path, uint64_t duration_ms);

// The id bpf_get_current_cgroup_id() reports for tasks of a cgroup v2
// directory: its inode number. Fails when the path is not on cgroup2.
Result<uint64_t> cgroup_v2_id(const std::string& cgroup_path);

// "30s", "500ms", "2m", "1h" or a plain number of seconds -> milliseconds.
Result<uint64_t> parse_duration_ms(const std::string& text);

// Pure decoding helpers of the event stream, exposed for unit tests.
namespace ebpf_detail {
// What the loader writes into the BPF object's read-only data: the syscall
// semantics table (core/syscall_semantics.h) by number per arch, resolved
// through libseccomp, and the numbers of the signal-return calls.
struct SemTable {
  eb_sem sem[EB_NARCH][EB_SEM_NR] = {};
  int32_t sigreturn_64 = -1;     // x86_64 rt_sigreturn
  int32_t sigreturn_32 = -1;     // i386 sigreturn
  int32_t rt_sigreturn_32 = -1;  // i386 rt_sigreturn
};
// Fails, naming the call, when libseccomp numbers a row beyond the table.
Status build_sem_table(SemTable* out);

// libseccomp arch name of a recorder arch index ("x86_64", "x86", "x32"), or
// empty for an index out of range.
std::string arch_name(uint32_t arch);
// Syscall number as libseccomp numbers it on that arch (x32 carries its bit).
int seccomp_nr(uint32_t arch, uint64_t nr);
// Joins `ncomp` NUL-terminated components stored leaf first into an absolute
// path. Returns false when the buffer does not hold that many components.
bool join_components(const char* buf, size_t len, uint32_t ncomp, std::string* out);
// True for the name of a script execve was given that is no file a policy
// needs: a /proc magic link (/proc/self/exe, /proc/<pid>/fd/N) or the
// /dev/fd/N[/name] the kernel writes for execveat through a descriptor.
bool is_magic_exec_path(const std::string& path);

// A granted capability check, judged from the names of its kernel stack
// (innermost first, as the stack map holds them).
struct CapCheck {
  bool known = false;       // cap_capable was found on the stack
  bool probe_only = false;  // made by a *_noaudit check or memory accounting:
                            // the operation did not need the capability
  std::string caller;       // first function past the capability plumbing
};
CapCheck classify_cap_stack(const std::vector<std::string>& frames);

// Which of `names` the string table of the BTF file at `path` holds (the
// kernel's is /sys/kernel/btf/vmlinux): a cheap test for tracepoints
// (btf_trace_<name>) before libbpf parses the whole BTF. Empty for a file
// that is missing or not BTF.
std::set<std::string> btf_names_present(const std::string& path, const std::vector<std::string>& names);
}  // namespace ebpf_detail

}  // namespace profile

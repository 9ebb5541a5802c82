// The syscalls a profile allows beyond the ones a recording saw, and why:
// the other members of a family of calls that do one job (a different libc,
// input or kernel picks another member), the calls whose use depends on
// timing, and the calls every process needs to write its output and exit.
// docs/policy.md ("Syscall families") documents every table here.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/observations.h"
#include "core/profile.h"

namespace profile {

// Calls that do one job, among which a libc, an input or the kernel picks:
// when any member (or trigger) was recorded, every member that exists on the
// architecture is allowed.
struct SyscallFamily {
  const char* name;  // short, for reasons: "stat"
  const char* job;   // what every member does: "ask for a file's metadata"
  const char* why;   // who picks which member
  std::vector<const char*> members;
  // Recorded calls that imply the members without being added themselves:
  // clone can do all that fork and vfork do, but fork never adds clone.
  std::vector<const char*> triggers;
};
const std::vector<SyscallFamily>& syscall_families();

// A call of never_widened_syscalls() that is added all the same when `by`
// was recorded, because `by` already has all of its power: the profile
// allows nothing new. clone when clone3 was recorded (never the reverse:
// without clone3, seccomp.json answers it with ENOSYS so glibc falls back to
// clone, whose flags a policy can filter).
struct SubsumedCall {
  const char* name;
  const char* by;
  const char* reason;
};
const std::vector<SubsumedCall>& subsumed_syscalls();

// One call added to every profile, with the reason a reviewer reads.
struct AlwaysAllowed {
  const char* name;
  const char* reason;
};
// What every process needs to write its output or an error message and to
// exit, whatever its standard streams were connected to while it was recorded.
const std::vector<AlwaysAllowed>& error_path_syscalls();

// Names no widening ever adds, whatever a table says: they cross a security
// boundary (namespaces, mounts, modules, ptrace, bpf, keyrings, credentials,
// signals to other processes, the clock, rebooting) or are multiplexers
// whose real operation seccomp cannot see (socketcall, ipc, ioctl). Only a
// recording (or a hand edit) puts them into a profile.
const std::set<std::string>& never_widened_syscalls();

// Adds to `p->syscalls` (for each architecture present there) the calls the
// recording implies but did not see, each with one widening naming the
// recorded calls behind it: the error path and the timing-dependent calls
// always, the family members unless `families` is false (record --exact).
// Only recorded calls imply others; added calls imply nothing further.
void add_implied_syscalls(const Observations& obs, bool families, Profile* p);

}  // namespace profile

// Real workloads recorded under one set of conditions and enforced under
// another: what the recording could not see (a job still running, output to
// a pipe instead of /dev/null) must not break the enforced run.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>

#include "profilegen/profile.h"
#include "test_util.h"

namespace profile {
namespace {

using test::run;
using test::run_profile;
using test::TempDir;

Profile load(const std::string& dir) {
  auto p = profile_from_json(test::read_file(dir + "/profile.json"), dir + "/profile.json");
  EXPECT_TRUE(p.ok()) << p.error().message;
  return p.ok() ? *p : Profile{};
}

const Widening* widening_of(const Profile& p, const std::string& rule) {
  for (const auto& w : p.widenings)
    if (w.rule == rule) return &w;
  return nullptr;
}

// The workload's CPU time as `profile` reports it from the run's cgroup.
double workload_cpu_seconds(const std::string& err) {
  std::smatch m;
  if (!std::regex_search(err, m, std::regex("resources: .*CPU ([0-9.]+) s"))) return -1;
  return std::stod(m[1]);
}

// A shell recorded while its background job had already ended never waited
// for a signal; enforced while the job still runs, it must sleep in
// rt_sigsuspend, not spin on EPERM for as long as the job runs (or forever,
// when the recording did see the rt_sigprocmask before the wait).
TEST(ImpliedSyscalls, ShellWaitingForARunningJobSleepsInsteadOfSpinning) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  bool job_ended_first = false;
  // The busy loop (builtins only) lets the job end before `wait` looks, so
  // the recording sees no rt_sigsuspend; a loaded machine may need longer.
  for (int loops : {20000, 100000, 400000}) {
    std::string script = "sleep 0 & i=0; while [ $i -lt " + std::to_string(loops) + " ]; do i=$((i+1)); done; wait";
    auto rec = run_profile({"record", "-o", d / "p", "--", "sh", "-c", script}, 300);
    ASSERT_EQ(rec.exit_code, 0) << rec.err;
    Profile p = load(d / "p");
    const Widening* w = widening_of(p, "syscall x86_64 rt_sigsuspend");
    if (p.syscalls["x86_64"].count("rt_sigsuspend") && w == nullptr) continue;  // recorded: the job outlived the loop
    job_ended_first = true;
    EXPECT_TRUE(w != nullptr && w->kind == "timing") << "rt_sigsuspend is not in the profile as a timing widening";
    break;
  }
  if (!job_ended_first) GTEST_SKIP() << "the background job outlived the shell's busy loop on every try";

  auto start = std::chrono::steady_clock::now();
  auto enf = run_profile({"enforce", "--profile", d / "p", "--", "sh", "-c", "sleep 2 & wait"}, 60);
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(enf.exit_code, 0) << enf.err;
  EXPECT_GE(wall, 1.9) << "the job did not run: " << enf.err;
  EXPECT_LT(wall, 30) << enf.err;
  double cpu = workload_cpu_seconds(enf.err);
  ASSERT_GE(cpu, 0) << "no CPU figure in: " << enf.err;
  // Spinning on EPERM takes a whole core for the 2 s of the job (at least
  // 0.6 s measured on a loaded 2-core machine); sleeping takes ~0.01 s.
  EXPECT_LT(cpu, 0.25) << "the shell spun while waiting: " << enf.err;
}

// GNU grep notices that its output is /dev/null and stops at the first
// match without writing; the recording has no `write`. With its output on a
// pipe it writes every match, and must not fail (silently: its error message
// would need `write` too).
TEST(ImpliedSyscalls, GrepRecordedIntoDevNullWritesIntoAPipe) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  std::string input = d / "input.txt";
  test::write_file(input, "x1\ny\nx2\n");
  auto rec = run({"sh", "-c", "exec \"$0\" record -o \"$1\" -- grep x \"$2\" >/dev/null", PROFILE_BIN, d / "p", input});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  Profile p = load(d / "p");
  const Widening* w = widening_of(p, "syscall x86_64 write");
  ASSERT_FALSE(p.syscalls["x86_64"].count("write") && w == nullptr)
      << "grep wrote into /dev/null: the recording does not show the case";
  EXPECT_TRUE(w != nullptr && w->kind == "error-path") << "write is not in the profile as an error-path widening";

  auto plain = run({"grep", "x", input});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ASSERT_EQ(plain.out, "x1\nx2\n");
  auto enf = run_profile({"enforce", "--profile", d / "p", "--", "grep", "x", input});
  EXPECT_EQ(enf.exit_code, 0) << enf.err;
  EXPECT_EQ(enf.out, plain.out);
}

// `record --exact` leaves the family members out of profile.json (and so of
// seccomp.json), and only them.
TEST(ImpliedSyscalls, RecordExactLeavesOutOnlyTheFamilies) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  auto wide = run_profile({"record", "-o", d / "wide", "--", test::helper("try_syscall"), "getpid"});
  ASSERT_EQ(wide.exit_code, 0) << wide.err;
  auto exact = run_profile({"record", "--exact", "-o", d / "exact", "--", test::helper("try_syscall"), "getpid"});
  ASSERT_EQ(exact.exit_code, 0) << exact.err;
  Profile pw = load(d / "wide"), pe = load(d / "exact");
  std::set<std::string> wide_kinds, exact_kinds;
  for (const auto& w : pw.widenings) wide_kinds.insert(w.kind);
  for (const auto& w : pe.widenings) exact_kinds.insert(w.kind);
  EXPECT_TRUE(wide_kinds.count("syscall-family")) << test::read_file(d / "wide/profile.json");
  EXPECT_FALSE(exact_kinds.count("syscall-family")) << test::read_file(d / "exact/profile.json");
  EXPECT_TRUE(exact_kinds.count("error-path"));
  EXPECT_TRUE(exact_kinds.count("timing"));
  // The dynamic loader opens with openat: open and openat2 follow, unless
  // --exact.
  ASSERT_TRUE(pe.syscalls["x86_64"].count("openat"));
  EXPECT_FALSE(pe.syscalls["x86_64"].count("openat2"));
  EXPECT_TRUE(pw.syscalls["x86_64"].count("openat2"));
  EXPECT_NE(test::read_file(d / "wide/seccomp.json").find("\"openat2\""), std::string::npos);
  EXPECT_EQ(test::read_file(d / "exact/seccomp.json").find("\"openat2\""), std::string::npos);
  // The summary lists what was widened.
  EXPECT_NE(wide.err.find("    syscall-family ("), std::string::npos) << wide.err;
}

}  // namespace
}  // namespace profile

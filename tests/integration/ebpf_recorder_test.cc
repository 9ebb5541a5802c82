// The eBPF recorder on real workloads (root): process trees, files, network,
// isolation of concurrent recordings, attach mode, the loss path.
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "cli/app/traced_run.h"
#include "profilegen/profile.h"
#include "runner/supervisor.h"
#include "recording_helpers.h"
#include "test_util.h"
#include "tracer/btf_cache.h"
#include "tracer/ebpf_tracer.h"
#include "tracer/kernel_symbols.h"
#include "tracer/tracer.h"

namespace profile::test {
namespace {

using nlohmann::json;

bool ebpf_available() {
  TempDir d;
  auto r = run_profile({"record", "--tracer", "ebpf", "-o", d / "p", "--", "/bin/true"}, 60);
  return r.exit_code == 0;
}

#define NEEDS_EBPF()                                                                            \
  do {                                                                                          \
    PROFILE_NEEDS_ROOT();                                                                       \
    static const bool ok = ebpf_available();                                                    \
    if (!ok) {                                                                                  \
      if (require_privileged()) FAIL() << "the eBPF recorder does not load, and CI requires it"; \
      GTEST_SKIP() << "the eBPF recorder cannot load on this kernel";                           \
    }                                                                                           \
  } while (0)

struct Recorded {
  CommandResult result;
  json profile;
};

Recorded record(const TempDir& d, std::vector<std::string> cmd, std::vector<std::string> extra = {}) {
  Recorded r;
  r.result = record_with("ebpf", d / "p", cmd, extra, 60);
  std::string text = read_file(d / "p/profile.json");
  if (!text.empty()) r.profile = json::parse(text);
  return r;
}

std::set<std::string> syscalls(const json& p, const std::string& arch = "x86_64") {
  std::set<std::string> out;
  if (p.contains("syscalls") && p["syscalls"].contains(arch))
    for (const auto& s : p["syscalls"][arch]) out.insert(s.get<std::string>());
  return out;
}

// path -> access names
std::map<std::string, std::set<std::string>> files(const json& p) {
  std::map<std::string, std::set<std::string>> out;
  if (p.contains("files"))
    for (const auto& f : p["files"])
      for (const auto& a : f["access"]) out[f["path"].get<std::string>()].insert(a.get<std::string>());
  return out;
}

std::string real(const std::string& p) {
  char buf[4096];
  return realpath(p.c_str(), buf) ? std::string(buf) : p;
}

TEST(EbpfRecorder, FollowsThreads) {
  NEEDS_EBPF();
  TempDir d;
  auto r = record(d, {helper("eb_tree"), "threads"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto s = syscalls(r.profile);
  EXPECT_TRUE(s.count("getcpu")) << "syscall made only by threads is missing";
  EXPECT_TRUE(s.count("clone3") || s.count("clone"));
  EXPECT_EQ(r.profile["recording"]["tracer"], "ebpf");
  EXPECT_EQ(r.profile["recording"]["complete"], true);
}

TEST(EbpfRecorder, FollowsForksAndOneSyscallChildren) {
  NEEDS_EBPF();
  TempDir d;
  auto r = record(d, {helper("eb_tree"), "fork"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto s = syscalls(r.profile);
  EXPECT_TRUE(s.count("sysinfo")) << "forked child's syscall missing";
  // The raw-clone child lives for exactly one syscall: exit (the parent
  // itself only ever calls exit_group).
  EXPECT_TRUE(s.count("exit")) << "one-syscall child missing";
}

TEST(EbpfRecorder, FollowsExecChainsAndRecordsBinaries) {
  NEEDS_EBPF();
  TempDir d;
  auto r = record(d, {helper("eb_tree"), "exec", "3"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto s = syscalls(r.profile);
  EXPECT_TRUE(s.count("times"));
  EXPECT_TRUE(s.count("execve"));
  auto f = files(r.profile);
  EXPECT_TRUE(f[real("/bin/true")].count("execute")) << "exec'd binary missing";
  EXPECT_TRUE(f[real(helper("eb_tree"))].count("execute"));
}

TEST(EbpfRecorder, StartsAtTheWorkloadsExec) {
  NEEDS_EBPF();
  TempDir d;
  auto r = record(d, {"/bin/true"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto s = syscalls(r.profile);
  EXPECT_TRUE(s.count("execve"));
  EXPECT_TRUE(s.count("exit_group"));
  // The supervisor's child makes these before execve; /bin/true never does.
  EXPECT_FALSE(s.count("prctl"));
  EXPECT_FALSE(s.count("capset"));
  EXPECT_FALSE(s.count("getppid"));
}

TEST(EbpfRecorder, ResolvesRelativeDirfdAndSymlinkPaths) {
  NEEDS_EBPF();
  TempDir d;
  TempDir work;
  ASSERT_EQ(mkdir((work / "sub").c_str(), 0700), 0);
  write_file(work / "target.txt", "x");
  ASSERT_EQ(symlink("target.txt", (work / "link.txt").c_str()), 0);
  auto r = record(d, {helper("eb_files"), work.path()});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto f = files(r.profile);
  std::string w = real(work.path());
  EXPECT_TRUE(f[w + "/created-rel.txt"].count("create")) << r.profile.dump(1);
  EXPECT_TRUE(f[w + "/created-rel.txt"].count("write"));
  EXPECT_TRUE(f[w + "/sub/via-dirfd.txt"].count("read"));
  EXPECT_TRUE(f[w + "/sub/via-dirfd.txt"].count("create"));
  EXPECT_TRUE(f[w + "/sub/made-dir"].count("create"));
  EXPECT_TRUE(f[w + "/target.txt"].count("read")) << "open through a symlink must record its target";
  EXPECT_TRUE(f[w + "/renamed.txt"].count("delete"));
  EXPECT_TRUE(f[w + "/created-rel.txt"].count("delete"));
  EXPECT_EQ(f.count(w + "/link.txt"), 0u);
}

// The access bits policies are generated from: "list" marks a directory
// (Landlock make_dir/remove_dir), "link" a symbolic link (make_sym),
// mmap-exec AppArmor's `m`, execute a script the kernel ran an interpreter for.
TEST(EbpfRecorder, RecordsDirectoriesSymlinksMappingsAndScripts) {
  NEEDS_EBPF();
  TempDir d;
  TempDir work;
  auto r = record(d, {helper("eb_dirs"), work.path()});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto f = files(r.profile);
  std::string w = real(work.path());
  using S = std::set<std::string>;
  EXPECT_EQ(f[w + "/d1"], (S{"create", "delete", "list"})) << "mkdir + rmdir";
  EXPECT_EQ(f[w + "/d2"], (S{"create", "delete", "list"})) << "mkdirat + unlinkat(AT_REMOVEDIR)";
  EXPECT_EQ(f[w + "/sl1"], (S{"create", "delete", "link"})) << "symlink + unlink";
  EXPECT_EQ(f[w + "/sl2"], (S{"create", "delete", "link"})) << "symlinkat + unlinkat";
  // The fifo is the workload's own (created-tree): read and write besides.
  EXPECT_EQ(f[w + "/fifo"], (S{"create", "delete", "read", "write"})) << "mknod makes no directory";
  EXPECT_TRUE(f[w + "/lib.bin"].count("mmap-exec")) << r.profile.dump(1);
  EXPECT_FALSE(f[w + "/data.bin"].count("mmap-exec")) << "a PROT_READ mapping is no exec mapping";
  EXPECT_TRUE(f[w + "/run.sh"].count("execute")) << "a script run through its interpreter";
  EXPECT_TRUE(f[w + "/at.sh"].count("execute")) << "a script run with execveat through a directory descriptor";
  EXPECT_TRUE(f[w + "/fd.sh"].count("execute")) << "a script run with execveat on its own descriptor";
  EXPECT_TRUE(f[real("/bin/sh")].count("execute")) << "the interpreter";
  for (const auto& [path, access] : f)
    EXPECT_FALSE(path.rfind("/proc/", 0) == 0 && access.count("execute")) << "magic link recorded: " << path;
  // Shared libraries are mapped executable by the dynamic loader.
  bool libc_mapped = false;
  for (const auto& [path, access] : f)
    if (path.find("/libc.so") != std::string::npos && access.count("mmap-exec")) libc_mapped = true;
  EXPECT_TRUE(libc_mapped) << "libc not recorded with mmap-exec";
}

// A script recorded with the eBPF backend then runs under the generated
// Landlock policy: execute is granted on the script, not only its interpreter.
TEST(EbpfRecorder, RecordedScriptRunsUnderEnforcement) {
  NEEDS_EBPF();
  TempDir d;
  TempDir work;
  std::string script = work / "hello.sh";
  write_file(script, "#!/bin/sh\necho script-ran\n");
  ASSERT_EQ(chmod(script.c_str(), 0755), 0);
  auto r = record(d, {script});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  EXPECT_TRUE(files(r.profile)[real(script)].count("execute")) << r.profile.dump(1);
  auto e = run_profile({"enforce", "--profile", d / "p", "--", script}, 60);
  EXPECT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("script-ran"), std::string::npos) << e.out << e.err;
}

TEST(EbpfRecorder, RecordsSocketsPortsAndUnixPaths) {
  NEEDS_EBPF();
  TempDir d;
  TempDir work;
  auto r = record(d, {helper("eb_net"), "47613", work / "s.sock"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  const auto& net = r.profile["network"];
  std::set<std::string> socks, ports;
  for (const auto& s : net["sockets"]) socks.insert(s["family"].get<std::string>() + "/" + s["type"].get<std::string>());
  for (const auto& p : net["ports"])
    ports.insert(p["kind"].get<std::string>() + "/" + p["protocol"].get<std::string>() + "/" +
                 std::to_string(p["port"].get<int>()));
  EXPECT_TRUE(socks.count("inet/stream"));
  EXPECT_TRUE(socks.count("inet/dgram"));
  EXPECT_TRUE(socks.count("unix/stream"));
  EXPECT_TRUE(ports.count("bind/tcp/47613")) << net.dump();
  EXPECT_TRUE(ports.count("connect/udp/47614")) << net.dump();
  std::set<std::string> unix_paths;
  for (const auto& u : net["unix"]) unix_paths.insert(u.get<std::string>());
  EXPECT_TRUE(unix_paths.count(real(work.path()) + "/s.sock")) << net.dump();
  // The socket() arguments are kept for argument filters.
  bool domain_arg = false;
  for (const auto& a : r.profile["arguments"])
    if (a["syscall"] == "socket" && a["index"] == 0) domain_arg = true;
  EXPECT_TRUE(domain_arg);
}

TEST(EbpfRecorder, ConcurrentRecordingsAreIsolated) {
  NEEDS_EBPF();
  TempDir a, b, work;
  Recorded ra, rb;
  std::thread ta([&] { ra = record(a, {helper("eb_marker"), work / "marker-a", "times", "600"}); });
  std::thread tb([&] { rb = record(b, {helper("eb_marker"), work / "marker-b", "sysinfo", "600"}); });
  ta.join();
  tb.join();
  ASSERT_EQ(ra.result.exit_code, 0) << ra.result.err;
  ASSERT_EQ(rb.result.exit_code, 0) << rb.result.err;
  std::string w = real(work.path());
  auto sa = syscalls(ra.profile), sb = syscalls(rb.profile);
  auto fa = files(ra.profile), fb = files(rb.profile);
  EXPECT_TRUE(sa.count("times"));
  EXPECT_FALSE(sa.count("sysinfo"));
  EXPECT_TRUE(sb.count("sysinfo"));
  EXPECT_FALSE(sb.count("times"));
  EXPECT_TRUE(fa.count(w + "/marker-a"));
  EXPECT_FALSE(fa.count(w + "/marker-b"));
  EXPECT_TRUE(fb.count(w + "/marker-b"));
  EXPECT_FALSE(fb.count(w + "/marker-a"));
}

TEST(EbpfRecorder, AttachModeRecordsACgroup) {
  NEEDS_EBPF();
  const std::string root = "/sys/fs/cgroup/unified";
  struct stat st;
  if (stat((root + "/cgroup.procs").c_str(), &st) != 0) {
    // Pure cgroup v2 hosts mount the tree at /sys/fs/cgroup itself.
    if (stat("/sys/fs/cgroup/cgroup.procs", &st) != 0) GTEST_SKIP() << "no cgroup v2 hierarchy mounted";
  }
  std::string base = stat((root + "/cgroup.procs").c_str(), &st) == 0 ? root : "/sys/fs/cgroup";
  std::string cg = base + "/profile-ebpf-test-" + std::to_string(getpid());
  ASSERT_EQ(mkdir(cg.c_str(), 0755), 0) << cg;
  TempDir work;
  // A running helper (outside the recording) moved into the cgroup.
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::string cmd = "while :; do " + helper("eb_marker") + " " + work.path() +
                      "/attached sysinfo 10; done";
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  write_file(cg + "/cgroup.procs", std::to_string(pid));
  TempDir d;
  auto r = run_profile({"record", "--cgroup", cg, "--duration", "1500ms", "-o", d / "p"}, 30);
  // A process outside the cgroup running at the same time is not recorded.
  kill(pid, SIGKILL);
  int wst;
  waitpid(pid, &wst, 0);
  // Children may still be exiting: retry the rmdir briefly.
  for (int i = 0; i < 50 && rmdir(cg.c_str()) != 0; ++i) usleep(20000);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto p = json::parse(read_file(d / "p/profile.json"));
  EXPECT_TRUE(syscalls(p).count("sysinfo"));
  EXPECT_TRUE(files(p).count(real(work.path()) + "/attached")) << p.dump(1);
  EXPECT_EQ(p["name"], "profile-ebpf-test-" + std::to_string(getpid()));
}

TEST(EbpfRecorder, AttachModeRejectsNonCgroup2Paths) {
  NEEDS_EBPF();
  TempDir d;
  auto r = run_profile({"record", "--cgroup", "/tmp", "--duration", "1s", "-o", d / "p"});
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(r.err.find("cgroup v2"), std::string::npos) << r.err;
}

TEST(EbpfRecorder, LostEventsRefuseToWriteUnlessAllowed) {
  NEEDS_EBPF();
  // One page of ring buffer and a consumer that reads nothing until the
  // workload has exited: far more path records than fit must be lost.
  auto workdir = [](const TempDir& w) {
    EXPECT_EQ(mkdir((w / "sub").c_str(), 0700), 0);
    write_file(w / "target.txt", "x");
    EXPECT_EQ(symlink("target.txt", (w / "link.txt").c_str()), 0);
    EXPECT_EQ(mkdir((w / "many").c_str(), 0700), 0);
    for (int i = 0; i < 100; ++i) write_file(w / ("many/file-with-a-rather-long-name-" + std::to_string(i)), "x");
  };
  auto cmd = [&](const TempDir& w, const TempDir& d, bool allow) {
    std::vector<std::string> a = {"env", "PROFILE_EBPF_RINGBUF_BYTES=4096", "PROFILE_EBPF_STALL_CONSUMER=1",
                                  PROFILE_BIN, "record", "--tracer", "ebpf", "-o", d / "p"};
    if (allow) a.push_back("--allow-loss");
    a.insert(a.end(), {"--", "/bin/sh", "-c", helper("eb_files") + " \"$1\" && cat \"$1\"/many/* > /dev/null", "sh",
                       w.path()});
    return run(a, 60);
  };
  TempDir w1, d1;
  workdir(w1);
  auto r1 = cmd(w1, d1, false);
  EXPECT_EQ(r1.exit_code, 125) << r1.err;
  EXPECT_NE(r1.err.find("lost"), std::string::npos) << r1.err;
  EXPECT_NE(access((d1 / "p/profile.json").c_str(), F_OK), 0);

  TempDir w2, d2;
  workdir(w2);
  auto r2 = cmd(w2, d2, true);
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  auto p = json::parse(read_file(d2 / "p/profile.json"));
  EXPECT_EQ(p["recording"]["complete"], false);
  EXPECT_GT(p["recording"]["lost_events"].get<uint64_t>(), 0u);
  // Syscalls are counted in a table, not the ring: they survive the loss.
  EXPECT_TRUE(syscalls(p).count("mkdirat"));
}

TEST(EbpfRecorder, DefaultRingTakesABurstOfDistinctFiles) {
  NEEDS_EBPF();
  // Every file and directory of /usr/share opened as fast as tar can: tens
  // of thousands of distinct path records in about a second (this overflowed
  // the ring once). With the default ring and consumer none may be lost
  // (record refuses to write a lossy profile).
  TempDir d;
  auto r = record(d, {"/bin/sh", "-c", "tar c /usr/share 2>/dev/null | cat > /dev/null"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  EXPECT_EQ(r.profile["recording"]["complete"], true);
  EXPECT_EQ(r.profile["recording"].value("lost_events", 0u), 0u);
  EXPECT_TRUE(syscalls(r.profile).count("getdents64")); // tar listed directories
  EXPECT_TRUE(syscalls(r.profile).count("openat"));
}

TEST(EbpfRecorder, CompatSyscallsRecordedAsX86) {
  NEEDS_EBPF();
  // Run unrecorded first: SIGSEGV means the kernel has no IA-32 emulation.
  auto probe = run({helper("eb_int80")}, 10);
  if (probe.exit_code == 128 + SIGSEGV) GTEST_SKIP() << "IA-32 emulation is not available on this kernel";
  ASSERT_EQ(probe.exit_code, 0) << probe.err;
  TempDir d;
  auto r = record(d, {helper("eb_int80")});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  EXPECT_TRUE(syscalls(r.profile, "x86").count("getpid")) << r.profile["syscalls"].dump();
}

}  // namespace
}  // namespace profile::test

namespace profile::test {
namespace {

// Raw observations (before profilegen adds implied calls) of `argv` with one
// backend.
Observations observe(TracerKind kind, const std::vector<std::string>& argv) {
  std::string note;
  auto tracer = make_tracer(kind, &note);
  EXPECT_TRUE(tracer.ok()) << (tracer.ok() ? "" : tracer.error().message);
  Observations obs;
  if (!tracer.ok()) return obs;
  RunSpec spec;
  spec.argv = argv;
  auto out = run_workload(spec, tracer->get(), &obs);
  EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
  if (out.ok()) {
    EXPECT_EQ(out->exit_code, 0);
  }
  return obs;
}

std::set<int> numbers(const Observations& o, const std::string& arch) {
  auto it = o.syscalls.find(arch);
  return it == o.syscalls.end() ? std::set<int>{} : it->second;
}

// The eBPF recorder runs at syscall exit only. exit, exit_group and
// rt_sigreturn never return through it as themselves, and a task killed
// while blocked leaves from inside its call; all must still be recorded,
// exactly as the ptrace recorder sees them at entry.
TEST(EbpfRecorder, RecordsCallsThatDoNotReturnNormally) {
  NEEDS_EBPF();
  auto eb = observe(TracerKind::kEbpf, {helper("eb_noreturn")});
  auto pt = observe(TracerKind::kPtrace, {helper("eb_noreturn")});
  auto e = numbers(eb, "x86_64");
  for (const char* name : {"rt_sigreturn", "exit", "exit_group", "pause", "kill"}) {
    auto nr = syscall_number("x86_64", name);
    ASSERT_TRUE(nr.ok());
    EXPECT_EQ(e.count(*nr), 1u) << name;
  }
  // futex is called only when pthread_join finds the thread still running:
  // timing, not behaviour (profilegen adds it for every threaded workload).
  auto p = numbers(pt, "x86_64");
  auto futex = syscall_number("x86_64", "futex");
  ASSERT_TRUE(futex.ok());
  e.erase(*futex);
  p.erase(*futex);
  EXPECT_EQ(e, p);
  EXPECT_EQ(eb.syscalls.count("x86"), 0u);
}

TEST(EbpfRecorder, RecordsCompatExitGroup) {
  NEEDS_EBPF();
  auto probe = run({helper("eb_int80")}, 10);
  if (probe.exit_code == 128 + SIGSEGV) GTEST_SKIP() << "IA-32 emulation is not available on this kernel";
  auto eb = observe(TracerKind::kEbpf, {helper("eb_noreturn"), "int80"});
  auto nr = syscall_number("x86", "exit_group");
  ASSERT_TRUE(nr.ok());
  EXPECT_EQ(numbers(eb, "x86"), std::set<int>{*nr});
}

}  // namespace
}  // namespace profile::test

namespace profile::test {
namespace {

bool kernel_has_cap_tracepoint() {
  return ebpf_detail::btf_names_present("/sys/kernel/btf/vmlinux", {"btf_trace_cap_capable"}).size() == 1;
}

bool kernel_symbols_visible() {
  auto k = KernelSymbols::load();
  return k.ok() && k->usable();
}

#define NEEDS_CAP_TRACEPOINT()                                                                         \
  do {                                                                                                 \
    if (!kernel_has_cap_tracepoint()) GTEST_SKIP() << "the kernel has no cap_capable tracepoint (Linux 6.14+)"; \
    if (!kernel_symbols_visible()) GTEST_SKIP() << "the kernel hides its symbols (kptr_restrict=2)";   \
  } while (0)

json capability(const json& p, const std::string& name) {
  for (const auto& c : p["capabilities"])
    if (c["name"] == name) return c;
  return json();
}

// The kernel's capability checks (cap_capable tracepoint, Linux 6.14+):
// changing a file's owner needs CHOWN, and the kernel says so itself.
TEST(EbpfRecorder, ObservesCapabilitiesTheKernelGranted) {
  NEEDS_EBPF();
  NEEDS_CAP_TRACEPOINT();
  TempDir w;  // under the build tree, which the sandbox sees (its /tmp is private)
  std::string f = w / "owned";
  write_file(f, "x\n");
  TempDir d;
  auto r = record(d, {"chown", "65534", f});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto c = capability(r.profile, "CHOWN");
  ASSERT_FALSE(c.is_null()) << r.profile["capabilities"].dump();
  EXPECT_EQ(c["evidence"], "observed");
  // Nothing else: no other capability was needed (root owns the directory).
  EXPECT_EQ(r.profile["capabilities"].size(), 1u) << r.profile["capabilities"].dump();
}

// With every capability, the kernel checks CAP_SYS_ADMIN on each mmap and
// brk only to account memory (noaudit): that is no need, and a profile that
// granted SYS_ADMIN for it would be far from tight.
TEST(EbpfRecorder, ProbingCapabilityChecksAreNotNeeds) {
  NEEDS_EBPF();
  NEEDS_CAP_TRACEPOINT();
  // The chown proves the hook is live in this recording; the mmaps and
  // brks of sh and chown make the probing checks.
  TempDir w;
  std::string f = w / "owned";
  write_file(f, "x\n");
  TempDir d;
  auto r = record(d, {"/bin/sh", "-c", "chown 65534 \"$1\"", "sh", f}, {"--privileged"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  EXPECT_TRUE(capability(r.profile, "SYS_ADMIN").is_null()) << r.profile["capabilities"].dump();
  ASSERT_EQ(r.profile["capabilities"].size(), 1u) << r.profile["capabilities"].dump();
  EXPECT_EQ(capability(r.profile, "CHOWN")["evidence"], "observed") << r.profile["capabilities"].dump();
}

// An optional program the kernel refuses never costs the recording: it goes
// on without the optional programs and says so.
TEST(EbpfRecorder, RefusedOptionalProgramsDoNotStopTheRecording) {
  NEEDS_EBPF();
  NEEDS_CAP_TRACEPOINT();
  TempDir w;
  std::string f = w / "owned";
  write_file(f, "x\n");
  TempDir d;
  auto r = run({"env", "PROFILE_EBPF_REFUSE_OPTIONAL=1", PROFILE_BIN, "record", "--tracer", "ebpf", "-o", d / "p", "--",
                "chown", "65534", f},
               60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("recording without the optional eBPF programs"), std::string::npos) << r.err;
  auto p = json::parse(read_file(d / "p/profile.json"));
  EXPECT_TRUE(syscalls(p).count("fchownat")) << p["syscalls"].dump();
  // No kernel observation: CHOWN is not "observed" (inference may add it).
  auto chown_cap = capability(p, "CHOWN");
  EXPECT_TRUE(chown_cap.is_null() || chown_cap["evidence"] != "observed") << p["capabilities"].dump();
}

// One recording with the minimised-BTF cache in `cache_dir` ("off" for
// none), with PROFILE_EBPF_TIMING on so that stderr says which BTF it used.
CommandResult record_with_cache(const std::string& cache_dir, const TempDir& d, const std::vector<std::string>& cmd) {
  // The cache serves the regular loader only (the light skeleton reads no
  // BTF here): PROFILE_EBPF_LOADER=libbpf selects it.
  std::vector<std::string> a = {"env", "PROFILE_BTF_CACHE=" + cache_dir, "PROFILE_EBPF_LOADER=libbpf", "PROFILE_EBPF_TIMING=1", PROFILE_BIN,
                                "record", "--tracer", "ebpf", "-o", d / "p", "--"};
  a.insert(a.end(), cmd.begin(), cmd.end());
  return run(a, 60);
}

bool kernel_has_build_id() {
  return !btf_cache_detail::build_id_from_notes(read_file("/sys/kernel/notes")).empty();
}

// The cache is built by the first recording and used by the next; a
// recording with it is the same as one without; a damaged entry is
// replaced, and a directory others can write is not used.
TEST(EbpfRecorder, MinimisedBtfCacheGivesTheSameRecording) {
  NEEDS_EBPF();
  if (!kernel_has_build_id()) GTEST_SKIP() << "the kernel publishes no build id in /sys/kernel/notes";
  TempDir c;
  std::string cache = c / "btf";
  std::vector<std::string> cmd = {"/bin/sh", "-c", "cat /etc/hostname >/dev/null; ls / >/dev/null"};
  TempDir d1, d2, d3;
  auto first = record_with_cache(cache, d1, cmd);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("minimised BTF cached"), std::string::npos) << first.err;
  auto second = record_with_cache(cache, d2, cmd);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("opened with the cached minimised BTF"), std::string::npos) << second.err;
  auto without = record_with_cache("off", d3, cmd);
  ASSERT_EQ(without.exit_code, 0) << without.err;
  EXPECT_EQ(without.err.find("minimised BTF"), std::string::npos) << without.err;
  auto p2 = json::parse(read_file(d2 / "p/profile.json"));
  auto p3 = json::parse(read_file(d3 / "p/profile.json"));
  EXPECT_EQ(p2["syscalls"], p3["syscalls"]);
  EXPECT_EQ(files(p2), files(p3));

  // A damaged entry: the recording still works and the entry is rebuilt.
  std::string entry;
  DIR* dir = opendir(cache.c_str());
  ASSERT_NE(dir, nullptr);
  while (dirent* e = readdir(dir)) {
    std::string n = e->d_name;
    if (n.size() > 4 && n.compare(n.size() - 4, 4, ".btf") == 0) entry = cache + "/" + n;
  }
  closedir(dir);
  ASSERT_FALSE(entry.empty());
  std::string good = read_file(entry);
  write_file(entry, "not BTF at all");
  ASSERT_EQ(chmod(entry.c_str(), 0600), 0);
  TempDir d4;
  auto damaged = record_with_cache(cache, d4, cmd);
  ASSERT_EQ(damaged.exit_code, 0) << damaged.err;
  EXPECT_EQ(read_file(entry), good);

  // A cache directory others may write is neither used nor written.
  ASSERT_EQ(chmod(cache.c_str(), 0777), 0);
  TempDir d5;
  auto open_dir = record_with_cache(cache, d5, cmd);
  ASSERT_EQ(open_dir.exit_code, 0) << open_dir.err;
  EXPECT_EQ(open_dir.err.find("opened with the cached minimised BTF"), std::string::npos) << open_dir.err;
  EXPECT_NE(open_dir.err.find("minimised BTF not cached"), std::string::npos) << open_dir.err;
  ASSERT_EQ(chmod(cache.c_str(), 0700), 0);
}


// One recording of `cmd` with PROFILE_EBPF_TIMING on and `env` added.
CommandResult record_with_env(const std::vector<std::string>& env, const TempDir& d,
                              const std::vector<std::string>& cmd) {
  std::vector<std::string> a = {"env", "PROFILE_EBPF_TIMING=1"};
  a.insert(a.end(), env.begin(), env.end());
  for (const char* s : {PROFILE_BIN, "record", "--tracer", "ebpf", "-o"}) a.push_back(s);
  a.push_back(d / "p");
  a.push_back("--");
  a.insert(a.end(), cmd.begin(), cmd.end());
  return run(a, 60);
}

// The light skeleton (no kernel BTF parsed in userspace) is the default
// loader and records what the regular libbpf loader records.
TEST(EbpfLoader, TheLightSkeletonIsTheDefaultAndRecordsWhatLibbpfRecords) {
  NEEDS_EBPF();
  TempDir w;
  std::string f = w / "owned";
  write_file(f, "x\n");
  std::vector<std::string> cmd = {"/bin/sh", "-c", "cat /etc/hostname >/dev/null; ls / >/dev/null; chown 65534 \"$1\"",
                                  "sh", f};
  TempDir d1, d2;
  auto light = record_with_env({}, d1, cmd);
  ASSERT_EQ(light.exit_code, 0) << light.err;
  EXPECT_NE(light.err.find("ebpf: loader: light skeleton at"), std::string::npos) << light.err;
  EXPECT_EQ(light.err.find("ebpf: loader: libbpf"), std::string::npos) << light.err;
  ASSERT_EQ(chown(f.c_str(), 0, 0), 0);
  auto regular = record_with_env({"PROFILE_EBPF_LOADER=libbpf"}, d2, cmd);
  ASSERT_EQ(regular.exit_code, 0) << regular.err;
  EXPECT_NE(regular.err.find("ebpf: loader: libbpf at"), std::string::npos) << regular.err;
  EXPECT_EQ(regular.err.find("light skeleton"), std::string::npos) << regular.err;
  auto p1 = json::parse(read_file(d1 / "p/profile.json"));
  auto p2 = json::parse(read_file(d2 / "p/profile.json"));
  EXPECT_EQ(p1["syscalls"], p2["syscalls"]);
  EXPECT_EQ(files(p1), files(p2));
  EXPECT_EQ(p1["capabilities"], p2["capabilities"]);
  EXPECT_EQ(p1["recording"]["complete"], true) << p1["recording"].dump();
  if (kernel_has_cap_tracepoint() && kernel_symbols_visible()) {
    EXPECT_EQ(capability(p1, "CHOWN")["evidence"], "observed") << p1["capabilities"].dump();
  }
}

// A light skeleton the kernel refuses (here a ring size that is not a power
// of two, so its loader program really fails) costs the recording nothing:
// the regular loader takes over.
TEST(EbpfLoader, ARefusedLightSkeletonFallsBackToLibbpf) {
  NEEDS_EBPF();
  TempDir d;
  auto r = record_with_env({"PROFILE_EBPF_TEST_REFUSE_LIGHT=1"}, d, {"/bin/sh", "-c", "cat /etc/hostname >/dev/null"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("light skeleton refused; loading with libbpf"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("ebpf: loader: libbpf at"), std::string::npos) << r.err;
  auto p = json::parse(read_file(d / "p/profile.json"));
  EXPECT_EQ(p["recording"]["tracer"], "ebpf");
  EXPECT_EQ(p["recording"]["complete"], true);
  EXPECT_TRUE(files(p).count("/etc/hostname")) << p["files"].dump();
}

}  // namespace
}  // namespace profile::test

// The seccomp loader: Docker's default profile, includes/excludes, minKernel,
// archMap, every operator and action, and broken files. The compiled program
// is checked two ways: by running the BPF on synthetic seccomp_data (any arch,
// any arguments, no kernel needed) and by installing it in a forked child.
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "profilegen/profile.h"
#include "profilegen/render.h"
#include "runner/seccomp.h"
#include "test_util.h"

namespace profile {
namespace {

using test::TempDir;

const std::string kDockerDefault = std::string(PROFILE_FIXTURES_DIR) + "/docker-default-seccomp.json";
const std::string kDataDir = std::string(PROFILE_SOURCE_DIR) + "/tests/data/seccomp/";

constexpr uint32_t kAllow = SECCOMP_RET_ALLOW;
constexpr uint32_t kKillProcess = SECCOMP_RET_KILL_PROCESS;
constexpr uint32_t errno_ret(uint32_t e) { return SECCOMP_RET_ERRNO | e; }

// x86_64 and i386 numbers used below; fixed by the ABI.
constexpr int kX64Getpid = 39, kX64Unshare = 272, kX64Mount = 165, kX64Clone = 56, kX64Clone3 = 435;
constexpr int kX64Chroot = 161, kX64Bpf = 321, kX64Personality = 135, kX64Socket = 41, kX64Ptrace = 101;
constexpr int kX64Mkdir = 83;
constexpr int kI386Getpid = 20, kI386Socketcall = 102;
constexpr uint32_t kX32Bit = 0x40000000;

SeccompContext docker_ctx() {
  SeccompContext c;
  c.caps.insert(docker_default_caps().begin(), docker_default_caps().end());
  c.kernel_major = 6;
  c.kernel_minor = 18;
  return c;
}

// A classic-BPF interpreter for the instructions a seccomp filter may use.
// An opcode it does not know fails the test rather than guessing.
uint32_t run_bpf(const SeccompProgram& prog, uint32_t arch, int nr, std::vector<uint64_t> args = {}) {
  seccomp_data d{};
  d.nr = nr;
  d.arch = arch;
  for (size_t i = 0; i < args.size() && i < 6; ++i) d.args[i] = args[i];
  unsigned char raw[sizeof(d)];
  memcpy(raw, &d, sizeof(d));
  uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = {};
  const auto& p = prog.insns;
  for (size_t pc = 0, steps = 0; pc < p.size() && steps < 100000; ++pc, ++steps) {
    const sock_filter& f = p[pc];
    switch (f.code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if (f.k + 4 > sizeof(raw) || f.k % 4 != 0) {
          ADD_FAILURE() << "load outside seccomp_data at " << f.k;
          return ~0u;
        }
        memcpy(&A, raw + f.k, 4);
        break;
      case BPF_LD | BPF_IMM: A = f.k; break;
      case BPF_LDX | BPF_IMM: X = f.k; break;
      case BPF_LD | BPF_MEM: A = M[f.k % BPF_MEMWORDS]; break;
      case BPF_LDX | BPF_MEM: X = M[f.k % BPF_MEMWORDS]; break;
      case BPF_ST: M[f.k % BPF_MEMWORDS] = A; break;
      case BPF_STX: M[f.k % BPF_MEMWORDS] = X; break;
      case BPF_ALU | BPF_AND | BPF_K: A &= f.k; break;
      case BPF_ALU | BPF_OR | BPF_K: A |= f.k; break;
      case BPF_ALU | BPF_ADD | BPF_K: A += f.k; break;
      case BPF_ALU | BPF_SUB | BPF_K: A -= f.k; break;
      case BPF_MISC | BPF_TAX: X = A; break;
      case BPF_MISC | BPF_TXA: A = X; break;
      case BPF_JMP | BPF_JA: pc += f.k; break;
      case BPF_JMP | BPF_JEQ | BPF_K: pc += (A == f.k) ? f.jt : f.jf; break;
      case BPF_JMP | BPF_JGT | BPF_K: pc += (A > f.k) ? f.jt : f.jf; break;
      case BPF_JMP | BPF_JGE | BPF_K: pc += (A >= f.k) ? f.jt : f.jf; break;
      case BPF_JMP | BPF_JSET | BPF_K: pc += (A & f.k) ? f.jt : f.jf; break;
      case BPF_JMP | BPF_JEQ | BPF_X: pc += (A == X) ? f.jt : f.jf; break;
      case BPF_JMP | BPF_JGT | BPF_X: pc += (A > X) ? f.jt : f.jf; break;
      case BPF_JMP | BPF_JGE | BPF_X: pc += (A >= X) ? f.jt : f.jf; break;
      case BPF_RET | BPF_K: return f.k;
      case BPF_RET | BPF_A: return A;
      default:
        ADD_FAILURE() << "BPF opcode 0x" << std::hex << f.code << " not interpreted";
        return ~0u;
    }
  }
  ADD_FAILURE() << "program ran off its end";
  return ~0u;
}

uint32_t x64(const SeccompProgram& p, int nr, std::vector<uint64_t> args = {}) {
  return run_bpf(p, AUDIT_ARCH_X86_64, nr, std::move(args));
}

// Forks, installs the filter (after no_new_privs, as the supervisor does),
// runs `body`, and returns its exit code, or 128+N when killed by signal N.
int in_filtered_child(const SeccompProgram& prog, const std::function<int()>& body) {
  pid_t pid = fork();
  if (pid == 0) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(200);
    int e = install_seccomp(prog);
    if (e != 0) _exit(201);
    _exit(body());
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return WEXITSTATUS(st);
}

// errno of a raw syscall, 0 on success.
int syscall_errno(long nr, long a0 = 0, long a1 = 0) {
  long r = syscall(nr, a0, a1, 0, 0, 0, 0);
  return r == -1 ? errno : 0;
}

SeccompProgram must_compile(const std::string& text, const SeccompContext& ctx = docker_ctx()) {
  auto r = compile_seccomp_json(text, "inline.json", ctx);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : SeccompProgram{};
}

TEST(SeccompLoader, DockerDefaultWithDockerCaps) {
  auto r = compile_seccomp_file(kDockerDefault, docker_ctx());
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& p = *r;
  // archMap: on x86_64 the entry brings x86 and x32 along.
  EXPECT_EQ(p.arches, (std::vector<std::string>{"x86_64", "x86", "x32"}));
  EXPECT_LE(p.insns.size(), static_cast<size_t>(BPF_MAXINSNS));
  EXPECT_EQ(p.default_action, "SCMP_ACT_ERRNO(1)");
  EXPECT_EQ(x64(p, kX64Getpid), kAllow);
  EXPECT_EQ(x64(p, kX64Unshare), errno_ret(EPERM));
  EXPECT_EQ(x64(p, kX64Mount), errno_ret(EPERM));
  EXPECT_EQ(x64(p, kX64Bpf), errno_ret(EPERM));
  // clone3 without SYS_ADMIN: the rule with errnoRet 38 applies.
  EXPECT_EQ(x64(p, kX64Clone3), errno_ret(ENOSYS));
  // SYS_CHROOT is one of Docker's default caps.
  EXPECT_EQ(x64(p, kX64Chroot), kAllow);
  // clone: MASKED_EQ on the namespace flags.
  EXPECT_EQ(x64(p, kX64Clone, {SIGCHLD}), kAllow);
  EXPECT_EQ(x64(p, kX64Clone, {CLONE_NEWUSER | SIGCHLD}), errno_ret(EPERM));
  // personality: EQ on a handful of values.
  EXPECT_EQ(x64(p, kX64Personality, {0xffffffff}), kAllow);
  EXPECT_EQ(x64(p, kX64Personality, {0x1234}), errno_ret(EPERM));
  // socket: LT 38, EQ 39, GT 40 -> AF_VSOCK (40) alone is refused.
  EXPECT_EQ(x64(p, kX64Socket, {2}), kAllow);
  EXPECT_EQ(x64(p, kX64Socket, {39}), kAllow);
  EXPECT_EQ(x64(p, kX64Socket, {41}), kAllow);
  EXPECT_EQ(x64(p, kX64Socket, {38}), errno_ret(EPERM));
  EXPECT_EQ(x64(p, kX64Socket, {40}), errno_ret(EPERM));
  // Compat syscalls go through the x86 rules, x32 through the x32 ones.
  EXPECT_EQ(run_bpf(p, AUDIT_ARCH_I386, kI386Getpid), kAllow);
  EXPECT_EQ(run_bpf(p, AUDIT_ARCH_I386, kI386Socketcall), kAllow);
  EXPECT_EQ(run_bpf(p, AUDIT_ARCH_X86_64, kX32Bit | kX64Getpid), kAllow);
  // An arch the filter does not cover is killed.
  EXPECT_EQ(run_bpf(p, AUDIT_ARCH_AARCH64, 172), kKillProcess);
  // Names newer than this libseccomp (mseal, statmount, ...) are skipped, not refused.
  EXPECT_FALSE(p.skipped.empty());
  EXPECT_NE(describe_seccomp(p).find("x86_64,x86,x32"), std::string::npos) << describe_seccomp(p);
}

TEST(SeccompLoader, DockerDefaultWithSysAdminOnly) {
  SeccompContext ctx = docker_ctx();
  ctx.caps = {"SYS_ADMIN"};
  auto r = compile_seccomp_file(kDockerDefault, ctx);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& p = *r;
  EXPECT_EQ(x64(p, kX64Unshare), kAllow);
  EXPECT_EQ(x64(p, kX64Mount), kAllow);
  EXPECT_EQ(x64(p, kX64Clone3), kAllow);
  EXPECT_EQ(x64(p, kX64Clone, {CLONE_NEWUSER | SIGCHLD}), kAllow);
  EXPECT_EQ(x64(p, kX64Bpf), kAllow);
  // Without SYS_CHROOT the chroot rule is not included.
  EXPECT_EQ(x64(p, kX64Chroot), errno_ret(EPERM));
  auto d = compile_seccomp_file(kDockerDefault, docker_ctx());
  ASSERT_TRUE(d.ok());
  EXPECT_NE(d->insns.size(), p.insns.size());
}

TEST(SeccompLoader, MinKernelIncludes) {
  // Docker allows ptrace only from kernel 4.8 on.
  for (auto [major, minor, want] : {std::tuple{4, 7, errno_ret(EPERM)}, std::tuple{4, 8, kAllow},
                                    std::tuple{3, 19, errno_ret(EPERM)}, std::tuple{5, 0, kAllow}}) {
    SeccompContext ctx = docker_ctx();
    ctx.kernel_major = major;
    ctx.kernel_minor = minor;
    auto r = compile_seccomp_file(kDockerDefault, ctx);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(x64(*r, kX64Ptrace), want) << major << "." << minor;
  }
}

TEST(SeccompLoader, MinKernelExcludesAndDetection) {
  const std::string text = R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 7, "excludes": {"minKernel": "5.10"}}]})";
  SeccompContext old_kernel = docker_ctx();
  old_kernel.kernel_major = 5;
  old_kernel.kernel_minor = 4;
  EXPECT_EQ(x64(must_compile(text, old_kernel), kX64Getpid), errno_ret(7));
  SeccompContext new_kernel = docker_ctx();
  new_kernel.kernel_major = 5;
  new_kernel.kernel_minor = 10;
  EXPECT_EQ(x64(must_compile(text, new_kernel), kX64Getpid), kAllow);
  // Zero means "ask uname": every kernel this runs on is newer than 3.0.
  SeccompContext detect = docker_ctx();
  detect.kernel_major = 0;
  const std::string inc = R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "includes": {"minKernel": "3.0"}}]})";
  EXPECT_EQ(x64(must_compile(inc, detect), kX64Getpid), errno_ret(EPERM));
}

TEST(SeccompLoader, ArchMapAndArchitectures) {
  // Only the native entry of archMap counts; a foreign one brings nothing.
  auto foreign = must_compile(R"({"defaultAction": "SCMP_ACT_ERRNO",
      "archMap": [{"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
      "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ALLOW"}]})");
  EXPECT_EQ(foreign.arches, std::vector<std::string>{"x86_64"});
  // Only x86_64 listed: i386 and x32 syscalls hit the bad-arch action.
  auto only64 = must_compile(R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
      "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ALLOW"}]})");
  EXPECT_EQ(x64(only64, kX64Getpid), kAllow);
  EXPECT_EQ(run_bpf(only64, AUDIT_ARCH_I386, kI386Getpid), kKillProcess);
  EXPECT_EQ(run_bpf(only64, AUDIT_ARCH_X86_64, kX32Bit | kX64Getpid), kKillProcess);
  // Listing x86 makes int $0x80 calls go through the same rules, by their
  // i386 numbers.
  auto both = must_compile(R"({"defaultAction": "SCMP_ACT_ERRNO",
      "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
      "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ALLOW"}]})");
  EXPECT_EQ(both.arches, (std::vector<std::string>{"x86_64", "x86"}));
  EXPECT_EQ(run_bpf(both, AUDIT_ARCH_I386, kI386Getpid), kAllow);
  EXPECT_EQ(run_bpf(both, AUDIT_ARCH_I386, kI386Socketcall), errno_ret(EPERM));
  // An archMap entry whose main arch is listed in "architectures" adds its subs.
  auto listed = must_compile(R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
      "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X32"]},
                  {"architecture": "SCMP_ARCH_LOONGARCH64", "subArchitectures": null}],
      "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ALLOW"}]})");
  EXPECT_EQ(listed.arches, (std::vector<std::string>{"x86_64", "x32"}));
}

TEST(SeccompLoader, IncludesArchesUseDockerNames) {
  // Docker matches Go's arch name ("amd64") against the native arch.
  const std::string text = R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
      {"names": ["getpid"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}},
      {"names": ["uname"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["s390x"]}},
      {"names": ["mkdir"], "action": "SCMP_ACT_ALLOW", "excludes": {"arches": ["amd64"]}},
      {"names": ["chroot"], "action": "SCMP_ACT_ALLOW", "excludes": {"arches": ["arm64"]}}]})";
  auto p = must_compile(text);
  EXPECT_EQ(x64(p, kX64Getpid), kAllow);
  EXPECT_EQ(x64(p, 63 /* uname */), errno_ret(EPERM));
  EXPECT_EQ(x64(p, kX64Mkdir), errno_ret(EPERM));
  EXPECT_EQ(x64(p, kX64Chroot), kAllow);
}

TEST(SeccompLoader, IncludesNeedAllCapsExcludesAny) {
  const std::string text = R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
      {"names": ["getpid"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_CHOWN", "CAP_SYS_ADMIN"]}},
      {"names": ["uname"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_CHOWN"]}},
      {"names": ["mkdir"], "action": "SCMP_ACT_ALLOW", "excludes": {"caps": ["CAP_SYS_ADMIN", "CAP_CHOWN"]}}]})";
  auto p = must_compile(text);  // Docker's 14 caps: CHOWN yes, SYS_ADMIN no
  EXPECT_EQ(x64(p, kX64Getpid), errno_ret(EPERM));
  EXPECT_EQ(x64(p, 63), kAllow);
  EXPECT_EQ(x64(p, kX64Mkdir), errno_ret(EPERM));
}

TEST(SeccompLoader, EveryOperator) {
  struct Case {
    const char* op;
    uint64_t value, value_two;
    std::vector<std::pair<uint64_t, bool>> probes;  // arg0, allowed?
  };
  const std::vector<Case> cases = {
      {"SCMP_CMP_NE", 5, 0, {{5, false}, {4, true}, {6, true}}},
      {"SCMP_CMP_LT", 5, 0, {{4, true}, {5, false}, {6, false}}},
      {"SCMP_CMP_LE", 5, 0, {{4, true}, {5, true}, {6, false}}},
      {"SCMP_CMP_EQ", 5, 0, {{5, true}, {4, false}, {1ull << 32 | 5, false}}},
      {"SCMP_CMP_GE", 5, 0, {{4, false}, {5, true}, {1ull << 40, true}}},
      {"SCMP_CMP_GT", 5, 0, {{5, false}, {6, true}, {~0ull, true}}},
      {"SCMP_CMP_MASKED_EQ", 0xf0, 0x30, {{0x35, true}, {0x3f, true}, {0x45, false}, {0x130, true}}},
  };
  for (const auto& c : cases) {
    std::string text = std::string(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["personality"],
        "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": )") + std::to_string(c.value) +
                       R"(, "valueTwo": )" + std::to_string(c.value_two) + R"(, "op": ")" + c.op + R"("}]}]})";
    auto p = must_compile(text);
    for (auto [arg, allowed] : c.probes)
      EXPECT_EQ(x64(p, kX64Personality, {arg}), allowed ? kAllow : errno_ret(EPERM)) << c.op << " arg " << arg;
  }
}

TEST(SeccompLoader, ArgsOnSeveralIndicesAndRepeatedIndex) {
  // Different indices: AND.
  auto both = must_compile(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["socket"],
      "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"},
                                          {"index": 1, "value": 2, "op": "SCMP_CMP_EQ"}]}]})");
  EXPECT_EQ(x64(both, kX64Socket, {1, 2}), kAllow);
  EXPECT_EQ(x64(both, kX64Socket, {1, 1}), errno_ret(EPERM));
  EXPECT_EQ(x64(both, kX64Socket, {2, 2}), errno_ret(EPERM));
  // Same index twice: like runc, one rule per condition (OR).
  auto same = must_compile(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["socket"],
      "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"},
                                          {"index": 0, "value": 10, "op": "SCMP_CMP_EQ"}]}]})");
  EXPECT_EQ(x64(same, kX64Socket, {1}), kAllow);
  EXPECT_EQ(x64(same, kX64Socket, {10}), kAllow);
  EXPECT_EQ(x64(same, kX64Socket, {2}), errno_ret(EPERM));
}

TEST(SeccompLoader, ActionsAndErrnoRet) {
  auto p = must_compile(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38, "syscalls": [
      {"names": ["getpid"], "action": "SCMP_ACT_KILL"},
      {"names": ["getppid"], "action": "SCMP_ACT_KILL_THREAD"},
      {"names": ["gettid"], "action": "SCMP_ACT_KILL_PROCESS"},
      {"names": ["uname"], "action": "SCMP_ACT_TRAP"},
      {"names": ["mkdir"], "action": "SCMP_ACT_TRACE"},
      {"names": ["rmdir"], "action": "SCMP_ACT_TRACE", "errnoRet": 9},
      {"name": "chroot", "action": "SCMP_ACT_LOG"},
      {"names": ["read"], "action": "SCMP_ACT_ERRNO"},
      {"names": ["write"], "action": "SCMP_ACT_ERRNO", "errnoRet": 0},
      {"names": ["close"], "action": "SCMP_ACT_ALLOW", "comment": "legacy 'name' above"}]})");
  EXPECT_EQ(x64(p, kX64Getpid), static_cast<uint32_t>(SECCOMP_RET_KILL_THREAD));
  EXPECT_EQ(x64(p, 110), static_cast<uint32_t>(SECCOMP_RET_KILL_THREAD));
  EXPECT_EQ(x64(p, 186), kKillProcess);
  EXPECT_EQ(x64(p, 63), static_cast<uint32_t>(SECCOMP_RET_TRAP));
  EXPECT_EQ(x64(p, kX64Mkdir), SECCOMP_RET_TRACE | EPERM);
  EXPECT_EQ(x64(p, 84), SECCOMP_RET_TRACE | 9u);
  EXPECT_EQ(x64(p, kX64Chroot), static_cast<uint32_t>(SECCOMP_RET_LOG));
  EXPECT_EQ(x64(p, 0), errno_ret(EPERM));
  EXPECT_EQ(x64(p, 1), errno_ret(0));
  EXPECT_EQ(x64(p, 3), kAllow);
  EXPECT_EQ(x64(p, 4 /* stat */), errno_ret(ENOSYS));
}

TEST(SeccompLoader, OverrideDefaultActionForComplainMode) {
  SeccompContext ctx = docker_ctx();
  ctx.override_default_action = "SCMP_ACT_LOG";
  auto r = compile_seccomp_file(kDockerDefault, ctx);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(x64(*r, kX64Unshare), static_cast<uint32_t>(SECCOMP_RET_LOG));
  EXPECT_EQ(x64(*r, kX64Getpid), kAllow);
  // Explicit rules keep their own action.
  EXPECT_EQ(x64(*r, kX64Clone3), errno_ret(ENOSYS));
  ctx.override_default_action = "SCMP_ACT_SHRUG";
  auto bad = compile_seccomp_file(kDockerDefault, ctx);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("SCMP_ACT_SHRUG"), std::string::npos) << bad.error().message;
}

TEST(SeccompLoader, TyposRefusedButNewSyscallsAccepted) {
  auto ok = compile_seccomp_json(R"({"defaultAction": "SCMP_ACT_ERRNO",
      "syscalls": [{"names": ["getpid", "mseal", "socketcall"], "action": "SCMP_ACT_ALLOW"}]})",
                                 "new.json", docker_ctx());
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(x64(*ok, kX64Getpid), kAllow);
  // Checked even when the rule does not apply on this machine.
  auto typo = compile_seccomp_json(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
      {"names": ["s390_runtime_instr", "s390_runtime_instrr"], "action": "SCMP_ACT_ALLOW",
       "includes": {"arches": ["s390x"]}}]})",
                                   "typo.json", docker_ctx());
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().message, "typo.json: syscalls[0].names[1]: unknown syscall 's390_runtime_instrr'");
  auto nul = compile_seccomp_json(std::string(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
      {"names": ["getpid\u0000x"], "action": "SCMP_ACT_ALLOW"}]})"),
                                  "nul.json", docker_ctx());
  ASSERT_FALSE(nul.ok());
  EXPECT_NE(nul.error().message.find("nul.json: syscalls[0].names[0]: unknown syscall"), std::string::npos)
      << nul.error().message;
}

struct BrokenCase {
  const char* file;
  std::vector<const char*> expected;  // substrings of the one-line message
};

class BrokenFile : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenFile, RejectedNamingFileAndValue) {
  const auto& c = GetParam();
  std::string path = kDataDir + c.file;
  auto r = compile_seccomp_file(path, docker_ctx());
  ASSERT_FALSE(r.ok()) << path << " was accepted";
  const std::string& m = r.error().message;
  EXPECT_EQ(m.rfind(path + ": ", 0), 0u) << m;
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  EXPECT_EQ(r.error().exit_code, 125);
  for (const char* s : c.expected) EXPECT_NE(m.find(s), std::string::npos) << "'" << s << "' not in: " << m;
}

INSTANTIATE_TEST_SUITE_P(
    Files, BrokenFile,
    ::testing::Values(
        BrokenCase{"malformed.json", {"malformed JSON", "line 5"}},
        BrokenCase{"not_object.json", {"expected a JSON object, got array"}},
        BrokenCase{"missing_default_action.json", {"missing 'defaultAction'"}},
        BrokenCase{"unknown_action.json", {"syscalls[2].action: unknown action 'SCMP_ACT_FLY'"}},
        BrokenCase{"unknown_operator.json", {"syscalls[0].args[0].op: unknown operator 'SCMP_CMP_APPROX'"}},
        BrokenCase{"unknown_syscall.json", {"syscalls[0].names[1]: unknown syscall 'getpidd'"}},
        BrokenCase{"unknown_arch.json", {"architectures[1]: unknown architecture 'SCMP_ARCH_Z80'"}},
        BrokenCase{"unknown_sub_arch.json", {"archMap[0].subArchitectures[1]", "'SCMP_ARCH_I386'"}},
        BrokenCase{"arg_index_6.json", {"syscalls[0].args[0].index", "6"}},
        BrokenCase{"missing_names.json", {"syscalls[0]: missing 'names'"}},
        BrokenCase{"names_not_array.json", {"syscalls[0].names", "got string 'read'"}},
        BrokenCase{"negative_value.json", {"syscalls[0].args[0].value", "'-1'"}},
        BrokenCase{"errno_ret_on_allow.json", {"syscalls[0].errnoRet", "SCMP_ACT_ALLOW"}},
        BrokenCase{"errno_ret_out_of_range.json", {"syscalls[0].errnoRet", "70000"}},
        BrokenCase{"notify_action.json", {"syscalls[0].action", "SCMP_ACT_NOTIFY"}},
        BrokenCase{"misspelt_key.json", {"syscalls[0]: unknown key 'agrs'"}},
        BrokenCase{"bad_min_kernel.json", {"syscalls[0].includes.minKernel", "'four.eight'"}},
        BrokenCase{"unknown_cap.json", {"syscalls[0].includes.caps[0]", "CAP_SYS_ADMN"}},
        BrokenCase{"name_and_names.json", {"syscalls[0]", "'name' or 'names'"}},
        BrokenCase{"unknown_flag.json", {"flags[1]", "SECCOMP_FILTER_FLAG_FAST"}},
        BrokenCase{"value_two_without_mask.json", {"syscalls[0].args[0].valueTwo", "SCMP_CMP_EQ"}}),
    [](const ::testing::TestParamInfo<BrokenCase>& i) {
      std::string n = i.param.file;
      n = n.substr(0, n.find('.'));
      return n;
    });

TEST(SeccompLoader, HugeFileRefused) {
  TempDir dir;
  std::string path = dir / "huge.json";
  // Valid JSON, just too big: the size check must come before parsing.
  std::string text = R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [)";
  std::string entry = R"({"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "comment": ")" + std::string(1000, 'x') + "\"},";
  while (text.size() <= kMaxSeccompJsonBytes) text += entry;
  text += R"({"names": ["getpid"], "action": "SCMP_ACT_ERRNO"}]})";
  test::write_file(path, text);
  auto r = compile_seccomp_file(path, docker_ctx());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind(path + ": ", 0), 0u) << r.error().message;
  EXPECT_NE(r.error().message.find("limit"), std::string::npos) << r.error().message;
}

TEST(SeccompLoader, DeepNestingRefused) {
  std::string text = R"({"defaultAction": "SCMP_ACT_ALLOW", "comment": )" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  auto r = compile_seccomp_json(text, "deep.json", docker_ctx());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("deep.json: JSON nested deeper"), std::string::npos) << r.error().message;
}

TEST(SeccompLoader, MissingFileNamesPath) {
  auto r = compile_seccomp_file(kDataDir + "does-not-exist.json", docker_ctx());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("does-not-exist.json"), std::string::npos) << r.error().message;
}

TEST(SeccompLoader, NullMeansAbsentLikeGo) {
  auto p = must_compile(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": null, "architectures": null,
      "archMap": null, "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ALLOW", "comment": null,
      "errnoRet": null, "includes": null, "excludes": {"caps": null},
      "args": [{"index": 0, "value": 8, "valueTwo": null, "op": "SCMP_CMP_EQ"}]}]})");
  EXPECT_EQ(x64(p, kX64Personality, {8}), kAllow);
  EXPECT_EQ(x64(p, kX64Personality, {9}), errno_ret(EPERM));
  EXPECT_EQ(p.arches, std::vector<std::string>{"x86_64"});
}

TEST(SeccompLoader, LoadsWhatTheGeneratorWrites) {
  Profile prof;
  prof.name = "gen";
  prof.syscalls["x86_64"] = {"getpid", "read", "write", "exit_group"};
  prof.syscalls["x86"] = {"getpid", "socketcall"};
  auto text = render_seccomp(prof);
  ASSERT_TRUE(text.ok()) << text.error().message;
  auto r = compile_seccomp_json(*text, "seccomp.json", docker_ctx());
  ASSERT_TRUE(r.ok()) << r.error().message << "\n" << *text;
  EXPECT_EQ(x64(*r, kX64Getpid), kAllow);
  EXPECT_EQ(x64(*r, kX64Mkdir), errno_ret(EPERM));
  EXPECT_EQ(x64(*r, kX64Clone3), errno_ret(ENOSYS));
  EXPECT_EQ(run_bpf(*r, AUDIT_ARCH_I386, kI386Socketcall), kAllow);
  EXPECT_EQ(run_bpf(*r, AUDIT_ARCH_AARCH64, 172), kKillProcess);
}

TEST(SeccompInstall, FilterReallyAppliesInChild) {
  auto p = must_compile(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42},
      {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 43,
       "args": [{"index": 0, "value": 4660, "op": "SCMP_CMP_EQ"}]},
      {"names": ["gettid"], "action": "SCMP_ACT_KILL_PROCESS"}]})");
  EXPECT_EQ(in_filtered_child(p, [] { return syscall_errno(SYS_getppid); }), 42);
  EXPECT_EQ(in_filtered_child(p, [] { return syscall_errno(SYS_personality, 0x1234); }), 43);
  EXPECT_EQ(in_filtered_child(p, [] { return syscall_errno(SYS_personality, 0xffffffff); }), 0);
  EXPECT_EQ(in_filtered_child(p, [] { return syscall_errno(SYS_getpid); }), 0);
  EXPECT_EQ(in_filtered_child(p, [] { return syscall_errno(SYS_gettid); }), 128 + SIGSYS);
}

TEST(SeccompInstall, DockerDefaultInChild) {
  auto r = compile_seccomp_file(kDockerDefault, docker_ctx());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(in_filtered_child(*r, [] { return syscall_errno(SYS_unshare, CLONE_NEWUSER); }), EPERM);
  EXPECT_EQ(in_filtered_child(*r, [] { return syscall_errno(SYS_getpid); }), 0);
}

TEST(SeccompInstall, EmptyProgramRefused) {
  EXPECT_EQ(install_seccomp(SeccompProgram{}), EINVAL);
}

}  // namespace
}  // namespace profile

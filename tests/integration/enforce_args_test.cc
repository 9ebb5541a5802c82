// Argument rules of a recorded seccomp.json, both ways: what the recording
// saw passes, the same call with another argument is denied with EPERM,
// under `profile enforce` and, with the same file, under runc.
#include <sched.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "recording_helpers.h"
#include "container_helpers.h"
#include "test_util.h"

namespace profile {
namespace {

using test::helper;
using test::run;
using test::run_profile;

std::string hex(unsigned long v) {
  char b[32];
  snprintf(b, sizeof(b), "0x%lx", v);
  return b;
}

const std::string kNetlink = "socket:" + std::to_string(AF_NETLINK) + ":" + std::to_string(SOCK_RAW);
const std::string kPacket = "socket:" + std::to_string(AF_PACKET) + ":" + std::to_string(SOCK_RAW);
const std::string kUdp = "socket:" + std::to_string(AF_INET) + ":" + std::to_string(SOCK_DGRAM);
const std::string kUnix = "socket:" + std::to_string(AF_UNIX) + ":" + std::to_string(SOCK_STREAM);
const std::string kTcp = "socket:" + std::to_string(AF_INET) + ":" + std::to_string(SOCK_STREAM);
const std::string kTcpFlags = "socket:" + std::to_string(AF_INET) + ":" + hex(SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK);
const std::string kFork = "clone:0";
const std::string kNewUser = "clone:" + hex(CLONE_NEWUSER);
const std::string kUnshareFiles = "unshare:" + hex(CLONE_FILES);
const std::string kUnshareUser = "unshare:" + hex(CLONE_NEWUSER);
const std::string kPersonaQuery = "personality:0xffffffff";
const std::string kPersonaOther = "personality:0x40000";  // ADDR_NO_RANDOMIZE
const std::string kPrctlSeen = "prctl:" + std::to_string(PR_GET_DUMPABLE);
const std::string kPrctlOther = "prctl:" + std::to_string(PR_GET_KEEPCAPS);

// What the recorded workload does.
const std::vector<std::string> kRecorded = {kUnix, kTcpFlags, kFork, kUnshareFiles, kPersonaQuery, kPrctlSeen, "thread"};
// Each the same call as a recorded one, with an argument the recording never saw.
const std::vector<std::string> kUnrecorded = {kNetlink, kPacket, kUdp, kNewUser, kUnshareUser, kPersonaOther, kPrctlOther};

std::vector<std::string> with_helper(const std::string& path, const std::vector<std::string>& ops) {
  std::vector<std::string> cmd = {path};
  cmd.insert(cmd.end(), ops.begin(), ops.end());
  return cmd;
}

std::string line_of(const std::string& out, const std::string& op) {
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(op + " ", 0) == 0) return line.substr(op.size() + 1);
  return "(no line for " + op + ")";
}

class EnforceArgs : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    PROFILE_NEEDS_ROOT();
    // Without a filter every call works as root: a denial below is the filter's.
    auto plain = run(with_helper(helper("ar_args"), kUnrecorded));
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    for (const auto& op : kUnrecorded) ASSERT_EQ(line_of(plain.out, op), "ok") << op << "\n" << plain.out;
    auto r = test::record_with(GetParam(), dir_.path(), with_helper(helper("ar_args"), kRecorded));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const auto& op : kRecorded) ASSERT_EQ(line_of(r.out, op), "ok") << op << "\n" << r.out;
  }
  test::BuildTempDir dir_{"enforce-args"};
};

TEST_P(EnforceArgs, RecordedRunsUnchangedAndOtherArgumentsAreDenied) {
  auto same = test::enforce_with(dir_.path(), with_helper(helper("ar_args"), kRecorded));
  ASSERT_EQ(same.exit_code, 0) << same.err;
  for (const auto& op : kRecorded) EXPECT_EQ(line_of(same.out, op), "ok") << op << "\n" << same.out;
  // Creation flags never matter, whichever recorder stored the type.
  auto tcp = test::enforce_with(dir_.path(), with_helper(helper("ar_args"), {kTcp, kTcpFlags}));
  EXPECT_EQ(line_of(tcp.out, kTcp), "ok") << tcp.out << tcp.err;
  auto other = test::enforce_with(dir_.path(), with_helper(helper("ar_args"), kUnrecorded));
  ASSERT_EQ(other.exit_code, 0) << other.err;
  for (const auto& op : kUnrecorded) EXPECT_EQ(line_of(other.out, op), "errno=1 (EPERM)") << op << "\n" << other.out;
}

// Both recorders store the same values: the socket type without its
// creation flags, clone3's flags as the creating task passed them.
TEST_P(EnforceArgs, RecordersStoreTheSameArgumentValues) {
  auto j = nlohmann::json::parse(test::read_file(dir_ / "profile.json"));
  std::map<std::pair<std::string, int>, std::set<uint64_t>> values;
  for (const auto& a : j["arguments"])
    for (const auto& v : a["values"]) values[{a["syscall"], a["index"].get<int>()}].insert(v.get<uint64_t>());
  auto of = [&](const std::string& name, int index) { return values[std::make_pair(name, index)]; };
  EXPECT_EQ(of("socket", 0), (std::set<uint64_t>{AF_UNIX, AF_INET}));
  EXPECT_EQ(of("socket", 1), (std::set<uint64_t>{SOCK_STREAM}));
  EXPECT_EQ(of("unshare", 0), (std::set<uint64_t>{CLONE_FILES}));
  // pthread_create's clone3: thread flags, never a stale or zero read.
  const auto clone3 = of("clone3", 0);
  ASSERT_FALSE(clone3.empty()) << j["arguments"].dump();
  for (uint64_t v : clone3) EXPECT_TRUE(v & CLONE_THREAD) << v;
}

TEST_P(EnforceArgs, Clone3AnswersEnosysAndThreadsStillStart) {
  auto r = test::enforce_with(dir_.path(), with_helper(helper("ar_args"), {"clone3:0", "thread", kFork}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(line_of(r.out, "clone3:0"), "errno=38 (ENOSYS)") << r.out;
  EXPECT_EQ(line_of(r.out, "thread"), "ok") << r.out;
  EXPECT_EQ(line_of(r.out, kFork), "ok") << r.out;
}

TEST_P(EnforceArgs, Clone3SeenCreatingANamespaceStaysAllowed) {
  test::BuildTempDir ns("enforce-args-ns");
  const std::string op = "clone3:" + hex(CLONE_NEWUTS);
  // A new UTS namespace needs CAP_SYS_ADMIN, which only --privileged keeps.
  auto r = test::record_with(GetParam(), ns.path(), with_helper(helper("ar_args"), {op}), {"--privileged"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(line_of(r.out, op), "ok") << r.out;
  auto j = nlohmann::json::parse(test::read_file(ns / "seccomp.json"));
  for (const auto& rule : j["syscalls"]) EXPECT_NE(rule["action"], "SCMP_ACT_ERRNO") << rule.dump();
  auto e = run_profile({"enforce", "--privileged", "--profile", ns.path(), "--", helper("ar_args"), op});
  EXPECT_EQ(line_of(e.out, op), "ok") << e.out << e.err;
}

// --strict-args: ioctl requests as recorded, no memory both writable and
// executable. Without it the same calls pass.
TEST_P(EnforceArgs, StrictArgsLimitsIoctlAndDeniesWriteExec) {
  const std::string rw = "mmap:" + hex(PROT_READ | PROT_WRITE), rx = "mmap:" + hex(PROT_READ | PROT_EXEC);
  const std::string rwx = "mmap:" + hex(PROT_READ | PROT_WRITE | PROT_EXEC);
  const std::string seen = "ioctl:0x541b" /* FIONREAD */, other = "ioctl:0x5412" /* TIOCSTI */;
  // Whatever fd 0 is, the kernel answers these itself, never EPERM.
  auto plain = run(with_helper(helper("ar_args"), {rwx, other}));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ASSERT_EQ(line_of(plain.out, rwx), "ok");
  ASSERT_EQ(line_of(plain.out, other).find("EPERM"), std::string::npos) << plain.out;
  for (bool strict : {false, true}) {
    SCOPED_TRACE(strict ? "--strict-args" : "default");
    test::BuildTempDir d("enforce-args-strict");
    std::vector<std::string> opts;
    if (strict) opts.push_back("--strict-args");
    auto r = test::record_with(GetParam(), d.path(), with_helper(helper("ar_args"), {rw, rx, seen}), opts);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto e = test::enforce_with(d.path(), with_helper(helper("ar_args"), {rw, rx, seen, rwx, other}));
    ASSERT_EQ(e.exit_code, 0) << e.err;
    EXPECT_EQ(line_of(e.out, rw), "ok") << e.out;
    EXPECT_EQ(line_of(e.out, rx), "ok") << e.out;
    EXPECT_EQ(line_of(e.out, seen).find("EPERM"), std::string::npos) << e.out;
    EXPECT_EQ(line_of(e.out, rwx) == "errno=1 (EPERM)", strict) << e.out;
    EXPECT_EQ(line_of(e.out, other) == "errno=1 (EPERM)", strict) << e.out;
  }
}

INSTANTIATE_TEST_SUITE_P(Recorders, EnforceArgs, ::testing::Values("ptrace", "ebpf"));

// --- the same seccomp.json under runc -------------------------------------

class EnforceArgsRunc : public ::testing::Test {
 protected:
  void SetUp() override {
    PROFILE_NEEDS_ROOT();
    runc_ = test::which("runc");
    ASSERT_FALSE(runc_.empty()) << "runc is not installed (cmake/install-deps.sh installs it)";
    rootfs_ = tmp_ / "rootfs";
    test::build_rootfs(rootfs_, "ar_args");
    ASSERT_FALSE(HasFatalFailure());
    auto r = test::record_with("auto", dir_.path(), with_helper(helper("ar_args"), kRecorded));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  test::CommandResult runc_run(const nlohmann::json& seccomp, bool nnp, const std::vector<std::string>& ops) {
    std::string bundle = tmp_ / ("bundle" + std::to_string(++serial_));
    auto config = test::runc_config(runc_, bundle, rootfs_, with_helper("/ar_args", ops));
    config["process"]["noNewPrivileges"] = nnp;
    // CAP_NET_RAW is not among runc's defaults: the packet socket would be
    // refused by the kernel whatever the filter says.
    config["process"]["capabilities"]["bounding"].push_back("CAP_NET_RAW");
    config["process"]["capabilities"]["effective"].push_back("CAP_NET_RAW");
    config["process"]["capabilities"]["permitted"].push_back("CAP_NET_RAW");
    config["linux"]["seccomp"] = seccomp;
    test::write_runc_config(bundle, config);
    return run({runc_, "--root", tmp_ / "runc-state", "run", "-b", bundle, test::container_id("ar", serial_)}, 60);
  }

  // `podman run --rootfs` with runc, its storage and state in a temporary
  // directory (as container_runtime_test does); podman refuses a runroot
  // path longer than 50 bytes.
  test::CommandResult podman_run(const std::string& podman, const std::string& seccomp_file,
                                 const std::vector<std::string>& ops) {
    if (podman_dir_.empty()) {
      char tmpl[] = "/tmp/par.XXXXXX";
      EXPECT_NE(mkdtemp(tmpl), nullptr);
      podman_dir_ = tmpl;
    }
    std::vector<std::string> args = {podman, "--root", podman_dir_ + "/root", "--runroot", podman_dir_ + "/run",
                                     "--tmpdir", podman_dir_ + "/tmp", "--storage-driver", "vfs",
                                     "--cgroup-manager", "cgroupfs", "--events-backend", "file", "--runtime", runc_,
                                     "run", "--rm", "--network", "none", "--ulimit", "nofile=1024:1024",
                                     "--ulimit", "nproc=1024:1024", "--cap-add", "NET_RAW",
                                     "--security-opt", "seccomp=" + seccomp_file, "--rootfs", rootfs_};
    auto cmd = with_helper("/ar_args", ops);
    args.insert(args.end(), cmd.begin(), cmd.end());
    return run(args, 90);
  }

  void TearDown() override {
    if (!podman_dir_.empty()) run({"rm", "-rf", "--one-file-system", podman_dir_});
  }

  test::TempDir tmp_;
  std::string podman_dir_;
  test::BuildTempDir dir_{"enforce-args-runc"};
  std::string runc_, rootfs_;
  int serial_ = 0;
};

TEST_F(EnforceArgsRunc, SameFileBehavesTheSame) {
  auto generated = nlohmann::json::parse(test::read_file(dir_ / "seccomp.json"));
  nlohmann::json allow_all = {{"defaultAction", "SCMP_ACT_ALLOW"}, {"architectures", generated["architectures"]}};
  // The container itself may create namespaces and raw sockets: a denial
  // under the generated file is its rules'.
  auto control = runc_run(allow_all, true, kUnrecorded);
  ASSERT_EQ(control.exit_code, 0) << control.out << control.err;
  for (const auto& op : kUnrecorded) ASSERT_EQ(line_of(control.out, op), "ok") << op << "\n" << control.out;
  for (bool nnp : {true, false}) {
    SCOPED_TRACE(nnp ? "no-new-privileges" : "without no-new-privileges");
    auto same = runc_run(generated, nnp, kRecorded);
    ASSERT_EQ(same.exit_code, 0) << same.out << same.err;
    for (const auto& op : kRecorded) EXPECT_EQ(line_of(same.out, op), "ok") << op << "\n" << same.out;
    auto other = runc_run(generated, nnp, kUnrecorded);
    ASSERT_EQ(other.exit_code, 0) << other.out << other.err;
    for (const auto& op : kUnrecorded) EXPECT_EQ(line_of(other.out, op), "errno=1 (EPERM)") << op << "\n" << other.out;
  }
}

TEST_F(EnforceArgsRunc, PodmanAcceptsTheSameFile) {
  std::string podman = test::which("podman");
  ASSERT_FALSE(podman.empty()) << "podman is not installed (cmake/install-deps.sh installs it)";
  std::string allow_all = tmp_ / "allow-all.json";
  test::write_file(allow_all, "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}\n");
  auto control = podman_run(podman, allow_all, kUnrecorded);
  ASSERT_EQ(control.exit_code, 0) << control.out << control.err;
  for (const auto& op : kUnrecorded) ASSERT_EQ(line_of(control.out, op), "ok") << op << "\n" << control.out;
  auto same = podman_run(podman, dir_ / "seccomp.json", kRecorded);
  ASSERT_EQ(same.exit_code, 0) << same.out << same.err;
  for (const auto& op : kRecorded) EXPECT_EQ(line_of(same.out, op), "ok") << op << "\n" << same.out;
  auto other = podman_run(podman, dir_ / "seccomp.json", kUnrecorded);
  ASSERT_EQ(other.exit_code, 0) << other.out << other.err;
  for (const auto& op : kUnrecorded) EXPECT_EQ(line_of(other.out, op), "errno=1 (EPERM)") << op << "\n" << other.out;
}

}  // namespace
}  // namespace profile

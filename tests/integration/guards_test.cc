// Security behaviour that must fail a test when it breaks: the capability
// sets enforce grants, the --verify-caps replay, the cgroup limits, and the
// attach mode's cgroup filter. Each test here was checked against a product
// change that breaks exactly that behaviour.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "test_util.h"

namespace profile::test {
namespace {

using nlohmann::json;

// The Cap* lines gd_caps prints, name -> hex mask.
std::map<std::string, uint64_t> cap_sets(const std::string& out) {
  std::map<std::string, uint64_t> sets;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    auto colon = line.find(':');
    if (line.rfind("Cap", 0) != 0 || colon == std::string::npos) continue;
    sets[line.substr(0, colon)] = std::stoull(line.substr(colon + 1), nullptr, 16);
  }
  return sets;
}

// Capability numbers are kernel ABI (linux/capability.h).
constexpr uint64_t kNetBindService = 1ull << 10;
constexpr uint64_t kSysPtrace = 1ull << 19;
constexpr uint64_t kFowner = 1ull << 3;

// A profile of gd_caps (recorded with ptrace: fast, and the same syscalls as
// the enforced run) whose capabilities are then replaced by `caps`.
void profile_with_caps(const std::string& dir, const std::vector<std::string>& caps) {
  auto rec = run_profile({"record", "--tracer", "ptrace", "-o", dir, "--", helper("gd_caps")}, 60);
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  ASSERT_EQ(read_file(dir + "/caps.txt"), "") << "gd_caps alone needs no capability";
  auto gen = set_profile_caps(dir, caps);
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
}

void expect_all_sets(const std::map<std::string, uint64_t>& sets, uint64_t want, const std::string& out) {
  for (const char* s : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"}) {
    auto it = sets.find(s);
    ASSERT_NE(it, sets.end()) << s << " missing from:\n" << out;
    EXPECT_EQ(it->second, want) << s << " is 0x" << std::hex << it->second << ", want 0x" << want << "\n" << out;
  }
}

TEST(Guards, EmptyCapsTxtLeavesTheWorkloadNoCapability) {
  PROFILE_NEEDS_ROOT();
  TempDir dir;
  profile_with_caps(dir / "prof", {});
  auto enf = run_profile({"enforce", "--profile", dir / "prof", "--", helper("gd_caps")}, 60);
  ASSERT_EQ(enf.exit_code, 0) << enf.err;
  expect_all_sets(cap_sets(enf.out), 0, enf.out);
}

TEST(Guards, CapsTxtIsGrantedExactlyInsideAndOutsideDockersDefaults) {
  PROFILE_NEEDS_ROOT();
  TempDir dir;
  // NET_BIND_SERVICE is one of Docker's 14 defaults, SYS_PTRACE is not: the
  // sets must be these two, neither Docker's defaults nor their union.
  profile_with_caps(dir / "prof", {"NET_BIND_SERVICE", "SYS_PTRACE"});
  auto enf = run_profile({"enforce", "--profile", dir / "prof", "--", helper("gd_caps")}, 60);
  ASSERT_EQ(enf.exit_code, 0) << enf.err;
  expect_all_sets(cap_sets(enf.out), kNetBindService | kSysPtrace, enf.out);
}

TEST(Guards, VerifyCapsReplayFindsACapabilityTheRecordingMissed) {
  PROFILE_NEEDS_ROOT();
  TempDir dir;
  // chmod of another user's file needs FOWNER. The ptrace recorder has no
  // live-state rule for it, so only the replay without it can find it.
  std::string file = dir / "theirs.txt";
  write_file(file, "x");
  ASSERT_EQ(chown(file.c_str(), 4242, 4242), 0);
  std::vector<std::string> cmd = {helper("gd_caps"), "--chmod", file, "0640"};
  auto args = [&](const std::string& out, bool verify) {
    std::vector<std::string> a = {"record", "--tracer", "ptrace", "-o", out};
    if (verify) a.push_back("--verify-caps");
    a.push_back("--");
    a.insert(a.end(), cmd.begin(), cmd.end());
    return a;
  };
  auto plain = run_profile(args(dir / "plain", false), 60);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ASSERT_EQ(read_file(dir / "plain/caps.txt"), "") << "the recording alone already infers it: this test needs a "
                                                      "capability only the replay finds";
  auto verified = run_profile(args(dir / "verified", true), 60);
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_EQ(read_file(dir / "verified/caps.txt"), "FOWNER\n") << verified.err;
  EXPECT_NE(verified.err.find("verify-caps: adding FOWNER"), std::string::npos) << verified.err;
  // And what it added is what the workload needs under enforcement.
  auto enf = run_profile({"enforce", "--profile", dir / "verified", "--", helper("gd_caps"), "--chmod", file, "0600"},
                         60);
  EXPECT_EQ(enf.exit_code, 0) << enf.out << enf.err;
  auto sets = cap_sets(enf.out);
  EXPECT_EQ(sets["CapEff"], kFowner) << enf.out;
}

// gd_cgroup's NAME=VALUE lines for the cgroups of a run with these options.
CommandResult cgroup_values(std::vector<std::string> opts) {
  std::vector<std::string> args = {"enforce", "--share", "cgroup"};
  args.insert(args.end(), opts.begin(), opts.end());
  args.push_back("--");
  args.push_back(helper("gd_cgroup"));
  return run_profile(args, 60);
}

bool has_line(const std::string& out, const std::string& line) {
  return ("\n" + out).find("\n" + line + "\n") != std::string::npos;
}

TEST(Guards, CpusReachTheRunCgroup) {
  PROFILE_NEEDS_ROOT();
  auto r = cgroup_values({"--cpus", "1.5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Read from inside the workload: these are the run cgroup's own files.
  ASSERT_NE(r.out.find("/profile-"), std::string::npos) << "not in a run cgroup:\n" << r.out;
  bool v1 = has_line(r.out, "cpu.cfs_quota_us=150000") && has_line(r.out, "cpu.cfs_period_us=100000");
  bool v2 = has_line(r.out, "cpu.max=150000 100000");
  EXPECT_TRUE(v1 || v2) << "--cpus 1.5 is not a 150 ms quota per 100 ms in the run cgroup:\n" << r.out;
}

TEST(Guards, IoWeightReachesTheRunCgroup) {
  PROFILE_NEEDS_ROOT();
  auto r = cgroup_values({"--io-weight", "300"});
  if (r.exit_code == 125 && r.err.find("--io-weight") != std::string::npos)
    GTEST_SKIP() << "the block I/O controller has no weight file here (blkio.weight needs CFQ, blkio.bfq.weight / "
                    "io.bfq.weight need BFQ, io.weight needs CONFIG_BLK_CGROUP_IOCOST): "
                 << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_NE(r.out.find("/profile-"), std::string::npos) << "not in a run cgroup:\n" << r.out;
  bool found = false;
  for (const char* f : {"blkio.weight=", "blkio.bfq.weight=", "io.weight=", "io.bfq.weight="}) {
    auto at = ("\n" + r.out).find(std::string("\n") + f);
    if (at == std::string::npos) continue;
    std::string value = r.out.substr(at + std::string(f).size());
    value = value.substr(0, value.find('\n'));
    // v2 files say "default N" before any per-device weights.
    if (value.rfind("default ", 0) == 0) value = value.substr(8);
    value = value.substr(0, value.find(' '));
    found = found || value == "300";
  }
  EXPECT_TRUE(found) << "--io-weight 300 is in no weight file of the run cgroup:\n" << r.out;
}

// A shell loop in its own process group, killed with its children on scope
// exit so an early ASSERT leaves nothing behind.
class Loop {
 public:
  explicit Loop(const std::string& script) {
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    if (pid_ > 0) setpgid(pid_, pid_);
  }
  ~Loop() {
    if (pid_ <= 0) return;
    kill(-pid_, SIGKILL);
    int st;
    waitpid(pid_, &st, 0);
  }
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

bool ebpf_available() {
  TempDir d;
  return run_profile({"record", "--tracer", "ebpf", "-o", d / "p", "--", "/bin/true"}, 60).exit_code == 0;
}

std::string real(const std::string& p) {
  char buf[4096];
  return realpath(p.c_str(), buf) ? std::string(buf) : p;
}

TEST(Guards, AttachModeLeavesOutAProcessOutsideTheCgroup) {
  PROFILE_NEEDS_ROOT();
  if (!ebpf_available()) {
    if (require_privileged()) FAIL() << "the eBPF recorder does not load, and CI requires it";
    GTEST_SKIP() << "the eBPF recorder cannot load on this kernel";
  }
  struct stat st;
  std::string base;
  for (const char* b : {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"})
    if (base.empty() && stat((std::string(b) + "/cgroup.controllers").c_str(), &st) == 0)
      base = b;
  if (base.empty()) GTEST_SKIP() << "no cgroup v2 hierarchy mounted";
  std::string cg = base + "/profile-guards-" + std::to_string(getpid());
  ASSERT_EQ(mkdir(cg.c_str(), 0755), 0) << cg;
  struct RemoveCgroup {
    std::string dir;
    ~RemoveCgroup() {
      // Killed children may still be exiting.
      for (int i = 0; i < 100 && rmdir(dir.c_str()) != 0; ++i) usleep(20000);
    }
  } remove_cg{cg};
  TempDir work;
  std::string w = real(work.path());
  // Distinct marker files and distinct rare syscalls (times inside, sysinfo
  // outside); the outside loop counts its rounds to show it ran meanwhile.
  Loop outside("while :; do " + helper("eb_marker") + " " + w + "/outside sysinfo 10; echo >> " + w +
               "/outside-rounds; done");
  Loop inside("while :; do " + helper("eb_marker") + " " + w + "/inside times 10; done");
  ASSERT_GT(outside.pid(), 0);
  ASSERT_GT(inside.pid(), 0);
  write_file(cg + "/cgroup.procs", std::to_string(inside.pid()));
  // Started after the move: every later round of the inside loop runs in cg.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto rounds_before = read_file(w + "/outside-rounds").size();
  TempDir d;
  auto r = run_profile({"record", "--cgroup", cg, "--duration", "1500ms", "-o", d / "p"}, 30);
  auto rounds_after = read_file(w + "/outside-rounds").size();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_GT(rounds_after, rounds_before + 5) << "the outside process did not run during the recording";
  auto p = json::parse(read_file(d / "p/profile.json"));
  std::set<std::string> sc, files;
  for (const auto& s : p["syscalls"]["x86_64"]) sc.insert(s.get<std::string>());
  for (const auto& f : p["files"]) files.insert(f["path"].get<std::string>());
  EXPECT_TRUE(files.count(w + "/inside")) << p.dump(1);
  EXPECT_TRUE(sc.count("times")) << p.dump(1);
  EXPECT_FALSE(files.count(w + "/outside")) << "a process outside the cgroup was recorded";
  EXPECT_FALSE(files.count(w + "/outside-rounds")) << "a process outside the cgroup was recorded";
  EXPECT_FALSE(sc.count("sysinfo")) << "a process outside the cgroup was recorded";
}

}  // namespace
}  // namespace profile::test

// The escape battery: every attempt (tests/helpers/esc_attempt.c) must fail
// in every enforce mode: no profile (the built-in defaults), Docker's
// default seccomp profile, and a profile recorded from a harmless run.
// Plus the defaults behind it: read-only and masked kernel paths (in record
// mode too), the minimal /dev, refused symlinked bind sources, and the
// explicit `--seccomp unconfined` opt-out.
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "recording_helpers.h"
#include "test_util.h"

namespace profile {
namespace {

using test::helper;
using test::run;
using test::run_profile;
using test::TempDir;

using test::kDockerDefaultSeccomp;

enum class Mode { kNoProfile, kDockerSeccomp, kRecordedProfile };

void PrintTo(Mode m, std::ostream* os);

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::kNoProfile: return "NoProfile";
    case Mode::kDockerSeccomp: return "DockerSeccomp";
    case Mode::kRecordedProfile: return "RecordedProfile";
  }
  return "?";
}

void PrintTo(Mode m, std::ostream* os) { *os << mode_name(m); }

// What every attempt in the suite shares: a profile recorded from the
// harmless subcommand, a setuid-root copy of the helper, a symlink to a
// host secret.
struct Shared {
  std::unique_ptr<TempDir> dir;
  std::string profile_dir, setuid_copy, link;
  std::string record_error;  // non-empty: the recording failed
};
Shared& shared() {
  static Shared s;
  return s;
}

// A block device the host itself lets root open through a fresh node: the
// disk holding the host's root file system, else the first disk the kernel
// lists, else loop0 (some hosts refuse raw opens of their disks, whatever
// the sandbox does; the attempt must then still fail, but proves less).
std::pair<unsigned, unsigned> root_disk() {
  static std::pair<unsigned, unsigned> chosen = [] {
    std::vector<std::pair<unsigned, unsigned>> candidates;
    struct stat st;
    if (stat("/", &st) == 0 && major(st.st_dev) != 0) candidates.emplace_back(major(st.st_dev), minor(st.st_dev));
    std::istringstream in(test::read_file("/proc/partitions"));
    std::string line;
    while (std::getline(in, line)) {
      unsigned maj = 0, min = 0;
      if (std::sscanf(line.c_str(), "%u %u", &maj, &min) == 2) candidates.emplace_back(maj, min);
    }
    candidates.emplace_back(7, 0);
    TempDir d;
    std::string node = d / "probe";
    for (auto [maj, min] : candidates) {
      if (mknod(node.c_str(), S_IFBLK | 0600, makedev(maj, min)) != 0) continue;
      int fd = open(node.c_str(), O_RDONLY | O_CLOEXEC);
      unlink(node.c_str());
      if (fd >= 0) {
        close(fd);
        return std::make_pair(maj, min);
      }
    }
    return candidates.front();
  }();
  return chosen;
}

std::string self_name() { return program_invocation_short_name; }

struct Attempt {
  std::string name;
  std::vector<std::string> opts;  // profile options before --
  std::vector<std::string> args;  // esc_attempt's arguments
};

std::vector<Attempt> attempts() {
  const Shared& s = shared();
  std::string pid = std::to_string(getpid());
  auto [maj, min] = root_disk();
  std::vector<std::string> mknod = {"mknod_blk", std::to_string(maj), std::to_string(min), "/dev", "/tmp", "/dev/shm"};
  if (s.dir) mknod.push_back(s.dir->path());
  return {
      {"core_pattern", {}, {"core_pattern"}},
      {"vm_sysctl", {}, {"vm_sysctl"}},
      {"sysrq", {}, {"sysrq"}},
      {"cgroup_escape", {}, {"cgroup_escape"}},
      {"cgroup_escape_read_only", {"--read-only"}, {"cgroup_escape"}},
      {"core_pattern_read_only", {"--read-only"}, {"core_pattern"}},
      {"timer_list", {}, {"timer_list"}},
      {"sys_firmware", {}, {"sys_firmware"}},
      {"keyctl", {}, {"keyctl"}},
      {"userns", {}, {"userns"}},
      {"mount", {}, {"mount"}},
      {"host_pid", {}, {"host_pid", pid, self_name()}},
      {"proc1_environ", {}, {"proc1_environ"}},
      {"ptrace", {}, {"ptrace", pid, self_name()}},
      {"module", {}, {"module"}},
      {"bpf", {}, {"bpf"}},
      {"perf", {}, {"perf"}},
      {"io_uring", {}, {"io_uring"}},
      {"raw_socket", {}, {"raw_socket"}},
      {"memfd_exec", {}, {"memfd_exec"}},
      {"int80", {}, {"int80"}},
      {"x32", {}, {"x32"}},
      {"setuid", {"--user", "1000:1000"}, {"setuid", s.setuid_copy}},
      {"mknod_block_device", {}, mknod},
      {"bind_symlink", {"--bind", s.link + ":/tmp/x"}, {"read_file", "/tmp/x"}},
  };
}

class EscapeBattery : public ::testing::TestWithParam<std::tuple<Mode, std::string>> {
 public:
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    Shared& s = shared();
    s.dir = std::make_unique<TempDir>();
    // Traversable by the unprivileged --user of the setuid attempt.
    chmod(s.dir->path().c_str(), 0755);
    s.profile_dir = *s.dir / "harmless";
    auto r = run_profile({"record", "-o", s.profile_dir, "--", helper("esc_attempt"), "noop"});
    if (r.exit_code != 0) s.record_error = "record failed (" + std::to_string(r.exit_code) + "): " + r.err;
    s.setuid_copy = *s.dir / "esc_setuid";
    auto cp = run({"cp", helper("esc_attempt"), s.setuid_copy});
    if (cp.exit_code != 0 || chown(s.setuid_copy.c_str(), 0, 0) != 0 || chmod(s.setuid_copy.c_str(), 04755) != 0)
      s.record_error += "cannot create the setuid copy " + s.setuid_copy;
    s.link = *s.dir / "link";
    if (symlink("/etc/shadow", s.link.c_str()) != 0) s.record_error += "cannot create " + s.link;
  }
  static void TearDownTestSuite() { shared().dir.reset(); }
};

TEST_P(EscapeBattery, Fails) {
  PROFILE_NEEDS_ROOT();
  const auto& [mode, name] = GetParam();
  ASSERT_TRUE(shared().record_error.empty()) << shared().record_error;
  if (name == "int80") {
    auto probe = run({helper("int80")});
    if (probe.exit_code >= 128) GTEST_SKIP() << "the kernel has no IA-32 emulation (int $0x80 raised a signal)";
  }
  Attempt at;
  for (auto& a : attempts())
    if (a.name == name) at = a;
  ASSERT_EQ(at.name, name);

  std::vector<std::string> argv = {"enforce"};
  if (mode == Mode::kDockerSeccomp) argv.insert(argv.end(), {"--seccomp", kDockerDefaultSeccomp});
  if (mode == Mode::kRecordedProfile) argv.insert(argv.end(), {"--profile", shared().profile_dir});
  argv.insert(argv.end(), at.opts.begin(), at.opts.end());
  argv.push_back("--");
  argv.push_back(helper("esc_attempt"));
  argv.insert(argv.end(), at.args.begin(), at.args.end());
  auto r = run_profile(argv);
  std::string all = "exit " + std::to_string(r.exit_code) + "\nstdout: " + r.out + "\nstderr: " + r.err;

  EXPECT_EQ(r.out.find("ESCAPED"), std::string::npos) << all;
  EXPECT_NE(r.exit_code, 0) << all;
  if (name == "bind_symlink") {
    // Refused before anything runs, naming the link.
    EXPECT_EQ(r.exit_code, 125) << all;
    EXPECT_NE(r.err.find(shared().link), std::string::npos) << all;
    return;
  }
  // A block is the attempt's own report of the errno, or the filter killing
  // it; not profile failing to start it (125-127) or a usage error (124).
  bool reported = r.out.find("blocked:") != std::string::npos;
  EXPECT_TRUE(reported || r.exit_code > 128) << all;
}

std::vector<std::tuple<Mode, std::string>> all_cases() {
  std::vector<std::tuple<Mode, std::string>> out;
  for (Mode m : {Mode::kNoProfile, Mode::kDockerSeccomp, Mode::kRecordedProfile})
    for (const auto& a : attempts()) out.emplace_back(m, a.name);
  return out;
}

INSTANTIATE_TEST_SUITE_P(ModesByAttempts, EscapeBattery, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<std::tuple<Mode, std::string>>& info) {
                           return std::string(mode_name(std::get<0>(info.param))) + "_" + std::get<1>(info.param);
                         });

// A profile is recorded under the conditions it is enforced in: the same
// read-only and masked kernel paths, the same /dev.
TEST(EscapeDefaults, RecordModeHasTheSameProtectedPaths) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  auto [maj, min] = root_disk();
  for (std::vector<std::string> args :
       {std::vector<std::string>{"core_pattern"}, {"cgroup_escape"}, {"timer_list"}, {"sys_firmware"},
        {"mknod_blk", std::to_string(maj), std::to_string(min), "/dev", d.path()}}) {
    std::vector<std::string> argv = {"record", "-o", d / "p", "--", helper("esc_attempt")};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_profile(argv);
    SCOPED_TRACE(args[0]);
    EXPECT_EQ(r.out.find("ESCAPED"), std::string::npos) << r.out << r.err;
    EXPECT_NE(r.out.find("blocked:"), std::string::npos) << r.out << r.err;
    EXPECT_NE(r.exit_code, 0);
  }
}

TEST(EscapeDefaults, DevHoldsOnlyDockersDevices) {
  PROFILE_NEEDS_ROOT();
  auto r = run_profile({"enforce", "--", "/bin/ls", "-A", "/dev"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> got;
  std::istringstream in(r.out);
  for (std::string l; std::getline(in, l);) got.insert(l);
  std::set<std::string> want = {"full", "null", "random", "tty", "urandom", "zero", "ptmx", "pts",
                                "shm",  "fd",   "stdin",  "stdout", "stderr"};
  EXPECT_EQ(got, want) << r.out;
  // The allowed ones still work.
  auto w = run_profile({"enforce", "--", "/bin/sh", "-c", "head -c 16 /dev/urandom | wc -c > /dev/null && echo ok"});
  EXPECT_EQ(w.exit_code, 0) << w.err;
  EXPECT_EQ(w.out, "ok\n");
}

TEST(EscapeDefaults, KernelSettingsStayReadable) {
  PROFILE_NEEDS_ROOT();
  // Read-only, not hidden: programs read their limits from /proc/sys and /sys.
  auto r = run_profile({"enforce", "--", "/bin/cat", "/proc/sys/kernel/pid_max", "/sys/kernel/mm/transparent_hugepage/enabled"});
  if (r.exit_code != 0 && r.err.find("transparent_hugepage") != std::string::npos)
    r = run_profile({"enforce", "--", "/bin/cat", "/proc/sys/kernel/pid_max"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(r.out.empty());
}

TEST(EscapeDefaults, BindOfSymlinkIsRefusedNamingIt) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  std::string link = d / "etc-link";
  ASSERT_EQ(symlink("/etc", link.c_str()), 0);
  // Through a symlinked directory as well as to a symlink itself.
  for (const std::string& src : {link, link + "/hostname"}) {
    auto r = run_profile({"enforce", "--bind", src + ":/tmp/x", "--", "/bin/true"});
    EXPECT_EQ(r.exit_code, 125) << r.err;
    EXPECT_NE(r.err.find("'" + src + "'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("symbolic link"), std::string::npos) << r.err;
  }
  // The real path is accepted.
  auto ok = run_profile({"enforce", "--ro-bind", "/etc/hostname:/tmp/x", "--", "/bin/cat", "/tmp/x"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST(EscapeDefaults, UnconfinedIsAnExplicitOptOut) {
  PROFILE_NEEDS_ROOT();
  auto def = run_profile({"enforce", "--", helper("esc_attempt"), "keyctl"});
  EXPECT_NE(def.out.find("blocked:"), std::string::npos) << def.out << def.err;
  auto r = run_profile({"enforce", "--seccomp", "unconfined", "--", helper("esc_attempt"), "keyctl"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("unconfined"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace profile

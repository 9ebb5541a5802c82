// `record --unit NAME.service`: a running systemd unit recorded through its
// cgroup. systemd is not PID 1 on the test machines, so the unit is
// synthetic: a cgroup directory named as systemd names it, under the cgroup2
// mount, with a helper moved into it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli/app/record.h"
#include "test_util.h"

namespace profile {
namespace {

using test::run_profile;

constexpr unsigned long kCgroup2Magic = 0x63677270;

// The cgroup2 mount: /sys/fs/cgroup on pure v2, /sys/fs/cgroup/unified on hybrid.
std::string cgroup2_root() {
  for (const char* r : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
    struct statfs fs {};
    if (statfs(r, &fs) == 0 && static_cast<unsigned long>(fs.f_type) == kCgroup2Magic) return r;
  }
  return "";
}

// mkdir that remembers what it created, removed in reverse on destruction
// (retried briefly: an exiting task may still hold a cgroup).
class CgroupDirs {
 public:
  bool make(const std::string& path) {
    if (mkdir(path.c_str(), 0755) == 0) {
      made_.push_back(path);
      return true;
    }
    return errno == EEXIST;
  }
  ~CgroupDirs() {
    for (auto it = made_.rbegin(); it != made_.rend(); ++it)
      for (int i = 0; i < 100 && rmdir(it->c_str()) != 0; ++i) usleep(20000);
  }

 private:
  std::vector<std::string> made_;
};

class UnitCgroup : public ::testing::Test {
 protected:
  void SetUp() override {
    PROFILE_NEEDS_ROOT();
    root_ = cgroup2_root();
    if (root_.empty()) GTEST_SKIP() << "no cgroup v2 hierarchy mounted";
  }
  std::string root_;
  CgroupDirs dirs_;
  std::string unit_ = "profile-fleet-" + std::to_string(getpid()) + ".service";
};

TEST_F(UnitCgroup, RecordsTheRunningUnit) {
  {
    test::TempDir d;
    auto probe = run_profile({"record", "--tracer", "ebpf", "-o", d / "p", "--", "/bin/true"}, 60);
    if (probe.exit_code != 0) {
      if (test::require_privileged()) FAIL() << "the eBPF recorder does not load, and CI requires it: " << probe.err;
      GTEST_SKIP() << "the eBPF recorder cannot load on this kernel";
    }
  }
  ASSERT_TRUE(dirs_.make(root_ + "/system.slice"));
  std::string cg = root_ + "/system.slice/" + unit_;
  ASSERT_TRUE(dirs_.make(cg));
  test::TempDir work;
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::string cmd = "while :; do " + test::helper("eb_marker") + " " + work.path() + "/unit sysinfo 10; done";
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  test::write_file(cg + "/cgroup.procs", std::to_string(pid));
  test::TempDir d;
  auto r = run_profile({"record", "--unit", unit_, "--duration", "1500ms", "-o", d / "p"}, 60);
  kill(pid, SIGKILL);
  int st;
  waitpid(pid, &st, 0);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(cg), std::string::npos) << r.err;
  auto p = nlohmann::json::parse(test::read_file(d / "p/profile.json"));
  EXPECT_EQ(p["name"], unit_);
  bool sysinfo = false;
  for (const auto& n : p["syscalls"]["x86_64"]) sysinfo |= n == "sysinfo";
  EXPECT_TRUE(sysinfo) << p["syscalls"].dump();
}

TEST_F(UnitCgroup, FindsAUnitInAnotherSliceAndRefusesAmbiguity) {
  std::string slice = root_ + "/profile-fleet-" + std::to_string(getpid()) + ".slice";
  ASSERT_TRUE(dirs_.make(slice));
  ASSERT_TRUE(dirs_.make(slice + "/" + unit_));
  auto found = app::unit_cgroup(unit_);
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(*found, slice + "/" + unit_);
  // Without the suffix, as systemctl takes it.
  std::string bare = unit_.substr(0, unit_.size() - 8);
  auto suffixless = app::unit_cgroup(bare);
  ASSERT_TRUE(suffixless.ok()) << suffixless.error().message;
  EXPECT_EQ(*suffixless, slice + "/" + unit_);
  // The same name twice: the user must say which.
  ASSERT_TRUE(dirs_.make(slice + "/nested.slice"));
  ASSERT_TRUE(dirs_.make(slice + "/nested.slice/" + unit_));
  auto two = app::unit_cgroup(unit_);
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.error().message.find("2 cgroups"), std::string::npos) << two.error().message;
}

TEST_F(UnitCgroup, UnknownOrMalformedUnitsExit125NamingThem) {
  test::TempDir d;
  auto missing = run_profile({"record", "--unit", unit_, "--duration", "1s", "-o", d / "p"});
  EXPECT_EQ(missing.exit_code, 125);
  EXPECT_NE(missing.err.find("'" + unit_ + "'"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("no cgroup"), std::string::npos) << missing.err;
  EXPECT_EQ(missing.err.find('\n'), missing.err.size() - 1) << missing.err;
  for (const char* bad : {"../../etc.service", "a/b.service", "web.socket", ".service"}) {
    auto r = run_profile({"record", "--unit", bad, "-o", d / "p"});
    EXPECT_EQ(r.exit_code, 125) << bad;
    EXPECT_NE(r.err.find("not a systemd service"), std::string::npos) << bad << ": " << r.err;
  }
  auto both = run_profile({"record", "--unit", unit_, "--", "/bin/true"});
  EXPECT_EQ(both.exit_code, 125);
  EXPECT_NE(both.err.find("--unit"), std::string::npos) << both.err;
  EXPECT_EQ(access((d / "p").c_str(), F_OK), -1);
}

}  // namespace
}  // namespace profile

// Capability sets, no_new_privs against setuid binaries, user namespaces.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "profilegen/profile.h"
#include "test_util.h"

namespace profile::test {
namespace {

std::map<std::string, uint64_t> cap_sets(const std::string& status) {
  std::map<std::string, uint64_t> out;
  std::istringstream in(status);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("Cap", 0) == 0) {
      auto colon = line.find(':');
      out[line.substr(0, colon)] = std::stoull(line.substr(colon + 1), nullptr, 16);
    }
  return out;
}

uint64_t mask_of(const std::vector<std::string>& names) {
  uint64_t m = 0;
  for (const auto& n : names) m |= uint64_t{1} << cap_number(n).value();
  return m;
}

int last_cap() {
  std::ifstream f("/proc/sys/kernel/cap_last_cap");
  int n = 0;
  f >> n;
  return n;
}

// A directory the sandbox can see (not under the private /tmp) on a
// filesystem that honours setuid bits.
class VisibleDir {
 public:
  VisibleDir() {
    path_ = std::string(PROFILE_BINARY_DIR) + "/rn-test-" + std::to_string(getpid());
    std::filesystem::create_directories(path_);
  }
  ~VisibleDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The workload can hold no more than the test process itself may.
uint64_t own_permitted() { return cap_sets(read_file("/proc/self/status"))["CapPrm"]; }

void expect_sets(const CommandResult& r, uint64_t want) {
  want &= own_permitted();
  auto sets = cap_sets(r.out);
  ASSERT_EQ(sets.size(), 5u) << r.out << r.err;
  for (const char* s : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"}) EXPECT_EQ(sets[s], want) << s << "\n" << r.out;
}

TEST(RunnerPrivilege, DefaultIsDockersFourteenInEverySet) {
  PROFILE_NEEDS_ROOT();
  auto r = run_profile({"enforce", "--", "cat", "/proc/self/status"}, 60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(docker_default_caps().size(), 14u);
  expect_sets(r, mask_of(docker_default_caps()));
  EXPECT_NE(r.out.find("NoNewPrivs:\t1"), std::string::npos);
}

TEST(RunnerPrivilege, CapDropAllThenAddGivesExactlyTheAdded) {
  PROFILE_NEEDS_ROOT();
  auto r = run_profile({"enforce", "--cap-drop", "ALL", "--cap-add", "NET_BIND_SERVICE,cap_chown", "--", "cat",
                        "/proc/self/status"},
                       60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_sets(r, mask_of({"NET_BIND_SERVICE", "CHOWN"}));
  r = run_profile({"enforce", "--cap-drop", "NET_RAW", "--", "cat", "/proc/self/status"}, 60);
  auto defaults = docker_default_caps();
  std::erase(defaults, std::string("NET_RAW"));
  expect_sets(r, mask_of(defaults));
}

TEST(RunnerPrivilege, PrivilegedKeepsEveryCapabilityButStillNoNewPrivs) {
  PROFILE_NEEDS_ROOT();
  auto r = run_profile({"enforce", "--privileged", "--", "cat", "/proc/self/status"}, 60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int last = last_cap();
  expect_sets(r, last >= 63 ? ~uint64_t{0} : (uint64_t{1} << (last + 1)) - 1);
  EXPECT_NE(r.out.find("NoNewPrivs:\t1"), std::string::npos);
}

TEST(RunnerPrivilege, CapAddAllMinusDropsAsDockerDoes) {
  PROFILE_NEEDS_ROOT();
  int last = last_cap();
  uint64_t all = last >= 63 ? ~uint64_t{0} : (uint64_t{1} << (last + 1)) - 1;
  auto r = run_profile({"enforce", "--cap-add", "ALL", "--cap-drop", "NET_RAW,SYS_ADMIN", "--", "cat",
                        "/proc/self/status"},
                       60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_sets(r, all & ~mask_of({"NET_RAW", "SYS_ADMIN"}));
  // --cap-drop ALL leaves exactly the adds, whatever the order.
  r = run_profile({"enforce", "--cap-add", "KILL", "--cap-drop", "ALL", "--", "cat", "/proc/self/status"}, 60);
  expect_sets(r, mask_of({"KILL"}));
}

TEST(RunnerPrivilege, NonRootUserKeepsRequestedCapsThroughAmbient) {
  PROFILE_NEEDS_ROOT();
  auto r = run_profile({"enforce", "--user", "1000:1000", "--cap-drop", "ALL", "--cap-add", "NET_BIND_SERVICE", "--",
                        "cat", "/proc/self/status"},
                       60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_sets(r, mask_of({"NET_BIND_SERVICE"}));
  EXPECT_NE(r.out.find("Uid:\t1000\t1000\t1000\t1000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Gid:\t1000\t1000\t1000\t1000"), std::string::npos) << r.out;
}

TEST(RunnerPrivilege, SetuidRootBinaryGainsNothing) {
  PROFILE_NEEDS_ROOT();
  VisibleDir d;
  std::string bin = d.path() + "/rn_whoami_suid";
  std::filesystem::copy_file(helper("rn_whoami"), bin);
  ASSERT_EQ(chown(bin.c_str(), 0, 0), 0);
  ASSERT_EQ(chmod(bin.c_str(), 04755), 0);
  // Control: without no_new_privs the bit works (setpriv changes only ids).
  auto control = run({"setpriv", "--reuid", "1000", "--regid", "1000", "--clear-groups", bin}, 30);
  if (control.exit_code != 0 || control.out.find("euid=0") == std::string::npos)
    GTEST_SKIP() << "setuid bits are not honoured on " << d.path() << ": " << control.out << control.err;
  auto r = run_profile({"enforce", "--user", "1000:1000", "--cap-drop", "ALL", "--", bin}, 60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "uid=1000 euid=1000 cap_eff=0 cap_prm=0\n");
}

TEST(RunnerPrivilege, UsernsRootIsNobodyOutside) {
  PROFILE_NEEDS_ROOT();
  VisibleDir d;
  std::string secret = d.path() + "/root-only";
  write_file(secret, "top secret\n");
  ASSERT_EQ(chmod(secret.c_str(), 0600), 0);
  auto r = run_profile({"enforce", "--userns", "--", "busybox", "sh", "-c",
                        "id -u; cat /proc/self/uid_map; cat " + secret + " 2>&1; true"},
                       60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  std::string uid, map_inside, map_host, map_count, rest;
  in >> uid >> map_inside >> map_host >> map_count;
  std::getline(in, rest);
  std::getline(in, rest);
  EXPECT_EQ(uid, "0");
  EXPECT_EQ(map_inside + " " + map_host + " " + map_count, "0 100000 65536");
  EXPECT_NE(rest.find("Permission denied"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("top secret"), std::string::npos);

  auto mapped = run_profile({"enforce", "--userns", "--userns-map", "200000:1000", "--user", "5", "--", "busybox",
                             "sh", "-c", "id -u; cat /proc/self/uid_map"},
                            60);
  ASSERT_EQ(mapped.exit_code, 0) << mapped.err;
  std::istringstream m(mapped.out);
  std::string u, a, b, c;
  m >> u >> a >> b >> c;
  EXPECT_EQ(u, "5");
  EXPECT_EQ(a + " " + b + " " + c, "0 200000 1000");
}

}  // namespace
}  // namespace profile::test

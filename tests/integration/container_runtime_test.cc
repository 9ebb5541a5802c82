// A recorded seccomp.json, unchanged, runs a container under runc and under
// podman (with runc), with and without no-new-privileges, and still denies a
// call outside the profile and the runtime's set inside the container.
// The rootfs is built here from a test helper and its libraries: nothing is
// pulled. PROFILE_CONTAINER_RUNS sets the starts per case (default 3;
// bench/container_runtime.sh runs 20).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "container_helpers.h"
#include "test_util.h"

namespace profile {
namespace {

using test::helper;
using test::run;
using test::run_profile;
using test::TempDir;
using test::which;

int runs_per_case() {
  const char* v = std::getenv("PROFILE_CONTAINER_RUNS");
  int n = v ? std::atoi(v) : 0;
  return n > 0 ? n : 3;
}

class ContainerRuntime : public ::testing::Test {
 protected:
  void SetUp() override {
    PROFILE_NEEDS_ROOT();
    runc_ = which("runc");
    ASSERT_FALSE(runc_.empty()) << "runc is not installed (cmake/install-deps.sh installs it)";
    rootfs_ = tmp_ / "rootfs";
    test::build_rootfs(rootfs_, "try_syscall");
  }

  // Records `try_syscall getpid` with `runtime_args` (e.g. {"--runtime", "none"}).
  std::string record(const std::string& name, std::vector<std::string> runtime_args) {
    std::string dir = tmp_ / name;
    std::vector<std::string> args = {"record", "-o", dir};
    args.insert(args.end(), runtime_args.begin(), runtime_args.end());
    args.insert(args.end(), {"--", rootfs_ + "/try_syscall", "getpid"});
    auto r = run_profile(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return dir;
  }

  // One `runc run` of a bundle over rootfs_ with `seccomp_file` as is.
  test::CommandResult runc_run(const std::string& seccomp_file, bool nnp, const std::vector<std::string>& cmd) {
    std::string bundle = tmp_ / ("bundle" + std::to_string(++serial_));
    auto config = test::runc_config(runc_, bundle, rootfs_, cmd);
    config["process"]["noNewPrivileges"] = nnp;
    config["linux"]["seccomp"] = nlohmann::json::parse(test::read_file(seccomp_file));
    test::write_runc_config(bundle, config);
    std::string state = tmp_ / "runc-state";
    return run({runc_, "--root", state, "run", "-b", bundle, test::container_id("ct", serial_)}, 60);
  }

  // One `podman run --rootfs` with runc, its storage and state in a
  // temporary directory so nothing outside the test is configured or left
  // behind. Podman refuses a runroot path longer than 50 bytes.
  test::CommandResult podman_run(const std::string& podman, const std::string& seccomp_file, bool nnp,
                                 const std::vector<std::string>& cmd) {
    if (podman_dir_.empty()) {
      char tmpl[] = "/tmp/prt.XXXXXX";
      EXPECT_NE(mkdtemp(tmpl), nullptr);
      podman_dir_ = tmpl;
    }
    std::vector<std::string> args = {podman,
                                     "--root", podman_dir_ + "/root",
                                     "--runroot", podman_dir_ + "/run",
                                     "--tmpdir", podman_dir_ + "/tmp",
                                     "--storage-driver", "vfs",
                                     "--cgroup-manager", "cgroupfs",
                                     "--events-backend", "file",
                                     "--runtime", runc_,
                                     "run", "--rm", "--network", "none",
                                     "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
                                     "--security-opt", "seccomp=" + seccomp_file};
    if (nnp) args.insert(args.end(), {"--security-opt", "no-new-privileges"});
    args.insert(args.end(), {"--rootfs", rootfs_});
    args.insert(args.end(), cmd.begin(), cmd.end());
    return run(args, 90);
  }

  void TearDown() override {
    if (!podman_dir_.empty()) run({"rm", "-rf", "--one-file-system", podman_dir_});
  }

  TempDir tmp_;
  std::string podman_dir_;
  std::string runc_;
  std::string rootfs_;
  int serial_ = 0;
};

using Starter = std::function<test::CommandResult(const std::string&, bool, const std::vector<std::string>&)>;

// Starts the recorded workload runs_per_case() times and the forbidden call
// once, with and without no-new-privileges.
void check_runtime(const std::string& what, const std::string& seccomp, const Starter& start) {
  const int n = runs_per_case();
  for (bool nnp : {true, false}) {
    std::string mode = what + (nnp ? " with" : " without") + " no-new-privileges";
    int started = 0;
    for (int i = 0; i < n; ++i) {
      auto r = start(seccomp, nnp, {"/try_syscall", "getpid"});
      if (r.exit_code == 0 && r.out == "ok\n") {
        ++started;
      } else {
        ADD_FAILURE() << mode << ", run " << (i + 1) << ": exit " << r.exit_code << "\nstdout: " << r.out
                      << "\nstderr: " << r.err;
      }
    }
    std::cout << "[ runtime  ] " << mode << ": " << started << "/" << n << " runs started\n";
    // Outside the profile and every runtime's set: still denied in the container.
    auto denied = start(seccomp, nnp, {"/try_syscall", "socket"});
    EXPECT_EQ(denied.out, "errno=1 (EPERM)\n") << mode << ": exit " << denied.exit_code << "\n" << denied.err;
    EXPECT_EQ(denied.exit_code, 1) << mode;
  }
}

TEST_F(ContainerRuntime, RuncRunsTheRecordedSeccompJsonUnchanged) {
  std::string dir = record("default", {});
  ASSERT_FALSE(HasFatalFailure());
  check_runtime("runc", dir + "/seccomp.json", [this](const std::string& s, bool nnp, const std::vector<std::string>& c) {
    return runc_run(s, nnp, c);
  });
}

TEST_F(ContainerRuntime, PodmanRunsTheRecordedSeccompJsonUnchanged) {
  std::string podman = which("podman");
  ASSERT_FALSE(podman.empty()) << "podman is not installed (cmake/install-deps.sh installs it)";
  std::string dir = record("default", {});
  ASSERT_FALSE(HasFatalFailure());
  check_runtime("podman (runc)", dir + "/seccomp.json",
                [this, podman](const std::string& s, bool nnp, const std::vector<std::string>& c) {
                  return podman_run(podman, s, nnp, c);
                });
}

TEST_F(ContainerRuntime, RuncSetAloneStartsTheContainer) {
  std::string dir = record("runc", {"--runtime", "runc"});
  ASSERT_FALSE(HasFatalFailure());
  check_runtime("runc (--runtime runc)", dir + "/seccomp.json",
                [this](const std::string& s, bool nnp, const std::vector<std::string>& c) { return runc_run(s, nnp, c); });
}

// Without the runtime's set the same recording does not start a container:
// the set is what makes the tests above pass, not a lax recording.
TEST_F(ContainerRuntime, WithoutTheRuntimeSetRuncCannotStart) {
  std::string dir = record("none", {"--runtime", "none"});
  ASSERT_FALSE(HasFatalFailure());
  for (bool nnp : {true, false}) {
    auto r = runc_run(dir + "/seccomp.json", nnp, {"/try_syscall", "getpid"});
    EXPECT_NE(r.exit_code, 0) << (nnp ? "with" : "without") << " no-new-privileges: " << r.out;
    EXPECT_NE(r.out, "ok\n");
  }
}

// `profile enforce` installs the filter itself right before execve: the
// runtime's calls (getppid is runc's, not the workload's) stay denied there,
// while seccomp.json grants them to the runtime.
TEST_F(ContainerRuntime, EnforceLeavesTheRuntimeSetOut) {
  std::string dir = record("default", {});
  ASSERT_FALSE(HasFatalFailure());
  auto seccomp = nlohmann::json::parse(test::read_file(dir + "/seccomp.json"));
  auto profile_json = nlohmann::json::parse(test::read_file(dir + "/profile.json"));
  ASSERT_EQ(profile_json["runtime"], nlohmann::json({"crun", "runc"}));
  const auto& allowed = seccomp["syscalls"][0]["names"];
  ASSERT_NE(std::find(allowed.begin(), allowed.end(), "getppid"), allowed.end()) << seccomp.dump();
  ASSERT_EQ(std::find(profile_json["syscalls"]["x86_64"].begin(), profile_json["syscalls"]["x86_64"].end(), "getppid"),
            profile_json["syscalls"]["x86_64"].end());
  auto in_container = runc_run(dir + "/seccomp.json", true, {"/try_syscall", "110"});  // getppid on x86_64
  EXPECT_EQ(in_container.out, "ok\n") << in_container.err;
  auto enforced = run_profile({"enforce", "--profile", dir, "--", rootfs_ + "/try_syscall", "110"});
  EXPECT_EQ(enforced.out, "errno=1 (EPERM)\n") << enforced.err;
  auto enforced_ok = run_profile({"enforce", "--profile", dir, "--", rootfs_ + "/try_syscall", "getpid"});
  EXPECT_EQ(enforced_ok.out, "ok\n") << enforced_ok.err;
}

// The runtime choice lives in profile.json: `generate` reproduces it, and
// `generate --runtime` changes it.
TEST_F(ContainerRuntime, GenerateKeepsAndChangesTheRuntimeChoice) {
  std::string dir = record("crun", {"--runtime", "crun"});
  ASSERT_FALSE(HasFatalFailure());
  std::string recorded = test::read_file(dir + "/seccomp.json");
  auto g = run_profile({"generate", dir});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_EQ(test::read_file(dir + "/seccomp.json"), recorded);
  g = run_profile({"generate", "--runtime", "none", dir});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  std::string none = test::read_file(dir + "/seccomp.json");
  EXPECT_EQ(none.find("\"setresuid\""), std::string::npos) << none;
  EXPECT_EQ(test::read_file(dir + "/profile.json").find("\"runtime\""), std::string::npos);
  g = run_profile({"generate", "--runtime", "crun", dir});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_EQ(test::read_file(dir + "/seccomp.json"), recorded);
  auto bad = run_profile({"generate", "--runtime", "dockerd", dir});
  EXPECT_EQ(bad.exit_code, 125);
  EXPECT_NE(bad.err.find("unknown runtime 'dockerd'"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace profile

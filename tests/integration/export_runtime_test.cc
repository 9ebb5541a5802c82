// profile export, consumed for real: the podman flags and the OCI bundle
// run the recorded workload under runc and still deny a call outside the
// profile; the systemd drop-in passes `systemd-analyze verify`; bad input
// exits 125 with one line naming the file and the value.
// The rootfs is built here from a test helper and its libraries, as in
// container_runtime_test.cc: nothing is pulled.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

// The first line of stderr, and that there is only one.
std::string one_line(const std::string& err) {
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  return err;
}

class ExportRuntime : public ::testing::Test {
 protected:
  void SetUp() override {
    PROFILE_NEEDS_ROOT();
    rootfs_ = tmp_ / "rootfs";
    test::build_rootfs(rootfs_, "try_syscall");
    ASSERT_FALSE(HasFatalFailure());
    // The profile directory's path is hostile: a blank, a quote, a '$'.
    std::string parent = tmp_ / "it's a $dir";
    ASSERT_EQ(mkdir(parent.c_str(), 0755), 0);
    dir_ = parent + "/web";
    auto r = run_profile({"record", "-o", dir_, "--", rootfs_ + "/try_syscall", "getpid"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  TempDir tmp_;
  std::string rootfs_, dir_;
};

TEST_F(ExportRuntime, PodmanRunsWithTheExportedFlags) {
  std::string podman = which("podman"), runc = which("runc");
  ASSERT_FALSE(podman.empty()) << "podman is not installed (cmake/install-deps.sh installs it)";
  ASSERT_FALSE(runc.empty()) << "runc is not installed (cmake/install-deps.sh installs it)";
  auto flags = run_profile({"export", "--format", "podman", dir_});
  ASSERT_EQ(flags.exit_code, 0) << flags.err;
  EXPECT_EQ(run_profile({"export", "--format", "docker", dir_}).out, flags.out);
  EXPECT_NE(flags.out.find("--cap-drop ALL"), std::string::npos) << flags.out;
  EXPECT_NE(flags.out.find("--security-opt no-new-privileges"), std::string::npos) << flags.out;
  std::string flag_words = flags.out;
  // Without AppArmor in the kernel podman refuses the option ("apparmor
  // profile specified, but Apparmor is not enabled"): only then is it left
  // out. Hosts with AppArmor load apparmor.profile first.
  bool apparmor = access("/sys/kernel/security/apparmor", F_OK) == 0;
  std::string aa = " --security-opt apparmor=try_syscall";  // the profile is named after the program
  ASSERT_NE(flag_words.find(aa), std::string::npos) << flag_words;
  if (!apparmor) flag_words.erase(flag_words.find(aa), aa.size());

  char tmpl[] = "/tmp/pex.XXXXXX";  // podman refuses a runroot longer than 50 bytes
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string pd = tmpl;
  auto start = [&](const std::string& call) {
    // The exported words reach podman through the shell's own parsing.
    std::string script = "podman=$2 pd=$3 runc=$4 rootfs=$5 call=$6; eval \"set -- $1\"; "
                         "exec \"$podman\" --root \"$pd/root\" --runroot \"$pd/run\" --tmpdir \"$pd/tmp\" "
                         "--storage-driver vfs --cgroup-manager cgroupfs --events-backend file --runtime \"$runc\" "
                         "run --rm --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \"$@\" "
                         "--rootfs \"$rootfs\" /try_syscall \"$call\"";
    return run({"sh", "-c", script, "sh", flag_words, podman, pd, runc, rootfs_, call}, 90);
  };
  auto ok = start("getpid");
  EXPECT_EQ(ok.out, "ok\n") << "exit " << ok.exit_code << "\n" << ok.err;
  EXPECT_EQ(ok.exit_code, 0);
  auto denied = start("socket");
  EXPECT_EQ(denied.out, "errno=1 (EPERM)\n") << "exit " << denied.exit_code << "\n" << denied.err;
  EXPECT_EQ(denied.exit_code, 1);
  run({"rm", "-rf", "--one-file-system", pd});
}

TEST_F(ExportRuntime, RuncRunsTheExportedBundle) {
  std::string runc = which("runc");
  ASSERT_FALSE(runc.empty()) << "runc is not installed (cmake/install-deps.sh installs it)";
  int serial = 0;
  auto run_bundle = [&](const std::vector<std::string>& args) {
    std::string bundle = tmp_ / ("bundle" + std::to_string(++serial));
    test::write_runc_config(bundle, test::runc_config(runc, bundle, rootfs_, args));
    auto e = run_profile({"export", "--format", "oci", "--bundle", bundle, dir_});
    EXPECT_EQ(e.exit_code, 0) << e.err;
    EXPECT_EQ(e.out, "");
    auto merged = nlohmann::json::parse(test::read_file(bundle + "/config.json"));
    EXPECT_EQ(merged["process"]["args"], nlohmann::json(args));  // the rest is kept
    EXPECT_EQ(merged["process"]["noNewPrivileges"], true);
    EXPECT_EQ(merged["process"]["capabilities"]["bounding"], nlohmann::json::array());  // runc's defaults gone
    EXPECT_EQ(merged["linux"]["seccomp"], nlohmann::json::parse(test::read_file(dir_ + "/seccomp.json")));
    return run({runc, "--root", tmp_ / "runc-state", "run", "-b", bundle, test::container_id("ex", serial)}, 60);
  };
  auto ok = run_bundle({"/try_syscall", "getpid"});
  EXPECT_EQ(ok.out, "ok\n") << "exit " << ok.exit_code << "\n" << ok.err;
  EXPECT_EQ(ok.exit_code, 0);
  auto denied = run_bundle({"/try_syscall", "socket"});
  EXPECT_EQ(denied.out, "errno=1 (EPERM)\n") << "exit " << denied.exit_code << "\n" << denied.err;
  EXPECT_EQ(denied.exit_code, 1);
  // The fragment alone on stdout is the same set of values.
  auto fragment = run_profile({"export", "--format", "oci", dir_});
  ASSERT_EQ(fragment.exit_code, 0) << fragment.err;
  auto f = nlohmann::json::parse(fragment.out);
  EXPECT_EQ(f["linux"]["seccomp"], nlohmann::json::parse(test::read_file(dir_ + "/seccomp.json")));
}

// A process that is not uid 0 keeps its capabilities across execve only as
// ambient ones: the bundle's user decides whether they are set.
TEST_F(ExportRuntime, BundleOfANonRootUserGetsAmbientCapabilities) {
  ASSERT_EQ(test::set_profile_caps(dir_, {"NET_BIND_SERVICE"}).exit_code, 0);
  for (int uid : {0, 1000}) {
    std::string bundle = tmp_ / ("user" + std::to_string(uid));
    ASSERT_EQ(mkdir(bundle.c_str(), 0755), 0);
    nlohmann::json config = {{"ociVersion", "1.0.2"}, {"process", {{"user", {{"uid", uid}, {"gid", uid}}}}}};
    test::write_file(bundle + "/config.json", config.dump());
    auto e = run_profile({"export", "--format", "oci", "--bundle", bundle, dir_});
    ASSERT_EQ(e.exit_code, 0) << e.err;
    auto caps = nlohmann::json::parse(test::read_file(bundle + "/config.json"))["process"]["capabilities"];
    EXPECT_EQ(caps["permitted"], nlohmann::json({"CAP_NET_BIND_SERVICE"}));
    if (uid == 0) {
      EXPECT_FALSE(caps.contains("ambient")) << caps.dump();
    } else {
      EXPECT_EQ(caps["ambient"], nlohmann::json({"CAP_NET_BIND_SERVICE"})) << caps.dump();
      EXPECT_EQ(caps["inheritable"], nlohmann::json({"CAP_NET_BIND_SERVICE"})) << caps.dump();
    }
  }
}

TEST_F(ExportRuntime, SystemdAnalyzeVerifiesTheDropIn) {
  std::string analyze = which("systemd-analyze");
  if (analyze.empty()) GTEST_SKIP() << "systemd-analyze is not installed (package systemd, cmake/install-deps.sh)";
  std::string units = tmp_ / "units";
  std::string dropins = units + "/web.service.d";
  ASSERT_EQ(run({"mkdir", "-p", dropins}).exit_code, 0);
  test::write_file(units + "/web.service",
                   "[Unit]\nDescription=web\n\n[Service]\nExecStart=" + rootfs_ + "/try_syscall getpid\n");
  auto e = run_profile({"export", "--format", "systemd", "-o", dropins + "/profile.conf", dir_});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  auto verify = [&] {
    // The unit path ends in ':' so the built-in directories (for the
    // targets a unit implicitly depends on) are searched too.
    return run({"env", "SYSTEMD_UNIT_PATH=" + units + ":", analyze, "verify", "--man=no", units + "/web.service"}, 60);
  };
  auto clean = verify();
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_EQ(clean.err.find("profile.conf"), std::string::npos) << clean.err;
  // verify does read the drop-in: a planted mistake in it is reported.
  test::write_file(dropins + "/profile.conf", test::read_file(dropins + "/profile.conf") +
                                                  "SystemCallFilter=no_such_call\nNoSuchSetting=1\n");
  auto planted = verify();
  EXPECT_NE(planted.err.find("profile.conf"), std::string::npos) << planted.err;
  EXPECT_NE(planted.err.find("no_such_call"), std::string::npos) << planted.err;
  EXPECT_NE(planted.err.find("NoSuchSetting"), std::string::npos) << planted.err;
  // PID 1 is not systemd on these machines: the drop-in cannot be run with
  // systemd-run here, only verified.
}

TEST_F(ExportRuntime, WritesAtomicallyToAFileOrADirectory) {
  std::string out = tmp_ / "flags.txt";
  auto r = run_profile({"export", "--format", "docker", "-o", out, dir_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(test::read_file(out), run_profile({"export", "--format", "docker", dir_}).out);
  std::string k8s = tmp_ / "k8s";
  r = run_profile({"export", "--format", "kubernetes", "-o", k8s, dir_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The profile's name is no Kubernetes name: the one made from it is said.
  EXPECT_NE(r.err.find("Kubernetes name 'try-syscall' made from the profile name 'try_syscall'"), std::string::npos)
      << r.err;
  EXPECT_NE(test::read_file(k8s + "/objects.yaml").find("kind: SeccompProfile"), std::string::npos);
  EXPECT_NE(test::read_file(k8s + "/security-context.yaml").find("localhostProfile: operator/try-syscall.json"),
            std::string::npos);
  // No temporary file is left behind.
  auto ls = run({"ls", "-A", k8s});
  EXPECT_EQ(ls.out, "objects.yaml\nsecurity-context.yaml\n");
  auto isdir = run_profile({"export", "--format", "systemd", "-o", k8s, dir_});
  EXPECT_EQ(isdir.exit_code, 125);
  EXPECT_NE(one_line(isdir.err).find("is a directory"), std::string::npos) << isdir.err;
}

TEST_F(ExportRuntime, BadInputExits125NamingTheFileAndValue) {
  auto fmt = run_profile({"export", "--format", "helm", dir_});
  EXPECT_EQ(fmt.exit_code, 125);
  EXPECT_NE(one_line(fmt.err).find("unknown format 'helm'"), std::string::npos) << fmt.err;

  auto name = run_profile({"export", "--format", "kubernetes", "--name", "Web_1", dir_});
  EXPECT_EQ(name.exit_code, 125);
  EXPECT_NE(one_line(name.err).find("'Web_1'"), std::string::npos) << name.err;

  auto missing = run_profile({"export", "--format", "oci", tmp_ / "nowhere"});
  EXPECT_EQ(missing.exit_code, 125);
  EXPECT_NE(one_line(missing.err).find("nowhere"), std::string::npos) << missing.err;

  // A bundle whose config.json is not JSON.
  std::string bundle = tmp_ / "badbundle";
  ASSERT_EQ(mkdir(bundle.c_str(), 0755), 0);
  test::write_file(bundle + "/config.json", "{\"process\": [1,");
  auto bad_bundle = run_profile({"export", "--format", "oci", "--bundle", bundle, dir_});
  EXPECT_EQ(bad_bundle.exit_code, 125);
  EXPECT_NE(one_line(bad_bundle.err).find(bundle + "/config.json"), std::string::npos) << bad_bundle.err;
  EXPECT_EQ(test::read_file(bundle + "/config.json"), "{\"process\": [1,");

  // A directory without a manifest is read as it is: each file is checked.
  ASSERT_EQ(unlink((dir_ + "/SHA256SUMS").c_str()), 0);
  std::string seccomp = test::read_file(dir_ + "/seccomp.json");
  test::write_file(dir_ + "/seccomp.json", "{\"defaultAction\": \"SCMP_ACT_FLY\"}\n");
  auto bad_seccomp = run_profile({"export", "--format", "systemd", dir_});
  EXPECT_EQ(bad_seccomp.exit_code, 125);
  EXPECT_NE(one_line(bad_seccomp.err).find("seccomp.json"), std::string::npos) << bad_seccomp.err;
  EXPECT_NE(bad_seccomp.err.find("SCMP_ACT_FLY"), std::string::npos) << bad_seccomp.err;
  test::write_file(dir_ + "/seccomp.json", seccomp);
  test::write_file(dir_ + "/caps.txt", "NET_FLY\n");
  auto bad_caps = run_profile({"export", "--format", "docker", dir_});
  EXPECT_EQ(bad_caps.exit_code, 125);
  EXPECT_NE(one_line(bad_caps.err).find("caps.txt:1"), std::string::npos) << bad_caps.err;
  EXPECT_NE(bad_caps.err.find("NET_FLY"), std::string::npos) << bad_caps.err;
}

// With a manifest, a hand edit of a generated file is refused, naming it.
TEST_F(ExportRuntime, AMixedDirectoryIsRefused) {
  test::write_file(dir_ + "/caps.txt", "SYS_ADMIN\n");
  auto r = run_profile({"export", "--format", "docker", dir_});
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(one_line(r.err).find("caps.txt"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace profile

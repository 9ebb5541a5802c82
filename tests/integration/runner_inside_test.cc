// What the workload sees from inside its namespaces: pid 1, process list,
// hostname, interfaces, private /tmp, /proc, mounts, secrets.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "test_util.h"

namespace profile::test {
namespace {

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string l;
  while (std::getline(in, l))
    if (!l.empty()) out.push_back(l);
  return out;
}


CommandResult enforce(std::vector<std::string> opts, const std::string& script) {
  std::vector<std::string> args = {"enforce"};
  args.insert(args.end(), opts.begin(), opts.end());
  args.insert(args.end(), {"--", "busybox", "sh", "-c", script});
  return run_profile(args, 60);
}

TEST(RunnerInside, WorkloadIsPid2UnderInitAndPsShowsOnlyTheSandbox) {
  PROFILE_NEEDS_ROOT();
  auto r = enforce({}, "echo $$; busybox ps; true");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto l = lines_of(r.out);
  ASSERT_GE(l.size(), 2u) << r.out;
  EXPECT_EQ(l[0], "2") << "the shell should be the init's first child";
  // Header + init + sh + ps: nothing of the host.
  std::vector<long> pids;
  for (size_t i = 2; i < l.size(); ++i) pids.push_back(std::stol(l[i]));
  EXPECT_EQ(pids.size(), 3u) << r.out;
  for (long p : pids) EXPECT_LE(p, 10) << r.out;
  EXPECT_NE(r.out.find("profile-init"), std::string::npos) << r.out;
}

TEST(RunnerInside, ProcShowsOnlyTheSandboxAndHostProcessesAreUnreachable) {
  PROFILE_NEEDS_ROOT();
  std::string me = std::to_string(getpid());
  auto r = enforce({}, "ls /proc | grep -c '^[0-9]*$'; kill -0 " + me + " 2>/dev/null && echo reachable || echo unreachable; "
                       "kill -9 " + me + " 2>/dev/null; echo done");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto l = lines_of(r.out);
  ASSERT_EQ(l.size(), 3u) << r.out;
  EXPECT_LE(std::stoi(l[0]), 4) << "init, sh, ls and grep at most";
  EXPECT_EQ(l[1], "unreachable");
  EXPECT_EQ(kill(getpid(), 0), 0);  // and we are alive to check
}

TEST(RunnerInside, HostnameDefaultsToTheCommandNameAndCanBeSet) {
  PROFILE_NEEDS_ROOT();
  auto r = enforce({}, "busybox hostname");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "busybox\n");
  r = enforce({"--hostname", "sandbox-7"}, "busybox hostname");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "sandbox-7\n");
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  EXPECT_NE(std::string(host), "sandbox-7");
}

TEST(RunnerInside, OnlyLoopbackAndItIsUp) {
  PROFILE_NEEDS_ROOT();
  auto r = enforce({}, "busybox ip -o link");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto l = lines_of(r.out);
  ASSERT_EQ(l.size(), 1u) << r.out;
  EXPECT_NE(l[0].find(": lo:"), std::string::npos) << r.out;
  EXPECT_NE(l[0].find("UP"), std::string::npos) << r.out;
  r = enforce({}, "busybox ip -o addr show lo");
  EXPECT_NE(r.out.find("127.0.0.1/8"), std::string::npos) << r.out;
}

TEST(RunnerInside, EachNamespaceIsNewUnlessShared) {
  PROFILE_NEEDS_ROOT();
  for (std::string ns : {"pid", "mnt", "net", "ipc", "uts", "cgroup"}) {
    std::string host = std::filesystem::read_symlink("/proc/self/ns/" + ns).string();
    auto fresh = enforce({}, "readlink /proc/self/ns/" + ns);
    ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
    EXPECT_NE(fresh.out, host + "\n") << ns;
    auto shared = enforce({"--share", ns}, "readlink /proc/self/ns/" + ns);
    ASSERT_EQ(shared.exit_code, 0) << shared.err;
    EXPECT_EQ(shared.out, host + "\n") << ns;
  }
  auto both = enforce({"--share", "net,ipc"}, "readlink /proc/self/ns/net /proc/self/ns/ipc");
  EXPECT_EQ(both.out, std::filesystem::read_symlink("/proc/self/ns/net").string() + "\n" +
                          std::filesystem::read_symlink("/proc/self/ns/ipc").string() + "\n");
}

TEST(RunnerInside, PrivateTmpNeitherSeesNorLeavesFiles) {
  PROFILE_NEEDS_ROOT();
  TempDir host_dir;
  write_file(host_dir / "host-marker", "x");
  std::string inside_name = "/tmp/inside-" + std::to_string(getpid());
  auto r = enforce({}, "ls -A /tmp | wc -l; echo hi > " + inside_name + " && cat " + inside_name +
                           "; grep ' /tmp ' /proc/mounts | cut -d' ' -f3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "0\nhi\ntmpfs\n");
  struct stat st;
  EXPECT_NE(stat(inside_name.c_str(), &st), 0) << "a file written to the private /tmp reached the host";
}

TEST(RunnerInside, SecretIsReadableOnlyInsideOwnedByTheWorkloadUser) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  write_file(d / "token", "s3cr3t-value");
  auto r = run_profile({"enforce", "--secret", "api=" + (d / "token"), "--user", "1000:1000", "--", "busybox", "sh",
                        "-c", "stat -c '%a %u %g' /run/secrets/api; cat /run/secrets/api; echo; "
                              "grep /run/secrets /proc/mounts | cut -d' ' -f3,4 | cut -d, -f1; "
                              "echo x > /run/secrets/api 2>/dev/null && echo writable || echo read-only"},
                       60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto l = lines_of(r.out);
  ASSERT_EQ(l.size(), 4u) << r.out;
  EXPECT_EQ(l[0], "400 1000 1000");
  EXPECT_EQ(l[1], "s3cr3t-value");
  EXPECT_EQ(l[2], "tmpfs ro") << "an in-memory tmpfs, not a bind of the host file";
  EXPECT_EQ(l[3], "read-only");
  // Gone afterwards, and never visible to the host or another run.
  struct stat st;
  EXPECT_NE(stat("/run/secrets/api", &st), 0);
  auto other = enforce({}, "cat /run/secrets/api 2>&1 || echo absent");
  EXPECT_NE(other.out.find("absent"), std::string::npos) << other.out;
}

TEST(RunnerInside, BindRoBindTmpfsReadOnlyAndWorkdir) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  write_file(d / "data.txt", "payload");
  std::filesystem::create_directory(d / "rw");
  auto r = run_profile({"enforce", "--read-only", "--ro-bind", d.path() + ":/tmp/ro", "--bind",
                        (d / "rw") + ":/tmp/rw", "--tmpfs", "/tmp/scratch", "--workdir", "/tmp/rw", "--",
                        "busybox", "sh", "-c",
                        "cat /tmp/ro/data.txt; echo; pwd; "
                        "touch /tmp/ro/new 2>/dev/null && echo ro-writable || echo ro-refused; "
                        "touch made-inside && echo rw-ok; "
                        "touch /tmp/scratch/f && echo scratch-ok; "
                        "touch /usr/profile-ro-test 2>/dev/null && echo root-writable || echo root-refused"},
                       60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "payload\n/tmp/rw\nro-refused\nrw-ok\nscratch-ok\nroot-refused\n");
  struct stat st;
  EXPECT_EQ(stat((d / "rw/made-inside").c_str(), &st), 0) << "a --bind must write through to the host";
  EXPECT_NE(stat("/usr/profile-ro-test", &st), 0);
}

// A minimal image: busybox and the libraries ldd names.
void build_rootfs(const std::string& root) {
  namespace fs = std::filesystem;
  fs::create_directories(root + "/bin");
  fs::copy_file("/usr/bin/busybox", root + "/bin/busybox");
  auto ldd = run({"ldd", "/usr/bin/busybox"}, 30);
  std::istringstream in(ldd.out);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string tok, lib;
    while (f >> tok)
      if (!tok.empty() && tok[0] == '/') {
        lib = tok;
        break;
      }
    if (lib.empty()) continue;
    fs::create_directories(root + fs::path(lib).parent_path().string());
    fs::copy_file(lib, root + lib, fs::copy_options::overwrite_existing);
  }
  for (const char* a : {"sh", "ls", "cat", "touch", "hostname", "ps", "tr"})
    fs::create_symlink("busybox", root + "/bin/" + a);
}

TEST(RunnerInside, RootfsIsPivotedReadOnlyWithMinimalDev) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  std::string root = d / "rootfs";
  build_rootfs(root);
  auto r = run_profile({"enforce", "--rootfs", root, "--", "/bin/sh", "-c",
                        "ls /; echo --; ls /dev; echo --; echo x > /dev/null && echo null-ok; "
                        "touch /etc-file 2>/dev/null && echo root-writable || echo root-refused; "
                        "touch /tmp/f && echo tmp-ok"},
                       60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find("--")), "bin\ndev\nlib\nlib64\nproc\ntmp\n");
  EXPECT_NE(r.out.find("--\nfd\nfull\nnull\nptmx\npts\nrandom\nshm\nstderr\nstdin\nstdout\ntty\nurandom\nzero\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("null-ok\nroot-refused\ntmp-ok\n"), std::string::npos) << r.out;
  auto rw = run_profile({"enforce", "--rootfs", root, "--rootfs-rw", "--", "/bin/touch", "/written"}, 60);
  EXPECT_EQ(rw.exit_code, 0) << rw.err;
  struct stat st;
  EXPECT_EQ(stat((root + "/written").c_str(), &st), 0);
}

TEST(RunnerInside, RootfsInUserNamespaceWithSecretsBindsAndUser) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  ASSERT_EQ(chmod(d.path().c_str(), 0755), 0);  // the namespace's root is nobody on the host
  std::string root = d / "rootfs";
  build_rootfs(root);
  write_file(d / "token", "tok");
  write_file(d / "shared.txt", "shared");
  ASSERT_EQ(chmod((d / "shared.txt").c_str(), 0644), 0);
  auto r = run_profile({"enforce", "--userns", "--rootfs", root, "--secret", "t=" + (d / "token"), "--user", "7:7",
                        "--ro-bind", (d / "shared.txt") + ":/data/shared.txt", "--tmpfs", "/scratch", "--",
                        "/bin/sh", "-c",
                        "cat /proc/self/uid_map | tr -s ' '; cat /run/secrets/t; echo; cat /data/shared.txt; echo; "
                        "touch /scratch/x && echo scratch-ok"},
                       60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, " 0 100000 65536\ntok\nshared\nscratch-ok\n");
}

}  // namespace
}  // namespace profile::test

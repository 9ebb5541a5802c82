// record -> enforce round trips with seccomp + Landlock + capabilities, and
// the CLI's reporting of denials.
#include <arpa/inet.h>
#include <errno.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "runner/apparmor_loader.h"
#include "runner/landlock.h"
#include "recording_helpers.h"
#include "test_util.h"

namespace profile {
namespace {

using test::CommandResult;
using test::TempDir;


CommandResult record(const std::string& dir, const std::vector<std::string>& cmd) {
  return test::record_with("ptrace", dir, cmd, {"--verify-caps"});
}

using test::enforce_with;

void expect_apparmor_compiles(const std::string& dir) {
  auto r = test::run({"apparmor_parser", "-Q", "-K", dir + "/apparmor.profile"}, 60);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}


// The sandbox has its own network namespace, where every port is free and
// net.ipv4.ip_unprivileged_port_start starts at the kernel's default whatever
// the host set: it is read in there, never on the host.
constexpr int kSandboxPrivilegedPort = 80;

int sandbox_unprivileged_port_start() {
  auto r = test::run_profile({"enforce", "--", "cat", "/proc/sys/net/ipv4/ip_unprivileged_port_start"}, 60);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  try {
    return std::stoi(r.out);
  } catch (const std::exception&) {
    ADD_FAILURE() << "ip_unprivileged_port_start in the sandbox is not a number: '" << r.out << "' " << r.err;
    return -1;
  }
}

#define NEEDS_PRIVILEGED_PORT_IN_SANDBOX()                                                                  \
  do {                                                                                                       \
    int start_ = sandbox_unprivileged_port_start();                                                          \
    ASSERT_GE(start_, 0);                                                                                    \
    if (start_ <= kSandboxPrivilegedPort)                                                                    \
      GTEST_SKIP() << "this kernel starts a new network namespace with ip_unprivileged_port_start=" << start_; \
  } while (0)

TEST(PolicyEnforce, WebServerOnPrivilegedPortRoundTrip) {
  PROFILE_NEEDS_ROOT();
  NEEDS_PRIVILEGED_PORT_IN_SANDBOX();
  const int port = kSandboxPrivilegedPort;
  TempDir dir;
  std::filesystem::create_directory(dir / "www");
  test::write_file(dir / "www/index.html", "hello-from-httpd\n");
  std::string p = std::to_string(port);
  std::vector<std::string> cmd = {
      "/bin/sh", "-c",
      "busybox httpd -f -p 127.0.0.1:" + p + " -h " + (dir / "www") +
          " & s=$!; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do busybox wget -q -O - http://127.0.0.1:" + p +
          "/index.html && break; sleep 0.2; done; kill $s"};
  auto rec = record(dir / "prof", cmd);
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  EXPECT_NE(rec.out.find("hello-from-httpd"), std::string::npos);
  EXPECT_EQ(test::read_file(dir / "prof/caps.txt"), "NET_BIND_SERVICE\n");
  expect_apparmor_compiles(dir / "prof");
  auto enf = enforce_with(dir / "prof", cmd);
  EXPECT_EQ(enf.exit_code, 0) << enf.err;
  EXPECT_NE(enf.out.find("hello-from-httpd"), std::string::npos) << enf.err;
  EXPECT_NE(enf.err.find("landlock: active"), std::string::npos) << enf.err;
}

TEST(PolicyEnforce, PythonTempFilesRoundTripNeedsNoCapability) {
  PROFILE_NEEDS_ROOT();
  TempDir dir;
  // The system interpreter, not whatever version manager shim PATH finds first.
  std::string python = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
  std::vector<std::string> cmd = {
      python, "-c",
      "import tempfile, os\n"
      "for i in range(3):\n"
      "    with tempfile.NamedTemporaryFile('w+') as f:\n"
      "        f.write('x'); f.flush(); f.seek(0); assert f.read() == 'x'\n"
      "d = tempfile.mkdtemp(); q = os.path.join(d, 'a')\n"
      "open(q, 'w').write('y'); os.remove(q); os.rmdir(d)\n"
      "print('temp-ok')\n"};
  auto rec = record(dir / "prof", cmd);
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  EXPECT_EQ(test::read_file(dir / "prof/caps.txt"), "");
  expect_apparmor_compiles(dir / "prof");
  // Fresh random names on this run: the temp rules must cover them.
  auto enf = enforce_with(dir / "prof", cmd);
  EXPECT_EQ(enf.exit_code, 0) << enf.err;
  EXPECT_NE(enf.out.find("temp-ok"), std::string::npos) << enf.err;
}

TEST(PolicyEnforce, PrivilegedBindNeedsExactlyNetBindService) {
  PROFILE_NEEDS_ROOT();
  NEEDS_PRIVILEGED_PORT_IN_SANDBOX();
  TempDir dir;
  std::string file = dir / "mine.txt";
  test::write_file(file, "x");
  std::string port = std::to_string(kSandboxPrivilegedPort);
  // chown to its own uid needs no capability, but puts chown in the profile:
  // under enforcement a chown to another user is then refused by the missing
  // CHOWN capability (one of Docker's defaults), not by seccomp.
  auto rec = record(dir / "prof", {test::helper("gd_caps"), "--bind", port, "--chown", file, "0"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  EXPECT_EQ(test::read_file(dir / "prof/caps.txt"), "NET_BIND_SERVICE\n");
  auto enf = enforce_with(dir / "prof", {test::helper("gd_caps"), "--bind", port, "--chown", file, "0"});
  EXPECT_EQ(enf.exit_code, 0) << enf.out << enf.err;
  // Exactly NET_BIND_SERVICE (bit 10), not Docker's defaults.
  EXPECT_NE(enf.out.find("CapEff:\t0000000000000400\n"), std::string::npos) << enf.out;
  EXPECT_NE(enf.out.find("CapBnd:\t0000000000000400\n"), std::string::npos) << enf.out;
  auto other = enforce_with(dir / "prof", {test::helper("gd_caps"), "--bind", port, "--chown", file, "4242"});
  EXPECT_EQ(other.exit_code, EPERM) << other.out << other.err;
  EXPECT_NE(other.out.find("--chown: Operation not permitted"), std::string::npos) << other.out << other.err;
}

TEST(PolicyEnforce, DenialsOfFilesPortsAndCapabilitiesAreReported) {
  PROFILE_NEEDS_ROOT();
  TempDir dir;
  test::write_file(dir / "recorded.txt", "a");
  test::write_file(dir / "other.txt", "b");
  auto rec = record(dir / "open", {test::helper("pl_open"), dir / "recorded.txt", "r"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  expect_apparmor_compiles(dir / "open");

  auto ok = enforce_with(dir / "open", {test::helper("pl_open"), dir / "recorded.txt", "r"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  auto outside = enforce_with(dir / "open", {test::helper("pl_open"), dir / "other.txt", "r"});
  EXPECT_EQ(outside.exit_code, EACCES) << outside.err;
  EXPECT_NE(outside.err.find("Landlock may have denied it"), std::string::npos) << outside.err;
  auto write = enforce_with(dir / "open", {test::helper("pl_open"), dir / "recorded.txt", "w"});
  EXPECT_EQ(write.exit_code, EACCES) << write.err;

  int port = test::free_loopback_port();
  int other = test::free_loopback_port(port);
  ASSERT_GT(port, 0);
  if (other == port) other = port + 1;
  auto brec = record(dir / "bind", {test::helper("pl_bind"), std::to_string(port)});
  ASSERT_EQ(brec.exit_code, 0) << brec.err;
  EXPECT_EQ(test::read_file(dir / "bind/caps.txt"), "");
  auto unrecorded = enforce_with(dir / "bind", {test::helper("pl_bind"), std::to_string(other)});
  EXPECT_EQ(unrecorded.exit_code, EACCES) << unrecorded.err;
  // A port the profile allows, with the capability it needs taken out of
  // caps.txt: only the missing capability can refuse it (Landlock would
  // refuse an unrecorded port with the same EACCES).
  NEEDS_PRIVILEGED_PORT_IN_SANDBOX();
  std::vector<std::string> priv = {test::helper("pl_bind"), std::to_string(kSandboxPrivilegedPort)};
  auto prec = record(dir / "priv", priv);
  ASSERT_EQ(prec.exit_code, 0) << prec.err;
  ASSERT_EQ(test::read_file(dir / "priv/caps.txt"), "NET_BIND_SERVICE\n");
  auto granted = enforce_with(dir / "priv", priv);
  EXPECT_EQ(granted.exit_code, 0) << granted.out << granted.err;
  auto gen = test::set_profile_caps(dir / "priv", {});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  ASSERT_EQ(test::read_file(dir / "priv/caps.txt"), "");
  auto dropped = enforce_with(dir / "priv", priv);
  EXPECT_EQ(dropped.exit_code, EACCES) << dropped.out << dropped.err;
  EXPECT_NE(dropped.out.find("Permission denied"), std::string::npos) << dropped.out;
}

// Hand-made profile directory: no recorder needed, only the seccomp compiler.
TEST(PolicyEnforce, HandMadeProfileLandlockDenialIsHinted) {
  PROFILE_NEEDS_ROOT();
  if (landlock_abi() == 0) GTEST_SKIP() << "kernel lacks Landlock";
  TempDir dir;
  test::write_file(dir / "ok.txt", "x");
  test::write_file(dir / "secret.txt", "x");
  std::string syscalls;
  for (const char* s : {"read", "write", "openat", "open", "close", "fstat", "newfstatat", "lseek", "mmap", "mprotect",
                        "munmap", "brk", "pread64", "access", "execve", "arch_prctl", "set_tid_address",
                        "set_robust_list", "rseq", "prlimit64", "getrandom", "exit_group", "exit", "rt_sigaction",
                        "rt_sigprocmask", "futex", "statx", "readlink", "uname", "faccessat2", "getpid", "gettid",
                        "tgkill", "fcntl", "ioctl", "sysinfo"})
    syscalls += std::string(syscalls.empty() ? "" : ",") + "\"" + s + "\"";
  std::string prof = dir / "prof";
  std::filesystem::create_directory(prof);
  test::write_file(prof + "/profile.json",
                   "{\"schema\":1,\"name\":\"hand\",\"syscalls\":{\"x86_64\":[" + syscalls + "]},\"files\":["
                   "{\"path\":\"" + test::helper("pl_open") + "\",\"access\":[\"execute\",\"read\"]},"
                   "{\"path\":\"/usr/lib/**\",\"access\":[\"read\",\"mmap-exec\"]},"
                   "{\"path\":\"/etc/ld.so.cache\",\"access\":[\"read\"]},"
                   "{\"path\":\"" + (dir / "ok.txt") + "\",\"access\":[\"read\"]}]}");
  auto gen = test::run_profile({"generate", prof});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  expect_apparmor_compiles(prof);
  auto ok = enforce_with(prof, {test::helper("pl_open"), dir / "ok.txt", "r"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.err.find("landlock: active"), std::string::npos) << ok.err;
  auto denied = enforce_with(prof, {test::helper("pl_open"), dir / "secret.txt", "r"});
  EXPECT_EQ(denied.exit_code, EACCES) << denied.err;
  EXPECT_NE(denied.err.find("Landlock may have denied it"), std::string::npos) << denied.err;
}

TEST(PolicyEnforce, ApparmorFlagWithoutKernelAppArmorIsAnError) {
  if (kernel_has_apparmor()) GTEST_SKIP() << "kernel has AppArmor: this checks the refusal without it";
  auto r = test::run_profile({"enforce", "--seccomp", "/dev/null", "--apparmor", "some-profile", "--", "true"});
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(r.err.find("--apparmor some-profile: this kernel has no AppArmor"), std::string::npos) << r.err;
}

TEST(PolicyEnforce, ProfileDirectoryWithBrokenLandlockJsonIsRefused) {
  if (landlock_abi() == 0) GTEST_SKIP() << "kernel lacks Landlock";
  TempDir dir;
  test::write_file(dir / "profile.json", "{\"schema\":1,\"name\":\"x\",\"syscalls\":{}}");
  auto gen = test::run_profile({"generate", dir.path()});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  test::write_file(dir / "landlock.json", "{\"schema\":1,\"abi\":6,\"handled_access_fs\":[\"teleport\"]}");
  // Without the manifest, which would refuse the edited file before its parser sees it.
  std::filesystem::remove(dir / "SHA256SUMS");
  auto r = test::run_profile({"enforce", "--profile", dir.path(), "--", "true"});
  EXPECT_EQ(r.exit_code, 125);
  EXPECT_NE(r.err.find("landlock.json: handled_access_fs: unknown right 'teleport'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace profile

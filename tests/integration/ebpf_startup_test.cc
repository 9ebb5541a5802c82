// The eBPF recorder's start-up: the programs load on a thread while the
// sandbox is set up, and the workload is still released only once they
// are attached; a load that fails still falls back to ptrace in auto mode.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "test_util.h"

namespace profile::test {
namespace {

// The monotonic stamp (us) PROFILE_EBPF_TIMING printed at `phase`, or -1.
long long stamp(const std::string& err, const std::string& phase) {
  std::regex re("ebpf: " + phase + " at [0-9]+ us \\(.*monotonic ([0-9]+) us\\)");
  std::smatch m;
  if (!std::regex_search(err, m, re)) return -1;
  return std::stoll(m[1]);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(EbpfStartup, LoadOverlapsTheSandboxSetUpAndAttachesBeforeTheWorkload) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  // A load far slower than the sandbox's set-up: the sandbox must be ready
  // (and waiting) before the programs are loaded, not after.
  auto r = run({"env", "PROFILE_EBPF_TEST_LOAD_DELAY_MS=300", "PROFILE_EBPF_TIMING=1", PROFILE_BIN, "record",
                "--tracer", "ebpf", "-o", d / "p", "--", "/bin/true"},
               120);
  if (r.exit_code != 0 && r.err.find("eBPF") != std::string::npos && !require_privileged())
    GTEST_SKIP() << "the eBPF recorder cannot load here: " << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  long long ready = stamp(r.err, "sandbox ready"), loaded = stamp(r.err, "loaded"),
            attached = stamp(r.err, "attached"), done = stamp(r.err, "workload done");
  ASSERT_GT(ready, 0) << r.err;
  ASSERT_GT(loaded, 0) << r.err;
  EXPECT_LT(ready, loaded) << r.err;
  EXPECT_LE(attached, done) << r.err;
  // Everything from the workload's exec on was recorded: /bin/true's first
  // call after execve and its last one.
  std::string seccomp = slurp(d / "p/seccomp.json");
  EXPECT_NE(seccomp.find("\"execve\""), std::string::npos) << seccomp;
  EXPECT_NE(seccomp.find("\"exit_group\""), std::string::npos) << seccomp;
  EXPECT_NE(slurp(d / "p/profile.json").find("\"tracer\": \"ebpf\""), std::string::npos);
}

TEST(EbpfStartup, AutoFallsBackToPtraceWhenTheBackgroundLoadFails) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  auto r = run({"env", "PROFILE_EBPF_TEST_REFUSE_LOAD=1", PROFILE_BIN, "record", "-o", d / "p", "--", "/bin/true"},
               120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("eBPF recorder unavailable (the kernel refused the eBPF recorder: refused for a test"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("using ptrace"), std::string::npos) << r.err;
  EXPECT_NE(slurp(d / "p/profile.json").find("\"tracer\": \"ptrace\""), std::string::npos);
  EXPECT_NE(slurp(d / "p/seccomp.json").find("\"exit_group\""), std::string::npos);

  // Asked for eBPF explicitly: the load's error, as `profile`'s own (125).
  auto e = run({"env", "PROFILE_EBPF_TEST_REFUSE_LOAD=1", PROFILE_BIN, "record", "--tracer", "ebpf", "-o", d / "q",
                "--", "/bin/true"},
               120);
  EXPECT_EQ(e.exit_code, 125) << e.err;
  EXPECT_NE(e.err.find("refused for a test"), std::string::npos) << e.err;
}

// libcrypto is opened when first needed (core/libcrypto.h), not by the
// dynamic loader: linked, its relocations cost every process several
// milliseconds before main(). `record` still writes the manifest's SHA-256
// (with OpenSSL opened while the workload ran).
TEST(Startup, LibcryptoIsNotLoadedAtStartUp) {
  auto elf = run({"readelf", "-d", PROFILE_BIN}, 30);
  if (elf.exit_code == 127) GTEST_SKIP() << "readelf (binutils) is not installed";
  ASSERT_EQ(elf.exit_code, 0) << elf.err;
  EXPECT_NE(elf.out.find("(NEEDED)"), std::string::npos) << elf.out;
  EXPECT_EQ(elf.out.find("libcrypto"), std::string::npos) << elf.out;
  auto maps = run({"env", "LD_DEBUG=libs", PROFILE_BIN, "--version"}, 30);
  ASSERT_EQ(maps.exit_code, 0) << maps.err;
  EXPECT_NE(maps.err.find("libstdc++"), std::string::npos) << maps.err;
  EXPECT_EQ(maps.err.find("libcrypto"), std::string::npos) << maps.err;
}

}  // namespace
}  // namespace profile::test

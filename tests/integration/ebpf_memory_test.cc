// The eBPF recorder's memory: what a recording needed only while it ran is
// given back before profile generation, which is where the run peaks.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "test_util.h"

namespace profile::test {
namespace {

// Current RSS (kB) that PROFILE_EBPF_TIMING printed at `phase`, or -1.
long rss_at(const std::string& err, const std::string& phase) {
  std::regex re("ebpf: " + phase + " at [0-9]+ us \\(recorder cpu [0-9]+ us, rss ([0-9]+) kB");
  std::smatch m;
  if (!std::regex_search(err, m, re)) return -1;
  return std::stol(m[1]);
}

bool kallsyms_has_addresses() {
  std::ifstream in("/proc/kallsyms");
  std::string addr;
  return (in >> addr) && addr.find_first_not_of('0') != std::string::npos;
}

TEST(EbpfMemory, KernelSymbolsAreReleasedBeforeProfileGeneration) {
  PROFILE_NEEDS_ROOT();
  TempDir d;
  // Root opening a file with no permission bits is granted CAP_DAC_OVERRIDE
  // by a kernel capability check: the recorder then reads the kernel's
  // symbol table to name the check's stack.
  std::string file = d / "no-access";
  { std::ofstream(file) << "x\n"; }
  ASSERT_EQ(chmod(file.c_str(), 0), 0);
  auto r = run({"env", "PROFILE_EBPF_TIMING=1", PROFILE_BIN, "record", "--tracer", "ebpf", "-o", d / "p", "--", "cat",
                file},
               120);
  if (r.exit_code != 0 && r.err.find("eBPF") != std::string::npos && !require_privileged())
    GTEST_SKIP() << "the eBPF recorder cannot load here: " << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream caps(d / "p/caps.txt");
  std::stringstream cs;
  cs << caps.rdbuf();
  if (cs.str().find("DAC_OVERRIDE") == std::string::npos || !kallsyms_has_addresses())
    GTEST_SKIP() << "the kernel has no capability tracepoint or hides its symbols: no symbol table was read";
  long attached = rss_at(r.err, "attached");
  long unloaded = rss_at(r.err, "unloaded");
  ASSERT_GT(attached, 0) << r.err;
  ASSERT_GT(unloaded, 0) << r.err;
  // The table is ~10 MB on a stock kernel; a few MB of slack for the
  // allocator and what the recording itself keeps.
  EXPECT_LT(unloaded - attached, 4096) << r.err;
}

}  // namespace
}  // namespace profile::test

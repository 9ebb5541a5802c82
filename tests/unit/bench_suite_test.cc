// The benchmark suite's own arithmetic and chart (bench/selftest.py), on
// synthetic runs: a wrong phase split or chart would misreport every result.
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <string>

namespace {

TEST(BenchSuite, PhasesAndChartFromSyntheticRuns) {
  std::string cmd = "python3 " PROFILE_SOURCE_DIR "/bench/selftest.py 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, p) != nullptr) out += buf;
  int st = pclose(p);
  ASSERT_TRUE(WIFEXITED(st)) << out;
  EXPECT_EQ(WEXITSTATUS(st), 0) << out;
  EXPECT_NE(out.find("bench selftest: ok"), std::string::npos) << out;
}

}  // namespace

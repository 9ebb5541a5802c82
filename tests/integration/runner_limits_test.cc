// Cgroup limits and the resource summary.
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_util.h"

namespace profile::test {
namespace {

// The last line of stderr that parses as a JSON object.
nlohmann::json summary_json(const std::string& err) {
  std::istringstream in(err);
  std::string line;
  nlohmann::json found;
  while (std::getline(in, line))
    if (!line.empty() && line[0] == '{') found = nlohmann::json::parse(line, nullptr, false);
  return found;
}

TEST(RunnerLimits, MemoryHogIsOomKilledInsideItsCgroupAndProfileExits137) {
  PROFILE_NEEDS_ROOT();
  auto r = run_profile({"enforce", "--memory", "64M", "--json", "--", helper("rn_memhog"), "1024"}, 60);
  EXPECT_EQ(r.exit_code, 137) << r.err;
  EXPECT_NE(r.err.find("OOM killer"), std::string::npos) << r.err;
  auto j = summary_json(r.err);
  ASSERT_TRUE(j.is_object()) << r.err;
  EXPECT_EQ(j["oom_killed"], true);
  EXPECT_EQ(j["exit_code"], 137);
  ASSERT_TRUE(j["peak_memory_bytes"].is_number()) << r.err;
  EXPECT_LE(j["peak_memory_bytes"].get<uint64_t>(), 64ull << 20);
  EXPECT_GE(j["peak_memory_bytes"].get<uint64_t>(), 32ull << 20);
  // The same program within its limit completes: the limit, not the
  // program, ended the first run.
  auto ok = run_profile({"enforce", "--memory", "64M", "--", helper("rn_memhog"), "16"}, 60);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST(RunnerLimits, ForkBombStopsAtPidsLimit) {
  PROFILE_NEEDS_ROOT();
  auto r = run_profile({"enforce", "--pids", "32", "--json", "--", helper("rn_forkbomb"), "1000"}, 60);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;  // fork failed with EAGAIN
  long forked = -1;
  int err = -1;
  ASSERT_EQ(sscanf(r.out.c_str(), "forked %ld errno %d", &forked, &err), 2) << r.out;
  // init and the bomb itself count against the 32.
  EXPECT_EQ(forked, 30) << r.out;
  auto j = summary_json(r.err);
  ASSERT_TRUE(j.is_object()) << r.err;
  EXPECT_EQ(j["pids_peak"], 32);
}

TEST(RunnerLimits, SummaryLineReportsMemoryCpuAndPids) {
  PROFILE_NEEDS_ROOT();
  auto r = run_profile({"enforce", "--cpus", "1.5", "--io-weight", "500", "--", helper("rn_busy"), "200", "cpu"}, 60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("profile: resources: peak memory "), std::string::npos) << r.err;
  double cpu = -1;
  auto at = r.err.find(", CPU ");
  ASSERT_NE(at, std::string::npos) << r.err;
  cpu = std::stod(r.err.substr(at + 6));
  // The loop spins for 200 ms of its own CPU time, however loaded the host is.
  EXPECT_GE(cpu, 0.19) << r.err;
  EXPECT_NE(r.err.find("peak pids 2"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace profile::test

// A merged profile directory through the built binary: coverage.json is part
// of the directory's generation (listed in SHA256SUMS), so `sign` accepts a
// merged directory, `verify` covers coverage.json, and a later `generate`
// keeps it signable.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "profilegen/profile.h"
#include "test_util.h"

namespace profile {
namespace {

using test::run_profile;

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

Profile shard(const std::string& extra) {
  Profile p;
  p.name = "web";
  p.syscalls["x86_64"] = {"read", "write", "exit_group", extra};
  p.files["/etc/" + extra] = {"read"};
  return p;
}

class MergedDir : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_file(d_ / "a.json", profile_to_json(shard("getpid")));
    test::write_file(d_ / "b.json", profile_to_json(shard("getuid")));
    auto m = run_profile({"merge", d_ / "a.json", d_ / "b.json", "-o", out_});
    ASSERT_EQ(m.exit_code, 0) << m.err;
    auto k = run_profile({"keygen", key_});
    ASSERT_EQ(k.exit_code, 0) << k.err;
  }
  test::TempDir d_;
  std::string out_ = d_ / "merged";
  std::string key_ = d_ / "key";
};

TEST_F(MergedDir, CoverageIsListedSignedVerifiedAndTamperIsNamed) {
  EXPECT_TRUE(has(test::read_file(out_ + "/SHA256SUMS"), "  coverage.json\n"));
  auto s = run_profile({"sign", "--key", key_, out_});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  auto v = run_profile({"verify", "--key", key_ + ".pub", out_});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  // One count changed: verify names the file.
  std::string cov = test::read_file(out_ + "/coverage.json");
  auto pos = cov.find("\"inputs\": 2");
  ASSERT_NE(pos, std::string::npos) << cov;
  cov.replace(pos, 11, "\"inputs\": 3");
  test::write_file(out_ + "/coverage.json", cov);
  auto t = run_profile({"verify", "--key", key_ + ".pub", out_});
  EXPECT_EQ(t.exit_code, 1) << t.err;
  EXPECT_TRUE(has(t.err, out_ + "/coverage.json was changed after signing")) << t.err;
  EXPECT_EQ(t.err.find('\n'), t.err.size() - 1) << t.err;
  // Removed: named too.
  ASSERT_EQ(unlink((out_ + "/coverage.json").c_str()), 0);
  auto r = run_profile({"verify", "--key", key_ + ".pub", out_});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(has(r.err, out_ + "/coverage.json was removed after signing")) << r.err;
}

TEST_F(MergedDir, GenerateKeepsCoverageInTheManifest) {
  std::string before = test::read_file(out_ + "/coverage.json");
  auto g = run_profile({"generate", out_});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_EQ(test::read_file(out_ + "/coverage.json"), before);
  EXPECT_TRUE(has(test::read_file(out_ + "/SHA256SUMS"), "  coverage.json\n"));
  auto s = run_profile({"sign", "--key", key_, out_});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  auto v = run_profile({"verify", "--key", key_ + ".pub", out_});
  EXPECT_EQ(v.exit_code, 0) << v.err;
}

}  // namespace
}  // namespace profile

// What `profile record` prints about the directory it wrote.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <string_view>

#include "profilegen/render.h"
#include "test_util.h"

namespace profile {
namespace {

using test::TempDir;

bool exists(const std::string& p) { return access(p.c_str(), F_OK) == 0; }

TEST(CliRecord, ListsTheFilesOfTheRegistry) {
  PROFILE_NEEDS_ROOT();
  TempDir dir;
  auto rec = test::run_profile({"record", "--tracer", "ptrace", "-o", dir / "prof", "--", "/bin/true"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  std::string want = "  written to " + dir / "prof" + "/ (";
  for (std::string_view f : profile_dir_files()) want += std::string(f) + ", ";
  want += "SHA256SUMS)\n";
  EXPECT_NE(rec.err.find(want), std::string::npos) << rec.err;
  for (std::string_view f : profile_dir_files()) EXPECT_TRUE(exists(dir / "prof/" + std::string(f))) << f;
}

}  // namespace
}  // namespace profile

// The profiles committed under profiles/ are what `profile generate` makes of
// their profile.json, byte for byte: rendering is deterministic and the
// committed files are not stale.
#include <gtest/gtest.h>

#include <filesystem>

#include "profilegen/render.h"
#include "test_util.h"

namespace profile {
namespace {

TEST(CommittedProfiles, RegenerateByteIdentical) {
  namespace fs = std::filesystem;
  fs::path root = fs::path(PROFILE_SOURCE_DIR) / "profiles";
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(root)) {
    fs::path pj = entry.path() / "profile.json";
    if (!fs::exists(pj)) continue;
    SCOPED_TRACE(entry.path().string());
    auto p = profile_from_json(test::read_file(pj), pj.string());
    ASSERT_TRUE(p.ok()) << p.error().message;
    auto files = render_all(*p);
    ASSERT_TRUE(files.ok()) << files.error().message;
    for (const auto& f : *files) {
      fs::path committed = entry.path() / f.name;
      ASSERT_TRUE(fs::exists(committed)) << committed;
      EXPECT_EQ(test::read_file(committed), f.content) << committed << " differs from what generate renders";
    }
    ++checked;
  }
  EXPECT_GE(checked, 1) << "no committed profile found under " << root;
}

}  // namespace
}  // namespace profile

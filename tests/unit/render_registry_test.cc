// The profile directory's file list comes from one registry in profilegen.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "profilegen/render.h"

namespace profile {
namespace {

Profile sample() {
  Profile p;
  p.name = "registry";
  p.syscalls["x86_64"] = {"read", "write", "exit_group"};
  p.files["/etc/hosts"] = {"read"};
  p.capabilities["NET_BIND_SERVICE"] = {};
  return p;
}

TEST(RenderRegistry, ListsEveryGeneratedFileInOrder) {
  const std::vector<std::string_view> want = {"profile.json", "seccomp.json", "caps.txt",
                                              "apparmor.profile", "landlock.json"};
  EXPECT_EQ(profile_dir_files(), want);
}

TEST(RenderRegistry, RenderAllProducesExactlyTheListedFiles) {
  auto files = render_all(sample());
  ASSERT_TRUE(files) << files.error().message;
  std::vector<std::string_view> names;
  for (const auto& f : *files) {
    names.push_back(f.name);
    EXPECT_FALSE(f.content.empty()) << f.name;
    EXPECT_EQ(f.content.back(), '\n') << f.name;
  }
  EXPECT_EQ(names, profile_dir_files());
  EXPECT_EQ(std::set<std::string_view>(names.begin(), names.end()).size(), names.size());
}

}  // namespace
}  // namespace profile

// cli/app: `profile generate` as a library call.
#include <gtest/gtest.h>

#include <string>

#include "cli/app/generate.h"
#include "cli/app/profile_dir.h"
#include "profilegen/profile.h"
#include "test_util.h"

namespace profile {
namespace {

Profile small() {
  Profile p;
  p.name = "t";
  p.syscalls["x86_64"] = {"read", "write"};
  return p;
}

TEST(AppGenerate, RendersAHandEditedProfileJsonAndRefusesAMixUnlessForced) {
  test::TempDir dir;
  ASSERT_TRUE(write_profile_dir(dir.path(), small()).ok());
  Profile edited = small();
  edited.syscalls["x86_64"].insert("getpid");
  test::write_file(dir / "profile.json", profile_to_json(edited));

  app::GenerateRequest req;
  req.dir = dir.path();
  auto r = app::generate(req, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->dir, dir.path());
  EXPECT_NE(test::read_file(dir / "seccomp.json").find("\"getpid\""), std::string::npos);
  auto back = read_profile_dir(dir.path());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, edited);

  // profile.json and a generated file both changed: which is right is unknown.
  test::write_file(dir / "caps.txt", "SYS_ADMIN\n");
  test::write_file(dir / "profile.json", profile_to_json(small()));
  r = app::generate(req, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().exit_code, 125);
  EXPECT_NE(r.error().message.find("caps.txt"), std::string::npos) << r.error().message;
  req.force = true;
  r = app::generate(req, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(test::read_file(dir / "caps.txt"), "");
}

TEST(AppGenerate, AppliesProfileYamlAndListsItInTheManifest) {
  test::TempDir dir;
  ASSERT_TRUE(write_profile_dir(dir.path(), small()).ok());
  test::write_file(dir / "profile.yaml",
                   "add:\n  capabilities:\n    - name: NET_BIND_SERVICE\n      reason: port 443\n"
                   "remove:\n  capabilities:\n    - name: SYS_ADMIN\n      reason: never\n");
  std::vector<std::string> notes;
  app::GenerateRequest req;
  req.dir = dir.path();
  auto r = app::generate(req, [&](const std::string& n) { notes.push_back(n); });
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(test::read_file(dir / "caps.txt"), "NET_BIND_SERVICE\n");
  EXPECT_NE(test::read_file(dir / "SHA256SUMS").find(sha256_hex(test::read_file(dir / "profile.yaml")) +
                                                     "  profile.yaml\n"),
            std::string::npos);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].find("profile.yaml:7:"), std::string::npos) << notes[0];
  EXPECT_NE(notes[1].find("applied"), std::string::npos) << notes[1];
  EXPECT_TRUE(read_profile_dir(dir.path()).ok());

  // A changed profile.yaml is what enforce must not miss.
  test::write_file(dir / "profile.yaml", "");
  auto stale = read_profile_dir(dir.path());
  ASSERT_FALSE(stale.ok());
  EXPECT_NE(stale.error().message.find("profile.yaml"), std::string::npos) << stale.error().message;
  ASSERT_TRUE(app::generate(req, {}).ok());
  EXPECT_EQ(test::read_file(dir / "caps.txt"), "NET_BIND_SERVICE\n") << "profile.json keeps what was applied";
  EXPECT_TRUE(read_profile_dir(dir.path()).ok());
}

}  // namespace
}  // namespace profile

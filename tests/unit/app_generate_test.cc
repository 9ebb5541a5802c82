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

}  // namespace
}  // namespace profile

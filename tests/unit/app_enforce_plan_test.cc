// cli/app: a profile directory -> the parts of an enforcement plan.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli/app/enforce_plan.h"
#include "core/file_io.h"
#include "runner/apparmor_loader.h"
#include "test_util.h"

namespace profile {
namespace {

namespace fs = std::filesystem;

TEST(AppEnforcePlan, CapsFileSkipsCommentsAndNamesTheBadLine) {
  test::TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir / "caps.txt", "# why\n\nnet_bind_service\nCAP_CHOWN\n").ok());
  auto caps = read_caps_file(dir / "caps.txt");
  ASSERT_TRUE(caps.ok()) << caps.error().message;
  EXPECT_EQ(*caps, (std::set<std::string>{"CHOWN", "NET_BIND_SERVICE"}));

  ASSERT_TRUE(write_file_atomic(dir / "caps.txt", "CHOWN\nNOT_A_CAP\n").ok());
  auto bad = read_caps_file(dir / "caps.txt");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind(dir / "caps.txt" + ":2: ", 0), 0u) << bad.error().message;
  EXPECT_NE(bad.error().message.find("NOT_A_CAP"), std::string::npos) << bad.error().message;
}

TEST(AppEnforcePlan, CommittedProfileGivesItsNameCapsAndSeccompFile) {
  if (kernel_has_apparmor()) GTEST_SKIP() << "the plan would load apparmor.profile into this kernel";
  test::TempDir dir;
  fs::copy(std::string(PROFILE_SOURCE_DIR) + "/profiles/ls", dir.path(), fs::copy_options::recursive);
  std::vector<std::string> notes;
  auto plan = load_profile_dir_plan(dir.path(), true, [&](const std::string& n) { notes.push_back(n); });
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->name, "ls");
  EXPECT_TRUE(plan->caps.empty());
  EXPECT_EQ(plan->seccomp_path, dir.path() + "/seccomp.json");
  EXPECT_TRUE(plan->apparmor_exec.empty());
  ASSERT_FALSE(notes.empty());
  EXPECT_EQ(notes[0], "the kernel has no AppArmor; the file policy is enforced with Landlock");
  EXPECT_EQ(plan->landlock.has_value(), landlock_abi() > 0);
}

TEST(AppEnforcePlan, TamperedDirectoryIsRefusedWhole) {
  test::TempDir dir;
  fs::copy(std::string(PROFILE_SOURCE_DIR) + "/profiles/ls", dir.path(), fs::copy_options::recursive);
  ASSERT_TRUE(write_file_atomic(dir / "caps.txt", "SYS_ADMIN\n").ok());
  auto plan = load_profile_dir_plan(dir.path(), true, {});
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().message.find("caps.txt"), std::string::npos) << plan.error().message;
}

}  // namespace
}  // namespace profile

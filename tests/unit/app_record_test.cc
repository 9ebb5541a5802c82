// cli/app: a recording -> the profile directory.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/app/profile_dir.h"
#include "cli/app/record.h"
#include "core/file_io.h"
#include "core/names.h"
#include "test_util.h"

namespace profile {
namespace {

Observations one_syscall(const std::string& name) {
  Observations o;
  o.tracer = "ptrace";
  auto nr = syscall_number("x86_64", name);
  EXPECT_TRUE(nr.ok());
  o.add_syscall("x86_64", *nr);
  return o;
}

TEST(AppRecord, SavesMergesOnAppendAndRefusesALossyRecording) {
  test::TempDir dir;
  SaveRequest req;
  req.dir = dir.path();
  req.name = "w";
  std::vector<std::string> notes;
  Reporter r = [&](const std::string& n) { notes.push_back(n); };

  auto first = save_recording(one_syscall("read"), req, r);
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto back = read_profile_dir(dir.path());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->name, "w");
  EXPECT_EQ(back->syscalls["x86_64"].count("read"), 1u);

  req.append = true;
  auto second = save_recording(one_syscall("write"), req, r);
  ASSERT_TRUE(second.ok()) << second.error().message;
  back = read_profile_dir(dir.path());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->syscalls["x86_64"].count("read"), 1u);
  EXPECT_EQ(back->syscalls["x86_64"].count("write"), 1u);

  auto before = read_text_file(dir / "profile.json");
  ASSERT_TRUE(before.ok());
  Observations lossy = one_syscall("openat");
  lossy.lost_events = 3;
  auto refused = save_recording(lossy, req, r);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("lost 3 events"), std::string::npos) << refused.error().message;
  auto after = read_text_file(dir / "profile.json");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, *before);
  EXPECT_TRUE(notes.empty());
}

TEST(AppRecord, CreatesAMissingDirectoryAndSaysSo) {
  test::TempDir dir;
  SaveRequest req;
  req.dir = dir / "a/b";
  req.dir_missing = true;
  req.name = "w";
  std::vector<std::string> notes;
  auto saved = save_recording(one_syscall("read"), req, [&](const std::string& n) { notes.push_back(n); });
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "created the output directory " + req.dir);
  EXPECT_TRUE(read_text_file(req.dir + "/seccomp.json").ok());
}

}  // namespace
}  // namespace profile

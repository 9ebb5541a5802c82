// `profile generate --arch` through the built binary, on a real recording:
// the translated seccomp.<arch>.json is part of the directory's generation
// (rendered again by every later generate, listed in SHA256SUMS, signed), an
// unknown architecture or an untranslatable call exits 125 with one line
// naming it, and -o writes only the file it names.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "profilegen/profile.h"
#include "recording_helpers.h"
#include "test_util.h"

namespace profile {
namespace {

using test::run_profile;

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
bool exists(const std::string& p) { return access(p.c_str(), F_OK) == 0; }

std::set<std::string> allowed_names(const std::string& seccomp_json) {
  auto j = nlohmann::json::parse(seccomp_json);
  std::set<std::string> out;
  for (const auto& r : j["syscalls"])
    if (r["action"] == "SCMP_ACT_ALLOW")
      for (const auto& n : r["names"]) out.insert(n.get<std::string>());
  return out;
}

class ArchDir : public ::testing::Test {
 protected:
  void SetUp() override {
    PROFILE_NEEDS_ROOT();
    // A dynamically linked program that stats and lists: open/stat-style
    // calls, arch_prctl at startup, getdents64.
    auto r = test::record_with("ptrace", dir_, {"/bin/ls", "-l", "/"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  test::TempDir d_;
  std::string dir_ = d_ / "p";
};

TEST_F(ArchDir, GenerateArchWritesATranslatedFileThatStaysInTheGeneration) {
  auto g = run_profile({"generate", "--arch", "arm64", dir_});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  std::string file = dir_ + "/seccomp.aarch64.json";
  ASSERT_TRUE(exists(file)) << g.err;
  auto j = nlohmann::json::parse(test::read_file(file));
  EXPECT_EQ(j["architectures"], nlohmann::json::array({"SCMP_ARCH_AARCH64"}));
  auto names = allowed_names(test::read_file(file));
  auto host = allowed_names(test::read_file(dir_ + "/seccomp.json"));
  // Every name is one aarch64 has, and the x86-only startup call is gone.
  EXPECT_FALSE(names.count("arch_prctl"));
  EXPECT_TRUE(host.count("arch_prctl"));
  EXPECT_TRUE(names.count("openat"));
  for (const char* legacy : {"open", "stat", "lstat", "access", "getdents"}) EXPECT_FALSE(names.count(legacy)) << legacy;
  EXPECT_TRUE(has(g.err, "arch_prctl is not needed on aarch64")) << g.err;
  // Listed in the manifest, so the directory can be signed with it.
  EXPECT_TRUE(has(test::read_file(dir_ + "/SHA256SUMS"), "  seccomp.aarch64.json\n"));
  std::string key = d_ / "key";
  ASSERT_EQ(run_profile({"keygen", key}).exit_code, 0);
  auto s = run_profile({"sign", "--key", key, dir_});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  EXPECT_EQ(run_profile({"verify", "--key", key + ".pub", dir_}).exit_code, 0);
  // A hand edit of profile.json reaches the translation on the next generate.
  auto p = profile_from_json(test::read_file(dir_ + "/profile.json"), "profile.json");
  ASSERT_TRUE(p.ok()) << p.error().message;
  p->syscalls["x86_64"].insert("rename");
  test::write_file(dir_ + "/profile.json", profile_to_json(*p));
  auto again = run_profile({"generate", dir_});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  names = allowed_names(test::read_file(file));
  EXPECT_TRUE(names.count("renameat")) << test::read_file(file);
  EXPECT_TRUE(names.count("renameat2"));
  // The host's enforce still loads the directory.
  auto e = test::enforce_with(dir_, {"/bin/ls", "-l", "/"});
  EXPECT_EQ(e.exit_code, 0) << e.err;
}

TEST_F(ArchDir, OutputFileLeavesTheDirectoryAlone) {
  std::string sums = test::read_file(dir_ + "/SHA256SUMS");
  std::string out = d_ / "riscv.json";
  auto g = run_profile({"generate", "--arch", "SCMP_ARCH_RISCV64", "-o", out, dir_});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  auto j = nlohmann::json::parse(test::read_file(out));
  EXPECT_EQ(j["architectures"], nlohmann::json::array({"SCMP_ARCH_RISCV64"}));
  EXPECT_EQ(test::read_file(dir_ + "/SHA256SUMS"), sums);
  EXPECT_FALSE(exists(dir_ + "/seccomp.riscv64.json"));
}

TEST_F(ArchDir, BadInputExits125WithOneLineNamingIt) {
  auto bad = run_profile({"generate", "--arch", "sparc64", dir_});
  EXPECT_EQ(bad.exit_code, 125);
  EXPECT_TRUE(has(bad.err, "'sparc64'")) << bad.err;
  EXPECT_EQ(bad.err.find('\n'), bad.err.size() - 1) << bad.err;
  // A call aarch64 has no equivalent of: nothing is written.
  auto p = profile_from_json(test::read_file(dir_ + "/profile.json"), "profile.json");
  ASSERT_TRUE(p.ok()) << p.error().message;
  p->syscalls["x86_64"].insert("ioperm");
  p->syscalls["x86_64"].insert("modify_ldt");
  test::write_file(dir_ + "/profile.json", profile_to_json(*p));
  auto none = run_profile({"generate", "--arch", "aarch64", dir_});
  EXPECT_EQ(none.exit_code, 125);
  EXPECT_TRUE(has(none.err, "x86_64 ioperm")) << none.err;
  EXPECT_TRUE(has(none.err, "x86_64 modify_ldt")) << none.err;
  EXPECT_TRUE(has(none.err, "seccomp.aarch64.json")) << none.err;
  EXPECT_EQ(none.err.find('\n'), none.err.size() - 1) << none.err;
  EXPECT_FALSE(exists(dir_ + "/seccomp.aarch64.json"));
  // Another word size is refused, naming both.
  auto arm = run_profile({"generate", "--arch", "arm", "-o", d_ / "arm.json", dir_});
  EXPECT_EQ(arm.exit_code, 125);
  EXPECT_TRUE(has(arm.err, "x86_64") && has(arm.err, "arm")) << arm.err;
  EXPECT_FALSE(exists(d_ / "arm.json"));
}

}  // namespace
}  // namespace profile

// Signed profile directories through the built binary: keygen, record,
// sign, verify; tampering named by verify; enforce --require-signature (and
// PROFILE_CONTENT_TRUST) refusing before the workload starts.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "recording_helpers.h"
#include "test_util.h"

namespace profile {
namespace {

using test::BuildTempDir;
using test::CommandResult;

bool exists(const std::string& p) { return access(p.c_str(), F_OK) == 0; }
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// One recorded and signed profile of a helper that creates MARKER: the
// marker's presence after `enforce` says whether the workload ran.
class SignedProfile : public ::testing::Test {
 protected:
  void SetUp() override {
    PROFILE_NEEDS_ROOT();
    ASSERT_FALSE(dir_.path().empty());
    auto k = test::run_profile({"keygen", key_});
    ASSERT_EQ(k.exit_code, 0) << k.err;
    ASSERT_TRUE(has(k.err, "key SHA256:")) << k.err;
    auto rec = test::record_with("ptrace", prof_, workload());
    ASSERT_EQ(rec.exit_code, 0) << rec.err;
    unlink(marker_.c_str());
    auto s = test::run_profile({"sign", "--key", key_, prof_});
    ASSERT_EQ(s.exit_code, 0) << s.err;
  }
  std::vector<std::string> workload() const { return {test::helper("eb_marker"), marker_, "times", "0"}; }
  CommandResult verify(const std::string& pub) { return test::run_profile({"verify", "--key", pub, prof_}); }
  CommandResult enforce_signed(const std::vector<std::string>& env = {}, bool option = true) {
    std::vector<std::string> args = {"env"};
    args.insert(args.end(), env.begin(), env.end());
    args.push_back(PROFILE_BIN);
    args.push_back("enforce");
    if (option) {
      args.push_back("--require-signature");
      args.push_back(key_ + ".pub");
    }
    args.push_back("--profile");
    args.push_back(prof_);
    args.push_back("--");
    for (const auto& a : workload()) args.push_back(a);
    return test::run(args, 120);
  }
  void change_one_byte(const std::string& file) {
    std::string text = test::read_file(file);
    ASSERT_FALSE(text.empty());
    // The final newline becomes a space: still valid JSON, one byte changed.
    text.back() = ' ';
    test::write_file(file, text);
  }

  BuildTempDir dir_{"signing"};
  std::string key_ = dir_ / "signing.key", prof_ = dir_ / "prof", marker_ = dir_ / "marker";
};

TEST_F(SignedProfile, VerifiesAndEnforcesWhenUnchanged) {
  auto v = verify(key_ + ".pub");
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_TRUE(has(v.err, "signature good")) << v.err;
  auto e = enforce_signed();
  EXPECT_EQ(e.exit_code, 0) << e.err;
  EXPECT_TRUE(exists(marker_)) << "the workload did not run under a good signature: " << e.err;
  unlink(marker_.c_str());
  auto trust = enforce_signed({"PROFILE_CONTENT_TRUST=1", "PROFILE_TRUST_KEY=" + key_ + ".pub"}, false);
  EXPECT_EQ(trust.exit_code, 0) << trust.err;
  EXPECT_TRUE(exists(marker_)) << trust.err;
}

TEST_F(SignedProfile, VerifyNamesAChangedAddedOrRemovedFile) {
  change_one_byte(prof_ + "/seccomp.json");
  auto v = verify(key_ + ".pub");
  EXPECT_EQ(v.exit_code, 1) << v.err;
  EXPECT_TRUE(has(v.err, prof_ + "/seccomp.json was changed after signing")) << v.err;
  ASSERT_EQ(test::run_profile({"generate", "--force", prof_}).exit_code, 0);
  ASSERT_EQ(verify(key_ + ".pub").exit_code, 0) << "regenerating restores the signed bytes";

  test::write_file(prof_ + "/extra.json", "{}\n");
  v = verify(key_ + ".pub");
  EXPECT_EQ(v.exit_code, 1) << v.err;
  EXPECT_TRUE(has(v.err, prof_ + "/extra.json was added after signing")) << v.err;
  unlink((prof_ + "/extra.json").c_str());

  std::string caps = test::read_file(prof_ + "/caps.txt");
  unlink((prof_ + "/caps.txt").c_str());
  v = verify(key_ + ".pub");
  EXPECT_EQ(v.exit_code, 1) << v.err;
  EXPECT_TRUE(has(v.err, prof_ + "/caps.txt was removed after signing")) << v.err;
  test::write_file(prof_ + "/caps.txt", caps);
  EXPECT_EQ(verify(key_ + ".pub").exit_code, 0);
}

TEST_F(SignedProfile, VerifyRefusesAnotherKeyAndBadKeyFiles) {
  ASSERT_EQ(test::run_profile({"keygen", dir_ / "other.key"}).exit_code, 0);
  auto v = verify(dir_ / "other.key.pub");
  EXPECT_EQ(v.exit_code, 1) << v.err;
  EXPECT_TRUE(has(v.err, "not with " + (dir_ / "other.key.pub"))) << v.err;
  v = verify(key_);
  EXPECT_EQ(v.exit_code, 125) << v.err;
  EXPECT_TRUE(has(v.err, key_ + ": is a private key")) << v.err;
  auto again = test::run_profile({"keygen", key_});
  EXPECT_EQ(again.exit_code, 125);
  EXPECT_TRUE(has(again.err, key_ + " exists; --force replaces it")) << again.err;
  struct stat st;
  ASSERT_EQ(stat(key_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(SignedProfile, EnforceRefusesAChangedFileBeforeTheWorkloadStarts) {
  change_one_byte(prof_ + "/seccomp.json");
  auto e = enforce_signed();
  EXPECT_EQ(e.exit_code, 125) << e.err;
  EXPECT_TRUE(has(e.err, prof_ + "/seccomp.json was changed after signing")) << e.err;
  EXPECT_FALSE(exists(marker_)) << "the workload ran";
}

// The change an attacker with write access would make: edit profile.json
// and regenerate, so SHA256SUMS matches again and plain enforce accepts it.
TEST_F(SignedProfile, EnforceRefusesAConsistentlyRegeneratedDirectory) {
  std::string json = test::read_file(prof_ + "/profile.json");
  auto at = json.find("\"name\": \"");
  ASSERT_NE(at, std::string::npos) << json;
  json.insert(at + 9, "x");
  test::write_file(prof_ + "/profile.json", json);
  auto g = test::run_profile({"generate", prof_});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  auto e = enforce_signed();
  EXPECT_EQ(e.exit_code, 125) << e.err;
  EXPECT_TRUE(has(e.err, prof_ + "/profile.json was changed after signing")) << e.err;
  EXPECT_FALSE(exists(marker_)) << "the workload ran";
  auto trust = enforce_signed({"PROFILE_CONTENT_TRUST=1", "PROFILE_TRUST_KEY=" + key_ + ".pub"}, false);
  EXPECT_EQ(trust.exit_code, 125) << trust.err;
  EXPECT_FALSE(exists(marker_)) << "the workload ran";
  // Without a signature required the regenerated directory is enforced.
  auto plain = test::enforce_with(prof_, workload());
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_TRUE(exists(marker_)) << plain.err;
}

TEST_F(SignedProfile, ContentTrustWithoutAKeyRefuses) {
  auto e = enforce_signed({"PROFILE_CONTENT_TRUST=1"}, false);
  EXPECT_EQ(e.exit_code, 125) << e.err;
  EXPECT_TRUE(has(e.err, "no public key is configured")) << e.err;
  EXPECT_FALSE(exists(marker_)) << "the workload ran";
  ASSERT_EQ(unlink((prof_ + "/SIGNATURE").c_str()), 0);
  e = enforce_signed();
  EXPECT_EQ(e.exit_code, 125) << e.err;
  EXPECT_TRUE(has(e.err, prof_ + " is not signed")) << e.err;
  EXPECT_FALSE(exists(marker_)) << "the workload ran";
}

TEST_F(SignedProfile, ASignatureRequiredNeedsAProfileDirectory) {
  std::vector<std::string> args = {"env", "PROFILE_CONTENT_TRUST=1", "PROFILE_TRUST_KEY=" + key_ + ".pub",
                                   PROFILE_BIN, "enforce", "--"};
  for (const auto& a : workload()) args.push_back(a);
  auto e = test::run(args, 120);
  EXPECT_EQ(e.exit_code, 125) << e.err;
  EXPECT_TRUE(has(e.err, "give a signed --profile DIR")) << e.err;
  EXPECT_FALSE(exists(marker_)) << "the workload ran under the unsigned default policy";
}

}  // namespace
}  // namespace profile

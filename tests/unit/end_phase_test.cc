// The pieces the end of a recording is made fast with: SHA-256 through
// OpenSSL, two-thread task lanes, and the batched temporary writes.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/file_io.h"
#include "core/libcrypto.h"
#include "core/parallel.h"
#include "core/sha256.h"
#include "profilegen/render.h"
#include "test_util.h"

namespace profile {
namespace {

TEST(Sha256, KnownDigests) {
  // FIPS 180-4 examples.
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(detail::sha256_hex_portable("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// OpenSSL's digest, asked for directly: sha256_hex falls back to the
// portable code when libcrypto cannot be opened, which a comparison of the
// two through sha256_hex alone would not notice.
std::string openssl_sha256(const libcrypto::Api& c, const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (c.EVP_Digest(data.data(), data.size(), md, &len, c.EVP_sha256(), nullptr) != 1 || len != 32) return "failed";
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

TEST(Sha256, OpenSslAgreesWithThePortableCodeOnEveryLengthAroundABlock) {
  auto c = libcrypto::api();
  ASSERT_TRUE(c) << c.error().message;
  std::mt19937 rng(7);
  std::string data;
  for (size_t n = 0; n < 300; ++n) {
    EXPECT_EQ(openssl_sha256(**c, data), detail::sha256_hex_portable(data)) << n << " bytes";
    EXPECT_EQ(sha256_hex(data), detail::sha256_hex_portable(data)) << n << " bytes";
    data.push_back(static_cast<char>(rng()));
  }
  std::string big(3 * 1024 * 1024 + 17, '\0');
  for (auto& c : big) c = static_cast<char>(rng());
  EXPECT_EQ(openssl_sha256(**c, big), detail::sha256_hex_portable(big));
  EXPECT_EQ(sha256_hex(big), detail::sha256_hex_portable(big));
}

TEST(TwoLanes, RunsEveryTaskOnce) {
  for (size_t n : {0, 1, 2, 5, 100}) {
    std::vector<std::atomic<int>> runs(n);
    run_two_lanes(n, [&](size_t i) { runs[i].fetch_add(1); });
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(runs[i].load(), 1) << i << " of " << n;
  }
}

TEST(TwoLanes, ResultsLandInTheirOwnSlots) {
  std::vector<std::string> out(50);
  run_two_lanes(out.size(), [&](size_t i) { out[i] = std::string(i, 'x') + std::to_string(i); });
  for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i], std::string(i, 'x') + std::to_string(i));
}

TEST(TwoLanes, AnExceptionReachesTheCaller) {
  std::atomic<int> done{0};
  EXPECT_THROW(run_two_lanes(10,
                             [&](size_t i) {
                               if (i == 3) throw std::runtime_error("task 3");
                               done.fetch_add(1);
                             }),
               std::runtime_error);
  EXPECT_LE(done.load(), 9);
}

TEST(WriteTemporaries, WritesEveryFileUnderItsTemporaryName) {
  test::TempDir d;
  std::string a = "first\n", b(200000, 'b'), empty;
  auto pending = write_temporaries({{d / "a", &a}, {d / "b", &b}, {d / "e", &empty}});
  ASSERT_TRUE(pending) << pending.error().message;
  ASSERT_EQ(pending->size(), 3u);
  EXPECT_EQ((*pending)[0].path, d / "a");
  EXPECT_EQ((*pending)[1].path, d / "b");
  struct stat st;
  EXPECT_NE(stat((d / "a").c_str(), &st), 0);  // nothing renamed yet
  for (const auto& f : *pending) ASSERT_TRUE(commit_temporary(f));
  EXPECT_EQ(test::read_file(d / "a"), a);
  EXPECT_EQ(test::read_file(d / "b"), b);
  EXPECT_EQ(test::read_file(d / "e"), "");
}

TEST(WriteTemporaries, AFailureLeavesNoTemporaryBehind) {
  test::TempDir d;
  std::string a = "a", b = "b";
  auto pending = write_temporaries({{d / "a", &a}, {d / "missing/b", &b}});
  ASSERT_FALSE(pending);
  EXPECT_NE(pending.error().message.find("missing/b.tmp."), std::string::npos) << pending.error().message;
  EXPECT_NE(access((d / ("a.tmp." + std::to_string(getpid()))).c_str(), F_OK), 0);
  EXPECT_NE(access((d / "a").c_str(), F_OK), 0);
}

TEST(RenderAll, TwoThreadsGiveTheFilesInRegistryOrder) {
  Profile p;
  p.name = "t";
  p.syscalls["x86_64"] = {"read", "write", "openat"};
  for (int i = 0; i < 500; ++i) p.files["/srv/data/f" + std::to_string(i)] = {"read"};
  auto files = render_all(p);
  ASSERT_TRUE(files) << files.error().message;
  ASSERT_EQ(files->size(), profile_dir_files().size());
  for (size_t i = 0; i < files->size(); ++i) {
    EXPECT_EQ((*files)[i].name, profile_dir_files()[i]);
    EXPECT_FALSE((*files)[i].content.empty() && (*files)[i].name != "caps.txt") << (*files)[i].name;
  }
  // The same text as each renderer alone.
  auto seccomp = render_seccomp(p);
  ASSERT_TRUE(seccomp);
  EXPECT_EQ((*files)[1].content, *seccomp);
  EXPECT_EQ((*files)[0].content, profile_to_json(p));
}

TEST(RenderAll, AnErrorNamesItsFile) {
  Profile p;
  p.name = "t";
  p.syscalls["x86_64"] = {"read"};
  p.files["/srv/f"] = {"no-such-access"};
  auto files = render_all(p);
  ASSERT_FALSE(files);
  EXPECT_NE(files.error().message.find("apparmor.profile"), std::string::npos) << files.error().message;
}

}  // namespace
}  // namespace profile

// core/: the pieces every layer shares.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <utility>

#include "core/error.h"
#include "core/file_io.h"
#include "core/names.h"
#include "core/unique_fd.h"
#include "test_util.h"

namespace profile {
namespace {

Result<int> half(int v) {
  if (v % 2 != 0) return make_error("odd " + std::to_string(v));
  return v / 2;
}

Result<int> quarter(int v) {
  PROFILE_TRY(h, half(v));
  PROFILE_TRY(q, half(h));
  return q;
}

Status both_even(int a, int b) {
  PROFILE_TRY(half(a));
  PROFILE_TRY(half(b));
  return {};
}

TEST(CoreError, TryBindsTheValueOrReturnsTheError) {
  auto q = quarter(12);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*q, 3);
  auto bad = quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "odd 3");
  EXPECT_TRUE(both_even(2, 4).ok());
  EXPECT_EQ(both_even(2, 5).error().message, "odd 5");
}

bool fd_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

TEST(CoreUniqueFd, MovesOwnershipAndClosesOnce) {
  UniqueFd a(open("/dev/null", O_RDONLY | O_CLOEXEC));
  int raw = a.get();
  ASSERT_GE(raw, 0);
  UniqueFd b(std::move(a));
  EXPECT_EQ(a.get(), -1);
  EXPECT_EQ(b.get(), raw);
  UniqueFd c;
  c = std::move(b);
  EXPECT_EQ(c.get(), raw);
  EXPECT_TRUE(fd_open(raw));
  c.reset();
  EXPECT_FALSE(fd_open(raw));
}

TEST(CoreNames, OneArchitectureTableForProfilesAndOci) {
  bool loong = false;
  for (const auto& a : oci_arches()) {
    if (std::string(a.lib) == "loongarch64") {
      loong = true;
      EXPECT_STREQ(a.go, "loong64");
      EXPECT_FALSE(a.in_profiles);
    }
    if (a.in_profiles) {
      auto oci = arch_to_oci(a.lib);
      ASSERT_TRUE(oci.ok()) << a.lib;
      EXPECT_EQ(*oci, a.oci);
      auto back = arch_from_oci(a.oci);
      ASSERT_TRUE(back.ok()) << a.oci;
      EXPECT_EQ(*back, a.lib);
    }
  }
  EXPECT_TRUE(loong);
  // OCI-only architectures stay unknown to profile.json.
  EXPECT_EQ(check_arch("loongarch64").error().message, "unknown architecture 'loongarch64'");
  EXPECT_FALSE(arch_to_oci("m68k").ok());
}

TEST(CoreNames, CapLastCapIsTheKernels) {
  std::ifstream f("/proc/sys/kernel/cap_last_cap");
  int n = -1;
  if (!(f >> n)) GTEST_SKIP() << "/proc/sys/kernel/cap_last_cap is not readable here";
  EXPECT_EQ(cap_last_cap(), n);
}

TEST(CoreFileIo, BoundedReadsAndSmallFiles) {
  test::TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir / "f", "0123456789").ok());
  auto all = read_text_file(dir / "f");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, "0123456789");
  auto capped = read_text_file(dir / "f", 9);
  ASSERT_FALSE(capped.ok());
  EXPECT_EQ(capped.error().message, "'" + (dir / "f") + "' is larger than 9 bytes");
  EXPECT_FALSE(read_text_file(dir.path()).ok());

  char buf[5];
  EXPECT_EQ(read_small_file((dir / "f").c_str(), buf, sizeof buf), 4);
  EXPECT_STREQ(buf, "0123");
  EXPECT_EQ(read_small_file((dir / "missing").c_str(), buf, sizeof buf), -1);
}

}  // namespace
}  // namespace profile

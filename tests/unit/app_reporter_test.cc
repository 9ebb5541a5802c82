// Library code sends notes to a Reporter from the caller instead of writing
// to stderr itself.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "cli/app/profile_dir.h"
#include "core/reporter.h"
#include "test_util.h"

namespace profile {
namespace {

TEST(AppReporter, LockWaitIsReportedNotPrinted) {
  test::TempDir dir;
  int held = open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(held, 0);
  ASSERT_EQ(flock(held, LOCK_EX), 0);

  std::mutex mu;
  std::vector<std::string> notes;
  std::atomic<bool> noted{false};
  Reporter r = [&](const std::string& line) {
    std::lock_guard<std::mutex> g(mu);
    notes.push_back(line);
    noted = true;
  };
  testing::internal::CaptureStderr();
  bool acquired = false;
  std::thread waiter([&] {
    auto lock = ProfileDirLock::acquire(dir.path(), false, r);
    acquired = lock.ok();
  });
  for (int i = 0; i < 500 && !noted; ++i) usleep(10000);
  close(held);  // releases the lock the waiter blocks on
  waiter.join();
  std::string printed = testing::internal::GetCapturedStderr();

  EXPECT_TRUE(acquired);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], "waiting for the lock on " + dir.path() + " held by another profile command");
  EXPECT_EQ(printed, "");
}

TEST(AppReporter, EmptyReporterDropsNotes) {
  Reporter none;
  testing::internal::CaptureStderr();
  report(none, "dropped");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

}  // namespace
}  // namespace profile

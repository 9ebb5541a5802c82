#include "core/parallel.h"

#include <atomic>
#include <exception>
#include <system_error>
#include <thread>

namespace profile {

void run_two_lanes(size_t n, const std::function<void(size_t)>& task) {
  if (n == 0) return;
  std::atomic<size_t> next{0};
  auto lane = [&] {
    for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) task(i);
  };
  std::exception_ptr failed;  // the other thread's exception, thrown here
  std::thread other;
  if (n > 1) {
    try {
      other = std::thread([&] {
        try {
          lane();
        } catch (...) {
          failed = std::current_exception();
        }
      });
    } catch (const std::system_error&) {
      // No thread: this one does everything.
    }
  }
  try {
    lane();
  } catch (...) {
    if (other.joinable()) other.join();
    throw;
  }
  if (other.joinable()) other.join();
  if (failed) std::rethrow_exception(failed);
}

}  // namespace profile

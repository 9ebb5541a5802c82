// A file descriptor closed when it goes out of scope; movable so a function
// can hand an owned descriptor to its caller.
#pragma once

#include <unistd.h>

namespace profile {

class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  int get() const { return fd_; }
  // Gives up ownership: the caller closes it.
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  // Closes the descriptor held, then holds `fd`.
  void reset(int fd = -1) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

}  // namespace profile

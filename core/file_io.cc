#include "core/file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/unique_fd.h"

namespace profile {

namespace {
std::string errstr(int e) { return strerror(e); }
}  // namespace

Result<std::string> read_text_file(const std::string& path, size_t max_bytes) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return make_error("cannot open '" + path + "': " + errstr(errno));
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return make_error("cannot stat '" + path + "': " + errstr(errno));
  if (S_ISDIR(st.st_mode)) return make_error("'" + path + "' is a directory");
  return read_fd_bounded(fd.get(), "'" + path + "'", max_bytes);
}

Result<std::string> read_fd_bounded(int fd, const std::string& shown, size_t max_bytes) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error("cannot read " + shown + ": " + errstr(errno));
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes)
      return make_error(shown + " is larger than " + std::to_string(max_bytes) + " bytes");
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

ssize_t read_small_file(const char* path, char* buf, size_t cap) noexcept {
  if (cap == 0) return -1;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t got = 0;
  while (got + 1 < cap) {
    ssize_t n = read(fd, buf + got, cap - 1 - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  close(fd);
  buf[got] = '\0';
  return static_cast<ssize_t>(got);
}

Result<std::vector<PendingFile>> write_temporaries(const std::vector<TemporaryContent>& files) {
  std::vector<PendingFile> done;
  std::vector<UniqueFd> fds;
  done.reserve(files.size());
  fds.reserve(files.size());
  auto fail = [&](const std::string& what, const std::string& tmp, int e) -> Error {
    fds.clear();
    for (const auto& f : done) unlink(f.tmp.c_str());
    return make_error(what + " '" + tmp + "': " + errstr(e));
  };
  for (const auto& file : files) {
    PendingFile f{file.path, file.path + ".tmp." + std::to_string(getpid())};
    UniqueFd fd(open(f.tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
    if (fd.get() < 0) return fail("cannot create", f.tmp, errno);
    done.push_back(f);
    const std::string& content = *file.content;
    size_t off = 0;
    while (off < content.size()) {
      ssize_t n = write(fd.get(), content.data() + off, content.size() - off);
      if (n < 0) {
        if (errno == EINTR) continue;
        return fail("cannot write", f.tmp, errno);
      }
      off += static_cast<size_t>(n);
    }
    // Only a hint (the fsync below is what counts): ignored where the file
    // system does not support it.
    if (!content.empty()) sync_file_range(fd.get(), 0, 0, SYNC_FILE_RANGE_WRITE);
    fds.push_back(std::move(fd));
  }
  for (size_t i = 0; i < fds.size(); ++i) {
    int fd = fds[i].release();
    int e = 0;
    if (fsync(fd) != 0) e = errno;
    if (close(fd) != 0 && e == 0) e = errno;
    if (e != 0) {
      for (size_t j = i + 1; j < fds.size(); ++j) close(fds[j].release());
      return fail("cannot write", done[i].tmp, e);
    }
  }
  return done;
}

Result<PendingFile> write_temporary(const std::string& path, const std::string& content) {
  PROFILE_TRY(done, write_temporaries({{path, &content}}));
  return std::move(done.front());
}

Status commit_temporary(const PendingFile& f) {
  if (rename(f.tmp.c_str(), f.path.c_str()) != 0) {
    int e = errno;
    unlink(f.tmp.c_str());
    return make_error("cannot rename '" + f.tmp + "' to '" + f.path + "': " + errstr(e));
  }
  return {};
}

Status write_file_atomic(const std::string& path, const std::string& content) {
  auto f = write_temporary(path, content);
  if (!f) return f.error();
  return commit_temporary(*f);
}

}  // namespace profile

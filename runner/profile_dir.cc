#include "runner/profile_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profilegen/render.h"
#include "tracer/unique_fd.h"

namespace profile {

namespace {
std::string errstr(int e) { return strerror(e); }


Status mkdir_p(const std::string& dir) {
  std::string cur;
  size_t i = 0;
  while (i <= dir.size()) {
    size_t j = dir.find('/', i);
    if (j == std::string::npos) j = dir.size();
    cur = dir.substr(0, j);
    if (!cur.empty() && mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST)
      return make_error("cannot create directory '" + cur + "': " + errstr(errno));
    i = j + 1;
  }
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return make_error("'" + dir + "' is not a directory");
  return {};
}
}  // namespace

Result<std::string> read_text_file(const std::string& path, size_t max_bytes) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return make_error("cannot open '" + path + "': " + errstr(errno));
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return make_error("cannot stat '" + path + "': " + errstr(errno));
  if (S_ISDIR(st.st_mode)) return make_error("'" + path + "' is a directory");
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd.get(), buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error("cannot read '" + path + "': " + errstr(errno));
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes)
      return make_error("'" + path + "' is larger than " + std::to_string(max_bytes) + " bytes");
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Status write_file_atomic(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  UniqueFd fd(open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (fd.get() < 0) return make_error("cannot create '" + tmp + "': " + errstr(errno));
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = write(fd.get(), content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      unlink(tmp.c_str());
      return make_error("cannot write '" + tmp + "': " + errstr(e));
    }
    off += static_cast<size_t>(n);
  }
  if (fsync(fd.get()) != 0 || close(fd.release()) != 0) {
    int e = errno;
    unlink(tmp.c_str());
    return make_error("cannot write '" + tmp + "': " + errstr(e));
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    unlink(tmp.c_str());
    return make_error("cannot rename '" + tmp + "' to '" + path + "': " + errstr(e));
  }
  return {};
}

Result<Profile> read_profile_dir(const std::string& dir) {
  std::string path = dir + "/profile.json";
  auto text = read_text_file(path);
  if (!text) return text.error();
  return profile_from_json(*text, path);
}

Status write_profile_dir(const std::string& dir, const Profile& p) {
  // Render everything first: a rendering error must not leave a directory
  // with some files new and some old.
  auto files = render_all(p);
  if (!files) return files.error();
  PROFILE_TRY(mkdir_p(dir));
  for (const auto& f : *files) PROFILE_TRY(write_file_atomic(dir + "/" + f.name, f.content));
  return {};
}

}  // namespace profile

#include "runner/secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

namespace profile {

Result<Secret> load_secret(const std::string& arg) {
  auto eq = arg.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
    return make_error("--secret '" + arg + "': expected NAME=FILE");
  Secret s;
  s.name = arg.substr(0, eq);
  std::string file = arg.substr(eq + 1);
  if (s.name == "." || s.name == ".." || s.name.size() > 128)
    return make_error("--secret: invalid name '" + s.name + "'");
  for (char c : s.name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-';
    if (!ok) return make_error("--secret: invalid name '" + s.name + "' (letters, digits, '.', '_', '-')");
  }
  int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return make_error("--secret " + s.name + ": cannot open '" + file + "': " + strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return make_error("--secret " + s.name + ": '" + file + "' is not a regular file");
  }
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      close(fd);
      return make_error("--secret " + s.name + ": reading '" + file + "': " + strerror(e));
    }
    if (n == 0) break;
    if (s.data.size() + static_cast<size_t>(n) > kMaxSecretBytes) {
      close(fd);
      return make_error("--secret " + s.name + ": '" + file + "' is larger than 1 MiB");
    }
    s.data.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return s;
}

}  // namespace profile

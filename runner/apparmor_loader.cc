#include "runner/apparmor_loader.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "core/file_io.h"

namespace profile {

bool kernel_has_apparmor() {
  std::ifstream f("/sys/module/apparmor/parameters/enabled");
  std::string v;
  return f && (f >> v) && v == "Y";
}

Status load_apparmor_profile(const std::string& file) {
  pid_t pid = fork();
  if (pid < 0) return make_error(std::string("fork: ") + strerror(errno));
  if (pid == 0) {
    const char* argv[] = {"apparmor_parser", "-r", file.c_str(), nullptr};
    execvp(argv[0], const_cast<char* const*>(argv));
    _exit(127);
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0) {
    if (errno != EINTR) return make_error(std::string("waitpid: ") + strerror(errno));
  }
  if (WIFEXITED(st) && WEXITSTATUS(st) == 127) return make_error("apparmor_parser not found (package apparmor)");
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    return make_error("apparmor_parser -r " + file + " failed (status " + std::to_string(WEXITSTATUS(st)) + ")");
  return {};
}

bool apparmor_profile_loaded(const std::string& name) {
  auto text = read_text_file("/sys/kernel/security/apparmor/profiles", 16 << 20);
  if (!text) return false;
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    // "NAME (enforce)"
    auto sp = line.rfind(" (");
    if (sp != std::string::npos && line.substr(0, sp) == name) return true;
  }
  return false;
}

std::string apparmor_exec_command(const std::string& name) { return "exec " + name; }

int apparmor_change_onexec(const char* cmd, size_t len) noexcept {
  // The per-LSM attribute first: with stacked LSMs the shared one may belong
  // to another module.
  int fd = open("/proc/thread-self/attr/apparmor/exec", O_WRONLY | O_CLOEXEC);
  if (fd < 0) fd = open("/proc/thread-self/attr/exec", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  ssize_t n;
  do {
    n = write(fd, cmd, len);
  } while (n < 0 && errno == EINTR);
  int e = n == static_cast<ssize_t>(len) ? 0 : (n < 0 ? errno : EIO);
  close(fd);
  return e;
}

}  // namespace profile

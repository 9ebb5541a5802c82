#include "cli/app/lint.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "core/file_io.h"
#include "profilegen/lint.h"
#include "runner/landlock.h"

namespace profile::app {

namespace {

enum class Kind { kProfileJson, kSeccomp, kLandlock, kCaps, kAppArmor };

std::string base_name(const std::string& p) {
  auto s = p.find_last_of('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

bool ends_with(const std::string& s, const std::string& suf) {
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

// By name first (the fixed names of a profile directory), then by content
// for a renamed seccomp or profile JSON file.
Result<Kind> kind_of(const std::string& path, const std::string& text) {
  std::string b = base_name(path);
  if (b == "profile.json") return Kind::kProfileJson;
  if (b == "seccomp.json") return Kind::kSeccomp;
  if (b == "landlock.json") return Kind::kLandlock;
  if (b == "caps.txt") return Kind::kCaps;
  if (b == "apparmor.profile" || ends_with(b, ".apparmor")) return Kind::kAppArmor;
  if (ends_with(b, ".json")) {
    if (text.find("\"defaultAction\"") != std::string::npos) return Kind::kSeccomp;
    if (text.find("\"handled_access_fs\"") != std::string::npos) return Kind::kLandlock;
    if (text.find("\"schema\"") != std::string::npos) return Kind::kProfileJson;
  }
  return make_error(quote_value(path) +
                    ": unknown format (profile.json, seccomp.json, landlock.json, caps.txt or apparmor.profile)");
}

std::string find_in_path(const char* prog) {
  const char* env = getenv("PATH");
  std::string path = env != nullptr ? env : "/usr/sbin:/usr/bin:/sbin:/bin";
  // apparmor_parser lives in sbin, which a CI user's PATH may lack.
  path += ":/usr/sbin:/sbin";
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find(':', i);
    if (j == std::string::npos) j = path.size();
    std::string cand = path.substr(i, j - i);
    if (!cand.empty()) {
      cand += "/";
      cand += prog;
      if (access(cand.c_str(), X_OK) == 0) return cand;
    }
    i = j + 1;
  }
  return "";
}

// Runs apparmor_parser -QK on `file`: parse and compile, load nothing.
// Returns its first line of complaint, or "" when it accepts the file.
Result<std::string> apparmor_parse(const std::string& parser, const std::string& file) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) return make_error(std::string("pipe: ") + strerror(errno));
  pid_t pid = fork();
  if (pid < 0) {
    close(pipefd[0]);
    close(pipefd[1]);
    return make_error(std::string("fork: ") + strerror(errno));
  }
  if (pid == 0) {
    dup2(pipefd[1], 1);
    dup2(pipefd[1], 2);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null >= 0) dup2(null, 0);
    const char* argv[] = {parser.c_str(), "-Q", "-K", file.c_str(), nullptr};
    execv(parser.c_str(), const_cast<char* const*>(argv));
    _exit(127);
  }
  close(pipefd[1]);
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(pipefd[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (out.size() < 65536) out.append(buf, static_cast<size_t>(n));
  }
  close(pipefd[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return std::string();
  std::string first = out.substr(0, out.find('\n'));
  if (first.empty()) first = "exit status " + std::to_string(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
  return "apparmor_parser refuses it: " + printable_message(first);
}

Status lint_file(const std::string& path, LintResult* r, const Reporter& reporter) {
  // A FIFO or a device under a profile's name must not hang or feed the lint.
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return make_error("cannot read " + quote_value(path) + ": " + strerror(errno));
  if (!S_ISREG(st.st_mode)) return make_error(quote_value(path) + " is not a regular file");
  PROFILE_TRY(text, read_text_file(path));
  PROFILE_TRY(kind, kind_of(path, text));
  std::vector<std::string> found;
  switch (kind) {
    case Kind::kProfileJson: found = lint_profile_json(text, path); break;
    case Kind::kSeccomp: found = lint_seccomp(text); break;
    case Kind::kCaps: found = lint_caps_txt(text); break;
    case Kind::kLandlock: {
      auto spec = parse_landlock_json(text, path);
      if (!spec) {
        std::string m = spec.error().message;
        if (m.compare(0, path.size(), path) == 0) m = m.substr(path.size());
        while (!m.empty() && (m[0] == ':' || m[0] == ' ')) m.erase(0, 1);
        found.push_back(m);
      }
      break;
    }
    case Kind::kAppArmor: {
      std::string parser = find_in_path("apparmor_parser");
      if (parser.empty()) {
        report(reporter, path + ": not checked: apparmor_parser is not installed");
        break;
      }
      PROFILE_TRY(complaint, apparmor_parse(parser, path));
      if (!complaint.empty()) found.push_back(complaint);
      break;
    }
  }
  for (const auto& f : found) r->findings.push_back(path + ": " + f);
  return {};
}

}  // namespace

Result<LintResult> lint(const LintRequest& req, const Reporter& reporter) {
  struct stat st;
  if (stat(req.path.c_str(), &st) != 0)
    return make_error("cannot read " + quote_value(req.path) + ": " + strerror(errno));
  LintResult r;
  if (!S_ISDIR(st.st_mode)) {
    PROFILE_TRY(lint_file(req.path, &r, reporter));
    return r;
  }
  bool any = false;
  for (const char* f : {"profile.json", "seccomp.json", "apparmor.profile", "landlock.json", "caps.txt"}) {
    std::string p = req.path + "/" + f;
    if (stat(p.c_str(), &st) != 0) continue;
    any = true;
    PROFILE_TRY(lint_file(p, &r, reporter));
  }
  if (!any)
    return make_error(quote_value(req.path) +
                      " is not a profile directory (none of profile.json, seccomp.json, apparmor.profile, "
                      "landlock.json, caps.txt)");
  return r;
}

}  // namespace profile::app

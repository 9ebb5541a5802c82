#include "runner/supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "runner/apparmor_loader.h"
#include "runner/caps.h"

extern char** environ;

namespace profile {

namespace {

// What the child reports through the sync pipe when a setup step fails.
struct ChildReport {
  int32_t err;
  char step[60];
};

volatile pid_t g_child = -1;
volatile int g_stop = 0;

void forward_signal(int sig) {
  if (sig == SIGINT || sig == SIGTERM) g_stop = 1;
  if (g_child > 0) kill(g_child, sig);
}

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

class SignalForwarder {
 public:
  SignalForwarder() {
    struct sigaction sa {};
    sa.sa_handler = forward_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: waitpid must see EINTR
    for (size_t i = 0; i < std::size(kForwarded); ++i) sigaction(kForwarded[i], &sa, &old_[i]);
  }
  ~SignalForwarder() {
    for (size_t i = 0; i < std::size(kForwarded); ++i) sigaction(kForwarded[i], &old_[i], nullptr);
    g_child = -1;
  }

 private:
  struct sigaction old_[std::size(kForwarded)];
};

[[noreturn]] void child_fail(int fd, const char* step, int err) {
  ChildReport r{};
  r.err = err;
  size_t n = strlen(step);
  if (n >= sizeof(r.step)) n = sizeof(r.step) - 1;
  memcpy(r.step, step, n);
  ssize_t w = write(fd, &r, sizeof(r));
  (void)w;
  _exit(125);
}

// execvp without allocation: argv0 with '/' is used as is, else each PATH
// entry is tried. Returns the most telling errno.
int exec_search(const char* file, char* const argv[], const char* path_env) {
  if (strchr(file, '/') != nullptr) {
    execve(file, argv, environ);
    return errno;
  }
  if (path_env == nullptr) path_env = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin";
  char buf[4096];
  size_t flen = strlen(file);
  int best = ENOENT;
  const char* p = path_env;
  for (int guard = 0; guard < 1024; ++guard) {
    const char* end = strchr(p, ':');
    size_t dlen = end ? static_cast<size_t>(end - p) : strlen(p);
    if (dlen == 0) {
      dlen = 1;
      p = ".";
    }
    if (dlen + 1 + flen + 1 <= sizeof(buf)) {
      memcpy(buf, p, dlen);
      buf[dlen] = '/';
      memcpy(buf + dlen + 1, file, flen + 1);
      execve(buf, argv, environ);
      if (errno == EACCES || errno == ENOEXEC || errno == EPERM) best = errno;
    }
    if (end == nullptr) break;
    p = end + 1;
  }
  return best;
}

}  // namespace

int exit_code_from_wait_status(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return 125;
}

Result<RunOutcome> run_workload(const RunSpec& spec, Tracer* tracer, Observations* obs) {
  if (spec.argv.empty()) return make_error("no command given");
  auto caps = plan_caps(spec.caps);
  if (!caps) return caps.error();

  // Everything the child needs is prepared here: it must not allocate.
  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const char* path_env = getenv("PATH");

  int go[2], report[2];
  if (pipe2(go, O_CLOEXEC) != 0) return make_error(std::string("pipe: ") + strerror(errno));
  if (pipe2(report, O_CLOEXEC) != 0) {
    close(go[0]);
    close(go[1]);
    return make_error(std::string("pipe: ") + strerror(errno));
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(go[0]);
    close(go[1]);
    close(report[0]);
    close(report[1]);
    return make_error(std::string("fork: ") + strerror(e));
  }
  if (pid == 0) {
    close(go[1]);
    close(report[0]);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) child_fail(report[1], "set parent-death signal", errno);
    if (getppid() != parent) _exit(125);
    char c;
    ssize_t n;
    do {
      n = read(go[0], &c, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) _exit(125);  // the supervisor gave up on us
    close(go[0]);
    // Default dispositions: the workload must not inherit our ignored signals.
    for (int s : kForwarded) signal(s, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    const char* step = "";
    int err = apply_caps(*caps, &step);
    if (err != 0) child_fail(report[1], step, err);
    // --- file policy: AppArmor exec switch, then Landlock (before seccomp) ---
    if (!spec.apparmor_exec.empty()) {
      err = apparmor_change_onexec(spec.apparmor_exec.data(), spec.apparmor_exec.size());
      if (err != 0) child_fail(report[1], "apparmor: set exec profile", err);
    }
    if (spec.landlock) {
      err = apply_landlock(*spec.landlock, &step);
      if (err != 0) child_fail(report[1], step, err);
    }
    // --- end file policy ---
    if (spec.seccomp) {
      err = install_seccomp(*spec.seccomp);
      if (err != 0) child_fail(report[1], "install seccomp filter", err);
    }
    err = exec_search(argv[0], argv.data(), path_env);
    child_fail(report[1], err == ENOENT ? "exec: not found" : "exec", err);
  }
  close(go[0]);
  close(report[1]);
  g_child = pid;
  g_stop = 0;
  SignalForwarder forwarder;

  auto abort_child = [&](const Error& e) -> Error {
    kill(pid, SIGKILL);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    close(go[1]);
    close(report[0]);
    return e;
  };

  if (tracer) {
    auto a = tracer->attach(pid);
    if (!a) return abort_child(a.error());
  }
  if (write(go[1], "g", 1) != 1) return abort_child(make_error(std::string("release child: ") + strerror(errno)));
  close(go[1]);

  int status = 0;
  if (tracer) {
    Observations scratch;
    auto r = tracer->run(pid, obs ? *obs : scratch, &g_stop);
    if (!r) {
      kill(pid, SIGKILL);
      close(report[0]);
      return r.error();
    }
    status = *r;
  } else {
    for (;;) {
      pid_t w = waitpid(pid, &status, 0);
      if (w == pid) break;
      if (w < 0 && errno != EINTR) {
        int e = errno;
        close(report[0]);
        return make_error(std::string("waitpid: ") + strerror(e));
      }
    }
  }

  ChildReport rep{};
  ssize_t n;
  do {
    n = read(report[0], &rep, sizeof(rep));
  } while (n < 0 && errno == EINTR);
  close(report[0]);
  if (n == static_cast<ssize_t>(sizeof(rep))) {
    rep.step[sizeof(rep.step) - 1] = '\0';
    std::string step(rep.step);
    int code = 125;
    std::string msg;
    if (step.rfind("exec", 0) == 0) {
      code = rep.err == ENOENT ? 127 : 126;
      msg = spec.argv[0] + ": " + (rep.err == ENOENT ? "command not found" : strerror(rep.err));
    } else {
      msg = "workload setup failed at step '" + step + "': " + strerror(rep.err);
    }
    return make_error(msg, code);
  }
  RunOutcome out;
  out.wait_status = status;
  out.exit_code = exit_code_from_wait_status(status);
  return out;
}

}  // namespace profile

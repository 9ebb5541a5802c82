#include "runner/init.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <string.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace profile {

namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

volatile sig_atomic_t g_workload = 0;
volatile sig_atomic_t g_pending = 0;  // bit N: signal N arrived before the fork

void forward(int sig, siginfo_t* info, void*) {
  pid_t p = g_workload;
  if (p > 0) {
    // The terminal's signals reach the whole foreground process group,
    // the workload too while it shares ours: do not deliver them twice.
    if (info != nullptr && info->si_code == SI_KERNEL && getpgid(p) == getpgrp()) return;
    kill(p, sig);
  } else {
    g_pending = g_pending | (1 << sig);
  }
}

}  // namespace

std::pair<char*, size_t> own_argument_area() {
  std::ifstream f("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  // Fields after the command name, which may itself hold spaces and ')'.
  auto close = stat.rfind(')');
  if (close == std::string::npos) return {nullptr, 0};
  std::istringstream in(stat.substr(close + 2));
  std::string field;
  unsigned long long arg_start = 0, arg_end = 0;
  // Field 3 is the first after ')'; arg_start and arg_end are fields 48, 49.
  for (int n = 3; n <= 49 && in >> field; ++n) {
    if (n == 48) arg_start = std::strtoull(field.c_str(), nullptr, 10);
    if (n == 49) arg_end = std::strtoull(field.c_str(), nullptr, 10);
  }
  if (arg_start == 0 || arg_end <= arg_start || arg_end - arg_start > (1u << 20)) return {nullptr, 0};
  return {reinterpret_cast<char*>(arg_start), static_cast<size_t>(arg_end - arg_start)};
}

int run_init(WorkloadMain workload, const void* ctx, int report_fd, char* args, size_t args_len) noexcept {
  // As PID 1 this process ignores every signal it has no handler for, so
  // forwarding needs real handlers.
  struct sigaction sa {};
  sa.sa_sigaction = forward;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART | SA_SIGINFO;
  for (int s : kForwarded) sigaction(s, &sa, nullptr);

  // A raw clone: glibc's fork() would run atfork handlers and take locks
  // that another thread of the supervisor may have held at clone time.
  long pid = syscall(SYS_clone, SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (pid < 0) return errno;
  if (pid == 0) {
    workload(ctx);
    _exit(125);
  }
  g_workload = static_cast<pid_t>(pid);
  for (int s : kForwarded)
    if (g_pending & (1 << s)) kill(static_cast<pid_t>(pid), s);
  close(report_fd);
  prctl(PR_SET_NAME, "profile-init", 0, 0, 0);
  static const char kTitle[] = "profile-init";
  if (args != nullptr && args_len >= sizeof kTitle) {
    memset(args, 0, args_len);
    memcpy(args, kTitle, sizeof kTitle);
  }

  for (;;) {
    int st = 0;
    pid_t w = waitpid(-1, &st, 0);
    if (w == pid) {
      if (WIFEXITED(st)) _exit(WEXITSTATUS(st));
      if (WIFSIGNALED(st)) _exit(128 + WTERMSIG(st));
      continue;
    }
    if (w < 0 && errno == ECHILD) _exit(125);
  }
}

}  // namespace profile

#include "runner/init.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace profile {

namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

volatile sig_atomic_t g_workload = 0;
volatile sig_atomic_t g_pending = 0;  // bit N: signal N arrived before the fork

void forward(int sig) {
  pid_t p = g_workload;
  if (p > 0)
    kill(p, sig);
  else
    g_pending = g_pending | (1 << sig);
}

}  // namespace

int run_init(WorkloadMain workload, const void* ctx, int report_fd) noexcept {
  // As PID 1 this process ignores every signal it has no handler for, so
  // forwarding needs real handlers.
  struct sigaction sa {};
  sa.sa_handler = forward;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
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

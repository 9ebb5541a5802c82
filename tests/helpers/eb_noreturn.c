/* Syscalls that do not come back the usual way, for the recorders' tests:
 *   (default)  a signal handler returns (rt_sigreturn); a thread leaves
 *              through exit; a child blocked in pause is killed with
 *              SIGKILL; the process leaves through exit_group
 *   int80      leaves through the IA-32 exit_group (int $0x80, 252) */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_usr1(int sig) { handled = sig; }

static void* thread_main(void* arg) {
  (void)arg;
  syscall(SYS_exit, 0); /* this thread only, never returns */
  return NULL;
}

/* 1 once the child sits in pause (34), read from /proc/PID/syscall. */
static int in_pause(pid_t pid) {
  char path[64], buf[64] = {0};
  snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
  FILE* f = fopen(path, "r");
  if (!f) return 0;
  size_t n = fread(buf, 1, sizeof(buf) - 1, f);
  fclose(f);
  buf[n] = 0;
  return strncmp(buf, "34 ", 3) == 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "int80") == 0) {
    __asm__ volatile("int $0x80" : : "a"(252L), "b"(0L) : "memory");
    return 1; /* not reached */
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_usr1;
  if (sigaction(SIGUSR1, &sa, NULL) != 0 || raise(SIGUSR1) != 0 || handled != SIGUSR1) return 1;

  pthread_t t;
  if (pthread_create(&t, NULL, thread_main, NULL) != 0 || pthread_join(t, NULL) != 0) return 1;

  pid_t child = fork();
  if (child < 0) return 1;
  if (child == 0) {
    syscall(SYS_pause);
    _exit(3);
  }
  struct timespec tick = {0, 2000000};
  /* At least one sleep, so that both recorders see the same calls however
   * fast the child gets there. */
  for (int i = 0; i < 2500; i++) {
    nanosleep(&tick, NULL);
    if (in_pause(child)) break;
  }
  kill(child, SIGKILL);
  int st = 0;
  if (waitpid(child, &st, 0) != child || !WIFSIGNALED(st)) return 1;
  exit(0);
}

// Process-tree shapes for the recorders:
//   forker fork       3 children (one with a grandchild) call getppid(), which
//                     the parent never calls
//   forker vfork      vfork + execve("/bin/true")
//   forker oneshot    a raw clone() child whose only syscall is exit(5); the
//                     parent exits with the child's status
//   forker killchild  a child blocked in pause() is SIGKILLed, then the parent
//                     carries on (getppid) and prints "survived"
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int wait_all(void) {
  int st, worst = 0;
  while (wait(&st) > 0)
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) worst = 1;
  return worst;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "fork";
  if (strcmp(mode, "fork") == 0) {
    for (int i = 0; i < 3; ++i) {
      pid_t p = fork();
      if (p < 0) return 2;
      if (p == 0) {
        if (i == 0) {
          pid_t g = fork();
          if (g == 0) _exit(getppid() > 0 ? 0 : 1);
          if (g < 0) _exit(2);
          int st;
          waitpid(g, &st, 0);
          if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) _exit(1);
        }
        _exit(getppid() > 0 ? 0 : 1);
      }
    }
    int r = wait_all();
    printf("forked %s\n", r == 0 ? "ok" : "failed");
    return r;
  }
  if (strcmp(mode, "vfork") == 0) {
    pid_t p = vfork();
    if (p == 0) {
      char* const av[] = {"true", NULL};
      execve("/bin/true", av, NULL);
      _exit(127);
    }
    if (p < 0) return 2;
    int st;
    if (waitpid(p, &st, 0) != p) return 2;
    printf("vfork child status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    return 0;
  }
  if (strcmp(mode, "oneshot") == 0) {
    fflush(stdout);
    long p = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (p == 0) syscall(SYS_exit, 5);
    if (p < 0) return 2;
    int st;
    if (waitpid((pid_t)p, &st, 0) != p) return 2;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 3;
  }
  if (strcmp(mode, "killchild") == 0) {
    pid_t p = fork();
    if (p == 0) {
      for (;;) pause();
    }
    if (p < 0) return 2;
    usleep(50 * 1000);
    kill(p, SIGKILL);
    int st;
    if (waitpid(p, &st, 0) != p) return 2;
    if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL) return 3;
    if (getppid() <= 0) return 4;
    printf("survived\n");
    return 0;
  }
  fprintf(stderr, "forker: unknown mode '%s'\n", mode);
  return 2;
}

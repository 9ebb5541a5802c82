/* Process-tree shapes for the eBPF recorder tests; each mode makes one
 * distinctive syscall in the place the recorder must follow:
 *   threads      4 threads call getcpu, then meet the main thread at a
 *                barrier (so futex is always called, however fast they run)
 *   fork         a forked child calls sysinfo; a raw-clone child lives for
 *                exactly one syscall (exit)
 *   exec N       re-execs itself N times, then calls times and execs /bin/true */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_barrier_t barrier;

static void* thread_main(void* arg) {
  (void)arg;
  unsigned cpu = 0, node = 0;
  syscall(SYS_getcpu, &cpu, &node, NULL);
  pthread_barrier_wait(&barrier);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: eb_tree threads|fork|exec N\n");
    return 2;
  }
  if (strcmp(argv[1], "threads") == 0) {
    pthread_t t[4];
    if (pthread_barrier_init(&barrier, NULL, 5) != 0) return 1;
    for (int i = 0; i < 4; i++)
      if (pthread_create(&t[i], NULL, thread_main, NULL) != 0) return 1;
    pthread_barrier_wait(&barrier);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    return 0;
  }
  if (strcmp(argv[1], "fork") == 0) {
    pid_t a = fork();
    if (a < 0) return 1;
    if (a == 0) {
      char buf[256];
      syscall(SYS_sysinfo, buf);
      _exit(0);
    }
    /* No CLONE_VM: the child continues on a copy of this stack and makes a
     * single syscall, so only a recorder that follows it from birth sees it. */
    long b = syscall(SYS_clone, (unsigned long)SIGCHLD, NULL, NULL, NULL, NULL);
    if (b < 0) return 1;
    if (b == 0) syscall(SYS_exit, 0);
    int st;
    waitpid(a, &st, 0);
    waitpid((pid_t)b, &st, 0);
    return 0;
  }
  if (strcmp(argv[1], "exec") == 0 && argc >= 3) {
    int n = atoi(argv[2]);
    if (n > 0 && n < 100) {
      char next[16];
      snprintf(next, sizeof next, "%d", n - 1);
      execl("/proc/self/exe", argv[0], "exec", next, (char*)NULL);
      return 1;
    }
    struct { long a, b, c, d; } tms;
    syscall(SYS_times, &tms);
    execl("/bin/true", "true", (char*)NULL);
    return 1;
  }
  fprintf(stderr, "eb_tree: unknown mode '%s'\n", argv[1]);
  return 2;
}

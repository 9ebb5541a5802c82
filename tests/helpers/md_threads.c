/* md_threads: eight threads, released at once, each make one distinct
 * syscall that a profile recorded from `md_threads base` does not have,
 * and print "done". With "base" no thread makes its call. Raw syscalls, so
 * libc cannot substitute others. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static pthread_barrier_t barrier;
static int base;

static void *worker(void *arg) {
  long i = (long)arg;
  char buf[512];
  pthread_barrier_wait(&barrier);
  if (base) return NULL;
  switch (i) {
    case 0: syscall(SYS_sysinfo, buf); break;
    case 1: syscall(SYS_times, buf); break;
    case 2: syscall(SYS_getpriority, PRIO_PROCESS, 0); break;
    case 3: syscall(SYS_getrusage, RUSAGE_SELF, buf); break;
    case 4: syscall(SYS_uname, buf); break;
    case 5: syscall(SYS_getsid, 0); break;
    case 6: syscall(SYS_getpgid, 0); break;
    case 7: syscall(SYS_sched_getscheduler, 0); break;
  }
  return NULL;
}

int main(int argc, char **argv) {
  base = argc > 1 && strcmp(argv[1], "base") == 0;
  pthread_t t[8];
  pthread_barrier_init(&barrier, NULL, 8);
  for (long i = 0; i < 8; ++i) pthread_create(&t[i], NULL, worker, (void *)i);
  for (int i = 0; i < 8; ++i) pthread_join(t[i], NULL);
  printf("done\n");
  return 0;
}

/* ar_args OP...: makes each call OP names, in order, and prints one line
 * per OP: "OP ok" or "OP errno=N (ENAME)". Always exits 0 once the OPs ran
 * (usage errors exit 2), so one run can show what was allowed and what not.
 *
 *   socket:FAMILY:TYPE      socket(FAMILY, TYPE, 0), closed again
 *   clone:FLAGS             clone(FLAGS|SIGCHLD): the child exits 0 at once
 *   clone3:FLAGS            clone3 with those flags and SIGCHLD
 *   unshare:FLAGS           unshare(FLAGS)
 *   personality:PERSONA     personality(PERSONA)
 *   prctl:OPTION            prctl(OPTION, 0, 0, 0, 0)
 *   mmap:PROT               an anonymous private page with that protection, unmapped again
 *   ioctl:REQUEST           ioctl(0, REQUEST, &int): the call is made whatever fd 0 is
 *   thread                  pthread_create + join (glibc: clone3, else clone)
 *
 * Numbers are strtoull base 0 (0x hex). Calls go through syscall(2), except
 * `thread`, so libc substitutes nothing. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned long long num(const char *s) {
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 0);
  if (errno != 0 || end == s || *end != '\0') {
    fprintf(stderr, "ar_args: not a number: %s\n", s);
    exit(2);
  }
  return v;
}

static void *thread_main(void *arg) { return arg; }

/* A child made by raw clone shares nothing that needs cleaning up: it
 * leaves at once without running libc's exit handlers. */
static long reap(long pid) {
  if (pid == 0) syscall(SYS_exit_group, 0);
  if (pid > 0) waitpid((pid_t)pid, NULL, __WALL);
  return pid;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: ar_args OP...\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  for (int i = 1; i < argc; ++i) {
    char op[64];
    snprintf(op, sizeof(op), "%s", argv[i]);
    char *a = strchr(op, ':');
    char *b = a ? strchr(a + 1, ':') : NULL;
    if (a) *a++ = '\0';
    if (b) *b++ = '\0';
    long r;
    int err = 0;
    if (strcmp(op, "socket") == 0 && a && b) {
      r = syscall(SYS_socket, (int)num(a), (int)num(b), 0);
      if (r >= 0) close((int)r);
    } else if (strcmp(op, "clone") == 0 && a) {
      r = reap(syscall(SYS_clone, (unsigned long)num(a) | SIGCHLD, 0, 0, 0, 0));
    } else if (strcmp(op, "clone3") == 0 && a) {
      struct clone_args ca;
      memset(&ca, 0, sizeof(ca));
      ca.flags = num(a);
      ca.exit_signal = SIGCHLD;
      r = reap(syscall(SYS_clone3, &ca, sizeof(ca)));
    } else if (strcmp(op, "unshare") == 0 && a) {
      r = syscall(SYS_unshare, (unsigned long)num(a));
    } else if (strcmp(op, "personality") == 0 && a) {
      r = syscall(SYS_personality, (unsigned long)num(a));
    } else if (strcmp(op, "prctl") == 0 && a) {
      r = syscall(SYS_prctl, (int)num(a), 0UL, 0UL, 0UL, 0UL);
    } else if (strcmp(op, "mmap") == 0 && a) {
      r = syscall(SYS_mmap, 0UL, 4096UL, (unsigned long)num(a), (unsigned long)(MAP_PRIVATE | MAP_ANONYMOUS), -1L, 0UL);
      if (r != -1) munmap((void *)r, 4096);
      if (r != -1) r = 0;
    } else if (strcmp(op, "ioctl") == 0 && a) {
      int out = 0;
      r = syscall(SYS_ioctl, 0, (unsigned long)num(a), &out);
    } else if (strcmp(op, "thread") == 0) {
      pthread_t t;
      err = pthread_create(&t, NULL, thread_main, NULL);
      if (err == 0) pthread_join(t, NULL);
      r = err ? -1 : 0;
    } else {
      fprintf(stderr, "ar_args: unknown op %s\n", argv[i]);
      return 2;
    }
    if (r == -1) {
      if (!err) err = errno;
      const char *name = strerrorname_np(err);
      printf("%s errno=%d (%s)\n", argv[i], err, name ? name : "?");
    } else {
      printf("%s ok\n", argv[i]);
    }
  }
  return 0;
}

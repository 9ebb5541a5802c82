// execve from a non-leader thread: the kernel gives the exec'ing thread the
// leader's tid. The new image (this program with "after") makes a call the
// first image never makes (getpgrp) and prints a line.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char self[4096];

static void* thread_main(void* arg) {
  (void)arg;
  char* const av[] = {self, "after", NULL};
  execv(self, av);
  perror("execv");
  _exit(126);
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "after") == 0) {
    /* 0 is a valid answer in a PID namespace whose process group lies outside. */
    if (syscall(SYS_getpgrp) < 0) return 3;
    printf("exec from thread ok\n");
    return 0;
  }
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return 2;
  self[n] = '\0';
  pthread_t t;
  if (pthread_create(&t, NULL, thread_main, NULL) != 0) return 2;
  for (;;) pause();  // the exec ends this image
}

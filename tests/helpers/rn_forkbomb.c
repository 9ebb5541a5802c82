// Forks children (which wait on a pipe) until fork fails or argv[1] (default
// 1000) children exist. Prints "forked N errno E" and releases the children.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  long cap = argc > 1 ? atol(argv[1]) : 1000;
  if (cap <= 0 || cap > 100000) cap = 1000;
  int p[2];
  if (pipe(p) != 0) return 2;
  long n = 0;
  int err = 0;
  while (n < cap) {
    pid_t pid = fork();
    if (pid < 0) {
      err = errno;
      break;
    }
    if (pid == 0) {
      char c;
      close(p[1]);
      while (read(p[0], &c, 1) < 0 && errno == EINTR) {
      }
      _exit(0);
    }
    ++n;
  }
  close(p[1]);
  while (wait(NULL) > 0) {
  }
  printf("forked %ld errno %d\n", n, err);
  return err == EAGAIN ? 0 : 1;
}

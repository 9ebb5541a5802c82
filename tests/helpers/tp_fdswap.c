// A workload racing its own recorder over a descriptor number:
//   tp_fdswap DIR ITERATIONS
// The main thread opens DIR/own for writing, again and again, at one
// descriptor number, while a second thread keeps putting a read-only
// descriptor of DIR/secret at that same number (dup2). A recorder that looks
// the number up after the open returned may find the secret there and pair
// it with the open's write access. Exits 0.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_int stop;
static int ro_fd, target_fd;

static void* swapper(void* arg) {
  (void)arg;
  while (!atomic_load(&stop)) dup2(ro_fd, target_fd);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: tp_fdswap DIR ITERATIONS\n");
    return 2;
  }
  char own[4096], secret[4096];
  snprintf(own, sizeof own, "%s/own", argv[1]);
  snprintf(secret, sizeof secret, "%s/secret", argv[1]);
  int iterations = atoi(argv[2]);
  ro_fd = open(secret, O_RDONLY | O_CLOEXEC);
  if (ro_fd < 0) {
    perror("tp_fdswap: secret");
    return 1;
  }
  target_fd = ro_fd + 1;
  pthread_t t;
  if (pthread_create(&t, NULL, swapper, NULL) != 0) return 1;
  for (int i = 0; i < iterations; ++i) {
    close(target_fd);
    int fd = open(own, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0 && fd != target_fd) close(fd);
  }
  atomic_store(&stop, 1);
  pthread_join(t, NULL);
  return 0;
}

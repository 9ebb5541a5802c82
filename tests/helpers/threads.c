// Starts worker threads (pthread_create: clone3 or clone) that each make a
// call the main thread never makes (sched_yield), then joins them.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

static void* worker(void* arg) {
  (void)arg;
  sched_yield();
  return NULL;
}

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 4;
  if (n < 1 || n > 64) n = 4;
  pthread_t t[64];
  for (int i = 0; i < n; ++i)
    if (pthread_create(&t[i], NULL, worker, NULL) != 0) return 2;
  for (int i = 0; i < n; ++i) pthread_join(t[i], NULL);
  printf("threads %d\n", n);
  return 0;
}

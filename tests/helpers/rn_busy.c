// Spins for argv[1] milliseconds of wall-clock time (default 1000) and
// prints how many loop iterations it completed: under a CPU quota the count
// drops in proportion. With argv[2] "cpu" it spins for that much CPU time
// instead, so that a loaded host cannot shrink what it uses.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static clockid_t clock_id = CLOCK_MONOTONIC;

static double now(void) {
  struct timespec ts;
  clock_gettime(clock_id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  long ms = argc > 1 ? atol(argv[1]) : 1000;
  if (ms <= 0 || ms > 600000) ms = 1000;
  if (argc > 2 && strcmp(argv[2], "cpu") == 0) clock_id = CLOCK_PROCESS_CPUTIME_ID;
  double end = now() + (double)ms / 1000.0;
  volatile unsigned long long x = 0;
  unsigned long long iters = 0;
  while (now() < end) {
    for (int i = 0; i < 10000; ++i) x = x + (unsigned long long)i;
    ++iters;
  }
  printf("%llu\n", iters);
  return 0;
}

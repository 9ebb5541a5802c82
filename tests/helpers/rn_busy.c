// Spins for argv[1] milliseconds of wall-clock time (default 1000) and
// prints how many loop iterations it completed: under a CPU quota the count
// drops in proportion.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  long ms = argc > 1 ? atol(argv[1]) : 1000;
  if (ms <= 0 || ms > 600000) ms = 1000;
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

// Allocates and touches memory 1 MiB at a time, up to argv[1] MiB (default
// 1024), printing nothing: under a memory limit it is OOM-killed; without
// one it exits 0.
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  long max_mib = argc > 1 ? atol(argv[1]) : 1024;
  if (max_mib <= 0 || max_mib > 65536) max_mib = 1024;
  for (long i = 0; i < max_mib; ++i) {
    char* p = malloc(1 << 20);
    if (p == NULL) return 3;
    memset(p, (int)(i & 0xff) | 1, 1 << 20);
  }
  return 0;
}

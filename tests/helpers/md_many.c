/* md_many N: makes N distinct syscalls that no architecture has (numbers
 * 1000 to 1000+N-1), each once, and prints "done". With N = 0 it only
 * prints: what a profile is recorded from. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 0;
  for (long i = 0; i < n; i++) syscall(1000 + i);
  printf("done\n");
  return 0;
}

/* Opens MARKER (argv[1]), makes one distinctive syscall chosen by argv[2]
 * ("times" or "sysinfo"), then sleeps argv[3] ms so two recordings overlap. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: eb_marker FILE times|sysinfo MS\n");
    return 2;
  }
  int fd = open(argv[1], O_CREAT | O_WRONLY, 0600);
  if (fd < 0) return 1;
  close(fd);
  char buf[256];
  if (strcmp(argv[2], "times") == 0)
    syscall(SYS_times, buf);
  else
    syscall(SYS_sysinfo, buf);
  long ms = atol(argv[3]);
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
  return 0;
}

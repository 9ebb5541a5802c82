/* md_violate base | md_violate all FILE PORT | md_violate chown FILE | md_violate comm
 *
 * base: prints "base" and exits 0; what a profile is recorded from.
 * all: does, after what base does, three things base never does, each
 * printed as "NAME ok" or "NAME errno=N":
 *   sysinfo       one unrecorded syscall (raw, so libc cannot substitute)
 *   read FILE     reads one file base never opens
 *   bind PORT     a TCP socket bound to 127.0.0.1:PORT
 * chown FILE: gives FILE to uid and gid 1, which needs CAP_CHOWN.
 * comm: renames itself to a name with terminal escapes and a newline, then
 * makes the unrecorded syscall (sysinfo).
 * Exits 0 when all three worked, 1 otherwise, 2 on a usage error. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

static int outcome(const char *what, int ok) {
  if (ok)
    printf("%s ok\n", what);
  else
    printf("%s errno=%d\n", what, errno);
  fflush(stdout);
  return ok;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  printf("base\n");
  fflush(stdout);
  if (strcmp(argv[1], "base") == 0) return 0;
  if (strcmp(argv[1], "chown") == 0 && argc == 3) return outcome("chown", chown(argv[2], 1, 1) == 0) ? 0 : 1;
  if (strcmp(argv[1], "comm") == 0) {
    struct sysinfo si;
    prctl(PR_SET_NAME, "\x1b[31mred\nx", 0, 0, 0);
    return outcome("sysinfo", syscall(SYS_sysinfo, &si) == 0) ? 0 : 1;
  }
  if (strcmp(argv[1], "all") != 0 || argc != 4) return 2;
  int good = 1;
  struct sysinfo si;
  good &= outcome("sysinfo", syscall(SYS_sysinfo, &si) == 0);
  char buf[64];
  int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
  good &= outcome("read", fd >= 0 && read(fd, buf, sizeof buf) >= 0);
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)atoi(argv[3]));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  good &= outcome("bind", s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0);
  return good ? 0 : 1;
}

/* Binds a TCP socket to 127.0.0.1:PORT (argv[1]) and a unix socket to the
 * path argv[2], then connects a UDP socket to 127.0.0.1:PORT+1. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: eb_net PORT UNIXPATH\n");
    return 2;
  }
  int port = atoi(argv[1]);
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return 1;
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(s, (struct sockaddr*)&a, sizeof a) != 0) return 1;
  close(s);
  int u = socket(AF_UNIX, SOCK_STREAM, 0);
  if (u < 0) return 1;
  struct sockaddr_un un;
  memset(&un, 0, sizeof un);
  un.sun_family = AF_UNIX;
  if (strlen(argv[2]) >= sizeof un.sun_path) return 1;
  strcpy(un.sun_path, argv[2]);
  if (bind(u, (struct sockaddr*)&un, sizeof un) != 0) return 1;
  close(u);
  int d = socket(AF_INET, SOCK_DGRAM, 0);
  if (d < 0) return 1;
  a.sin_port = htons((unsigned short)(port + 1));
  if (connect(d, (struct sockaddr*)&a, sizeof a) != 0) return 1;
  close(d);
  return 0;
}

// Network calls: TCP listen on 127.0.0.1:PORT and connect to it, UDP bind on
// PORT+1, a unix socket bound at PATH and an abstract one "@profile-netops".
// Usage: netops PORT PATH. Prints "netops ok".
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define CHECK(x)                                  \
  do {                                            \
    if (!(x)) {                                   \
      fprintf(stderr, "netops: %s failed\n", #x); \
      return 1;                                   \
    }                                             \
  } while (0)

static struct sockaddr_in loopback(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  int port = atoi(argv[1]);
  if (port <= 0 || port >= 65535) return 2;
  int one = 1;
  int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK(l >= 0);
  CHECK(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
  struct sockaddr_in a = loopback(port);
  CHECK(bind(l, (struct sockaddr*)&a, sizeof a) == 0);
  CHECK(listen(l, 4) == 0);
  int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  CHECK(c >= 0);
  int r = connect(c, (struct sockaddr*)&a, sizeof a);
  CHECK(r == 0 || errno == EINPROGRESS);
  close(c);
  close(l);

  int u = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK(u >= 0);
  struct sockaddr_in b = loopback(port + 1);
  CHECK(bind(u, (struct sockaddr*)&b, sizeof b) == 0);
  close(u);

  int x = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(x >= 0);
  struct sockaddr_un un;
  memset(&un, 0, sizeof un);
  un.sun_family = AF_UNIX;
  CHECK(strlen(argv[2]) < sizeof un.sun_path);
  strcpy(un.sun_path, argv[2]);
  unlink(argv[2]);
  CHECK(bind(x, (struct sockaddr*)&un, sizeof un) == 0);
  unlink(argv[2]);
  close(x);

  int y = socket(AF_UNIX, SOCK_DGRAM, 0);
  CHECK(y >= 0);
  memset(&un, 0, sizeof un);
  un.sun_family = AF_UNIX;
  static const char abstract_name[] = "profile-netops";
  memcpy(un.sun_path + 1, abstract_name, sizeof abstract_name - 1);
  CHECK(bind(y, (struct sockaddr*)&un, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + sizeof abstract_name - 1)) == 0);
  close(y);
  printf("netops ok\n");
  return 0;
}

/* pl_bind PORT: binds a TCP socket to 127.0.0.1:PORT and exits 0 on success
 * or with the errno value, printing it. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: pl_bind PORT\n");
    return 100;
  }
  int port = atoi(argv[1]);
  if (port < 0 || port > 65535) return 100;
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) {
    int e = errno;
    printf("socket: %s\n", strerror(e));
    return e;
  }
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  struct sockaddr_in a;
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(s, (struct sockaddr*)&a, sizeof(a)) != 0) {
    int e = errno;
    printf("bind %d: %s\n", port, strerror(e));
    return e;
  }
  printf("bind %d: ok\n", port);
  close(s);
  return 0;
}

// A TCP server on 127.0.0.1:argv[1] that answers each of argv[2] (default 1)
// connections with "pong HOSTNAME" and exits. Prints "listening" once ready.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  int port = atoi(argv[1]);
  int conns = argc > 2 ? atoi(argv[2]) : 1;
  if (port <= 0 || port > 65535 || conns <= 0 || conns > 1000) return 2;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(s, (struct sockaddr*)&a, sizeof a) != 0 || listen(s, 16) != 0) {
    perror("bind/listen");
    return 1;
  }
  printf("listening\n");
  fflush(stdout);
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  for (int i = 0; i < conns; ++i) {
    int c = accept(s, NULL, NULL);
    if (c < 0) return 1;
    char buf[512];
    int n = snprintf(buf, sizeof buf, "pong %s\n", host);
    if (write(c, buf, (size_t)n) != n) return 1;
    close(c);
  }
  return 0;
}

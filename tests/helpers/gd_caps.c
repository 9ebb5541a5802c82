/* gd_caps [--bind PORT] [--chown FILE UID] [--chmod FILE MODE]: makes the
 * requested privileged calls in that order, then prints its capability sets
 * (the Cap* lines of /proc/self/status). Exits with the errno of the first
 * call that fails, printing it. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static int do_bind(int port) {
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return errno;
  struct sockaddr_in a;
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int rc = bind(s, (struct sockaddr*)&a, sizeof(a)) == 0 ? 0 : errno;
  close(s);
  return rc;
}

static int print_caps(void) {
  FILE* f = fopen("/proc/self/status", "re");
  if (f == NULL) return errno;
  char line[512];
  while (fgets(line, sizeof(line), f) != NULL)
    if (strncmp(line, "Cap", 3) == 0) fputs(line, stdout);
  fclose(f);
  return 0;
}

int main(int argc, char** argv) {
  for (int i = 1; i < argc; i++) {
    int rc = 0;
    const char* what = argv[i];
    if (strcmp(argv[i], "--bind") == 0 && i + 1 < argc) {
      rc = do_bind(atoi(argv[++i]));
    } else if (strcmp(argv[i], "--chown") == 0 && i + 2 < argc) {
      const char* file = argv[++i];
      uid_t uid = (uid_t)strtoul(argv[++i], NULL, 10);
      rc = chown(file, uid, (gid_t)-1) == 0 ? 0 : errno;
    } else if (strcmp(argv[i], "--chmod") == 0 && i + 2 < argc) {
      const char* file = argv[++i];
      mode_t mode = (mode_t)strtoul(argv[++i], NULL, 8);
      rc = chmod(file, mode) == 0 ? 0 : errno;
    } else {
      fprintf(stderr, "usage: gd_caps [--bind PORT] [--chown FILE UID] [--chmod FILE MODE]\n");
      return 100;
    }
    if (rc != 0) {
      printf("%s: %s\n", what, strerror(rc));
      return rc;
    }
    printf("%s: ok\n", what);
  }
  fflush(stdout);
  return print_caps();
}

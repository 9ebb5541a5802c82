/* pl_open PATH MODE: opens PATH for reading (r), writing (w) or creating (c)
 * and exits 0 on success or with the errno value, printing it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: pl_open PATH r|w|c\n");
    return 100;
  }
  int flags = O_RDONLY;
  if (strcmp(argv[2], "w") == 0) flags = O_WRONLY;
  if (strcmp(argv[2], "c") == 0) flags = O_WRONLY | O_CREAT | O_EXCL;
  int fd = open(argv[1], flags | O_CLOEXEC, 0600);
  if (fd < 0) {
    int e = errno;
    printf("open %s: %s\n", argv[1], strerror(e));
    return e;
  }
  printf("open %s: ok\n", argv[1]);
  close(fd);
  return 0;
}

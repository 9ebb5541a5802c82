/* lc_touch PATH...: creates (or truncates) each PATH and writes "x" into it;
 * exits 0, or with the errno of the first failure, printing it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    int fd = open(argv[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, "x", 1) != 1) {
      int e = errno;
      printf("lc_touch %s: %s\n", argv[i], strerror(e));
      return e;
    }
    close(fd);
  }
  return 0;
}

// File operations by every kind of name, in directory DIR (argv[1]):
// a relative path after chdir, a dirfd-relative path, a symlink, plus
// mkdir/rename/unlink/rmdir. Leaves DIR as it found it, so it can be re-run
// (enforce round trip). Prints "fileops ok".
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(x)                                   \
  do {                                             \
    if (!(x)) {                                    \
      fprintf(stderr, "fileops: %s failed\n", #x); \
      return 1;                                    \
    }                                              \
  } while (0)

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  CHECK(chdir(argv[1]) == 0);
  int fd = open("rel.txt", O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, "x", 1) == 1);
  close(fd);
  CHECK(mkdir("sub", 0755) == 0);
  int dfd = open("sub", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  CHECK(dfd >= 0);
  fd = openat(dfd, "viadirfd.txt", O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0644);
  CHECK(fd >= 0);
  close(fd);
  fd = open("target.txt", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  CHECK(fd >= 0);
  close(fd);
  CHECK(symlink("target.txt", "link.txt") == 0);
  fd = open("link.txt", O_RDONLY | O_CLOEXEC);
  CHECK(fd >= 0);
  close(fd);
  CHECK(renameat(dfd, "viadirfd.txt", AT_FDCWD, "renamed.txt") == 0);
  close(dfd);
  CHECK(unlink("rel.txt") == 0);
  CHECK(unlink("renamed.txt") == 0);
  CHECK(unlink("link.txt") == 0);
  CHECK(unlink("target.txt") == 0);
  CHECK(rmdir("sub") == 0);
  printf("fileops ok\n");
  return 0;
}

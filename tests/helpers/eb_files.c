/* File accesses the eBPF recorder must resolve to absolute paths, run in
 * DIR (argv[1]) which holds sub/ and target.txt with link.txt -> target.txt:
 * an open relative to a chdir'd cwd, one through a dirfd, one through a
 * symlink, and path-based calls (mkdir, rename, unlink). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: eb_files DIR\n");
    return 2;
  }
  if (chdir(argv[1]) != 0) return 1;
  int fd = open("created-rel.txt", O_CREAT | O_WRONLY | O_TRUNC, 0600);
  if (fd < 0) return 1;
  close(fd);
  int dfd = open("sub", O_RDONLY | O_DIRECTORY);
  if (dfd < 0) return 1;
  fd = openat(dfd, "via-dirfd.txt", O_CREAT | O_RDWR, 0600);
  if (fd < 0) return 1;
  close(fd);
  if (mkdirat(dfd, "made-dir", 0700) != 0) return 1;
  close(dfd);
  fd = open("link.txt", O_RDONLY);
  if (fd < 0) return 1;
  close(fd);
  if (rename("created-rel.txt", "renamed.txt") != 0) return 1;
  if (unlink("renamed.txt") != 0) return 1;
  return 0;
}

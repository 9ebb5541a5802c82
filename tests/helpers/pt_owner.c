// One ownership or time change, made with the raw syscall so libc cannot
// route it through another call:
//   pt_owner lchown PATH GID            lchown(PATH, -1, GID)
//   pt_owner fchownat-nofollow PATH GID fchownat(AT_FDCWD, PATH, -1, GID, AT_SYMLINK_NOFOLLOW)
//   pt_owner utimensat-fd PATH          utimensat(open(PATH), NULL, NULL, 0)
//   pt_owner utimensat-path PATH        utimensat(AT_FDCWD, PATH, NULL, AT_SYMLINK_NOFOLLOW)
// Exits 0 when the call worked, 1 (with the error on stderr) when it
// failed, 2 on bad usage.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int fail(const char* what, const char* path) {
  fprintf(stderr, "pt_owner: %s %s: %s\n", what, path, strerror(errno));
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: pt_owner lchown|fchownat-nofollow PATH GID | utimensat-fd|utimensat-path PATH\n");
    return 2;
  }
  const char* op = argv[1];
  const char* path = argv[2];
  if (strcmp(op, "lchown") == 0 && argc == 4) {
    if (syscall(SYS_lchown, path, -1, atoi(argv[3])) != 0) return fail(op, path);
  } else if (strcmp(op, "fchownat-nofollow") == 0 && argc == 4) {
    if (syscall(SYS_fchownat, AT_FDCWD, path, -1, atoi(argv[3]), AT_SYMLINK_NOFOLLOW) != 0) return fail(op, path);
  } else if (strcmp(op, "utimensat-fd") == 0 && argc == 3) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail("open", path);
    if (syscall(SYS_utimensat, fd, NULL, NULL, 0) != 0) return fail(op, path);
  } else if (strcmp(op, "utimensat-path") == 0 && argc == 3) {
    if (syscall(SYS_utimensat, AT_FDCWD, path, NULL, AT_SYMLINK_NOFOLLOW) != 0) return fail(op, path);
  } else {
    fprintf(stderr, "pt_owner: unknown operation or arguments: %s\n", op);
    return 2;
  }
  return 0;
}

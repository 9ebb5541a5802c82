// One path call, for checking what the recorders make of its name:
//   tp_pathop [-C DIR] OP PATH
// OP is truncate (to 6 bytes), chmod (0644), unlink, mkdir, open-read or
// open-write (O_WRONLY|O_TRUNC, then writes "owned\n"). -C changes the
// working directory first. Exits 0 when the call worked, 1 (with the error
// on stderr) when it failed, 2 on bad usage.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char* what, const char* path) {
  fprintf(stderr, "tp_pathop: %s %s: %s\n", what, path, strerror(errno));
  return 1;
}

int main(int argc, char** argv) {
  int i = 1;
  if (argc > 3 && strcmp(argv[1], "-C") == 0) {
    if (chdir(argv[2]) != 0) return fail("chdir", argv[2]);
    i = 3;
  }
  if (argc != i + 2) {
    fprintf(stderr, "usage: tp_pathop [-C DIR] truncate|chmod|unlink|mkdir|open-read|open-write PATH\n");
    return 2;
  }
  const char* op = argv[i];
  const char* path = argv[i + 1];
  if (strcmp(op, "truncate") == 0) {
    if (truncate(path, 6) != 0) return fail(op, path);
  } else if (strcmp(op, "chmod") == 0) {
    if (chmod(path, 0644) != 0) return fail(op, path);
  } else if (strcmp(op, "unlink") == 0) {
    if (unlink(path) != 0) return fail(op, path);
  } else if (strcmp(op, "mkdir") == 0) {
    if (mkdir(path, 0755) != 0) return fail(op, path);
  } else if (strcmp(op, "open-read") == 0 || strcmp(op, "open-write") == 0) {
    int write_it = op[5] == 'w';
    int fd = open(path, (write_it ? O_WRONLY | O_TRUNC : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) return fail(op, path);
    if (write_it && write(fd, "owned\n", 6) != 6) return fail("write", path);
    close(fd);
  } else {
    fprintf(stderr, "tp_pathop: unknown operation %s\n", op);
    return 2;
  }
  return 0;
}

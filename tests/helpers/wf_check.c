/* wf_check MODE: a workload whose needs grow between two versions.
 * "base" reads /etc/passwd; "more" also reads /etc/group and calls
 * getpriority; "fail" does what "base" does and exits 3. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int read_file(const char* path) {
  char buf[64];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 1;
  while (read(fd, buf, sizeof buf) > 0) {
  }
  close(fd);
  return 0;
}

int main(int argc, char** argv) {
  if (argc != 2) return 100;
  if (read_file("/etc/passwd") != 0) return 101;
  if (strcmp(argv[1], "more") == 0) {
    if (read_file("/etc/group") != 0) return 102;
    syscall(SYS_getpriority, 0, 0);
  }
  return strcmp(argv[1], "fail") == 0 ? 3 : 0;
}

/* File operations whose access bits policies depend on, run in DIR
 * (argv[1]), which it leaves as it found it: directories made and removed
 * (mkdir, mkdirat, rmdir, unlinkat AT_REMOVEDIR), symbolic links, a fifo
 * (mknod), an executable and a data-only file mapping, and `#!` scripts
 * run by name, through a /proc magic link, with execveat through a
 * directory descriptor (at.sh) and with execveat on the script's own
 * descriptor (fd.sh). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_all(const char* path, const char* text, mode_t mode) {
  int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return -1;
  size_t n = strlen(text);
  int ok = write(fd, text, n) == (ssize_t)n;
  return close(fd) == 0 && ok ? 0 : -1;
}

static int map_file(const char* path, int prot) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  void* p = mmap(NULL, 4096, prot, MAP_PRIVATE, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return -1;
  return munmap(p, 4096);
}

/* Runs argv0 (a script) in a child and returns 0 when it exits 0. */
static int run(const char* argv0) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    char* const argv[] = {(char*)argv0, NULL};
    char* const envp[] = {NULL};
    execve(argv0, argv, envp);
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* execveat(dirfd, name, flags) in a child; 0 when it exits 0. The
 * descriptor must not be close-on-exec: the interpreter opens the script
 * through /dev/fd/N. */
static int run_at(int dirfd, const char* name, int flags) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    char* const argv[] = {(char*)"script", NULL};
    char* const envp[] = {NULL};
    syscall(SYS_execveat, dirfd, name, argv, envp, flags);
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: eb_dirs DIR\n");
    return 2;
  }
  if (chdir(argv[1]) != 0) return 1;
  int dfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return 1;

  if (mkdir("d1", 0700) != 0 || mkdirat(dfd, "d2", 0700) != 0) return 3;
  if (rmdir("d1") != 0 || unlinkat(dfd, "d2", AT_REMOVEDIR) != 0) return 4;

  if (symlink("target", "sl1") != 0 || symlinkat("target", dfd, "sl2") != 0) return 5;
  if (unlink("sl1") != 0 || unlinkat(dfd, "sl2", 0) != 0) return 6;

  if (mknod("fifo", S_IFIFO | 0600, 0) != 0 || unlink("fifo") != 0) return 7;

  /* Contents do not matter: nothing is run from the mapping. */
  if (write_all("lib.bin", "not code", 0600) != 0 || write_all("data.bin", "data", 0600) != 0) return 8;
  if (map_file("lib.bin", PROT_READ | PROT_EXEC) != 0 || map_file("data.bin", PROT_READ) != 0) return 9;
  if (unlink("lib.bin") != 0 || unlink("data.bin") != 0) return 10;

  if (write_all("run.sh", "#!/bin/sh\nexit 0\n", 0700) != 0) return 11;
  if (run("./run.sh") != 0) return 12;
  /* Through a magic link: the link names no file a policy could use. */
  int sfd = open("run.sh", O_RDONLY);
  if (sfd < 0) return 13;
  char magic[64];
  snprintf(magic, sizeof magic, "/proc/self/fd/%d", sfd);
  if (run(magic) != 0) return 14;
  close(sfd);
  if (unlink("run.sh") != 0) return 15;

  if (write_all("at.sh", "#!/bin/sh\nexit 0\n", 0700) != 0 || write_all("fd.sh", "#!/bin/sh\nexit 0\n", 0700) != 0)
    return 16;
  int open_dir = open(".", O_RDONLY | O_DIRECTORY);
  int script = open("fd.sh", O_RDONLY);
  if (open_dir < 0 || script < 0) return 17;
  if (run_at(open_dir, "at.sh", 0) != 0) return 18;
  if (run_at(script, "", AT_EMPTY_PATH) != 0) return 19;
  close(open_dir);
  close(script);
  if (unlink("at.sh") != 0 || unlink("fd.sh") != 0) return 20;
  close(dfd);
  return 0;
}

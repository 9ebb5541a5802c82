/* Makes each call of the syscall semantics table (core/syscall_semantics.cc)
 * that both recorders look into, by its own x86_64 number (syscall(2): the C
 * library makes utime() a utimensat, open() an openat), in DIR (argv[1]),
 * which it leaves as it found it: every open access mode (O_APPEND among
 * them), every path call in its plain and *at form, mappings, sockets, a
 * signal handler's return. The parity test records it with both recorders. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include <utime.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452 /* x86_64, Linux 6.6; older C libraries lack the name */
#endif

static int step;
#define CHECK(x)                                                     \
  do {                                                               \
    ++step;                                                          \
    if (!(x)) {                                                      \
      fprintf(stderr, "eb_semantics: step %d failed: %s\n", step, #x); \
      return step;                                                   \
    }                                                                \
  } while (0)

/* The raw call, so that each row is made by its own number. */
#define sys(...) ((int)syscall(__VA_ARGS__))

static int opened(int fd) { return fd >= 0 && close(fd) == 0; }

static volatile sig_atomic_t got;
static void on_signal(int sig) { got = sig; }

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: eb_semantics DIR\n");
    return 2;
  }
  CHECK(chdir(argv[1]) == 0);
  int dfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  CHECK(dfd >= 0);

  /* Every access mode, each on its own file: access bits are per path. */
  CHECK(opened(sys(SYS_creat, "creat.txt", 0600)));
  CHECK(opened(sys(SYS_open, "ro.txt", O_RDONLY | O_CREAT, 0600)));
  CHECK(opened(sys(SYS_open, "wo.txt", O_WRONLY | O_CREAT, 0600)));
  CHECK(opened(sys(SYS_open, "rw.txt", O_RDWR | O_CREAT, 0600)));
  CHECK(opened(sys(SYS_open, "append.txt", O_WRONLY | O_APPEND | O_CREAT, 0600)));
  CHECK(opened(sys(SYS_openat, AT_FDCWD, "append.txt", O_WRONLY | O_APPEND)));
  CHECK(opened(sys(SYS_openat, dfd, "rw-append.txt", O_RDWR | O_APPEND | O_CREAT, 0600)));
  CHECK(opened(sys(SYS_open, "ro-append.txt", O_RDONLY | O_APPEND | O_CREAT, 0600)));
  CHECK(opened(sys(SYS_open, "ro-append.txt", O_RDONLY | O_APPEND)));
  CHECK(opened(sys(SYS_open, "trunc-append.txt", O_WRONLY | O_APPEND | O_TRUNC | O_CREAT, 0600)));
  CHECK(opened(sys(SYS_open, "ro-trunc.txt", O_RDONLY | O_TRUNC | O_CREAT, 0600)));
  /* 3: checked as read and write, grants neither (ioctl only). */
  CHECK(opened(sys(SYS_open, "accmode.txt", O_ACCMODE | O_CREAT, 0600)));
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = O_WRONLY | O_APPEND | O_CREAT;
  how.mode = 0600;
  CHECK(opened(sys(SYS_openat2, dfd, "openat2.txt", &how, sizeof how)));
  CHECK(opened(sys(SYS_open, ".", O_RDONLY | O_DIRECTORY)));

  /* Path calls, plain and *at. */
  CHECK(sys(SYS_mkdir, "d1", 0700) == 0 && sys(SYS_mkdirat, dfd, "d2", 0700) == 0);
  CHECK(sys(SYS_rmdir, "d1") == 0 && sys(SYS_unlinkat, dfd, "d2", AT_REMOVEDIR) == 0);
  CHECK(sys(SYS_mknod, "fifo1", S_IFIFO | 0600, 0) == 0 && sys(SYS_mknodat, dfd, "fifo2", S_IFIFO | 0600, 0) == 0);
  CHECK(sys(SYS_rename, "fifo1", "fifo3") == 0 && sys(SYS_renameat, dfd, "fifo2", dfd, "fifo4") == 0);
  CHECK(sys(SYS_renameat2, dfd, "fifo3", dfd, "fifo5", 0) == 0);
  CHECK(sys(SYS_unlink, "fifo4") == 0 && sys(SYS_unlinkat, dfd, "fifo5", 0) == 0);
  CHECK(sys(SYS_link, "ro.txt", "hard1") == 0 && sys(SYS_linkat, dfd, "ro.txt", dfd, "hard2", 0) == 0);
  CHECK(sys(SYS_unlink, "hard1") == 0 && sys(SYS_unlink, "hard2") == 0);
  CHECK(sys(SYS_symlink, "ro.txt", "sl1") == 0 && sys(SYS_symlinkat, "ro.txt", dfd, "sl2") == 0);
  CHECK(sys(SYS_chmod, "wo.txt", 0600) == 0 && sys(SYS_fchmodat, dfd, "rw.txt", 0600) == 0);
  /* fchmodat2 is Linux 6.6+; ENOSYS on older kernels is still the call made. */
  (void)sys(SYS_fchmodat2, dfd, "creat.txt", 0600, 0);
  CHECK(sys(SYS_chown, "wo.txt", getuid(), getgid()) == 0 && sys(SYS_lchown, "sl1", getuid(), getgid()) == 0);
  CHECK(sys(SYS_fchownat, dfd, "rw.txt", getuid(), getgid(), 0) == 0);
  CHECK(sys(SYS_unlink, "sl1") == 0 && sys(SYS_unlink, "sl2") == 0);
  struct timeval tv[2] = {{1, 0}, {1, 0}};
  struct utimbuf ub = {1, 1};
  CHECK(sys(SYS_utime, "creat.txt", &ub) == 0 && sys(SYS_utimes, "ro.txt", tv) == 0);
  CHECK(sys(SYS_futimesat, dfd, "ro-trunc.txt", tv) == 0);
  CHECK(sys(SYS_truncate, "rw-append.txt", 0) == 0);

  /* An executable mapping of a file (AppArmor's m). */
  int fd = open("ro.txt", O_RDWR | O_CLOEXEC);
  CHECK(fd >= 0 && ftruncate(fd, 4096) == 0);
  void* p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  CHECK(p != MAP_FAILED && mprotect(p, 4096, PROT_READ) == 0);
  CHECK(sys(SYS_pkey_mprotect, p, 4096, PROT_READ, -1) == 0 && munmap(p, 4096) == 0);
  close(fd);

  /* Sockets: an abstract unix name bound and connected (a named one would
   * be a file, which the two recorders record differently), a pair. */
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  close(sv[0]);
  close(sv[1]);
  int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int cli = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK(srv >= 0 && cli >= 0);
  struct sockaddr_un un;
  memset(&un, 0, sizeof un);
  un.sun_family = AF_UNIX;
  socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
                              (size_t)snprintf(un.sun_path + 1, sizeof un.sun_path - 1, "eb_semantics-%d", getpid()));
  CHECK(bind(srv, (struct sockaddr*)&un, len) == 0 && listen(srv, 1) == 0);
  CHECK(connect(cli, (struct sockaddr*)&un, len) == 0);
  close(cli);
  close(srv);

  /* The other calls whose arguments policies filter on. */
  CHECK(sys(SYS_personality, 0xffffffff) >= 0 && sys(SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0) >= 0);
  int avail = 0;
  CHECK(sys(SYS_ioctl, dfd, FIONREAD, &avail) != 0 || avail >= 0);

  /* A signal handler's return (rt_sigreturn). */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0 && raise(SIGUSR1) == 0 && got == SIGUSR1);

  const char* made[] = {"creat.txt", "ro.txt", "wo.txt", "rw.txt", "append.txt", "rw-append.txt", "ro-append.txt",
                        "trunc-append.txt", "ro-trunc.txt", "accmode.txt", "openat2.txt"};
  for (size_t i = 0; i < sizeof made / sizeof made[0]; ++i) CHECK(sys(SYS_unlink, made[i]) == 0);
  close(dfd);
  return 0;
}

/* try_syscall NAME_OR_NUMBER [ARGS...]: makes exactly that one syscall and
 * prints "ok" (exit 0) or "errno=N (ENAME)" (exit 1). Usage errors exit 2.
 *
 *   getpid | uname | mkdir PATH | chroot PATH | unshare [FLAGS]
 *   personality [PERSONA] | socket [FAMILY [TYPE]] | ptrace | keyctl
 *   NUMBER [A0..A5]       (raw syscall, integer arguments)
 *
 * Integers accept decimal, 0x hex and 0 octal (strtoull base 0). Syscalls are
 * made with syscall(2) so libc cannot substitute another one. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static int parse_num(const char *s, unsigned long long *out) {
  char *end = NULL;
  errno = 0;
  *out = strtoull(s, &end, 0);
  return errno == 0 && end != s && *end == '\0';
}

static unsigned long long arg_or(int argc, char **argv, int i, unsigned long long dflt) {
  unsigned long long v;
  if (i >= argc) return dflt;
  if (!parse_num(argv[i], &v)) {
    fprintf(stderr, "try_syscall: not a number: %s\n", argv[i]);
    exit(2);
  }
  return v;
}

static int usage(void) {
  fprintf(stderr,
          "usage: try_syscall getpid|uname|mkdir PATH|chroot PATH|unshare [FLAGS]|"
          "personality [N]|socket [FAMILY [TYPE]]|ptrace|keyctl|NUMBER [ARGS...]\n");
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 2) return usage();
  const char *what = argv[1];
  long r;
  struct utsname u;
  unsigned long long nr;
  if (strcmp(what, "getpid") == 0) {
    r = syscall(SYS_getpid);
  } else if (strcmp(what, "uname") == 0) {
    r = syscall(SYS_uname, &u);
  } else if (strcmp(what, "mkdir") == 0) {
    if (argc < 3) return usage();
#ifdef SYS_mkdir
    r = syscall(SYS_mkdir, argv[2], 0755);
#else
    r = syscall(SYS_mkdirat, -100 /* AT_FDCWD */, argv[2], 0755);
#endif
  } else if (strcmp(what, "chroot") == 0) {
    if (argc < 3) return usage();
    r = syscall(SYS_chroot, argv[2]);
  } else if (strcmp(what, "unshare") == 0) {
    r = syscall(SYS_unshare, (unsigned long)arg_or(argc, argv, 2, CLONE_NEWUSER));
  } else if (strcmp(what, "personality") == 0) {
    r = syscall(SYS_personality, (unsigned long)arg_or(argc, argv, 2, 0xffffffffULL));
  } else if (strcmp(what, "socket") == 0) {
    r = syscall(SYS_socket, (int)arg_or(argc, argv, 2, AF_UNIX), (int)arg_or(argc, argv, 3, SOCK_STREAM), 0);
  } else if (strcmp(what, "ptrace") == 0) {
    r = syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
  } else if (strcmp(what, "keyctl") == 0) {
    r = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
  } else if (parse_num(what, &nr)) {
    r = syscall((long)nr, arg_or(argc, argv, 2, 0), arg_or(argc, argv, 3, 0), arg_or(argc, argv, 4, 0),
                arg_or(argc, argv, 5, 0), arg_or(argc, argv, 6, 0), arg_or(argc, argv, 7, 0));
  } else {
    return usage();
  }
  if (r == -1) {
    int e = errno;
    const char *name = strerrorname_np(e);
    printf("errno=%d (%s)\n", e, name ? name : "?");
    return 1;
  }
  printf("ok\n");
  return 0;
}

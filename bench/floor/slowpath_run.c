/* slowpath_run CMD: runs CMD with sh -c under a seccomp filter that allows
 * every syscall. The filter puts the workload (only it) on the same slow
 * syscall entry/exit path a syscall tracepoint puts every task on, without
 * calling any program: the difference to the floor is the cost of the
 * tracepoint's program call itself. Used by bench/run.sh. */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: slowpath_run CMD\n");
    return 2;
  }
  /* ALLOW for every call: the kernel caches that verdict, so what is left
   * per syscall is the slow path and one bitmap test. */
  struct sock_filter f[] = {
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {sizeof(f) / sizeof(f[0]), f};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
    perror("slowpath_run: seccomp");
    return 1;
  }
  execl("/bin/sh", "sh", "-c", argv[1], (char*)NULL);
  perror("slowpath_run: exec /bin/sh");
  return 127;
}

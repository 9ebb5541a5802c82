/* floor_run OBJ CMD: attaches every program of OBJ, runs CMD with sh -c,
 * detaches. Used by bench/run.sh to time a workload under empty syscall
 * tracepoint programs. */
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: floor_run OBJ CMD\n");
    return 2;
  }
  struct bpf_object* obj = bpf_object__open_file(argv[1], NULL);
  if (!obj || bpf_object__load(obj)) {
    fprintf(stderr, "floor_run: cannot load %s\n", argv[1]);
    return 1;
  }
  struct bpf_program* p;
  bpf_object__for_each_program(p, obj) {
    if (!bpf_program__attach(p)) {
      fprintf(stderr, "floor_run: cannot attach %s\n", bpf_program__name(p));
      return 1;
    }
  }
  int st = system(argv[2]);
  bpf_object__close(obj);
  return st == -1 ? 1 : WEXITSTATUS(st);
}

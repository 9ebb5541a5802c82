DESCRIPTION="make: build one target of a C project; enforced building another target from other sources"
prepare() {
  mkdir -p src
  printf 'all: bin/tool bin/server\nbin:\n\tmkdir -p bin\nbin/tool: src/tool.c | bin\n\t$(CC) -O1 -o $@ $<\nbin/server: src/server.c src/util.h | bin\n\t$(CC) -O1 -Isrc -o $@ $<\n' >Makefile
  printf '#include <stdio.h>\nint main(void) { puts("tool"); return 0; }\n' >src/tool.c
  printf 'static inline int twice(int x) { return 2 * x; }\n' >src/util.h
  printf '#include <stdio.h>\n#include <unistd.h>\n#include "util.h"\nint main(void) { printf("server %%d\\n", twice(21)); return 0; }\n' >src/server.c
}
record_job() { RECORD=(make CC=cc bin/tool); }
enforce_job() { ENFORCE=(make CC=cc bin/server); }
state() { ls bin; ./bin/server; }

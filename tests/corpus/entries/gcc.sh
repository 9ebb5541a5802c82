DESCRIPTION="gcc: compile and link a C program; enforced on another program including headers the first did not"
prepare() {
  cat >hello.c <<'C'
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
C
  cat >stats.c <<'C'
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char** argv) {
  double sum = 0;
  for (int i = 1; i < argc; i++) sum += strtod(argv[i], NULL);
  char buf[64];
  snprintf(buf, sizeof buf, "%.3f", sqrt(sum));
  printf("sqrt=%s len=%zu\n", buf, strlen(buf));
  return 0;
}
C
}
record_job() { RECORD=(gcc -O2 -Wall -o hello hello.c); }
enforce_job() { ENFORCE=(gcc -O2 -Wall -o stats stats.c -lm); }
state() { ./stats 2 7; }

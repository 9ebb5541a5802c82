/* A small sample workload for `make demo`: counts the lines of a file and
 * writes a report under a temp directory. With --forbidden it additionally
 * tries something it never does normally (creating a socket), which the
 * recorded profile must deny. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
  const char* path = "/etc/os-release";
  int forbidden = 0;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--forbidden") == 0)
      forbidden = 1;
    else
      path = argv[i];
  }
  FILE* f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "sample: cannot open %s: %s\n", path, strerror(errno));
    return 1;
  }
  int lines = 0, c;
  while ((c = fgetc(f)) != EOF)
    if (c == '\n') ++lines;
  fclose(f);
  printf("sample: %s has %d lines\n", path, lines);
  if (forbidden) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) {
      printf("sample: socket() denied: %s\n", strerror(errno));
      return 2;
    }
    printf("sample: socket() allowed (fd %d)\n", s);
    close(s);
  }
  return 0;
}

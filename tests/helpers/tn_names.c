// Creates one file for each name a hostile workload might pick, in
// DIR/g0 .. DIR/g3 (argv[1]; the groups must exist), so that no directory
// holds enough files to be collapsed into a pattern. Prints "tn_names ok".
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char* const kNames[] = {
    "end\\", "q\"uote", "sp ace", "{", "}", "[", "]", "*", "?", "^", ",", "#", "new\nline", "\x01",
    "\xff", "\\x41", "@{pid}", "tab\tx", "\x7f\xc3\x28", NULL /* the 255-byte name, built below */,
};

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  char long_name[256];
  memset(long_name, 'L', 254);
  long_name[254] = '\xfe';
  long_name[255] = '\0';
  size_t n = sizeof(kNames) / sizeof(kNames[0]);
  for (size_t i = 0; i < n; ++i) {
    const char* name = kNames[i] != NULL ? kNames[i] : long_name;
    char path[4096];
    snprintf(path, sizeof(path), "%s/g%zu/%s", argv[1], i % 4, name);
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      perror("tn_names: open");
      return 1;
    }
    if (write(fd, "x", 1) != 1) return 1;
    close(fd);
  }
  puts("tn_names ok");
  return 0;
}

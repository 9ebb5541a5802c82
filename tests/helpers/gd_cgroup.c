/* gd_cgroup: prints the CPU and I/O limit files of its own cgroups as
 * "NAME=VALUE" lines (newlines in a value become spaces). Each hierarchy is
 * found through /proc/self/mountinfo, the cgroup inside it through
 * /proc/self/cgroup, so it works on cgroup v1, v2 and hybrid hosts. Run it in
 * the host's cgroup namespace (--share cgroup) so the paths are absolute. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char* const kFiles[] = {"cpu.max",      "cpu.cfs_quota_us", "cpu.cfs_period_us", "io.weight",
                                     "io.bfq.weight", "blkio.weight",     "blkio.bfq.weight"};

/* True when the comma-separated list `opts` holds every controller of the
 * comma-separated list `ctrls`. */
static int holds_all(const char* opts, const char* ctrls) {
  char want[256];
  snprintf(want, sizeof(want), "%s", ctrls);
  for (char* save = NULL, *c = strtok_r(want, ",", &save); c != NULL; c = strtok_r(NULL, ",", &save)) {
    size_t n = strlen(c);
    const char* p = opts;
    int found = 0;
    while ((p = strstr(p, c)) != NULL) {
      if ((p == opts || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) {
        found = 1;
        break;
      }
      p += n;
    }
    if (!found) return 0;
  }
  return 1;
}

/* The mount point of the hierarchy: cgroup2 when `ctrls` is empty, else the
 * v1 mount whose options hold these controllers. */
static int find_mount(const char* ctrls, char* out, size_t len) {
  FILE* f = fopen("/proc/self/mountinfo", "re");
  if (f == NULL) return 0;
  char line[4096];
  int ok = 0;
  while (!ok && fgets(line, sizeof(line), f) != NULL) {
    char root[1024], mnt[1024], fstype[64], source[256], opts[1024];
    char* dash = strstr(line, " - ");
    if (dash == NULL || sscanf(line, "%*s %*s %*s %1023s %1023s", root, mnt) != 2) continue;
    if (sscanf(dash + 3, "%63s %255s %1023s", fstype, source, opts) != 3) continue;
    if (strcmp(root, "/") != 0) continue;
    if (ctrls[0] == '\0' ? strcmp(fstype, "cgroup2") == 0 : strcmp(fstype, "cgroup") == 0 && holds_all(opts, ctrls)) {
      snprintf(out, len, "%s", mnt);
      ok = 1;
    }
  }
  fclose(f);
  return ok;
}

static void print_file(const char* dir, const char* name) {
  char path[4200];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE* f = fopen(path, "re");
  if (f == NULL) return;
  char buf[512];
  size_t n = fread(buf, 1, sizeof(buf) - 1, f);
  fclose(f);
  buf[n] = '\0';
  while (n > 0 && buf[n - 1] == '\n') buf[--n] = '\0';
  for (char* p = buf; *p; p++)
    if (*p == '\n') *p = ' ';
  printf("%s=%s\n", name, buf);
}

int main(void) {
  FILE* f = fopen("/proc/self/cgroup", "re");
  if (f == NULL) return 1;
  char line[4096];
  while (fgets(line, sizeof(line), f) != NULL) {
    line[strcspn(line, "\n")] = '\0';
    char* c1 = strchr(line, ':');
    char* c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (c2 == NULL) continue;
    *c2 = '\0';
    const char* ctrls = c1 + 1;
    const char* path = c2 + 1;
    if (strncmp(ctrls, "name=", 5) == 0) continue;
    char mnt[1024];
    if (!find_mount(ctrls, mnt, sizeof(mnt))) continue;
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s%s", mnt, strcmp(path, "/") == 0 ? "" : path);
    printf("cgroup %s:%s\n", ctrls[0] ? ctrls : "(v2)", dir);
    for (size_t i = 0; i < sizeof(kFiles) / sizeof(kFiles[0]); i++) print_file(dir, kFiles[i]);
  }
  fclose(f);
  return 0;
}

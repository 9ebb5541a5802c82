// The light skeleton's loader (see ebpf_light.h).
#include "tracer/ebpf_light.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "tracer/bpf/recorder.h"
#include "recorder.lskel.h"
#include "recorder.skel.h"

// Userspace reads .bss through the regular skeleton's type.
#define SAME_FIELD(f)                                                                            \
  _Static_assert(offsetof(struct recorder_lskel__bss, f) == offsetof(struct recorder_bpf__bss, f) && \
                     sizeof(((struct recorder_lskel__bss*)0)->f) == sizeof(((struct recorder_bpf__bss*)0)->f), \
                 "the light skeleton's .bss differs in " #f)
SAME_FIELD(seen_sys);
SAME_FIELD(live_tasks);
SAME_FIELD(caps_granted);
SAME_FIELD(tasks_seen);
_Static_assert(sizeof(struct recorder_lskel__bss) == sizeof(struct recorder_bpf__bss), "the .bss sizes differ");

struct eb_light {
  struct recorder_lskel* skel;
};

int eb_light_load(const struct eb_light_config* cfg, struct eb_light** out, struct eb_light_maps* maps,
                  const char** why) {
  *out = NULL;
  *why = "";
  if (!cfg || cfg->sem_size != sizeof(((struct recorder_lskel__rodata*)0)->cfg_sem) || cfg->ring_bytes == 0) {
    *why = "bad configuration";
    return -EINVAL;
  }
  struct recorder_lskel* s = recorder_lskel__open();
  if (!s) {
    *why = "out of memory";
    return -ENOMEM;
  }
  s->rodata->cfg_cgroup_id = cfg->cgroup_id;
  s->rodata->cfg_wakeup_bytes = cfg->wakeup_bytes;
  memcpy((void*)s->rodata->cfg_sem, cfg->sem, cfg->sem_size);
  s->rodata->cfg_sigreturn_64 = cfg->sigreturn_64;
  s->rodata->cfg_sigreturn_32 = cfg->sigreturn_32;
  s->rodata->cfg_rt_sigreturn_32 = cfg->rt_sigreturn_32;
  s->maps.events.max_entries = cfg->ring_bytes;
  int err = recorder_lskel__load(s);
  if (err) {
    *why = "the loader program failed";
    recorder_lskel__destroy(s);
    return err < 0 ? err : -EINVAL;
  }
  struct eb_light* l = (struct eb_light*)calloc(1, sizeof(*l));
  if (!l) {
    recorder_lskel__destroy(s);
    *why = "out of memory";
    return -ENOMEM;
  }
  l->skel = s;
#define EB_MAP_FD(name) maps->name = s->maps.name.map_fd;
  EB_RECORDER_MAPS(EB_MAP_FD)
#undef EB_MAP_FD
  maps->bss = s->bss;
  *out = l;
  return 0;
}

int eb_light_attach(struct eb_light* light) {
  if (!light || !light->skel) return -EINVAL;
  return recorder_lskel__attach(light->skel);
}

void eb_light_destroy(struct eb_light* light) {
  if (!light) return;
  recorder_lskel__destroy(light->skel);
  free(light);
}

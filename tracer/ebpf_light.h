// The eBPF recorder through its light skeleton (`bpftool gen skeleton -L`).
//
// A light skeleton is loaded by a small BPF program of its own that the
// kernel runs once: it creates the maps, relocates the programs against the
// kernel's own BTF (CO-RE in the kernel, Linux 5.17+) and finds their attach
// points there. Userspace never reads /sys/kernel/btf/vmlinux: libbpf's
// regular open/load parses all of it (5.5 MB, 126k types on 6.18) for the
// tp_btf programs' attach points, 15-45 ms of every recording's start.
//
// It loads every program or none, so a kernel without an optional tracepoint
// refuses it; the caller then falls back to the regular skeleton, which can
// leave programs out. The file is C: the generated header is not C++.
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct eb_light;

// The values the regular skeleton's .rodata takes before load.
struct eb_light_config {
  uint64_t cgroup_id;
  uint64_t wakeup_bytes;
  const void* sem;  // cfg_sem, sem_size bytes
  size_t sem_size;
  int32_t sigreturn_64, sigreturn_32, rt_sigreturn_32;
  uint32_t ring_bytes;  // a power of two, at least a page
};

// The loaded objects: the descriptors of the maps userspace uses (one list
// for both skeletons). `bss` points at the mapped .bss, laid out as the
// regular skeleton's `struct recorder_bpf__bss` (checked at compile time).
#define EB_RECORDER_MAPS(X) \
  X(events) X(tracked) X(task_state) X(args_seen) X(sockets_seen) X(ports_seen) X(lost) X(caps_seen)
struct eb_light_maps {
#define EB_MAP_FD(name) int name;
  EB_RECORDER_MAPS(EB_MAP_FD)
#undef EB_MAP_FD
  void* bss;
};

// 0 and *out set, or a negative errno with *why naming the step that failed
// (a static string) and nothing left open.
int eb_light_load(const struct eb_light_config* cfg, struct eb_light** out, struct eb_light_maps* maps,
                  const char** why);
// Attaches every program: 0 or a negative errno.
int eb_light_attach(struct eb_light* light);
// Detaches and closes everything; null is ignored.
void eb_light_destroy(struct eb_light* light);

#ifdef __cplusplus
}
#endif

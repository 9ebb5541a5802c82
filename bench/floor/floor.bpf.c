// SPDX-License-Identifier: GPL-2.0
/* The cost floor of the recorder's hooks: a sys_exit program that returns
 * at once (the recorder runs one program per syscall, at its exit). It is a
 * raw_tp program: the kernel calls it through the same raw tracepoint as
 * the recorder's tp_btf one, at the same cost per call, and libbpf loads it
 * without parsing the kernel's BTF (a tp_btf floor paid 15-45 ms for that at
 * start, which made the floor slower than the recorder on short workloads).
 * Attaching it puts every task of the machine on the slow syscall path and
 * adds one program call to every syscall; no recorder on this hook can be
 * cheaper. Built and run by bench/run.sh only. */
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("raw_tp/sys_exit")
int floor_exit(void* ctx) { return 0; }

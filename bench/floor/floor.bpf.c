// SPDX-License-Identifier: GPL-2.0
/* The cost floor of any syscall recorder built on the syscall tracepoints:
 * sys_enter and sys_exit tp_btf programs that return at once. Attaching them
 * puts every task of the machine on the slow syscall path; no recorder using
 * these hooks can be cheaper. Built and run by bench/run.sh only. */
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_enter")
int BPF_PROG(floor_enter, struct pt_regs* regs, long id) { return 0; }

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_exit, struct pt_regs* regs, long ret) { return 0; }

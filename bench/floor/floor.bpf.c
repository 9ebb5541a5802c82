// SPDX-License-Identifier: GPL-2.0
/* The cost floor of the recorder's hooks: a sys_exit tp_btf program that
 * returns at once (the recorder runs one program per syscall, at its exit).
 * Attaching it puts every task of the machine on the slow syscall path and
 * adds one program call to every syscall; no recorder on this hook can be
 * cheaper. Built and run by bench/run.sh only. */
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_exit, struct pt_regs* regs, long ret) { return 0; }

#!/usr/bin/env python3
# runtime_calls.py TRACE: the syscalls the thread that installs an OCI
# container's seccomp filter makes after installing it, up to its execve of
# the workload. TRACE is `strace -f -qq -o TRACE` output of runc, crun or
# podman. Prints the names, sorted, on one line.
import re
import sys

lines = open(sys.argv[1], errors="replace").read().splitlines()
tid = start = None
install = re.compile(r"(\d+) +(prctl\(PR_SET_SECCOMP, SECCOMP_MODE_FILTER|seccomp\(SECCOMP_SET_MODE_FILTER)")
for i, line in enumerate(lines):
    m = install.match(line)
    # Probes of the flags pass a NULL program (EFAULT); the real install has one.
    if m and "len=" in line and "EFAULT" not in line:
        tid, start = m.group(1), i
if tid is None:
    sys.exit("runtime_calls.py: no seccomp filter installed in " + sys.argv[1])
names = set()
call = re.compile(r"(\d+) +(\w+)\(")
for line in lines[start + 1:]:
    m = call.match(line)
    if not m or m.group(1) != tid:
        continue
    names.add(m.group(2))
    if m.group(2) == "execve":
        break
print(" ".join(sorted(names)))

#!/bin/bash
# Measures what runc and crun call after installing a container's seccomp
# filter (docs/seccomp.md, "Container runtimes"): strace -f of RUNS starts of
# a container whose filter allows everything, with and without
# no-new-privileges, directly and (runc) under podman; prints each call with
# the number of runs it appeared in. Root; runc, crun, podman, strace.
# crun refuses hybrid cgroups (v1 controllers beside cgroup2), so it runs in
# a private mount namespace where /sys/fs/cgroup is the cgroup2 hierarchy.
set -euo pipefail
RUNS=${RUNS:-20}
here=$(cd "$(dirname "$0")" && pwd)
helper=${HELPER:-$here/../build/helpers/try_syscall}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bundle/rootfs"
cp "$helper" "$tmp/bundle/rootfs/try_syscall"
for l in $(ldd "$helper" | grep -o '/[^ ]*'); do
  mkdir -p "$tmp/bundle/rootfs$(dirname "$l")"
  cp -L "$l" "$tmp/bundle/rootfs$l"
done
runc spec -b "$tmp/bundle"
allow_all='{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["keyctl"],"action":"SCMP_ACT_ERRNO"}]}'
echo "$allow_all" > "$tmp/allow.json"
config() {  # config NNP
  python3 - "$tmp/bundle/config.json" "$1" "$tmp/allow.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"].update(terminal=False, args=["/try_syscall", "getpid"], noNewPrivileges=sys.argv[2] == "true")
c["linux"]["seccomp"] = json.load(open(sys.argv[3]))
json.dump(c, open(sys.argv[1], "w"))
PY
}
tally() { tr ' ' '\n' | sort | uniq -c | sort -k2 | awk -v runs="$RUNS" '{printf "%s(%d/%d) ", $2, $1, runs} END {print ""}'; }
crun_v2() { unshare -m sh -c 'mount --make-rprivate / && mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' sh "$@"; }
podman_run=(podman --root "$tmp/pm-root" --runroot "$tmp/pm-run" --tmpdir "$tmp/pm-tmp" --storage-driver vfs
  --cgroup-manager cgroupfs --events-backend file --runtime runc run --rm --network none
  --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --security-opt seccomp="$tmp/allow.json")
echo "runc $(runc --version | head -1 | awk '{print $3}'), crun $(crun --version | head -1 | awk '{print $3}'), $RUNS runs each"
for nnp in true false; do
  config $nnp
  echo "runc, noNewPrivileges=$nnp:"
  for i in $(seq "$RUNS"); do
    strace -f -qq -o "$tmp/t" runc --root "$tmp/state" run -b "$tmp/bundle" "r$i" >/dev/null
    python3 "$here/runtime_calls.py" "$tmp/t"
  done | tally
  echo "crun, noNewPrivileges=$nnp:"
  for i in $(seq "$RUNS"); do
    crun_v2 strace -f -qq -o "$tmp/t" crun --cgroup-manager=disabled --root "$tmp/cstate" run -b "$tmp/bundle" "c$i" >/dev/null
    python3 "$here/runtime_calls.py" "$tmp/t"
  done | tally
  echo "podman --runtime runc, no-new-privileges=$nnp:"
  nnp_opt=(--security-opt no-new-privileges=$nnp)
  for i in $(seq "$RUNS"); do
    strace -f -qq -o "$tmp/t" "${podman_run[@]}" "${nnp_opt[@]}" --rootfs "$tmp/bundle/rootfs" /try_syscall getpid >/dev/null
    python3 "$here/runtime_calls.py" "$tmp/t"
  done | tally
done

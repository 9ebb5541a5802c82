#!/bin/bash
# Recorder overhead, measured in one run so that the ratios are comparable on
# a shared, noisy machine. Not part of `make test`.
#
#   bench/run.sh [BUILD_DIR]          (default: build)
#
# Environment: BENCH_RUNS (default 5), BENCH_TAR_DIR (default /usr/share),
# BENCH_FIND_DIR (default /usr), BENCH_LOOP (getppid calls of the tight
# loop, default 2000000), BENCH_COMPARE=0 to skip the strace and ptrace
# columns (minutes each: on a VM where a ptrace stop costs ~0.3 ms, use
# small workloads for them), BENCH_OUT (default bench/results.md).
# Needs root (eBPF), hyperfine, clang, gcc and strace. Writes bench/results.md.
#
# The "floor" column runs the workload under a sys_exit tp_btf program that
# returns at once (bench/floor/): the cost of the recorder's hook alone,
# which no recorder on these tracepoints can go below.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PROFILE=$(realpath "$BUILD/profile")
LOOP=$(realpath "$BUILD/helpers/eb_loop")
RUNS=${BENCH_RUNS:-5}
TAR_DIR=${BENCH_TAR_DIR:-/usr/share}
N=${BENCH_LOOP:-2000000}
FIND_DIR=${BENCH_FIND_DIR:-/usr}
OUT=${BENCH_OUT:-bench/results.md}
command -v hyperfine >/dev/null || { echo "bench: hyperfine is missing (apt-get install hyperfine)" >&2; exit 1; }
command -v strace >/dev/null || { echo "bench: strace is missing" >&2; exit 1; }
[ -x "$PROFILE" ] && [ -x "$LOOP" ] || { echo "bench: build first (make build)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
COMPARE=${BENCH_COMPARE:-1}

clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$BUILD/bpf" -c bench/floor/floor.bpf.c -o "$TMP/floor.bpf.o"
gcc -O2 -o "$TMP/floor_run" bench/floor/floor_run.c -lbpf
gcc -O2 -o "$TMP/slowpath_run" bench/floor/slowpath_run.c

have_ptrace=1
if [ "$COMPARE" = 0 ] || ! "$PROFILE" record --tracer ptrace -o "$TMP/probe" -- /bin/true >/dev/null 2>&1; then
  have_ptrace=0
  [ "$COMPARE" = 0 ] || echo "bench: the ptrace recorder is not available in this build; its column is skipped" >&2
fi

# name, shell command
workloads=(
  "loop|$LOOP $N"
  "find|find $FIND_DIR -xdev > /dev/null"
  "tar|tar c $TAR_DIR 2>/dev/null | cat > /dev/null"
)

{
  echo "# Recorder overhead ($(uname -r), $(nproc) CPUs, $(date -u +%Y-%m-%d))"
  echo
  echo "hyperfine, $RUNS runs each, one warm-up, in this order, side by side. \`untraced\` and every other row run the same \`sh -c CMD\`. \`slow path\`: a seccomp filter allowing everything, which puts the workload on the slow syscall path without calling any program. \`floor\`: one empty sys_exit tp_btf program attached (bench/floor/), the recorder's only per-syscall hook, including its own load. eBPF and ptrace are end-to-end: \`profile record\`'s start-up, the recording, and generating and writing the profile."
  echo
} > "$OUT"

for w in "${workloads[@]}"; do
  name=${w%%|*}
  cmd=${w#*|}
  args=(-N -w 1 -r "$RUNS" --export-markdown "$TMP/$name.md" --export-json "$TMP/$name.json"
    -n "untraced" "sh -c '$cmd'"
    -n "slow path" "$TMP/slowpath_run '$cmd'"
    -n "floor" "$TMP/floor_run $TMP/floor.bpf.o '$cmd'"
    -n "ebpf" "$PROFILE record --tracer ebpf --allow-loss -o $TMP/p-$name-ebpf -- sh -c '$cmd'")
  if [ "$COMPARE" = 1 ]; then
    args+=(-n "strace" "strace -f -qq -o /dev/null sh -c '$cmd'")
  fi
  if [ $have_ptrace = 1 ]; then
    args+=(-n "ptrace" "$PROFILE record --tracer ptrace --allow-loss -o $TMP/p-$name-ptrace -- sh -c '$cmd'")
  fi
  hyperfine "${args[@]}" >&2
  lost=$(grep -o '"lost_events": [0-9]*' "$TMP/p-$name-ebpf/profile.json" | grep -o '[0-9]*$' || echo "?")
  # Where the eBPF time goes, from PROFILE_EBPF_TIMING (median of 3 runs):
  # start-up (load + attach), the recorded workload (attach to tree exit),
  # and the end (drain, profile generation, writing the files).
  phases=$(for i in 1 2 3; do
    t0=$(date +%s%N)
    PROFILE_EBPF_TIMING=1 "$PROFILE" record --tracer ebpf --allow-loss -o "$TMP/ph" -- sh -c "$cmd" 2>"$TMP/ph.err" >/dev/null
    t1=$(date +%s%N)
    awk -v total=$(( (t1 - t0) / 1000 )) '/attached at/ {a = $4} /workload done at/ {w = $5}
      END {printf "%d %d %d\n", a / 1000, (w - a) / 1000, (total - w) / 1000}' "$TMP/ph.err"
  done | sort -n -k2 | sed -n 2p)
  read -r p_start p_work p_end <<< "$phases"
  rules=$(grep -c '"path"' "$TMP/ph/profile.json" || true)
  { echo "## $name: \`$cmd\`"; echo; cat "$TMP/$name.md"; echo; echo "eBPF lost events in the last run: $lost"; echo
    echo "eBPF phases (median of 3, ms): start-up $p_start, recorded workload $p_work, end (drain, generate, write $rules file rules) $p_end"; echo; } >> "$OUT"
  # One summary row: ratios to the untraced mean of this run.
  python3 - "$TMP/$name.json" "$name" "$p_start" "$p_work" "$p_end" >> "$TMP/summary.md" <<'PY'
import json, sys
res = {r["command"]: r["mean"] * 1000 for r in json.load(open(sys.argv[1]))["results"]}
name, start, work, end = sys.argv[2], *map(float, sys.argv[3:6])
u = res["untraced"]
print(f"| {name} | {u:.0f} ms | {res['slow path'] / u:.2f}x | {res['floor'] / u:.2f}x | {work / u:.2f}x | {res['ebpf'] / u:.2f}x "
      f"| {start:.0f} / {work:.0f} / {end:.0f} ms |")
PY
done

# End-to-end cost of a trivial recording: time and peak memory.
hyperfine -N -w 2 -r $((RUNS * 4)) --export-markdown "$TMP/true.md" \
  -n "record /bin/true" "$PROFILE record --tracer ebpf -o $TMP/p-true -- /bin/true" >&2
rss=$( { /usr/bin/time -f "%M" "$PROFILE" record --tracer ebpf -o "$TMP/p-true" -- /bin/true >/dev/null 2>"$TMP/rss.err"; } ; tail -1 "$TMP/rss.err")
{
  echo "## \`profile record --tracer ebpf -- /bin/true\` (target < 150 ms, < 30 MB)"
  echo
  cat "$TMP/true.md"
  echo
  echo "Peak RSS (/usr/bin/time -v, maximum resident set size): ${rss} KB"
} >> "$OUT"
{
  echo
  echo "## Summary"
  echo
  echo "Ratios to the untraced mean of the same run. *Recorded phase*: from the recorder attached to the workload's tree gone (median of 3 runs), i.e. the workload as it ran under the recorder, without \`profile\`'s start-up and end."
  echo
  echo "| workload | untraced | slow path | floor | eBPF, recorded phase | eBPF, end to end | eBPF start-up / recorded / end |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  cat "$TMP/summary.md"
} >> "$OUT"
echo "bench: results in $OUT" >&2

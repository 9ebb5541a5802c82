#!/bin/bash
# Recorder overhead, measured in one run so that the ratios are comparable on
# a shared, noisy machine. Not part of `make test`.
#
#   bench/run.sh [BUILD_DIR]          (default: build)
#
# Environment: BENCH_RUNS (default 5), BENCH_TAR_DIR (default /usr/share),
# BENCH_LOOP (getppid calls of the tight loop, default 2000000).
# Needs root (eBPF), hyperfine and strace. Writes bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PROFILE=$(realpath "$BUILD/profile")
LOOP=$(realpath "$BUILD/helpers/eb_loop")
RUNS=${BENCH_RUNS:-5}
TAR_DIR=${BENCH_TAR_DIR:-/usr/share}
N=${BENCH_LOOP:-2000000}
OUT=bench/results.md
command -v hyperfine >/dev/null || { echo "bench: hyperfine is missing (apt-get install hyperfine)" >&2; exit 1; }
command -v strace >/dev/null || { echo "bench: strace is missing" >&2; exit 1; }
[ -x "$PROFILE" ] && [ -x "$LOOP" ] || { echo "bench: build first (make build)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

have_ptrace=1
if ! "$PROFILE" record --tracer ptrace -o "$TMP/probe" -- /bin/true >/dev/null 2>&1; then
  have_ptrace=0
  echo "bench: the ptrace recorder is not available in this build; its column is skipped" >&2
fi

# name, shell command
workloads=(
  "loop|$LOOP $N"
  "find|find /usr -xdev > /dev/null"
  "tar|tar c $TAR_DIR 2>/dev/null | cat > /dev/null"
)

{
  echo "# Recorder overhead ($(uname -r), $(nproc) CPUs, $(date -u +%Y-%m-%d))"
  echo
  echo "hyperfine, $RUNS runs each, one warm-up; eBPF and ptrace include \`profile record\`'s own start-up and profile writing."
  echo
} > "$OUT"

for w in "${workloads[@]}"; do
  name=${w%%|*}
  cmd=${w#*|}
  args=(-N -w 1 -r "$RUNS" --export-markdown "$TMP/$name.md"
    -n "untraced" "sh -c '$cmd'"
    -n "ebpf" "$PROFILE record --tracer ebpf --allow-loss -o $TMP/p-$name-ebpf -- sh -c '$cmd'"
    -n "strace" "strace -f -qq -o /dev/null sh -c '$cmd'")
  if [ $have_ptrace = 1 ]; then
    args+=(-n "ptrace" "$PROFILE record --tracer ptrace --allow-loss -o $TMP/p-$name-ptrace -- sh -c '$cmd'")
  fi
  hyperfine "${args[@]}" >&2
  lost=$(grep -o '"lost_events": [0-9]*' "$TMP/p-$name-ebpf/profile.json" | grep -o '[0-9]*$' || echo "?")
  { echo "## $name: \`$cmd\`"; echo; cat "$TMP/$name.md"; echo; echo "eBPF lost events in the last run: $lost"; echo; } >> "$OUT"
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
echo "bench: results in $OUT" >&2

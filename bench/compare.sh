#!/bin/bash
# Two builds of `profile` side by side in one run (e.g. before and after a
# change), against the untraced workloads of bench/run.sh. Markdown on stdout.
#
#   bench/compare.sh OLD_PROFILE NEW_PROFILE [LOOP_HELPER]
#
# Environment: BENCH_RUNS (default 8), BENCH_LOOP (default 2000000),
# BENCH_TAR_DIR (default /usr/share). Needs root and hyperfine.
set -euo pipefail
OLD=$(realpath "$1")
NEW=$(realpath "$2")
LOOP=$(realpath "${3:-$(dirname "$0")/../build/helpers/eb_loop}")
RUNS=${BENCH_RUNS:-8}
N=${BENCH_LOOP:-2000000}
TAR_DIR=${BENCH_TAR_DIR:-/usr/share}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
lost() { grep -o '"lost_events": [0-9]*' "$1/profile.json" | grep -o '[0-9]*$' || echo "?"; }
for cmd in "$LOOP $N" "find /usr -xdev > /dev/null" "tar c $TAR_DIR 2>/dev/null | cat > /dev/null"; do
  hyperfine -N -w 1 -r "$RUNS" --export-markdown "$TMP/x.md" \
    -n "untraced" "sh -c '$cmd'" \
    -n "old" "$OLD record --tracer ebpf --allow-loss -o $TMP/old -- sh -c '$cmd'" \
    -n "new" "$NEW record --tracer ebpf --allow-loss -o $TMP/new -- sh -c '$cmd'" >&2
  echo "### \`$cmd\`"; echo; cat "$TMP/x.md"; echo
  echo "Lost events in the last run: old $(lost "$TMP/old"), new $(lost "$TMP/new")"; echo
done

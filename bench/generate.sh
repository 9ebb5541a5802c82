#!/bin/bash
# Time of `profile generate` (read profile.json, render and write every file)
# on a large profile directory, for one build or two side by side (e.g.
# before and after a change). Markdown on stdout.
#
#   bench/generate.sh PROFILE [OTHER_PROFILE]
#
# Environment:
#   BENCH_RUNS (default 20)
#   BENCH_PROFILE_DIR  a saved profile directory to use. Without it, one is
#                      recorded first with PROFILE from `find /usr -xdev`
#                      (about 17k file rules; needs root).
#   BENCH_SYNTHETIC=N  instead, a synthetic profile of N file rules
#                      (bench/synthetic_profile.py; no root needed).
#   BENCH_END_PHASE=1  also time the end of `profile record` (Observations ->
#                      profile -> rendered and written files) of that find
#                      recording, 5 runs per build, with uprobes on
#                      profile_from_observations and write_profile_dir
#                      (needs root, tracefs and nm).
# Needs hyperfine. When two builds are given, their outputs are compared
# byte for byte as well.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 PROFILE [OTHER_PROFILE]" >&2; exit 2; }
BINS=()
for b in "$@"; do BINS+=("$(realpath "$b")"); done
RUNS=${BENCH_RUNS:-20}
TMP=$(mktemp -d /var/tmp/bench-generate.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

SRC=${BENCH_PROFILE_DIR:-}
if [ -z "$SRC" ] && [ -n "${BENCH_SYNTHETIC:-}" ]; then
  SRC=$TMP/synthetic
  python3 "$(dirname "$0")/synthetic_profile.py" "$SRC" "$BENCH_SYNTHETIC"
  "${BINS[0]}" generate --force "$SRC" >/dev/null
elif [ -z "$SRC" ]; then
  SRC=$TMP/recorded
  "${BINS[0]}" record --tracer auto --allow-loss -o "$SRC" -- sh -c 'find /usr -xdev > /dev/null' >/dev/null 2>&1
fi
rules=$(grep -c '"path":' "$SRC/profile.json" || true)

args=()
for i in "${!BINS[@]}"; do
  cp -a "$SRC" "$TMP/dir$i"
  name=$([ ${#BINS[@]} -eq 2 ] && { [ "$i" -eq 0 ] && echo old || echo new; } || echo generate)
  args+=(-n "$name" "${BINS[$i]} generate $TMP/dir$i")
done
echo "### \`profile generate\` on a profile of $rules file rules"
echo
hyperfine -N -w 2 -r "$RUNS" --export-markdown "$TMP/x.md" "${args[@]}" >&2
cat "$TMP/x.md"
echo
if [ ${#BINS[@]} -eq 2 ]; then
  same=yes
  for f in "$TMP/dir0"/*; do cmp -s "$f" "$TMP/dir1/$(basename "$f")" || { same=no; echo "differs: $(basename "$f")"; }; done
  echo "Generated files identical between the two builds: $same"
  echo
fi

# The end of `profile record`, timed inside the process with uprobes.
end_phase() {
  local bin=$1 T=/sys/kernel/tracing
  local pfo wpd
  pfo=$(nm "$bin" | awk '$3 ~ /^_ZN7profile25profile_from_observations/ {print $1; exit}')
  wpd=$(nm "$bin" | awk '$3 ~ /^_ZN7profile17write_profile_dir/ {print $1; exit}')
  [ -n "$pfo" ] && [ -n "$wpd" ] || { echo "no symbols"; return; }
  echo "p:bench_generate/start $bin:0x$pfo" >> $T/uprobe_events
  echo "r:bench_generate/done $bin:0x$wpd" >> $T/uprobe_events
  local out=()
  for _ in 1 2 3 4 5; do
    echo > $T/trace
    echo 1 > $T/events/bench_generate/enable
    "$bin" record --tracer auto --allow-loss -o "$TMP/rec" -- sh -c 'find /usr -xdev > /dev/null' >/dev/null 2>&1 || true
    echo 0 > $T/events/bench_generate/enable
    out+=("$(grep -oE '[0-9]+\.[0-9]+: (start|done):' $T/trace | awk '{t[NR]=$1+0} END {if (NR==2) printf "%.0f", (t[2]-t[1])*1000; else printf "?"}')")
  done
  echo "-:bench_generate/start" >> $T/uprobe_events
  echo "-:bench_generate/done" >> $T/uprobe_events
  echo "${out[*]}"
}
if [ "${BENCH_END_PHASE:-0}" = 1 ]; then
  [ -d /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing
  echo "### End of \`profile record\` (profile_from_observations to write_profile_dir), \`find /usr -xdev\`, ms per run"
  echo
  echo "| build | runs (ms) |"
  echo "|---|---|"
  for i in "${!BINS[@]}"; do echo "| ${BINS[$i]} | $(end_phase "${BINS[$i]}") |"; done
  echo
fi

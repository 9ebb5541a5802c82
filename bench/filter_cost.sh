#!/bin/bash
# The cost of a seccomp filter on the workload's own syscalls: each workload
# under `profile enforce --seccomp` with no filter (unconfined), Docker's
# default profile, and the profile `profile record` generated for that very
# workload (argument rules included), run in turn round after round so load
# drifts hit all three alike. Prints the median wall time of each and its
# ratio to the unfiltered run. Only the filter differs between the three: the
# namespaces, cgroup and capabilities of `enforce` are the same.
#
#   bench/filter_cost.sh [PROFILE_BIN]      (root)
#
# Environment: ROUNDS (default 7, at least 5), LOOP (getppid calls, default
# 10000000), FIND_DIR (default /usr). Results of a run on a quiet machine
# are in bench/filter_cost.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PROFILE=$(realpath "${1:-$here/../build/profile}")
LOOP_HELPER=$(realpath "$here/../build/helpers/eb_loop")
DOCKER=$(realpath "$here/../runner/default_seccomp.json")
ROUNDS=${ROUNDS:-7}
LOOP=${LOOP:-10000000}
FIND_DIR=${FIND_DIR:-/usr}
[ "$ROUNDS" -ge 5 ] || { echo "filter_cost.sh: ROUNDS must be at least 5" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Wall time of one run in microseconds; the workload's output is discarded.
timed() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" > /dev/null 2>&1 || { echo "filter_cost.sh: failed: $*" >&2; exit 1; }
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000))
}
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "# bench/filter_cost.sh: $(date -u +%Y-%m-%dT%H:%MZ), $(uname -r), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# rounds $ROUNDS, each round runs none, docker, generated in turn; median wall time"
printf '%-34s %12s %12s %12s %8s %8s %6s\n' workload "none(us)" "docker(us)" "generated(us)" docker/ gen/ rules
for w in loop find; do
  case $w in
    loop) cmd=("$LOOP_HELPER" "$LOOP"); rec=("$LOOP_HELPER" 1000); name="getppid x $LOOP" ;;
    find) cmd=(find "$FIND_DIR" -xdev); rec=("${cmd[@]}"); name="find $FIND_DIR -xdev" ;;
  esac
  "$PROFILE" record --allow-loss -o "$tmp/$w" -- "${rec[@]}" > /dev/null 2>&1
  gen="$tmp/$w/seccomp.json"
  rules=$(grep -c '"action"' "$gen")
  : > "$tmp/none"; : > "$tmp/docker"; : > "$tmp/gen"
  for _ in $(seq "$ROUNDS"); do
    timed "$PROFILE" enforce --seccomp unconfined -- "${cmd[@]}" >> "$tmp/none"
    timed "$PROFILE" enforce --seccomp "$DOCKER" -- "${cmd[@]}" >> "$tmp/docker"
    timed "$PROFILE" enforce --seccomp "$gen" -- "${cmd[@]}" >> "$tmp/gen"
  done
  n=$(median < "$tmp/none"); d=$(median < "$tmp/docker"); g=$(median < "$tmp/gen")
  printf '%-34s %12s %12s %12s %8.3f %8.3f %6s\n' "$name" "$n" "$d" "$g" \
    "$(echo "$d / $n" | bc -l)" "$(echo "$g / $n" | bc -l)" "$rules"
done

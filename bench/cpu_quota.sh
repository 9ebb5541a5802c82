#!/bin/bash
# CPU quota benchmark: a one-thread busy loop spins for the same wall-clock
# time without a quota and under `--cpus`. Printed per run: the share of one
# CPU the run's cgroup was charged (cgroup CPU time / wall time, from the
# --json summary) and the loop iterations relative to the unthrottled run.
# Ratios measured in one run (the machine is shared and noisy), not absolute
# timings. Needs root.
#
#   bench/cpu_quota.sh [build-dir] [milliseconds]
set -euo pipefail
BUILD=${1:-build}
MS=${2:-2000}
PROFILE=$BUILD/profile
BUSY=$BUILD/helpers/rn_busy
[ -x "$PROFILE" ] && [ -x "$BUSY" ] || { echo "build first: make build" >&2; exit 1; }

# Prints "ITERATIONS CPU_USEC".
run() {
  local err iters
  err=$(mktemp)
  iters=$("$PROFILE" enforce --json "$@" -- "$BUSY" "$MS" 2>"$err")
  local usec
  usec=$(grep -o '"cpu_usec":[0-9]*' "$err" | cut -d: -f2)
  rm -f "$err"
  echo "$iters ${usec:-0}"
}

read -r base_iters base_usec < <(run)
printf "%-12s cpu share %.2f  iterations %s\n" "no quota" \
  "$(awk -v u="$base_usec" -v ms="$MS" 'BEGIN { print u / (ms * 1000) }')" "$base_iters"
for cpus in 1.5 0.5 0.25 0.1; do
  read -r iters usec < <(run --cpus "$cpus")
  awk -v c="$cpus" -v u="$usec" -v ms="$MS" -v i="$iters" -v b="$base_iters" 'BEGIN {
    printf "--cpus %-5s cpu share %.2f (quota %s)  iterations %s, ratio %.2f\n", c, u / (ms * 1000), c, i, i / b }'
done

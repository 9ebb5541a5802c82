#!/bin/bash
# The benchmark suite (`make bench`; never part of `make test`): every
# workload untraced, under the floor, under `profile record` (eBPF and
# ptrace) and under the tools a user would run instead (strace, bpftrace,
# perf trace, where installed), in alternating rounds of one sitting.
# Writes bench/results.md and bench/results.svg (bench/suite.py does the
# measuring, bench/chart.py the chart).
#
#   bench/run.sh [BUILD_DIR]          (default: build; root, for eBPF)
#
# Environment: BENCH_RUNS (rounds, default 5), BENCH_LOOP (getppid calls of
# the tight loop, default 10000000), BENCH_SMALL_LOOP (the loop every tool
# runs, default 20000), BENCH_FIND_DIR (default /usr), BENCH_SCALE (file
# counts of the scaling rows, default 1000,10000,100000), BENCH_CORPUS
# (entries of tests/corpus/entries, default sqlite3,tar,python3),
# BENCH_TOOLS (a comma list to run only some tools), BENCH_OUT, BENCH_SVG.
#
# The "floor" runs the workload under a sys_exit raw_tp program that
# returns at once (bench/floor/): the cost of the recorder's hook alone,
# which no recorder on these tracepoints can go below.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
[ "$(id -u)" -eq 0 ] || { echo "bench: run as root (the recorders load eBPF programs)" >&2; exit 1; }
[ -x "$BUILD/profile" ] && [ -x "$BUILD/helpers/eb_loop" ] || { echo "bench: build first (make build)" >&2; exit 1; }
for tool in clang gcc python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make bench installs it)" >&2; exit 1; }
done
TMP=$(mktemp -d /var/tmp/profile-bench.XXXXXX)
trap 'rm -rf "$TMP" /dev/shm/profile-bench-scale /var/tmp/profile-bench-scale /var/tmp/profile-bench-corpus-*' EXIT

clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$BUILD/bpf" -c bench/floor/floor.bpf.c -o "$TMP/floor.bpf.o"
gcc -O2 -o "$TMP/floor_run" bench/floor/floor_run.c -lbpf
gcc -O2 -o "$TMP/slowpath_run" bench/floor/slowpath_run.c

python3 bench/suite.py --build "$BUILD" --tmp "$TMP" --floor-run "$TMP/floor_run" --floor-obj "$TMP/floor.bpf.o" --slowpath-run "$TMP/slowpath_run"

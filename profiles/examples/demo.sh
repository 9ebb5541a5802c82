#!/bin/bash
# `make demo`: record a bundled sample workload and a real program, show the
# summary, enforce the generated profiles, and show a forbidden call denied.
set -uo pipefail
PROFILE=${1:-build/profile}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$(dirname "$PROFILE")" && pwd)
SAMPLE="$BUILD/examples/sample"
OUT="$BUILD/demo"
rm -rf "$OUT"
mkdir -p "$OUT"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "note: not root; recording and enforcing need root for the full sandbox" >&2
fi

step "1. Record the bundled sample workload"
run "$PROFILE" record -o "$OUT/sample" -- "$SAMPLE" /etc/os-release || exit 1

step "2. Record a real program: python3"
run "$PROFILE" record -o "$OUT/python" -- python3 -c 'import json,sys; print(json.dumps({"ok": sum(range(10))}))' || exit 1

step "3. The generated seccomp profile of the sample (first lines)"
head -n 12 "$OUT/sample/seccomp.json"
allowed=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(r["names"]) for r in d["syscalls"] if r["action"] == "SCMP_ACT_ALLOW"))' "$OUT/sample/seccomp.json")
echo "  ... ($allowed syscalls allowed by name; any other call fails)"
echo "caps.txt: $(cat "$OUT/sample/caps.txt" | tr '\n' ' ')"

step "4. Enforce the profiles: the workloads still run"
run "$PROFILE" enforce --profile "$OUT/sample" -- "$SAMPLE" /etc/os-release || exit 1
run "$PROFILE" enforce --profile "$OUT/python" -- python3 -c 'import json,sys; print(json.dumps({"ok": sum(range(10))}))' || exit 1

step "5. A call outside the profile is denied"
run "$PROFILE" enforce --profile "$OUT/sample" -- "$SAMPLE" --forbidden /etc/os-release
rc=$?
if [ $rc -eq 2 ]; then
  echo "denied as expected (the sample exited 2 after socket() failed)"
else
  echo "UNEXPECTED: exit status $rc" >&2
  exit 1
fi
echo
echo "Profiles written to $OUT/"

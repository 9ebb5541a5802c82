#!/bin/bash
# The corpus harness against entries with known outcomes, so that each of its
# verdicts is shown to be reachable: a pass, a denial, a broken entry, a
# timeout, and the three outcomes of an entry registered as failing today.
#   self_test.sh PROFILE_BIN
set -uo pipefail
bin=${1:?usage: self_test.sh PROFILE_BIN}
here=$(dirname "$(readlink -f "$0")")
if [ "$(id -u)" -ne 0 ]; then
  if [ "${PROFILE_REQUIRE_PRIVILEGED:-}" = 1 ]; then echo "needs root, and CI requires privileged tests"; exit 1; fi
  echo "SKIP: needs root"
  exit 0
fi
bad=0
expect() {  # entry, expected status, ERE the output must match
  local entry=$1 want=$2 re=$3 out rc
  out=$(CORPUS_JOB_TIMEOUT=${TIMEOUT:-20} bash "$here/run.sh" "$bin" "$here/selftest/$entry.sh" 2>&1)
  rc=$?
  if [ "$rc" != "$want" ] || ! grep -Eq "$re" <<<"$out"; then
    echo "self-test $entry: status $rc (want $want), output should match /$re/:"
    echo "$out" | sed 's/^/    /'
    bad=1
  else
    echo "self-test $entry: ok"
  fi
}
expect same_file 0 'corpus same_file: PASS$'
expect other_file 1 'FAIL: denial text in run.enf stderr: cat: \.\./b\.txt: Permission denied'
expect known 1 'fails as documented \(waiting for: F0 self-test\)'
expect known_other 0 'UNEXPECTED: registered as failing'
expect known_fixed 0 'registered as failing today \(F0 self-test\): that fix has landed'
expect broken 1 'FAIL: entry broken: the unconfined ref\.rec exited 1'
TIMEOUT=2 expect slow 1 'FAIL: run\.enf: timed out after 2s'
exit $bad

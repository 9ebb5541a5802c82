#!/bin/bash
# Corpus harness: one entry of tests/corpus/entries/ per run.
#
#   run.sh PROFILE_BIN ENTRY.sh       (root)
#
# CORPUS_KEEP=1 keeps the work directory; on a failure, CORPUS_STRACE=1 names
# each call refused in the enforced run and CORPUS_EXPLAIN=1 lists what a
# recording of the enforced job has that the recorded profile lacks.
#
# An entry records a real program doing one job and enforces the profile on a
# similar but different job. It passes when the enforced job behaves exactly
# as the same job run unconfined (exit status, stdout, stderr, and the files it
# leaves, as the entry's `state` function lists them), nothing was denied, no
# run timed out, and the profile is small (see the end).
#
# Each run starts from a fresh copy of the inputs in the same directory, so
# paths printed by the program are identical in the reference and the
# confined run:
#   reference: prepare; RECORD unconfined; ENFORCE unconfined; state
#   confined:  prepare; profile record RECORD; profile enforce ENFORCE; state
#
# An entry is a bash file defining:
#   DESCRIPTION            one line
#   INTERPRETED=1          optional: an interpreter-based program (file-rule limit applies)
#   prepare                function, run in the fresh work directory $D
#   record_job, enforce_job  functions setting RECORD=(...) / ENFORCE=(...), argv run in $D
#   between                optional function: what changes in $D after the recorded job and
#                          before the enforced one (new content, a new symlink)
#   state                  optional function printing what the jobs left behind (compared too)
#   RECORD_STDOUT          optional: where the recorded job's stdout goes (default: a pipe)
#   EXPECT_STATUS          optional: the status of the unconfined jobs (default 0); another
#                          status fails the entry as broken, so it never passes vacuously
#   KNOWN_FAILURE          optional: the issue item this entry waits for (it fails today);
#                          ctest registers it WILL_FAIL, and docs/corpus.md explains it
#   KNOWN_DENIAL           with KNOWN_FAILURE: an ERE that one finding must match
#   SERVER=1               optional: RECORD/ENFORCE are a server listening on $PORT, and
#                          record_client / enforce_client (functions, run unconfined on the
#                          host) talk to it through --publish; the clients' output is compared;
#                          `ready` (function) succeeds once the server answers
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 PROFILE_BIN ENTRY.sh" >&2
  exit 2
fi
PROFILE_BIN=$(readlink -f "$1")
ENTRY=$(readlink -f "$2")
NAME=$(basename "$ENTRY" .sh)
HERE=$(dirname "$(readlink -f "$0")")
JOB_TIMEOUT=${CORPUS_JOB_TIMEOUT:-20}

if [ "$(id -u)" -ne 0 ]; then
  if [ "${PROFILE_REQUIRE_PRIVILEGED:-}" = 1 ]; then
    echo "corpus $NAME: FAIL: needs root, and CI requires privileged tests" >&2
    exit 1
  fi
  echo "corpus $NAME: SKIP: needs root"
  exit 0
fi

# Outside /tmp: the sandbox gets a private /tmp, where the inputs would be invisible.
W=$(mktemp -d /var/tmp/profile-corpus.XXXXXX) || exit 1
cleanup() {
  if [ -n "${SERVER_PID:-}" ]; then kill -TERM "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  if [ "${CORPUS_KEEP:-}" = 1 ]; then echo "corpus $NAME: work directory kept: $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT

# One environment for every run, nothing from the caller's: a pyenv shim or
# a user's ~/.gitconfig would make the reference differ from the sandbox.
export HOME=$W/home
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C LANG=C TZ=UTC
unset PYTHONPATH PERL5LIB GIT_DIR CDPATH
D=$W/work
P=$W/prof
mkdir -p "$HOME"

FAILS=()
fail() { FAILS+=("$1"); }

# shellcheck source=/dev/null
source "$ENTRY"
SERVER=${SERVER:-0}
INTERPRETED=${INTERPRETED:-0}

fresh() {
  rm -rf "$D" && mkdir -p "$D" && cd "$D" || exit 1
  prepare
}

# Runs argv with a timeout; stdout/stderr/status into $W/$1.{out,err,rc}.
# A spinning or blocked workload fails the entry (124) instead of hanging it.
# stdout is a pipe, as when a caller captures the output; a recorded job
# whose entry sets RECORD_STDOUT writes there instead (grep's /dev/null).
bounded() {
  local tag=$1 start=$SECONDS; shift
  if [ -n "${RECORD_STDOUT:-}" ] && [ "${tag#*.}" = rec ]; then
    timeout -k 10 "$JOB_TIMEOUT" "$@" >"$RECORD_STDOUT" 2>"$W/$tag.err" </dev/null
    echo $? >"$W/$tag.rc"
    if [ $((SECONDS - start)) -ge "$JOB_TIMEOUT" ]; then : >"$W/$tag.timedout"; fi
    : >"$W/$tag.out"
    return
  fi
  timeout -k 10 "$JOB_TIMEOUT" "$@" 2>"$W/$tag.err" </dev/null | cat >"$W/$tag.out"
  echo "${PIPESTATUS[0]}" >"$W/$tag.rc"
  # timeout says 124, or 137 when the job outlived the SIGTERM too.
  if [ $((SECONDS - start)) -ge "$JOB_TIMEOUT" ]; then : >"$W/$tag.timedout"; fi
}

# profile's own lines are not the workload's output.
workload_err() { grep -v '^profile: ' "$W/$1.err" || true; }

PORT=0
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() {
  local i
  for i in $(seq 1 100); do
    # The published port accepts before the server inside listens: only an
    # answer of the server itself (the entry's `ready`) says it is up.
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && (cd "$D" && timeout 5 bash -c ready) >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then return 1; fi
    sleep 0.1
  done
  return 1
}
# Server entries: starts argv in the background, runs the client function,
# stops the server with SIGTERM (the way a service manager does) and kills it
# if it has not exited $JOB_TIMEOUT later (status 124, a timeout).
served() {
  local tag=$1 client=$2; shift 2
  "$@" >"$W/$tag.out" 2>"$W/$tag.err" </dev/null &
  SERVER_PID=$!
  if wait_port; then
    (cd "$D" && timeout -k 5 "$JOB_TIMEOUT" bash -c "$client") >"$W/$tag.client.out" 2>"$W/$tag.client.err"
    echo $? >"$W/$tag.client.rc"
  else
    echo "server did not listen on 127.0.0.1:$PORT: $(tail -c 300 "$W/$tag.out") $(tail -c 300 "$W/$tag.err")" >"$W/$tag.client.err"
    : >"$W/$tag.client.out"
    echo 255 >"$W/$tag.client.rc"
  fi
  # Under CORPUS_STRACE the signal goes to the traced profile, strace's
  # child: strace itself would detach on SIGTERM and leave the server running.
  local target=$SERVER_PID
  if [ ${#TRACE[@]} -ne 0 ] && [ "$tag" = run.enf ]; then target=$(pgrep -P "$SERVER_PID" | head -n 1); fi
  kill -TERM "${target:-$SERVER_PID}" 2>/dev/null
  local i rc
  for ((i = 0; i < JOB_TIMEOUT * 10; i++)); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "${target:-$SERVER_PID}" "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID"
    rc=124
    : >"$W/$tag.timedout"
  else
    wait "$SERVER_PID"
    rc=$?
  fi
  echo "$rc" >"$W/$tag.rc"
  SERVER_PID=
}

between_jobs() {
  if declare -F between >/dev/null; then (cd "$D" && between) || fail "the entry's between step failed"; fi
}

# What is compared: the job's status and output (the client's, for a server)
# and the state it left.
result_of() {
  local tag=$1
  if [ "$SERVER" = 1 ]; then tag=$tag.client; fi
  echo "status: $(cat "$W/$tag.rc")"
  echo "--- stdout"
  cat "$W/$tag.out"
  echo "--- stderr"
  workload_err "$tag"
  if declare -F state >/dev/null; then
    echo "--- state"
    (cd "$D" && state)
  fi
}

run_pair() {  # $1: ref|run
  local mode=$1
  fresh
  record_job
  enforce_job
  local rec=("${RECORD[@]}") enf=("${ENFORCE[@]}")
  if [ "$mode" = ref ]; then
    if [ "$SERVER" = 1 ]; then
      served ref.rec record_client "${rec[@]}"
      between_jobs
      served ref.enf enforce_client "${enf[@]}"
    else
      bounded ref.rec "${rec[@]}"
      between_jobs
      bounded ref.enf "${enf[@]}"
    fi
    result_of ref.enf >"$W/expected"
    # A reference that failed would make every comparison vacuous.
    local t
    for t in ref.rec ref.enf; do
      if [ "$SERVER" = 1 ]; then t=$t.client; fi
      if [ "$(cat "$W/$t.rc")" != "${EXPECT_STATUS:-0}" ]; then
        fail "entry broken: the unconfined $t exited $(cat "$W/$t.rc"), not ${EXPECT_STATUS:-0}: $(head -c 300 "$W/$t.err")"
      fi
    done
    return
  fi
  local pub=()
  if [ "$SERVER" = 1 ]; then pub=(-p "$PORT:$PORT"); fi
  if [ "$SERVER" = 1 ]; then
    served run.rec record_client "$PROFILE_BIN" record "${pub[@]}" -o "$P" -- "${rec[@]}"
  else
    bounded run.rec "$PROFILE_BIN" record -o "$P" -- "${rec[@]}"
  fi
  if [ ! -f "$P/seccomp.json" ]; then
    fail "record: no profile written (status $(cat "$W/run.rec.rc")): $(grep '^profile: ' "$W/run.rec.err" | tail -1)"
    return
  fi
  if [ "$(cat "$W/run.rec.rc")" != "$(cat "$W/ref.rec.rc")" ]; then
    fail "record job: status $(cat "$W/run.rec.rc") under record, $(cat "$W/ref.rec.rc") unconfined"
  fi
  # The recorded job runs once, in its own fresh inputs; the enforced job
  # then starts from the state the recorded job left, as in the reference.
  between_jobs
  if [ "$SERVER" = 1 ]; then
    served run.enf enforce_client "${TRACE[@]}" "$PROFILE_BIN" enforce "${pub[@]}" --profile "$P" -- "${enf[@]}"
  else
    bounded run.enf "${TRACE[@]}" "$PROFILE_BIN" enforce --profile "$P" -- "${enf[@]}"
  fi
  result_of run.enf >"$W/actual"
}

# CORPUS_STRACE=1 runs the enforced job under strace to name each refused
# call (off by default: tracing changes the timing the entries exercise).
TRACE=()
if [ "${CORPUS_STRACE:-}" = 1 ]; then TRACE=(strace -f -ff -qq -e signal=none -o "$W/strace"); fi

if [ "$SERVER" = 1 ]; then
  PORT=$(free_port)
  export -f record_client enforce_client ready
fi
export PORT D
run_pair ref
# A port of its own for the confined run: the reference server's connections
# may still hold the first one (TIME_WAIT). Recording and enforcing share it,
# as the profile's port rule requires.
if [ "$SERVER" = 1 ]; then PORT=$(free_port); fi
run_pair run

if [ -f "$W/actual" ]; then
  for tag in run.rec run.enf run.rec.client run.enf.client; do
    if [ -f "$W/$tag.timedout" ] || { [ -f "$W/$tag.rc" ] && [ "$(cat "$W/$tag.rc")" = 124 ]; }; then
      fail "$tag: timed out after ${JOB_TIMEOUT}s"
    fi
  done
  if ! cmp -s "$W/expected" "$W/actual"; then
    fail "enforced job differs from the unconfined one:
$(diff -u --label unconfined --label enforced "$W/expected" "$W/actual" | head -40)"
  fi
  for tag in run.enf run.enf.client; do
    [ -f "$W/$tag.err" ] || continue
    den=$(workload_err "$tag" | grep -i -m3 'operation not permitted\|permission denied\|EPERM\|EACCES\|bad system call' || true)
    if [ -n "$den" ]; then fail "denial text in $tag stderr: $den"; fi
  done
fi

# Size of the profile against Docker's default allow list (its unconditional
# entries: what every container gets) and the file-rule limit for programs run
# by an interpreter. The container runtime's own calls (widenings of kind
# "runtime": what runc or crun makes after installing the filter) are not the
# program's and `profile enforce` leaves them out, so they are not counted.
if [ -f "$P/seccomp.json" ]; then
  read -r NSYS NDOCKER NFILES NWIDE < <(/usr/bin/python3 - "$P/seccomp.json" "$HERE/../../runner/default_seccomp.json" "$P/profile.json" <<'PY'
import json, sys
mine = json.load(open(sys.argv[1]))
docker = json.load(open(sys.argv[2]))
prof = json.load(open(sys.argv[3]))
allowed = {n for s in mine["syscalls"] if s["action"] == "SCMP_ACT_ALLOW" for n in s["names"]}
allowed -= {w["rule"].split()[-1] for w in prof.get("widenings", []) if w["kind"] == "runtime"}
base = {n for s in docker["syscalls"]
        if s["action"] == "SCMP_ACT_ALLOW" and not s.get("includes") and not s.get("excludes") and not s.get("args")
        for n in s["names"]}
print(len(allowed), len(base), len(prof["files"]), len(prof.get("widenings", [])))
PY
)
  PCT=$(( NSYS * 100 / NDOCKER ))
  echo "corpus $NAME: size: syscalls $NSYS/$NDOCKER (${PCT}% of Docker's default allow list), file rules $NFILES, widenings $NWIDE"
  if [ $(( NSYS * 4 )) -gt "$NDOCKER" ]; then fail "size: $NSYS syscalls is more than 25% of Docker's $NDOCKER"; fi
  if [ "$INTERPRETED" = 1 ] && [ "$NFILES" -gt 60 ]; then fail "size: $NFILES file rules, more than 60 for an interpreter-based program"; fi
fi

echo "corpus $NAME: $DESCRIPTION"
if [ ${#FAILS[@]} -eq 0 ]; then
  echo "corpus $NAME: PASS"
  if [ -n "${KNOWN_FAILURE:-}" ]; then
    echo "corpus $NAME: but it is registered as failing today ($KNOWN_FAILURE): that fix has landed;" \
      "remove KNOWN_FAILURE and KNOWN_DENIAL from the entry and update docs/corpus.md"
  fi
  exit 0
fi
for f in "${FAILS[@]}"; do echo "corpus $NAME: FAIL: $f"; done
if [ -f "$W/run.enf.err" ]; then
  echo "--- profile's notes on the enforced run"
  grep '^profile: ' "$W/run.enf.err" | head -10
fi
if [ "${CORPUS_EXPLAIN:-}" = 1 ] && [ "$SERVER" != 1 ]; then
  # What the enforced job needs beyond the recorded profile: record the
  # enforced job alone (from the state the recorded job leaves) and list what
  # its profile has that the recorded one lacks.
  fresh
  bounded explain.rec "${RECORD[@]}"
  between_jobs
  bounded explain.enf "$PROFILE_BIN" record -o "$W/prof-enforced" -- "${ENFORCE[@]}"
  echo "--- needed by the enforced job, missing from the recorded profile"
  /usr/bin/python3 - "$P/profile.json" "$W/prof-enforced/profile.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
sys_a = {n for names in a["syscalls"].values() for n in names}
sys_b = {n for names in b["syscalls"].values() for n in names}
print("syscalls:", " ".join(sorted(sys_b - sys_a)) or "none")
rules_a = {r["path"]: set(r["access"]) for r in a["files"]}
for r in b["files"]:
    extra = set(r["access"]) - rules_a.get(r["path"], set())
    if extra:
        print("file:", r["path"], ",".join(sorted(extra)), "(new path)" if r["path"] not in rules_a else "(more access)")
PY
fi
if [ ${#TRACE[@]} -ne 0 ]; then
  # One file per process (-ff): no call is split by another's.
  echo "--- calls of the enforced run that failed with EPERM or EACCES (strace)"
  grep -hE '= -1 E(PERM|ACCES) ' "$W"/strace.* | sort | uniq | head -20
elif [ ${#FAILS[@]} -ne 0 ]; then
  echo "(CORPUS_STRACE=1 names each refused call)"
fi
# An entry failing today fails only in the way documented: the denial it
# waits for (one finding matches KNOWN_DENIAL), with no other kind of failure
# beside the symptoms of that denial. Anything else (a broken entry, a new
# denial, a profile grown too large) is reported with status 0, which ctest's
# WILL_FAIL turns into a failure.
if [ -n "${KNOWN_FAILURE:-}" ]; then
  matched=0 other=()
  for f in "${FAILS[@]}"; do
    if [[ $f =~ $KNOWN_DENIAL ]]; then
      matched=1
    elif [[ $f != "enforced job differs"* && $f != "denial text"* ]]; then
      other+=("$f")
    fi
  done
  if [ $matched = 1 ] && [ ${#other[@]} -eq 0 ]; then
    echo "corpus $NAME: fails as documented (waiting for: $KNOWN_FAILURE)"
    exit 1
  fi
  echo "corpus $NAME: UNEXPECTED: registered as failing with /$KNOWN_DENIAL/ (waiting for: $KNOWN_FAILURE)," \
    "but it fails otherwise${other:+: ${other[0]%%$'\n'*}}"
  exit 0
fi
exit 1

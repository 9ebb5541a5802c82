#!/bin/bash
# Checks every `#include "dir/..."` against the allowed dependency graph of
# docs/architecture.md ("Layers"):
#   core       -> core
#   tracer     -> core, tracer
#   profilegen -> core, profilegen
#   runner     -> core, runner
#   cli/app    -> core, tracer, profilegen, runner, cli/app
#   cli        -> anything (tests, bench: not checked)
# Also: library code (everything but cli/*.cc) does not write to stderr or
# stdout; it returns notes or calls a Reporter (core/reporter.h).
# Usage: layering_test.sh SOURCE_ROOT. Exits 1 naming each wrong include.
#        layering_test.sh --self-test: shows that a wrong include is caught.
set -u
if [[ ${1:-} == --self-test ]]; then
  tmp=$(mktemp -d) || exit 2
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp"/core "$tmp"/profilegen "$tmp"/runner "$tmp"/cli/app
  echo '#include "core/error.h"' > "$tmp"/runner/ok.cc
  echo '#include "runner/ok.h"' > "$tmp"/cli/app/ok.cc
  bash "$0" "$tmp" > /dev/null || { echo "self-test: an allowed include was refused"; exit 1; }
  echo '  #  include "profilegen/profile.h"' > "$tmp"/runner/bad.cc
  out=$(bash "$0" "$tmp")
  [[ $? == 1 && $out == *'runner/bad.cc:1: includes "profilegen/profile.h"'* ]] ||
    { echo "self-test: runner -> profilegen not caught: $out"; exit 1; }
  rm "$tmp"/runner/bad.cc
  echo '  std::fprintf(stderr, "note\n");' > "$tmp"/runner/prints.cc
  out=$(bash "$0" "$tmp")
  [[ $? == 1 && $out == *'runner/prints.cc:1: prints'* ]] || { echo "self-test: printing in runner/ not caught: $out"; exit 1; }
  rm "$tmp"/runner/prints.cc
  echo '#include "cli/common.h"' > "$tmp"/cli/app/bad.cc
  out=$(bash "$0" "$tmp")
  [[ $? == 1 && $out == *'cli/app/bad.cc:1:'* ]] || { echo "self-test: cli/app -> cli not caught: $out"; exit 1; }
  echo "self-test passed"
  exit 0
fi
root=${1:?usage: layering_test.sh SOURCE_ROOT}
cd "$root" || exit 2

allowed() {  # layer of the including file, layer of the included one
  case "$1" in
    core) [[ $2 == core ]] ;;
    tracer) [[ $2 == core || $2 == tracer ]] ;;
    profilegen) [[ $2 == core || $2 == profilegen ]] ;;
    runner) [[ $2 == core || $2 == runner ]] ;;
    cli/app) [[ $2 != cli ]] ;;
    *) true ;;
  esac
}

layer_of() {  # a path relative to the root
  case "$1" in
    cli/app/*) echo cli/app ;;
    cli/*) echo cli ;;
    */*) echo "${1%%/*}" ;;
    *) echo none ;;
  esac
}

bad=0
checked=0
while IFS= read -r -d '' f; do
  from=$(layer_of "$f")
  checked=$((checked + 1))
  while IFS=: read -r line inc; do
    to=$(layer_of "$inc")
    # An include without a directory is a generated file of the same target.
    [[ $to == none ]] && continue
    [[ -d $to ]] || continue  # a system or external header, not ours
    if ! allowed "$from" "$to"; then
      echo "$f:$line: includes \"$inc\": $from may not depend on $to"
      bad=1
    fi
  done < <(awk '{ if (match($0, /^[ \t]*#[ \t]*include[ \t]*"[^"]*"/)) {
                      s = substr($0, RSTART, RLENGTH); sub(/^[^"]*"/, "", s); sub(/"$/, "", s);
                      print FNR ":" s } }' "$f")
done < <(find core tracer profilegen runner cli -type f \( -name '*.h' -o -name '*.cc' -o -name '*.c' \) -print0 2>/dev/null)

# Files still printing, each with the reason it is allowed for now:
#   tracer/ebpf_tracer.cc: libbpf's log callback, PROFILE_EBPF_TIMING and two
#   warnings; owned by the recorder work, to move to a Reporter there.
print_allowed=(tracer/ebpf_tracer.cc)
while IFS= read -r -d '' f; do
  [[ " ${print_allowed[*]} " == *" $f "* ]] && continue
  while IFS=: read -r line text; do
    echo "$f:$line: prints (library code returns notes or calls a Reporter): $text"
    bad=1
  done < <(grep -nE 'std::(cerr|cout|clog)|(v?fprintf|fputs|fwrite)\(.*(stderr|stdout)|(^|[^a-z_])(printf|puts|perror)\(' "$f")
done < <(find core tracer profilegen runner cli/app -type f \( -name '*.h' -o -name '*.cc' \) -print0 2>/dev/null)

if [[ $checked == 0 ]]; then
  echo "no sources found under $root"
  exit 2
fi
exit $bad

#!/bin/bash
# docs/corpus.md lists every corpus entry, and explains every entry that is
# registered as failing today (KNOWN_FAILURE) under a heading naming it.
#   check_docs.sh SOURCE_DIR
set -uo pipefail
src=${1:?usage: check_docs.sh SOURCE_DIR}
doc=$src/docs/corpus.md
bad=0
for entry in "$src"/tests/corpus/entries/*.sh; do
  name=$(basename "$entry" .sh)
  if ! grep -q "^| \`$name\` |" "$doc"; then
    echo "docs/corpus.md: no table row for corpus entry '$name' (a line starting with | \`$name\` |)"
    bad=1
  fi
  known=$(grep -c '^KNOWN_FAILURE=' "$entry")
  finding=$(sed -n 's/^KNOWN_FAILURE="\(F[0-9]*\) .*/\1/p' "$entry")
  if [ "$known" -ne 0 ]; then
    if [ -z "$finding" ]; then
      echo "$entry: KNOWN_FAILURE must start with the finding it waits for (F1, F2, ...)"
      bad=1
    elif ! grep -q "^### $finding[ :]" "$doc"; then
      echo "docs/corpus.md: entry '$name' waits for $finding, which has no '### $finding' section"
      bad=1
    elif ! grep -q "^| \`$name\` |.*fails.*$finding" "$doc"; then
      echo "docs/corpus.md: the row of '$name' does not say it fails today, waiting for $finding"
      bad=1
    fi
    if ! grep -q '^KNOWN_DENIAL=' "$entry"; then
      echo "$entry: KNOWN_FAILURE without KNOWN_DENIAL"
      bad=1
    fi
  elif grep -q "^| \`$name\` |.*fails" "$doc"; then
    echo "docs/corpus.md: the row of '$name' says it fails, but the entry has no KNOWN_FAILURE"
    bad=1
  fi
done
exit $bad

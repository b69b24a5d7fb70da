#!/usr/bin/env bash
# Totals the TRX files in a folder and prints "N passed, M failed" as the last line.
# Fails (exit 1) when a test failed or when no results were found.
set -uo pipefail
dir="${1:-artifacts/test-results}"
passed=0
failed=0
files=0
while IFS= read -r -d '' trx; do
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* timeout="\([0-9]*\)".*/\1/p' <<<"$counters")
  a=$(sed -n 's/.* aborted="\([0-9]*\)".*/\1/p' <<<"$counters")
  printf '  %-60s passed %s, failed %s\n' "$(basename "$trx")" "${p:-0}" "$(( ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0} ))"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
done < <(find "$dir" -name '*.trx' -print0 2>/dev/null)
if [ "$files" -eq 0 ]; then
  echo "No test results found in $dir."
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Runs every test project and ends with one totals line: "N passed, M failed, K skipped".
set -uo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
dotnet test DicomWebServer.sln -c Release --logger "console;verbosity=minimal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# Each project prints e.g. "Passed!  - Failed:     0, Passed:    12, Skipped:     0, Total:    12, Duration: 1 s".
read -r passed failed skipped < <(grep -E '(Passed|Failed|Skipped)!? +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" |
  sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/' |
  awk '{f+=$1; p+=$2; s+=$3} END {print p+0, f+0, s+0}')
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"

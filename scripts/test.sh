#!/usr/bin/env bash
# The whole suite: set-up (only what is missing), then every test against the real lab, which the tests
# bring up themselves (or repair) and leave up for the next run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
export CHECKPOINT_DISABLE=1
# Tests are TypeScript too: vitest strips types without checking them.
npx tsc -p tsconfig.test.json
results=$(mktemp --suffix=.json)
trap 'rm -f "$results"' EXIT
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
# One closing line in the plain form any CI reads.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' "$results" 2>/dev/null || echo "tests: 0 passed, 1 failed (no results: vitest did not finish)"
exit "$status"

#!/usr/bin/env bash
# The whole suite: set-up (only what is missing), a typecheck, then every test. Tests that use the lab
# (brought up or repaired by the tests themselves, and left up) run one file at a time; tests that need
# nothing of the lab (their own sshd, PostgreSQL, a scratch libvirtd, a local fixture provider, pure code) run
# beside them in a second vitest process; which is which follows from the file name alone. Arguments (file
# filters) run one vitest process over what they select.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
export CHECKPOINT_DISABLE=1
# Tests are TypeScript too: vitest strips types without checking them.
npx tsc -p tsconfig.test.json
# One layout for all code (Prettier, pinned): `npm run format` fixes what this reports.
npm run --silent format:check

# VIRTPLANE_TEST_RESULTS=DIR keeps vitest's JSON results (per-file timings included) in DIR.
if [ -n "${VIRTPLANE_TEST_RESULTS:-}" ]; then
  results=$VIRTPLANE_TEST_RESULTS
  mkdir -p "$results"
else
  results=$(mktemp -d)
  trap 'rm -rf "$results"' EXIT
fi
summary() {
  node -e '
    const fs = require("fs");
    let passed = 0, failed = 0, skipped = 0;
    for (const file of process.argv.slice(1)) {
      // No results at all: that vitest run died; count it as a failure rather than as nothing.
      if (!fs.existsSync(file)) { failed += 1; continue; }
      const r = JSON.parse(fs.readFileSync(file, "utf8"));
      passed += r.numPassedTests;
      // A file that failed to load has no failed test, only a failed suite.
      failed += r.numFailedTests > 0 ? r.numFailedTests : r.numFailedTestSuites;
      skipped += r.numPendingTests + r.numTodoTests;
    }
    // CI shows only the end of the output: name every failure there, with the first lines of its error and,
    // further down (the message holds a whole command output), the lines that say what went wrong.
    const excerpt = (message) => {
      const lines = message.split("\n");
      const head = lines.slice(0, 6);
      const telling = lines.slice(6).filter((line) => /error|failed|refused|denied|cannot|no such/i.test(line) && !/^\s+at /.test(line)).slice(0, 12);
      return [...head, ...(telling.length > 0 ? ["...", ...telling] : [])].map((line) => line.slice(0, 400)).join("\n  ");
    };
    for (const file of process.argv.slice(1)) {
      if (!fs.existsSync(file)) { console.log(`\nFAILED: no results in ${file} (that vitest run died)`); continue; }
      for (const suite of JSON.parse(fs.readFileSync(file, "utf8")).testResults) {
        const failures = suite.assertionResults.filter((test) => test.status === "failed");
        if (failures.length === 0 && suite.status === "failed") console.log(`\nFAILED ${suite.name}\n  ${excerpt(String(suite.message))}`);
        for (const test of failures) {
          console.log(`\nFAILED ${suite.name} > ${test.fullName}`);
          console.log(`  ${excerpt(test.failureMessages[0] ?? "")}`);
        }
      }
    }
    // Where the time went: the suite has a 10-minute budget, so name its slowest files every run.
    const files = [];
    for (const file of process.argv.slice(1)) {
      if (!fs.existsSync(file)) continue;
      for (const suite of JSON.parse(fs.readFileSync(file, "utf8")).testResults) files.push({ name: suite.name.replace(process.cwd() + "/", ""), seconds: (suite.endTime - suite.startTime) / 1000 });
    }
    files.sort((a, b) => b.seconds - a.seconds);
    console.log("\nslowest files:");
    for (const file of files.slice(0, 10)) console.log(`  ${file.seconds.toFixed(0).padStart(5)} s  ${file.name}`);
    console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  ' "$@"
}

if [ "$#" -gt 0 ]; then
  status=0
  npx vitest run --reporter=default --reporter=json --outputFile.json="$results/all.json" "$@" || status=$?
  summary "$results/all.json"
  exit "$status"
fi

# The file name says what a test needs: *.lab.test.ts and *.acceptance.test.ts use the shared lab and run one
# file at a time; every other test file brings what it needs (its own sshd, PostgreSQL, a scratch libvirtd, a
# fixture provider, or nothing) and runs beside them.
LAB_FILES=('.lab.test.ts' '.acceptance.test.ts')

started=$(date +%s)
npx vitest run --reporter=default --reporter=json --outputFile.json="$results/local.json" --exclude '**/*.lab.test.ts' --exclude '**/*.acceptance.test.ts' > "$results/local.log" 2>&1 &
local_pid=$!
lab_status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results/lab.json" "${LAB_FILES[@]}" || lab_status=$?
local_status=0
wait "$local_pid" || local_status=$?
echo
echo "== tests that need no lab (run alongside) =="
cat "$results/local.log"
echo "whole suite: $(( $(date +%s) - started )) s"
summary "$results/lab.json" "$results/local.json"
[ "$lab_status" -eq 0 ] && [ "$local_status" -eq 0 ]

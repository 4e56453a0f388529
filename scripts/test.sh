#!/usr/bin/env bash
# The whole suite: set-up (only what is missing), a typecheck, then every test. Tests that use a lab
# (brought up or repaired by the tests themselves, and left up) run one file at a time per lab, in two lanes
# at once, each with its own lab: lane 1 the one VIRTPLANE_LAB_PREFIX/VIRTPLANE_LAB_SUBNET name (default vp,
# 10.77.0.0/24), lane 2 VIRTPLANE_LAB2_PREFIX/VIRTPLANE_LAB2_SUBNET (default vq, 10.79.0.0/24);
# scripts/lab-lanes.mjs splits the files so the lanes end together. Tests that need nothing of a lab (their own
# sshd, PostgreSQL, a scratch libvirtd, a local fixture provider, pure code) run beside them in a third vitest
# process; which is which follows from the file name alone. Arguments (file filters) run one vitest process
# over what they select, on lane 1's lab.
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

# The file name says what a test needs: *.lab.test.ts and *.acceptance.test.ts use a lab and run one file at
# a time on it; every other test file brings what it needs (its own sshd, PostgreSQL, a scratch libvirtd, a
# fixture provider, or nothing) and runs beside them.
{ read -r -a lane1_files; read -r -a lane2_files; } < <(node scripts/lab-lanes.mjs)
# Lane 1 always has the longest file: empty means the split failed, not that there is nothing to run.
[ "${#lane1_files[@]}" -gt 0 ] || { echo "scripts/lab-lanes.mjs found no lab test files" >&2; exit 1; }
# Lane 2's lab: never lane 1's (10.78.0.0/26 is test/lab/lifecycle's own lab).
lane2_env=(VIRTPLANE_LAB_PREFIX="${VIRTPLANE_LAB2_PREFIX:-vq}" VIRTPLANE_LAB_SUBNET="${VIRTPLANE_LAB2_SUBNET:-10.79.0.0/24}")

started=$(date +%s)
# lab_lane N FILE...: one lab lane's vitest run (an empty lane runs nothing: vitest without filters would run
# every test), its wall time kept beside its results.
lab_lane() {
  local lane=$1 status=0
  shift
  [ "$#" -gt 0 ] || return 0
  npx vitest run --reporter=default --reporter=json --outputFile.json="$results/lab$lane.json" "$@" || status=$?
  echo "$(( $(date +%s) - started ))" > "$results/lab$lane.seconds"
  return "$status"
}
(
  status=0
  npx vitest run --reporter=default --reporter=json --outputFile.json="$results/local.json" --exclude '**/*.lab.test.ts' --exclude '**/*.acceptance.test.ts' || status=$?
  echo "$(( $(date +%s) - started ))" > "$results/local.seconds"
  exit "$status"
) > "$results/local.log" 2>&1 &
local_pid=$!
(export "${lane2_env[@]}"; lab_lane 2 "${lane2_files[@]}") > "$results/lab2.log" 2>&1 &
lab2_pid=$!
lab1_status=0
lab_lane 1 "${lane1_files[@]}" || lab1_status=$?
lab2_status=0
wait "$lab2_pid" || lab2_status=$?
local_status=0
wait "$local_pid" || local_status=$?
echo
echo "== lab lane 2 (${lane2_env[*]}) =="
cat "$results/lab2.log"
echo
echo "== tests that need no lab (run alongside) =="
cat "$results/local.log"
echo "whole suite: $(( $(date +%s) - started )) s (lab lane 1 $(cat "$results/lab1.seconds" 2>/dev/null || echo -) s, lab lane 2 $(cat "$results/lab2.seconds" 2>/dev/null || echo -) s, no-lab lane $(cat "$results/local.seconds" 2>/dev/null || echo -) s)"
# After a change in what the lab files cost: `node scripts/lab-lanes.mjs --record DIR/lab1.json DIR/lab2.json`
# (VIRTPLANE_TEST_RESULTS=DIR) and commit scripts/lab-durations.json, so the next split balances again.
lab_results=()
[ "${#lane1_files[@]}" -gt 0 ] && lab_results+=("$results/lab1.json")
[ "${#lane2_files[@]}" -gt 0 ] && lab_results+=("$results/lab2.json")
summary "${lab_results[@]}" "$results/local.json"
[ "$lab1_status" -eq 0 ] && [ "$lab2_status" -eq 0 ] && [ "$local_status" -eq 0 ]

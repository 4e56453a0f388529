#!/usr/bin/env bash
# The whole suite: set-up (only what is missing), a typecheck, then every test. Tests that use a lab
# (brought up or repaired by the tests themselves, and left up) run one file at a time per lab, in lanes at
# once (VIRTPLANE_LAB_LANES, 2 by default), each with its own lab: lane 1 the one VIRTPLANE_LAB_PREFIX and
# VIRTPLANE_LAB_SUBNET name (default vp, 10.77.0.0/24), lane 2 VIRTPLANE_LAB2_PREFIX/VIRTPLANE_LAB2_SUBNET
# (default vq, 10.79.0.0/24), and so on; scripts/lab-lanes.mjs splits the files so the lanes end together.
# Tests that need nothing of a lab (their own sshd, PostgreSQL, a scratch libvirtd, a local fixture provider,
# pure code) run beside them in one more vitest process; which is which follows from the file name alone. Arguments (file filters) run one vitest process
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
# VIRTPLANE_LAB_LANES=N (2 by default) lab lanes, each with its own lab: lane 1 VIRTPLANE_LAB_PREFIX and
# VIRTPLANE_LAB_SUBNET (default vp, 10.77.0.0/24), lane K VIRTPLANE_LABK_PREFIX and VIRTPLANE_LABK_SUBNET (defaults
# below; never 10.78.0.0/26, test/lab/lifecycle's own lab).
lane_count=${VIRTPLANE_LAB_LANES:-2}
[[ "$lane_count" =~ ^[1-4]$ ]] || { echo "VIRTPLANE_LAB_LANES is a number of lab lanes from 1 to 4, not '$lane_count'" >&2; exit 2; }
default_prefixes=(vp vq vr vs)
default_subnets=(10.77.0.0/24 10.79.0.0/24 10.80.0.0/24 10.76.0.0/24)
lane_files=()
mapfile -t lane_files < <(node scripts/lab-lanes.mjs --lanes "$lane_count")
# Lane 1 always has the longest file: empty means the split failed, not that there is nothing to run.
[ -n "${lane_files[0]:-}" ] || { echo "scripts/lab-lanes.mjs found no lab test files" >&2; exit 1; }

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
# --no-isolate: these files run one after another in one worker process rather than each in a fresh one (with its
# own start and module loading): the lane's test runner took 71 CPU-s instead of 117 (95 processes), CPU the lab
# lanes need on 2 cores. These files restore what they change (environment, spies) and share no lab.
(
  status=0
  npx vitest run --no-isolate --reporter=default --reporter=json --outputFile.json="$results/local.json" --exclude '**/*.lab.test.ts' --exclude '**/*.acceptance.test.ts' || status=$?
  echo "$(( $(date +%s) - started ))" > "$results/local.seconds"
  exit "$status"
) > "$results/local.log" 2>&1 &
local_pid=$!
lane_pids=()
lane_labs=()
for (( lane = 2; lane <= lane_count; lane++ )); do
  prefix_var=VIRTPLANE_LAB${lane}_PREFIX subnet_var=VIRTPLANE_LAB${lane}_SUBNET
  lane_labs[lane]="VIRTPLANE_LAB_PREFIX=${!prefix_var:-${default_prefixes[lane - 1]}} VIRTPLANE_LAB_SUBNET=${!subnet_var:-${default_subnets[lane - 1]}}"
  read -r -a files <<< "${lane_files[lane - 1]:-}"
  # shellcheck disable=SC2086 # the lab's two assignments, split on purpose
  (export ${lane_labs[lane]}; lab_lane "$lane" "${files[@]}") > "$results/lab$lane.log" 2>&1 &
  lane_pids[lane]=$!
done
statuses=0
read -r -a files <<< "${lane_files[0]}"
lab_lane 1 "${files[@]}" || statuses=1
for (( lane = 2; lane <= lane_count; lane++ )); do
  wait "${lane_pids[lane]}" || statuses=1
done
wait "$local_pid" || statuses=1
walls="lab lane 1 $(cat "$results/lab1.seconds" 2>/dev/null || echo -) s"
for (( lane = 2; lane <= lane_count; lane++ )); do
  echo
  echo "== lab lane $lane (${lane_labs[lane]}) =="
  cat "$results/lab$lane.log"
  walls+=", lab lane $lane $(cat "$results/lab$lane.seconds" 2>/dev/null || echo -) s"
done
echo
echo "== tests that need no lab (run alongside) =="
cat "$results/local.log"
echo "whole suite: $(( $(date +%s) - started )) s ($walls, no-lab lane $(cat "$results/local.seconds" 2>/dev/null || echo -) s)"
# After a change in what the lab files cost: `node scripts/lab-lanes.mjs --record DIR/lab*.json`
# (VIRTPLANE_TEST_RESULTS=DIR) and commit scripts/lab-durations.json, so the next split balances again.
lab_results=()
for (( lane = 1; lane <= lane_count; lane++ )); do
  [ -n "${lane_files[lane - 1]:-}" ] && lab_results+=("$results/lab$lane.json")
done
summary "${lab_results[@]}" "$results/local.json"
[ "$statuses" -eq 0 ]

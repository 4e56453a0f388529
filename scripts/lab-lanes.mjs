#!/usr/bin/env node
// The lab tests (*.lab.test.ts, *.acceptance.test.ts) run in several lanes at once (scripts/test.sh: two by
// default, VIRTPLANE_LAB_LANES), each on its own lab, so the suite's wall time is about the lab tests' sum
// divided by the lanes instead of all of it: the lanes wait on guests and hosts, and a core left idle by one
// is taken by another. This splits them so the lanes end together: longest file first onto the lane with
// less work so far (longest-processing-time), by the per-file seconds of a past run kept in
// scripts/lab-durations.json. The rule is deterministic (same files, same durations, same lane count: same
// lanes). A file the durations do not know yet goes to lane 1 (it is counted as 0 s, so it never moves an
// older one), until the next `--record`.
//   node scripts/lab-lanes.mjs [--lanes N]           prints lane 1's files on line 1, lane 2's on line 2 ...
//   node scripts/lab-lanes.mjs --record R1.json ...  writes the durations of vitest JSON results R1.json ...
//                                                    into scripts/lab-durations.json (other files kept)
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const durationsFile = join(root, 'scripts', 'lab-durations.json');
const LAB_FILE = /\.(lab|acceptance)\.test\.ts$/;

/** The lab test files under `folder`, relative to the repository, sorted. */
export function labTestFiles(folder = join(root, 'test')) {
  return readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : labTestFiles(path);
      return LAB_FILE.test(entry.name) ? [relative(root, path)] : [];
    })
    .sort();
}

/**
 * `laneCount` lanes of `files`: files `durations` (seconds by file) does not know go to lane 1; the known ones,
 * longest first (ties by name), each onto the lane with fewest seconds so far (the lowest-numbered on a tie).
 */
export function splitLabLanes(files, durations, laneCount = 2) {
  if (!Number.isInteger(laneCount) || laneCount < 1) throw new Error(`a lane count is a whole number from 1: ${laneCount}`);
  const known = files.filter((file) => file in durations).sort((a, b) => durations[b] - durations[a] || (a < b ? -1 : 1));
  const lanes = Array.from({ length: laneCount }, () => ({ files: [], seconds: 0 }));
  lanes[0].files.push(...files.filter((file) => !(file in durations)).sort());
  for (const file of known) {
    const lane = lanes.reduce((least, candidate) => (candidate.seconds < least.seconds ? candidate : least));
    lane.files.push(file);
    lane.seconds += durations[file];
  }
  return lanes;
}

function main(argv) {
  const durations = existsSync(durationsFile) ? JSON.parse(readFileSync(durationsFile, 'utf8')) : {};
  if (argv[0] === '--record') {
    for (const resultsFile of argv.slice(1)) {
      if (!existsSync(resultsFile)) continue;
      for (const suite of JSON.parse(readFileSync(resultsFile, 'utf8')).testResults) {
        const file = relative(root, suite.name);
        if (LAB_FILE.test(file)) durations[file] = Math.round((suite.endTime - suite.startTime) / 1000);
      }
    }
    const sorted = Object.fromEntries(Object.entries(durations).sort(([a], [b]) => (a < b ? -1 : 1)));
    writeFileSync(durationsFile, JSON.stringify(sorted, null, 2) + '\n');
    return;
  }
  const lanesOption = argv.indexOf('--lanes');
  const lanes = splitLabLanes(labTestFiles(), durations, lanesOption >= 0 ? Number(argv[lanesOption + 1]) : 2);
  for (const lane of lanes) console.log(lane.files.join(' '));
  process.stderr.write(
    `lab lanes: ${lanes.map((lane, index) => `${index + 1}: ${lane.files.length} files, ~${lane.seconds} s`).join('; ')} (scripts/lab-durations.json)\n`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));

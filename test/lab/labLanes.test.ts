/**
 * scripts/test.sh runs the lab tests in lanes (two unless VIRTPLANE_LAB_LANES says), each on its own lab, as
 * scripts/lab-lanes.mjs splits them: every lab file in exactly one lane, the same split for the same
 * durations, the lanes' seconds close, and a file no past run timed in lane 1 without moving the others.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labTestFiles, splitLabLanes } from '../../scripts/lab-lanes.mjs';
import { REPO_ROOT } from '../support/terraform.js';

const durations = JSON.parse(readFileSync(join(REPO_ROOT, 'scripts', 'lab-durations.json'), 'utf8')) as Record<string, number>;

describe('the lab lanes of the suite', () => {
  it('finds every lab and acceptance test file, and only those', () => {
    const files = labTestFiles();
    expect(files).toContain('test/resources/faultInjection.acceptance.test.ts');
    expect(files).toContain('test/lab/lifecycle.lab.test.ts');
    expect(files.every((file) => /\.(lab|acceptance)\.test\.ts$/.test(file))).toBe(true);
    expect(files).not.toContain('test/lab/labLanes.test.ts');
  });

  it.each([2, 3, 4])('puts each file in exactly one of %i lanes, the same way every time, no two lanes further apart than the longest file', (laneCount) => {
    const files = labTestFiles();
    const lanes = splitLabLanes(files, durations, laneCount);
    expect(lanes).toHaveLength(laneCount);
    expect(lanes.flatMap((lane) => lane.files).sort()).toEqual(files);
    expect(splitLabLanes([...files].reverse(), durations, laneCount)).toEqual(lanes);
    const longest = Math.max(...files.filter((file) => file in durations).map((file) => durations[file]!));
    const seconds = lanes.map((lane) => lane.seconds);
    expect(Math.max(...seconds) - Math.min(...seconds)).toBeLessThanOrEqual(longest);
  });

  it('refuses a lane count that is not a whole number from 1', () => {
    expect(() => splitLabLanes(['a'], { a: 1 }, 0)).toThrow(/whole number from 1/);
    expect(() => splitLabLanes(['a'], { a: 1 }, Number.NaN)).toThrow(/whole number from 1/);
  });

  it('balances by duration: the longest file alone against the rest when it is longer than all of them', () => {
    expect(splitLabLanes(['a', 'b', 'c', 'd'], { a: 100, b: 30, c: 20, d: 10 })).toEqual([
      { files: ['a'], seconds: 100 },
      { files: ['b', 'c', 'd'], seconds: 60 },
    ]);
    expect(splitLabLanes(['a', 'b', 'c', 'd'], { a: 40, b: 30, c: 20, d: 10 }).map((lane) => lane.seconds)).toEqual([50, 50]);
    expect(splitLabLanes(['a', 'b', 'c', 'd', 'e'], { a: 40, b: 30, c: 20, d: 10, e: 10 }, 3)).toEqual([
      { files: ['a'], seconds: 40 },
      { files: ['b', 'e'], seconds: 40 },
      { files: ['c', 'd'], seconds: 30 },
    ]);
  });

  it('sends a file no run has timed to lane 1, leaving the split of the others as it was', () => {
    const before = splitLabLanes(['a', 'b', 'c'], { a: 30, b: 20, c: 10 });
    const after = splitLabLanes(['a', 'b', 'c', 'new'], { a: 30, b: 20, c: 10 });
    expect(after[0]!.files).toEqual(['new', ...before[0]!.files]);
    expect(after[1]).toEqual(before[1]);
  });
});

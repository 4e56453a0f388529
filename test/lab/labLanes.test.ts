/**
 * scripts/test.sh runs the lab tests in two lanes, each on its own lab, as scripts/lab-lanes.mjs splits
 * them: every lab file in exactly one lane, the same split for the same durations, the lanes' seconds close,
 * and a file no past run timed in lane 1 without moving the others.
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

  it('puts each file in exactly one lane, the same way every time, the lanes no further apart than the longest file', () => {
    const files = labTestFiles();
    const [one, two] = splitLabLanes(files, durations);
    expect([...one.files, ...two.files].sort()).toEqual(files);
    expect(splitLabLanes([...files].reverse(), durations)).toEqual([one, two]);
    const longest = Math.max(...files.filter((file) => file in durations).map((file) => durations[file]!));
    expect(Math.abs(one.seconds - two.seconds)).toBeLessThanOrEqual(longest);
  });

  it('balances by duration: the longest file alone against the rest when it is longer than all of them', () => {
    const [one, two] = splitLabLanes(['a', 'b', 'c', 'd'], { a: 100, b: 30, c: 20, d: 10 });
    expect(one).toEqual({ files: ['a'], seconds: 100 });
    expect(two).toEqual({ files: ['b', 'c', 'd'], seconds: 60 });
    const [even1, even2] = splitLabLanes(['a', 'b', 'c', 'd'], { a: 40, b: 30, c: 20, d: 10 });
    expect([even1.seconds, even2.seconds]).toEqual([50, 50]);
  });

  it('sends a file no run has timed to lane 1, leaving the split of the others as it was', () => {
    const before = splitLabLanes(['a', 'b', 'c'], { a: 30, b: 20, c: 10 });
    const after = splitLabLanes(['a', 'b', 'c', 'new'], { a: 30, b: 20, c: 10 });
    expect(after[0].files).toEqual(['new', ...before[0].files]);
    expect(after[1]).toEqual(before[1]);
  });
});

/**
 * The shared lab for tests: `useLab()` brings the default lab up (a no-op when it is whole, a repair
 * when it is half-dead) and hands out SSH endpoints pinned to its host keys.
 */
import { labUp } from '../../lib/lab/lab.js';
import { labEndpoints, type LabEndpoints } from '../../lib/lab/endpoints.js';
import type { LabFile } from '../../lib/lab/labFile.js';

export interface TestLab extends LabEndpoints {
  readonly lab: LabFile;
}

let shared: Promise<TestLab> | undefined;

export function useLab(): Promise<TestLab> {
  shared ??= labUp({}, (message) => process.stderr.write(`[lab] ${message}\n`)).then(({ lab }) => ({ lab, ...labEndpoints(lab) }));
  return shared;
}

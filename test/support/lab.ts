/**
 * The shared lab for tests: `useLab()` brings the default lab up (a no-op when it is whole, a repair
 * when it is half-dead) and hands out SSH endpoints pinned to its host keys. VIRTPLANE_LAB_PREFIX and
 * VIRTPLANE_LAB_SUBNET choose another lab (two checkouts testing at once each keep their own).
 */
import { labUp } from '../../lib/lab/lab.js';
import { labEndpoints, type LabEndpoints } from '../../lib/lab/endpoints.js';
import type { LabFile } from '../../lib/lab/labFile.js';

export interface TestLab extends LabEndpoints {
  readonly lab: LabFile;
}

let shared: Promise<TestLab> | undefined;

export function useLab(): Promise<TestLab> {
  shared ??= labUp(labOptionsFromEnvironment(), (message) => process.stderr.write(`[lab] ${message}\n`)).then(({ lab }) => ({ lab, ...labEndpoints(lab) }));
  return shared;
}

function labOptionsFromEnvironment(): { prefix?: string; subnet?: string } {
  const prefix = process.env.VIRTPLANE_LAB_PREFIX;
  const subnet = process.env.VIRTPLANE_LAB_SUBNET;
  return { ...(prefix ? { prefix } : {}), ...(subnet ? { subnet } : {}) };
}

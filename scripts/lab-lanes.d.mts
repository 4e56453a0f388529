// Types of scripts/lab-lanes.mjs, for the test that imports it (test/lab/labLanes.test.ts).
export interface LabLane {
  readonly files: string[];
  readonly seconds: number;
}
export function labTestFiles(folder?: string): string[];
export function splitLabLanes(files: readonly string[], durations: Readonly<Record<string, number>>, laneCount?: number): LabLane[];

#!/usr/bin/env node
// Measures the scheduler's pure core on a large synthetic cluster, each figure beside a baseline from
// the same run: hostUsage (one pass over every host and placement, the least any placement must do).
//   placeVm    one VM into a cluster of H hosts, P placements, G affinity groups
//   planBatch  B new VMs at once (each sees the ones before it)
//   planDrain  the busiest host emptied
// Build first:  npx tsc -p tsconfig.json   (or set VIRTPLANE_DIST to another build's folder)
// Run:          node scripts/bench-scheduler.mjs [--hosts 50] [--placements 2000] [--batch 500] [--groups 20]
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.VIRTPLANE_DIST ?? join(root, 'dist');
const entry = join(dist, 'lib/scheduler/index.js');
if (!existsSync(entry)) {
  process.stderr.write(`missing ${entry}: run \`npx tsc -p tsconfig.json\` first\n`);
  process.exit(2);
}
const { hostUsage, placeVm, planBatch, planDrain } = await import(pathToFileURL(entry).href);

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '50' },
    placements: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '500' },
    groups: { type: 'string', default: '20' },
  },
});
const [hostCount, placementCount, batchSize, groupCount] = [values.hosts, values.placements, values.batch, values.groups].map(Number);

// mulberry32: the same cluster on every run.
let state = 12345;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const int = (min, max) => min + Math.floor(random() * (max - min + 1));

const hosts = Array.from({ length: hostCount }, (_, index) => ({
  id: `host-${index}`,
  name: `kvm${String(index).padStart(3, '0')}`,
  memoryMib: 262144,
  cpus: 64,
  maintenance: index % 17 === 16,
  reachable: true,
}));
const placements = Array.from({ length: placementCount }, (_, index) => ({
  vmId: `vm-${index}`,
  name: `vm${index}`,
  hostId: hosts[index % hostCount].id,
  memoryMib: int(1, 16) * 256,
  vcpus: int(1, 8),
  status: 'placed',
}));
const affinityGroups = Array.from({ length: groupCount }, (_, index) => ({
  id: `group-${index}`,
  name: `group${index}`,
  positive: index % 2 === 0,
  enforcing: index % 3 === 0,
  vmIds: Array.from({ length: 5 }, () => `vm-${int(0, placementCount + batchSize - 1)}`),
  hostIds: [],
}));
const snapshot = {
  cluster: { id: 'cluster', name: 'bench', schedulingPolicy: 'evenly_distributed', memoryOvercommitPercent: 150 },
  hosts,
  placements,
  affinityGroups,
};
const requests = Array.from({ length: batchSize }, (_, index) => ({
  vmId: `vm-${placementCount + index}`,
  name: `new${index}`,
  memoryMib: int(1, 16) * 256,
  vcpus: int(1, 4),
}));

/** Median milliseconds per call over `rounds` rounds (after one warm-up). */
function time(fn, rounds) {
  fn();
  const samples = [];
  for (let round = 0; round < rounds; round += 1) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const busiest = hostUsage(snapshot).reduce((best, usage) => (usage.usedMib > best.usedMib ? usage : best));
const baseline = time(() => hostUsage(snapshot), 50);
const rows = [
  ['hostUsage (baseline)', baseline],
  ['placeVm', time(() => placeVm(requests[0], snapshot), 50)],
  [`planBatch x${batchSize}`, time(() => planBatch(requests, snapshot), 5)],
  [`planDrain (${busiest.vmCount} VMs)`, time(() => planDrain(busiest.hostId, snapshot), 5)],
];
const batch = planBatch(requests, snapshot);
process.stdout.write(`cluster: ${hostCount} hosts, ${placementCount} placements, ${groupCount} groups; batch placed ${batch.placements.length}/${batchSize}\n`);
for (const [label, ms] of rows) {
  process.stdout.write(`${label.padEnd(28)} ${ms.toFixed(3).padStart(10)} ms  ${(ms / baseline).toFixed(1).padStart(8)} x baseline\n`);
}

/**
 * The statistics collector's cost per host per sample, against the read the HA loop makes anyway.
 *
 *   npx vite-node scripts/bench-collector.ts [--sizes 20,200] [--active 20] [--runs 5] [--host kvm1]
 *
 * For each size N, defines N tiny domains (32 MiB, no disk) on a lab host and starts up to --active of
 * them paused (active, so `virsh domstats` reports them, without burning the shared machine's CPU), then
 * times, in the same run: the bulk read alone (the baseline: what the HA loop costs), the bulk read with
 * the statistics, and storing one sample of everything in an embedded inventory (with the rollup and
 * retention that follow each sample). Bytes are those over SSH: the script sent and what came back.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defineDomain, readHostInventory, sshLibvirtHost, undefineDomain, type LibvirtHost } from '../lib/backends/libvirt/index.js';
import { virsh } from '../lib/backends/libvirt/virsh.js';
import { SshPool } from '../lib/backends/ssh/index.js';
import { StatisticsCollector } from '../lib/engine/statistics/collector.js';
import type { HostReading } from '../lib/engine/hostReads.js';
import { openInventory } from '../lib/inventory/index.js';
import { labEndpoints } from '../lib/lab/endpoints.js';
import { DEFAULT_LAB_FILE, readLabFile } from '../lib/lab/labFile.js';
import { environmentLabFile } from '../lib/lab/labPlan.js';
import { tinyDomainModel } from '../test/support/tinyDomain.js';
import { median, time } from './benchTiming.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '20,200' },
    active: { type: 'string', default: '20' },
    runs: { type: 'string', default: '5' },
    host: { type: 'string', default: 'kvm1' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const maxActive = Number(values.active);
const runs = Number(values.runs);

/** Counts what goes over SSH: the script out, stdout and stderr back. */
function metered(host: LibvirtHost): { host: LibvirtHost; take(): { sent: number; received: number } } {
  let sent = 0;
  let received = 0;
  return {
    host: {
      name: host.name,
      uri: host.uri,
      exec: (argv, options) => host.exec(argv, options),
      script: async (text, args, options) => {
        sent += Buffer.byteLength(text) + args.reduce((sum, arg) => sum + Buffer.byteLength(arg) + 1, 0);
        const result = await host.script(text, args, options);
        received += Buffer.byteLength(result.stdout) + Buffer.byteLength(result.stderr);
        return result;
      },
    },
    take() {
      const counted = { sent, received };
      sent = 0;
      received = 0;
      return counted;
    },
  };
}

async function main(): Promise<void> {
  const lab = readLabFile(environmentLabFile(DEFAULT_LAB_FILE));
  const endpoint = labEndpoints(lab).hosts.find((candidate) => candidate.name === values.host);
  if (!endpoint) throw new Error(`No host ${values.host} in the lab`);
  const pool = new SshPool();
  const meter = metered(sshLibvirtHost(pool, endpoint));
  const host = meter.host;
  const workDir = mkdtempSync(join(tmpdir(), 'vp-bench-collector-'));
  const run = randomBytes(3).toString('hex');
  const rows: string[] = [];
  let names: string[] = [];
  try {
    const inventory = await openInventory(join(workDir, 'inventory'));
    const datacenter = await inventory.datacenters.create({ name: 'bench' });
    const cluster = await inventory.clusters.create({ datacenterId: datacenter.id, name: 'bench' });
    const hostRow = await inventory.hosts.create({
      clusterId: cluster.id,
      name: endpoint.name,
      address: endpoint.host,
      port: endpoint.port,
      hostKey: 'bench',
    });
    for (const size of sizes) {
      names = Array.from({ length: size }, (_, index) => `vpbench-${run}-${size}-${String(index).padStart(3, '0')}`);
      const active = Math.min(size, maxActive);
      process.stdout.write(`Defining ${size} domains on ${endpoint.name} (${active} started paused)...\n`);
      for (const [index, name] of names.entries()) {
        await defineDomain(host, tinyDomainModel(name, { memoryMib: 32, kvm: false }));
        if (index < active) await virsh(host, ['start', '--paused', name]);
      }
      await readHostInventory(host, { statistics: true }); // warm the connection
      meter.take();
      const plain: number[] = [];
      const withStats: number[] = [];
      const store: number[] = [];
      let plainBytes = { sent: 0, received: 0 };
      let statsBytes = { sent: 0, received: 0 };
      let vms = 0;
      let domains = 0;
      for (let index = 0; index < runs; index += 1) {
        plain.push((await time(() => readHostInventory(host))).ms);
        plainBytes = meter.take();
        const read = await time(() => readHostInventory(host, { statistics: true }));
        withStats.push(read.ms);
        statsBytes = meter.take();
        domains = read.value.domains.length;
        const readings = new Map<string, HostReading>([[hostRow.id, { kind: 'read', inventory: read.value }]]);
        const collector = new StatisticsCollector();
        const stored = await time(() => collector.collect(inventory, [hostRow], readings, async () => undefined));
        store.push(stored.ms);
        vms = stored.value.vms;
      }
      const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
      rows.push(
        `${String(size).padStart(5)} ${String(domains).padStart(8)} ${String(vms).padStart(7)}  ${median(plain).toFixed(0).padStart(7)} ms ${kib(plainBytes.sent + plainBytes.received).padStart(10)}  ${median(withStats).toFixed(0).padStart(7)} ms ${kib(statsBytes.sent + statsBytes.received).padStart(10)}  ${(median(withStats) - median(plain)).toFixed(0).padStart(6)} ms ${kib(statsBytes.sent + statsBytes.received - plainBytes.sent - plainBytes.received).padStart(10)}  ${median(store).toFixed(0).padStart(7)} ms`,
      );
      for (const name of names) {
        await virsh(host, ['destroy', name]).catch(() => undefined);
        await undefineDomain(host, name).catch(() => undefined);
      }
      names = [];
    }
    await inventory.close();
    process.stdout.write(`\n${endpoint.name}, median of ${runs} runs; bytes over SSH (script sent + output received)\n`);
    process.stdout.write(
      `${'bench'.padStart(5)} ${'domains'.padStart(8)} ${'sampled'.padStart(7)}  ${'bulk read (baseline)'.padStart(21)}  ${'with statistics'.padStart(21)}  ${'statistics cost'.padStart(20)}  ${'store'.padStart(10)}\n`,
    );
    for (const row of rows) process.stdout.write(`${row}\n`);
  } finally {
    for (const name of names) {
      await virsh(host, ['destroy', name]).catch(() => undefined);
      await undefineDomain(host, name).catch(() => undefined);
    }
    await pool.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();

/**
 * Monitoring against the lab, end to end: an inventory that knows the lab's two hosts, a diskless
 * 32 MiB VM on kvm2, one real Debian guest on kvm1 (the lab's image, TCG) and a dir storage domain
 * whose pool both hosts have, and `virtplane engine --listen 127.0.0.1:0` collecting every 2 s.
 * `/metrics` is read by a Prometheus text-format parser with the hosts, both VMs and the storage domain
 * in it; kvm2 cut off by a firewall rule gives a statistics event and drops out of `virtplane_host_up`;
 * the web page, in headless Chromium, shows the hosts, the VMs, a chart with data points and those
 * events (screenshot kept in test-artifacts/monitoring/); and the guest, once it burns CPU (a busy loop
 * started through its guest agent), uses more CPU in the stored history than it did idle, its counter
 * rising, within what the host's own counters saw.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDomainXml } from '../../lib/backends/libvirt/domainXml.js';
import { definePool, destroyPool, sshLibvirtHost, startPool, undefinePool } from '../../lib/backends/libvirt/index.js';
import { SshPool, type SshEndpoint } from '../../lib/backends/ssh/index.js';
import { openInventory, type Inventory, type VmStatistics } from '../../lib/inventory/index.js';
import { runLocal } from '../../lib/lab/localCommand.js';
import { partition } from '../support/haLab.js';
import { useLab, type TestLab } from '../support/lab.js';
import { removeDomainEverywhere, tinyDomainModel, uniqueName } from '../support/tinyDomain.js';

const MAIN = fileURLToPath(new URL('../../dist/lib/cli/main.js', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/monitoring/', import.meta.url));
const tag = uniqueName('vpt-mon');
const guestName = `${tag}-guest`;
const tinyName = `${tag}-tiny`;
const poolName = `${tag}-images`;

let lab: TestLab;
let pool: SshPool;
let workDir: string;
let inventoryDir: string;
let engine: ChildProcess | undefined;
let engineOutput = '';
let baseUrl: string;

function endpoint(name: string): SshEndpoint {
  return lab.hosts.find((host) => host.name === name) ?? expect.fail(`the lab has no ${name}`);
}

async function withInventory<T>(fn: (inventory: Inventory) => Promise<T>): Promise<T> {
  const inventory = await openInventory(inventoryDir);
  try {
    return await fn(inventory);
  } finally {
    await inventory.close();
  }
}

async function waitFor<T>(what: string, timeoutMs: number, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nengine output:\n${engineOutput.slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function guestAgent(command: object): Promise<string> {
  const result = await pool.exec(endpoint('kvm1'), ['virsh', 'qemu-agent-command', guestName, JSON.stringify(command)]);
  return result.stdout;
}

function chromium(args: readonly string[]): Promise<{ stdout: string }> {
  return runLocal(
    [
      'chromium',
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      `--user-data-dir=${join(workDir, 'chromium')}`,
      '--virtual-time-budget=15000',
      '--window-size=1280,1400',
      ...args,
    ],
    {
      timeoutMs: 120_000,
    },
  );
}

describe('monitoring on the lab: collection, /metrics, the web page, failures', () => {
  beforeAll(async () => {
    lab = await useLab();
    pool = new SshPool();
    workDir = mkdtempSync(join(tmpdir(), 'vp-monitoring-'));
    inventoryDir = join(workDir, 'inventory');
    await withInventory(async (inventory) => {
      const datacenter = await inventory.datacenters.create({ name: 'Default' });
      const cluster = await inventory.clusters.create({ datacenterId: datacenter.id, name: 'main' });
      for (const host of lab.lab.hosts.slice(0, 2))
        await inventory.hosts.create({ clusterId: cluster.id, name: host.name, address: host.address, port: host.port, hostKey: host.hostKey });
      // A dir storage domain both hosts see, its pool marked as the storage domain resource marks it.
      const shared = lab.lab.sharedDirectory ?? expect.fail('lab.json has no sharedDirectory: lab up is older than this test');
      const path = join(shared, poolName);
      mkdirSync(path, { recursive: true });
      writeFileSync(join(path, 'filler.raw'), Buffer.alloc(1024 * 1024, 1));
      const domain = await inventory.storageDomains.create({ datacenterId: datacenter.id, name: poolName, type: 'dir', path });
      for (const name of ['kvm1', 'kvm2']) {
        const libvirt = sshLibvirtHost(pool, endpoint(name));
        await definePool(libvirt, {
          type: 'dir',
          name: poolName,
          path,
          owner: { managedBy: 'virtplane', resourceType: 'virtplane_storage_domain', resourceId: domain.id },
        });
        await startPool(libvirt, poolName);
      }
    });

    // The real guest: a qcow2 overlay on the lab's image, in the folder both hosts see; its guest agent
    // lets the test start a busy loop inside without a network.
    const image = lab.lab.guestImage ?? expect.fail('the lab has no guest image: run `virtplane lab image` (the set-up does)');
    const shared = lab.lab.sharedDirectory ?? expect.fail('lab.json has no sharedDirectory: lab up is older than this test');
    const overlay = join(shared, `${guestName}.qcow2`);
    await runLocal(['qemu-img', 'create', '-q', '-f', 'qcow2', '-F', image.format, '-b', image.path, overlay]);
    const guest = {
      ...tinyDomainModel(guestName, { kvm: false, memoryMib: 256 }),
      disks: [
        { device: 'disk' as const, format: 'qcow2' as const, source: { kind: 'file' as const, path: overlay }, target: { dev: 'vda', bus: 'virtio' as const } },
      ],
      guestAgent: true,
    };
    await pool.exec(endpoint('kvm1'), ['virsh', '-q', 'define', '/dev/stdin'], { stdin: buildDomainXml(guest) });
    await pool.exec(endpoint('kvm1'), ['virsh', '-q', 'start', guestName]);
    await pool.exec(endpoint('kvm2'), ['virsh', '-q', 'define', '/dev/stdin'], {
      stdin: buildDomainXml(tinyDomainModel(tinyName, { kvm: false, memoryMib: 32 })),
    });
    await pool.exec(endpoint('kvm2'), ['virsh', '-q', 'start', tinyName]);

    engine = spawn(
      process.execPath,
      [
        MAIN,
        'engine',
        '--inventory',
        inventoryDir,
        '--ssh-key',
        lab.lab.sshPrivateKeyFile,
        '--known-hosts',
        lab.lab.knownHostsFile,
        // The power controllers' passwords from this lab's own lab.json, not from whichever the checkout has.
        '--lab-file',
        lab.labFile,
        '--interval',
        '1',
        '--statistics-interval',
        '2',
        '--listen',
        '127.0.0.1:0',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    engine.stdout!.on('data', (chunk: Buffer) => (engineOutput += chunk.toString()));
    engine.stderr!.on('data', (chunk: Buffer) => (engineOutput += chunk.toString()));
    baseUrl = await waitFor('the engine to listen', 60_000, async () => /web page at (http:\/\/\S+)/.exec(engineOutput)?.[1]);
  }, 300_000);

  afterAll(async () => {
    await partition('kvm2', false).catch(() => undefined);
    if (engine?.pid !== undefined && engine.exitCode === null) {
      engine.kill('SIGTERM');
      await new Promise((resolve) => engine!.once('exit', resolve));
    }
    if (pool) {
      await removeDomainEverywhere(pool, lab.hosts, guestName).catch(() => undefined);
      await removeDomainEverywhere(pool, lab.hosts, tinyName).catch(() => undefined);
      for (const name of ['kvm1', 'kvm2']) {
        const libvirt = sshLibvirtHost(pool, endpoint(name));
        await destroyPool(libvirt, poolName).catch(() => undefined);
        await undefinePool(libvirt, poolName).catch(() => undefined);
      }
      await pool.close();
    }
    if (lab?.lab.sharedDirectory) {
      rmSync(join(lab.lab.sharedDirectory, `${guestName}.qcow2`), { force: true });
      rmSync(join(lab.lab.sharedDirectory, poolName), { recursive: true, force: true });
    }
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }, 120_000);

  it('serves /metrics in Prometheus format with the lab hosts and VMs', async () => {
    const families = await waitFor('both VMs in /metrics with a CPU rate', 90_000, async () => {
      const response = await fetch(`${baseUrl}metrics`);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const parsed = parsePrometheusTextFormat(await response.text());
      const vmRates = parsed.find((family) => family.name === 'virtplane_vm_cpu_usage_ratio')?.metrics ?? [];
      const vms = new Set(vmRates.map((metric) => metric.labels?.vm));
      return vms.has(guestName) && vms.has(tinyName) ? parsed : undefined;
    });
    const family = (name: string) => families.find((candidate) => candidate.name === name) ?? expect.fail(`no ${name}`);
    const memory = family('virtplane_host_memory_used_bytes');
    expect(memory.type).toBe('GAUGE');
    const byHost = new Map(memory.metrics.map((metric) => [metric.labels?.host, metric]));
    for (const host of ['kvm1', 'kvm2']) {
      const metric = byHost.get(host) ?? expect.fail(`no memory of ${host}`);
      expect(metric.labels).toMatchObject({ host, cluster: 'main', datacenter: 'Default' });
      expect(Number(metric.value)).toBeGreaterThan(0);
    }
    const cpuSeconds = family('virtplane_vm_cpu_seconds_total');
    expect(cpuSeconds.type).toBe('COUNTER');
    const guest = cpuSeconds.metrics.find((metric) => metric.labels?.vm === guestName) ?? expect.fail('no guest CPU counter');
    expect(guest.labels?.host).toBe('kvm1');
    const balloon = family('virtplane_vm_memory_balloon_bytes').metrics.find((metric) => metric.labels?.vm === tinyName);
    expect(Number(balloon?.value)).toBe(32 * 1024 * 1024);
    expect(family('virtplane_host_up').metrics.map((metric) => metric.value)).toEqual(['1', '1']);
    // The storage domain, sampled once per pass though both hosts have its pool.
    const allocation = family('virtplane_storage_domain_allocation_bytes').metrics;
    expect(allocation.map((metric) => metric.labels)).toEqual([{ storage_domain: poolName, datacenter: 'Default', type: 'dir' }]);
    expect(Number(family('virtplane_storage_domain_capacity_bytes').metrics[0]?.value)).toBeGreaterThan(Number(allocation[0]?.value));
  }, 120_000);

  it('records an event when a host stops answering, and /metrics says it is not up', async () => {
    await partition('kvm2', true);
    try {
      const event = await waitFor('a statistics event for kvm2', 60_000, () =>
        withInventory(async (inventory) =>
          (await inventory.highAvailability.events({ limit: 50 })).find((entry) => entry.kind === 'statistics_failed' && entry.hostName === 'kvm2'),
        ),
      );
      expect(event.message).toMatch(/^no statistics from kvm2: /);
      await waitFor('kvm2 down in /metrics', 90_000, async () => {
        const parsed = parsePrometheusTextFormat(await (await fetch(`${baseUrl}metrics`)).text());
        const up = parsed.find((family) => family.name === 'virtplane_host_up')?.metrics.find((metric) => metric.labels?.host === 'kvm2');
        return up?.value === '0' ? true : undefined;
      });
    } finally {
      await partition('kvm2', false);
    }
    await waitFor('statistics from kvm2 again', 90_000, () =>
      withInventory(async (inventory) =>
        (await inventory.highAvailability.events({ limit: 50 })).find((entry) => entry.kind === 'statistics_resumed' && entry.hostName === 'kvm2'),
      ),
    );
  }, 300_000);

  it('shows the hosts, VMs, a chart with data points and the events in Chromium', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const dom = (await chromium(['--dump-dom', baseUrl])).stdout;
    writeFileSync(join(ARTIFACTS, 'page.html'), dom);
    await chromium([`--screenshot=${join(ARTIFACTS, 'page.png')}`, baseUrl]);
    expect(dom).toContain('data-ready="1"');
    for (const host of ['kvm1', 'kvm2']) expect(dom).toContain(`data-host="${host}"`);
    for (const vm of [guestName, tinyName]) expect(dom).toContain(`data-vm="${vm}"`);
    const points = [...dom.matchAll(/<canvas[^>]*>/g)]
      .filter((match) => /data-chart-host="kvm\d"/.test(match[0]))
      .map((match) => Number(/data-points="(\d+)"/.exec(match[0])?.[1]));
    expect(points.length).toBe(2);
    expect(Math.min(...points)).toBeGreaterThanOrEqual(2);
    // The timeline has the previous test's events.
    expect(dom).toContain('data-event-kind="statistics_failed"');
    expect(dom).toContain('data-event-kind="statistics_resumed"');
  }, 300_000);

  it('sees a guest burning CPU use more in the stored history, its counter rising', async () => {
    const guestId = (await pool.exec(endpoint('kvm1'), ['virsh', 'domuuid', guestName])).stdout.trim();
    // Booting under TCG takes 1-4 minutes here; the agent answers once the guest is up.
    await waitFor('the guest agent', 480_000, async () => ((await guestAgent({ execute: 'guest-ping' })).includes('return') ? true : undefined));
    // The boot's tail (cloud-init, timers) keeps a TCG guest busy for a while: wait until the stored
    // history shows it idle (three samples in a row under 10 % of a CPU), then start a busy loop.
    // The idle window starts at the oldest of those three samples (statistics passes stretch under load:
    // a window of fixed length could hold fewer).
    const idleFrom = await waitFor('the guest idle in the stored history', 300_000, () =>
      withInventory(async (inventory) => {
        const recent = await inventory.statistics.vmHistory(guestId, { limit: 3 });
        const idle = recent.length === 3 && recent.every((sample) => sample.cpuPercent !== null && sample.cpuPercent < 10);
        return idle ? new Date(Math.min(...recent.map((sample) => sample.collectedAt.getTime()))) : undefined;
      }),
    );
    const burnStart = new Date();
    await guestAgent({ execute: 'guest-exec', arguments: { path: '/bin/sh', arg: ['-c', 'while :; do :; done'] } });
    // The first sample after the start still covers idle time: burning samples are those 5 s in. At
    // least 25 s of burning, and until three such samples are stored.
    const isBurning = (sample: VmStatistics): boolean => sample.collectedAt.getTime() > burnStart.getTime() + 5000;
    await new Promise((resolve) => setTimeout(resolve, 25_000));
    const { vm, host } = await waitFor('three samples of the guest burning', 120_000, () =>
      withInventory(async (inventory) => {
        const vm = [...(await inventory.statistics.vmHistory(guestId, { since: idleFrom, limit: 1000 }))].reverse();
        const host = [...(await inventory.statistics.hostHistory((await inventory.hosts.getByName('kvm1'))!.id, { since: burnStart, limit: 1000 }))].reverse();
        return vm.filter(isBurning).length >= 3 ? { vm, host } : undefined;
      }),
    );
    const idle = vm.filter((sample) => sample.collectedAt < burnStart);
    const burning = vm.filter(isBurning);
    expect(idle.length).toBeGreaterThanOrEqual(2);
    expect(burning.length).toBeGreaterThanOrEqual(3);
    const share = (samples: readonly VmStatistics[]): number => {
      const first = samples[0]!;
      const last = samples.at(-1)!;
      return (last.cpuTimeNs! - first.cpuTimeNs!) / ((last.collectedAt.getTime() - first.collectedAt.getTime()) * 1e6);
    };
    const idleShare = share(idle);
    const burnShare = share(burning);
    process.stderr.write(`  [monitoring] guest CPU idle ${(idleShare * 100).toFixed(1)} %, burning ${(burnShare * 100).toFixed(1)} % of a CPU\n`);
    // Its counter only rises, and faster while it burns (the machine is shared: the share it gets varies).
    for (let index = 1; index < vm.length; index += 1) expect(vm[index]!.cpuTimeNs!).toBeGreaterThanOrEqual(vm[index - 1]!.cpuTimeNs!);
    expect(burnShare).toBeGreaterThan(idleShare * 1.5);
    expect(burnShare - idleShare).toBeGreaterThan(0.05);
    expect(burning.every((sample) => sample.cpuPercent !== null && sample.cpuPercent > 0)).toBe(true);
    // The host's counters include the guest's: its busy share over the same samples is at least the guest's.
    const first = host[0]!;
    const last = host.at(-1)!;
    const hostBusy = (last.cpuBusyTicks! - first.cpuBusyTicks!) / (last.cpuTotalTicks! - first.cpuTotalTicks!);
    expect(hostBusy * last.cpus!).toBeGreaterThanOrEqual(burnShare * 0.9);
    expect(host.every((sample) => sample.cpuPercent !== null && sample.cpuPercent > 0)).toBe(true);
  }, 720_000);
});

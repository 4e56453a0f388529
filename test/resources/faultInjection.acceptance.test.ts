/**
 * Crash convergence (issue 12, item 5): terraform killed with SIGKILL at seeded random moments of a
 * full platform apply (data center to VMs) and of its destroy, against the lab with the real terraform
 * 1.11 and its real state saving (every 20 s at best: TF_STATE_PERSIST_INTERVAL cannot go lower, so
 * every kill runs under real conditions). After each kill at most 2 further applies (or destroys)
 * converge, with no orphan, no duplicate and no manual import: the plan is empty and the state holds
 * each resource once (after an apply), the hosts carry exactly the expected libvirt domains, networks,
 * pools and volumes and the storage server exactly the expected tgt target (nothing of the test's
 * after a destroy), and the inventory has exactly the expected rows.
 *
 * VIRTPLANE_FAULT_SEED replays a run (the seed is printed first, and in every failure);
 * VIRTPLANE_FAULT_KILLS sets how many kills (default 30).
 */
import { randomInt } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IscsiTargetManager, managedFileOf } from '../../lib/backends/iscsi/index.js';
import { buildProvider, createTerraformWorkspace, type TerraformResult, type TerraformWorkspace } from '../support/terraform.js';
import { useLab, type TestLab } from '../support/lab.js';
import { hclString, platformHcl } from '../support/platformHcl.js';
import { seededRandom } from '../scheduler/support/prng.js';
import { VmTestLab } from './vm/testLab.js';

const SEED = process.env.VIRTPLANE_FAULT_SEED ? Number(process.env.VIRTPLANE_FAULT_SEED) : randomInt(1, 2 ** 31);
const KILLS = Number(process.env.VIRTPLANE_FAULT_KILLS ?? 30);
const random = seededRandom(SEED);

let lab: TestLab;
let tf: TerraformWorkspace;
let vms: VmTestLab;
let names: {
  readonly iqn: string;
  readonly network: string;
  readonly san: string;
  readonly dir: string;
  readonly dirPath: string;
  readonly vms: readonly [string, string];
};
/** What the lab's hosts had before the test: whatever else is there is not the test's business. */
let baseline: Record<string, HostListing>;

/** Every managed resource of the configuration, each to be in the state exactly once. */
const ADDRESSES = [
  'virtplane_datacenter.dc',
  'virtplane_cluster.main',
  'virtplane_host.kvm1',
  'virtplane_host.kvm2',
  'virtplane_network.nat',
  'virtplane_iscsi_target.san',
  'virtplane_storage_domain.san',
  'virtplane_storage_domain.dir',
  'virtplane_disk.lun',
  'virtplane_disk.dir',
  'virtplane_affinity_group.apart',
  'virtplane_vm.one',
  'virtplane_vm.two',
];

function config(): string {
  return `${tf.requiredProviders()}${platformHcl(lab.lab, { inventory: join(tf.root, 'inventory') })}
resource "virtplane_network" "nat" {
  name          = ${hclString(names.network)}
  datacenter_id = virtplane_datacenter.dc.id
  mode          = "nat"
  cidr          = "192.168.213.0/24"
}

resource "virtplane_iscsi_target" "san" {
  server_address  = ${hclString(lab.lab.storage.address)}
  server_host_key = ${hclString(lab.lab.storage.hostKey)}
  iqn             = ${hclString(names.iqn)}
  lun {
    lun      = 1
    size_mib = 4
  }
  lun {
    lun      = 2
    size_mib = 4
  }
}

resource "virtplane_storage_domain" "san" {
  name            = ${hclString(names.san)}
  datacenter_id   = virtplane_datacenter.dc.id
  type            = "iscsi"
  iscsi_target_id = virtplane_iscsi_target.san.id
  depends_on      = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_storage_domain" "dir" {
  name          = ${hclString(names.dir)}
  datacenter_id = virtplane_datacenter.dc.id
  type          = "dir"
  path          = ${hclString(names.dirPath)}
  depends_on    = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_disk" "lun" {
  name              = "lun1"
  storage_domain_id = virtplane_storage_domain.san.id
  lun               = 1
}

resource "virtplane_disk" "dir" {
  name              = "data"
  storage_domain_id = virtplane_storage_domain.dir.id
  size_mib          = 4
}

resource "virtplane_vm" "one" {
  name                     = ${hclString(names.vms[0])}
  cluster_id               = virtplane_cluster.main.id
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 0
  depends_on               = [virtplane_host.kvm1, virtplane_host.kvm2]
  disk {
    disk_id = virtplane_disk.lun.id
  }
  nic {
    network_id = virtplane_network.nat.id
  }
}

resource "virtplane_vm" "two" {
  name                     = ${hclString(names.vms[1])}
  cluster_id               = virtplane_cluster.main.id
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 0
  depends_on               = [virtplane_host.kvm1, virtplane_host.kvm2]
  disk {
    disk_id = virtplane_disk.dir.id
  }
}

resource "virtplane_affinity_group" "apart" {
  name       = "apart"
  cluster_id = virtplane_cluster.main.id
  positive   = false
  vm_ids     = [virtplane_vm.one.id, virtplane_vm.two.id]
}
`;
}

// ---------------------------------------------------------------------------------------------
// What is where.

interface HostListing {
  readonly domains: readonly string[];
  readonly running: readonly string[];
  readonly networks: readonly string[];
  readonly activeNetworks: readonly string[];
  readonly pools: readonly string[];
  readonly activePools: readonly string[];
}

const LISTING_SCRIPT = `for args in "list --all --name" "list --name" "net-list --all --name" "net-list --name" "pool-list --all --name" "pool-list --name"; do
  virsh -q $args; echo @@
done`;

/** One round trip per host: its domains, networks and pools (all, and the running ones). */
async function listHost(host: string): Promise<HostListing> {
  const result = await vms.pool.exec(vms.endpoint(host), ['sh', '-c', LISTING_SCRIPT]);
  const [domains, running, networks, activeNetworks, pools, activePools] = result.stdout.split('@@').map((part) =>
    part
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .sort(),
  );
  return { domains: domains!, running: running!, networks: networks!, activeNetworks: activeNetworks!, pools: pools!, activePools: activePools! };
}

async function listHosts(): Promise<Record<string, HostListing>> {
  const hosts = lab.lab.hosts.map((host) => host.name);
  const listings = await Promise.all(hosts.map(listHost));
  return Object.fromEntries(hosts.map((host, index) => [host, listings[index]!]));
}

function newSince(before: readonly string[] | undefined, now: readonly string[]): string[] {
  return now.filter((name) => !(before ?? []).includes(name));
}

/** Rows of the test's own inventory, as "table: name" lines (sorted). */
async function inventoryRows(): Promise<string[]> {
  return vms.withInventory(async (inventory) => {
    const rows: string[] = [];
    for (const row of await inventory.datacenters.list()) rows.push(`datacenter: ${row.name}`);
    for (const row of await inventory.clusters.list()) rows.push(`cluster: ${row.name}`);
    for (const row of await inventory.hosts.list()) rows.push(`host: ${row.name}`);
    for (const row of await inventory.networks.list()) rows.push(`network: ${row.name}`);
    for (const row of await inventory.storageDomains.list()) rows.push(`storage domain: ${row.name}`);
    for (const row of await inventory.disks.list()) rows.push(`disk: ${row.name}`);
    for (const row of await inventory.vmPlacements.list()) rows.push(`vm: ${row.name} ${row.status}`);
    for (const row of await inventory.affinityGroups.list()) rows.push(`affinity group: ${row.name} [${row.vmIds.length} VMs]`);
    return rows.sort();
  });
}

const EXPECTED_ROWS = [
  'affinity group: apart [2 VMs]',
  'cluster: main',
  'datacenter: Default',
  'disk: data',
  'disk: lun1',
  'host: kvm1',
  'host: kvm2',
  'network: NETWORK',
  'storage domain: DIR',
  'storage domain: SAN',
  'vm: VM1 placed',
  'vm: VM2 placed',
];

function expectedRows(): string[] {
  return EXPECTED_ROWS.map((row) =>
    row.replace('NETWORK', names.network).replace('DIR', names.dir).replace('SAN', names.san).replace('VM1', names.vms[0]).replace('VM2', names.vms[1]),
  ).sort();
}

/** The test's target on the storage server: in virtplane.conf, served by tgtd, and its LUN files. */
async function targetOnServer(): Promise<{ readonly configured: number; readonly served: number; readonly luns: string[]; readonly files: string[] }> {
  const state = await new IscsiTargetManager(vms.pool, lab.storage).read();
  const ours = state.managed.filter((target) => target.iqn === names.iqn);
  return {
    configured: ours.length,
    served: state.targets.filter((target) => target.iqn === names.iqn).length,
    luns: ours.flatMap((target) => target.luns.filter((lun) => lun.served).map((lun) => `${lun.lun}`)).sort(),
    files: state.files.filter((file) => file.path.startsWith(managedFileOf(names.iqn, 1).replace(/[^/]*$/, ''))).map((file) => file.path.replace(/.*\//, '')),
  };
}

async function dirFiles(): Promise<string[]> {
  return (await readdir(names.dirPath).catch(() => [] as string[])).sort();
}

/** Each resource of the configuration exactly once in the state (after an apply), none after a destroy. */
function stateAddresses(): string[] {
  try {
    const saved = JSON.parse(readFileSync(join(tf.dir, 'terraform.tfstate'), 'utf8')) as {
      resources?: { mode: string; type: string; name: string; instances: unknown[] }[];
    };
    return (saved.resources ?? [])
      .filter((resource) => resource.mode === 'managed')
      .flatMap((resource) => resource.instances.map(() => `${resource.type}.${resource.name}`))
      .sort();
  } catch {
    return [];
  }
}

/** The platform is all there, once, as configured. */
async function expectPlatform(): Promise<void> {
  expect(stateAddresses()).toEqual([...ADDRESSES].sort());
  const hosts = await listHosts();
  const placed: string[] = [];
  for (const [host, listing] of Object.entries(hosts)) {
    const before = baseline[host];
    const ours = newSince(before?.domains, listing.domains);
    expect(
      ours.filter((name) => !names.vms.includes(name)),
      `${host}: domains nobody asked for`,
    ).toEqual([]);
    placed.push(...ours);
    expect(newSince(before?.running, listing.running).sort(), `${host}: running domains`).toEqual(ours.sort());
    expect(newSince(before?.networks, listing.networks), `${host}: networks`).toEqual([names.network]);
    expect(newSince(before?.activeNetworks, listing.activeNetworks), `${host}: active networks`).toEqual([names.network]);
    expect(newSince(before?.pools, listing.pools), `${host}: pools`).toEqual([names.dir, names.san].sort());
    expect(newSince(before?.activePools, listing.activePools), `${host}: running pools`).toEqual([names.dir, names.san].sort());
  }
  expect(placed.sort(), 'each VM on exactly one host').toEqual([...names.vms].sort());
  expect(await dirFiles(), 'files of the dir storage domain').toEqual(['data.qcow2']);
  expect(await targetOnServer()).toEqual({ configured: 1, served: 1, luns: ['1', '2'], files: ['lun-1.img', 'lun-2.img'] });
  expect(await inventoryRows()).toEqual(expectedRows());
}

/** Nothing of the test's is left anywhere. */
async function expectNothing(): Promise<void> {
  expect(stateAddresses()).toEqual([]);
  const hosts = await listHosts();
  for (const [host, listing] of Object.entries(hosts)) {
    const before = baseline[host];
    expect(newSince(before?.domains, listing.domains), `${host}: domains`).toEqual([]);
    expect(newSince(before?.networks, listing.networks), `${host}: networks`).toEqual([]);
    expect(newSince(before?.pools, listing.pools), `${host}: pools`).toEqual([]);
  }
  expect(await dirFiles(), 'files of the dir storage domain').toEqual([]);
  expect(await targetOnServer()).toEqual({ configured: 0, served: 0, luns: [], files: [] });
  expect(await inventoryRows()).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// Killing terraform.

/** Child processes of `pid` (the providers Terraform started), read from /proc. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Kill {
  /** False when the command had finished before the moment came. */
  readonly landed: boolean;
  readonly atMs: number;
  readonly result: TerraformResult;
}

/** Starts `args`, kills terraform with SIGKILL `atMs` after the start, and waits for its providers to be gone. */
async function killAt(args: readonly string[], atMs: number): Promise<Kill> {
  const running = tf.start(args, { timeoutMs: 600_000 });
  const pid = running.child.pid!;
  let providers: number[] = [];
  const deadline = Date.now() + atMs;
  while (Date.now() < deadline && running.child.exitCode === null) {
    providers = [...new Set([...providers, ...childrenOf(pid)])];
    await sleep(Math.min(100, Math.max(0, deadline - Date.now())));
  }
  const landed = running.child.exitCode === null;
  if (landed) {
    providers = [...new Set([...providers, ...childrenOf(pid)])];
    process.kill(pid, 'SIGKILL');
  }
  const result = await running.done;
  // A provider notices within half a second that Terraform is gone, and exits.
  for (const provider of providers) for (let waited = 0; alive(provider) && waited < 15_000; waited += 100) await sleep(100);
  const survivors = providers.filter(alive);
  if (survivors.length > 0) throw new Error(`provider process(es) ${survivors.join(', ')} outlived terraform by 15 s`);
  return { landed, atMs, result };
}

// ---------------------------------------------------------------------------------------------

let log: string[] = [];
/** How long the last recovery took, for the log. */
let timings: string[] = [];

function note(line: string): void {
  log.push(line);
  process.stderr.write(`[fault seed=${SEED}] ${line}\n`);
}

/** Runs `check`, adding the seed, the kill and the last commands' output to any failure. */
async function withContext<T>(what: string, check: () => Promise<T>, outputs: readonly TerraformResult[] = []): Promise<T> {
  try {
    return await check();
  } catch (error) {
    const tail = outputs
      .map((result) => `--- terraform ${result.args.join(' ')} (exit ${result.exitCode}) ---\n${(result.stdout + result.stderr).slice(-3000)}`)
      .join('\n');
    throw new Error(`VIRTPLANE_FAULT_SEED=${SEED}: ${what}: ${(error as Error).message}\n${tail}\nrun so far:\n${log.join('\n')}`, { cause: error });
  }
}

const APPLY = ['apply', '-auto-approve', '-input=false', '-no-color'];
const DESTROY = ['destroy', '-auto-approve', '-input=false', '-no-color'];

/** At most two applies after a kill, each followed by a plan: how many it took. */
async function convergeApply(what: string): Promise<number> {
  const outputs: TerraformResult[] = [];
  for (let attempt = 1; attempt <= 2; attempt++) {
    const applied = await tf.run(APPLY, { allowFailure: true, timeoutMs: 600_000 });
    outputs.push(applied);
    if (applied.exitCode !== 0) continue;
    const planned = await tf.plan([], { allowFailure: true });
    outputs.push(planned.result);
    if (planned.result.exitCode === 0 && !planned.hasChanges) {
      const checked = Date.now();
      await withContext(`${what}: converged in ${attempt} apply(ies), but`, expectPlatform, outputs);
      timings.push(
        `apply ${Math.round(applied.durationMs / 1000)} s, plan ${Math.round(planned.result.durationMs / 1000)} s, checks ${Math.round((Date.now() - checked) / 1000)} s`,
      );
      return attempt;
    }
  }
  return withContext(`${what}: not converged after 2 applies`, async () => expect.fail('apply failed or the plan is not empty'), outputs);
}

/** At most two destroys after a kill: how many it took. */
async function convergeDestroy(what: string): Promise<number> {
  const outputs: TerraformResult[] = [];
  for (let attempt = 1; attempt <= 2; attempt++) {
    const destroyed = await tf.run(DESTROY, { allowFailure: true, timeoutMs: 600_000 });
    outputs.push(destroyed);
    if (destroyed.exitCode === 0 && stateAddresses().length === 0) {
      const checked = Date.now();
      await withContext(`${what}: destroyed in ${attempt} destroy(s), but`, expectNothing, outputs);
      timings.push(`destroy ${Math.round(destroyed.durationMs / 1000)} s, checks ${Math.round((Date.now() - checked) / 1000)} s`);
      return attempt;
    }
  }
  return withContext(`${what}: not destroyed after 2 destroys`, async () => expect.fail('destroy failed or left resources in the state'), outputs);
}

beforeAll(async () => {
  process.stderr.write(`[fault] VIRTPLANE_FAULT_SEED=${SEED} (${KILLS} kills)\n`);
  lab = await useLab();
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  vms = new VmTestLab(lab, join(tf.root, 'inventory'));
  const tag = `vpfi-${vms.run}`;
  names = {
    iqn: `iqn.2025-01.dev.virtplane.test:fi-${vms.run}`,
    network: `${tag}-nat`,
    san: `${tag}-san`,
    dir: `${tag}-dir`,
    dirPath: join(lab.lab.sharedDirectory ?? '/var/lib/virtplane-lab/shared', tag),
    vms: [`${tag}-one`, `${tag}-two`],
  };
  baseline = await listHosts();
  await tf.writeConfig(config());
  await tf.init();
}, 600_000);

afterAll(async () => {
  if (tf !== undefined) await tf.destroy({ allowFailure: true, timeoutMs: 600_000 });
  if (vms !== undefined && names !== undefined) {
    const clusters = await vms.withInventory(async (inventory) => (await inventory.clusters.list()).map((cluster) => cluster.id)).catch(() => [] as string[]);
    await vms.cleanup(clusters[0], { networks: [names.network], pools: [names.san, names.dir], targetIqn: names.iqn });
    await rm(names.dirPath, { recursive: true, force: true });
  }
  await tf?.cleanup();
}, 600_000);

describe('terraform killed at seeded random moments of a full platform apply and destroy', () => {
  it(`converges within 2 applies or destroys after each of ${KILLS} kills: no orphan, no duplicate, no import`, async () => {
    log = [];
    const started = Date.now();
    // The durations kills are drawn over: an uninterrupted apply and destroy (checked like the others).
    let at = Date.now();
    const first = await tf.run(APPLY, { timeoutMs: 600_000 });
    const applyMs = Date.now() - at;
    if (process.env.VIRTPLANE_FAULT_TRACE) process.stderr.write(first.stdout);
    await withContext(
      'the uninterrupted apply',
      async () => {
        expect((await tf.plan()).hasChanges).toBe(false);
        await expectPlatform();
      },
      [first],
    );
    at = Date.now();
    const destroyed = await tf.run(DESTROY, { timeoutMs: 600_000 });
    const destroyMs = Date.now() - at;
    if (process.env.VIRTPLANE_FAULT_TRACE) process.stderr.write(destroyed.stdout);
    await withContext('the uninterrupted destroy', expectNothing, [destroyed]);
    note(`uninterrupted apply ${applyMs} ms, destroy ${destroyMs} ms`);

    let kills = 0;
    let full = false;
    const convergedIn = { apply: [0, 0], destroy: [0, 0] };
    for (let round = 0; kills < KILLS; round++) {
      if (round > KILLS * 3) throw new Error(`VIRTPLANE_FAULT_SEED=${SEED}: too many kills missed their command`);
      const phase = full ? 'destroy' : 'apply';
      const atMs = Math.floor(random.next() * (full ? destroyMs : applyMs));
      const kill = await killAt(full ? DESTROY : APPLY, atMs);
      const what = `kill ${kills + 1}/${KILLS}: ${phase} killed at ${atMs} ms`;
      if (!kill.landed) {
        note(`${phase} finished before ${atMs} ms: no kill (exit ${kill.result.exitCode})`);
      } else {
        kills += 1;
      }
      if (full) {
        const needed = await convergeDestroy(what);
        if (kill.landed) convergedIn.destroy[needed - 1]! += 1;
        note(`${kill.landed ? what : `${phase} (not killed)`}: destroyed after ${needed} destroy(s) (${timings.splice(0).join('; ')})`);
      } else {
        const needed = await convergeApply(what);
        if (kill.landed) convergedIn.apply[needed - 1]! += 1;
        note(`${kill.landed ? what : `${phase} (not killed)`}: converged after ${needed} apply(ies) (${timings.splice(0).join('; ')})`);
      }
      full = !full;
    }
    if (full) await convergeDestroy('final destroy');
    note(
      `${kills} kills survived in ${Math.round((Date.now() - started) / 1000)} s: applies converged in 1 apply ${convergedIn.apply[0]}, in 2 ${convergedIn.apply[1]}; destroys in 1 destroy ${convergedIn.destroy[0]}, in 2 ${convergedIn.destroy[1]}`,
    );
  }, 3_600_000);
});

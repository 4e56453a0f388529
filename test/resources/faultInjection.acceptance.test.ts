/**
 * Crash convergence (issue 12, item 5): terraform killed with SIGKILL at seeded random moments of a
 * full platform apply (data center, cluster, hosts, network, iSCSI target, storage domains, disks, an
 * image and a template, VMs, an affinity group) and of its destroy, against the lab with the real terraform
 * 1.11 and its real state saving: Terraform 1.11 writes the state of an apply at most every 20 s
 * (TF_STATE_PERSIST_INTERVAL can only make that longer), so after most kills the state lacks objects
 * whose create had finished. After each kill at most 2 further applies (or destroys) converge, with no
 * orphan, no duplicate and no manual import: after an apply the plan is empty and the state holds each
 * resource once, the hosts carry exactly the expected libvirt domains, networks and pools, the dir
 * storage domain exactly the expected files (disk, image, template, their records) and the storage
 * server exactly the expected tgt target and LUN files; after a destroy nothing of the test's is left;
 * the inventory has exactly the expected rows. A kill that tears terraform.tfstate itself (Terraform's
 * local backend writes it in place) is followed by what Terraform leaves its user: its backup of the
 * state restored (restoreTornState), the one step outside the provider; the run counts those.
 *
 * Kills alternate in one loop per lane: the platform is built once uninterrupted (measured and checked),
 * then its destroy is killed and destroys converge, an apply from nothing is killed and applies converge,
 * and so on. The kill moment is drawn over the duration the command is expected to take: an
 * uninterrupted apply measured first (a destroy taking 0.7 of it, as measured on the lab), then
 * learned from each command that ended before its moment came and from each killed one (killed at T,
 * converged by a command of D: T + D). A command that ended before its moment came is checked as the
 * first converging one (plan, hosts, storage, inventory), not run a second time for nothing.
 * Independent workspaces ("lanes": own directory, so own workspace token, own inventory, own names)
 * run side by side, which also has them share the hosts and the storage server's tgt configuration
 * as teams do.
 *
 * VIRTPLANE_FAULT_SEED replays a run (the seed is printed first, and in every failure);
 * VIRTPLANE_FAULT_KILLS sets how many kills in all (default 30); VIRTPLANE_FAULT_LANES how many
 * workspaces share them (default 3).
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IscsiTargetManager, managedFileOf } from '../../lib/backends/iscsi/index.js';
import { openInventory } from '../../lib/inventory/index.js';
import { buildProvider, createTerraformWorkspace, type TerraformResult, type TerraformWorkspace } from '../support/terraform.js';
import { useLab, type TestLab } from '../support/lab.js';
import { childrenOf, stragglersAfter } from '../support/processes.js';
import { hclString, platformHcl } from '../support/platformHcl.js';
import { seededRandom, type Random } from '../scheduler/support/prng.js';
import { VmTestLab } from './vm/testLab.js';

const SEED = process.env.VIRTPLANE_FAULT_SEED ? Number(process.env.VIRTPLANE_FAULT_SEED) : randomInt(1, 2 ** 31);
const KILLS = Number(process.env.VIRTPLANE_FAULT_KILLS ?? 30);
const LANES = Math.max(1, Number(process.env.VIRTPLANE_FAULT_LANES ?? 3));

let lab: TestLab;
let vms: VmTestLab;
let entryPoint: string;
/** Every libvirt object of the test's is named with this: anything new on a host without it is not the test's. */
let runTag: string;
/** What the lab's hosts had before the test: whatever else is there is not the test's business. */
let baseline: Record<string, HostListing>;
const lanes: Lane[] = [];
/** A 1 MiB qcow2 each lane's image is copied from (its own copy: a source is a file of the workspace). */
let tinyImage: { readonly path: string; readonly sha256: string };
const log: string[] = [];

function note(line: string): void {
  log.push(line);
  process.stderr.write(`[fault seed=${SEED}] ${line}\n`);
}

// ---------------------------------------------------------------------------------------------
// The configuration of one lane.

/** The files of a lane's dir storage domain: its disk, its image and its template, each with its record. */
const DIR_FILES = ['data.qcow2', 'tiny.image', 'tiny.image.json', 'tiny.template', 'tiny.template.json'];

/** Every managed resource of the configuration, each to be in the state exactly once. */
const ADDRESSES = [
  'virtplane_affinity_group.apart',
  'virtplane_cluster.main',
  'virtplane_datacenter.dc',
  'virtplane_disk.dir',
  'virtplane_disk.lun',
  'virtplane_host.kvm1',
  'virtplane_host.kvm2',
  'virtplane_image.tiny',
  'virtplane_iscsi_target.san',
  'virtplane_network.nat',
  'virtplane_storage_domain.dir',
  'virtplane_storage_domain.san',
  'virtplane_template.tiny',
  'virtplane_vm.one',
  'virtplane_vm.two',
];

interface LaneNames {
  readonly tag: string;
  readonly iqn: string;
  readonly network: string;
  readonly cidr: string;
  readonly san: string;
  readonly dir: string;
  readonly dirPath: string;
  readonly vms: readonly [string, string];
}

function laneNames(index: number): LaneNames {
  const tag = `${runTag}${index}`;
  return {
    tag,
    iqn: `iqn.2025-01.dev.virtplane.test:${tag}`,
    network: `${tag}-nat`,
    cidr: `192.168.${213 + index}.0/24`,
    san: `${tag}-san`,
    dir: `${tag}-dir`,
    dirPath: join(lab.lab.sharedDirectory ?? '/var/lib/virtplane-lab/shared', tag),
    vms: [`${tag}-one`, `${tag}-two`],
  };
}

function config(tf: TerraformWorkspace, names: LaneNames): string {
  return `${tf.requiredProviders()}${platformHcl(lab.lab, { inventory: join(tf.root, 'inventory'), datacenter: names.tag })}
resource "virtplane_network" "nat" {
  name          = ${hclString(names.network)}
  datacenter_id = virtplane_datacenter.dc.id
  mode          = "nat"
  cidr          = ${hclString(names.cidr)}
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
  shared        = true
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

resource "virtplane_image" "tiny" {
  name              = "tiny"
  storage_domain_id = virtplane_storage_domain.dir.id
  source            = ${hclString(join(tf.root, 'tiny.qcow2'))}
  sha256            = "${tinyImage.sha256}"
}

resource "virtplane_template" "tiny" {
  name          = "tiny"
  datacenter_id = virtplane_datacenter.dc.id
  image_id      = virtplane_image.tiny.id
  memory_mib    = 32
  graphics      = "none"
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

/** What is on the host now and was not before the test. */
function newSince(host: string, field: keyof HostListing, listing: HostListing): string[] {
  const before = baseline[host]?.[field] ?? [];
  return listing[field].filter((name) => !before.includes(name));
}

/** New objects on the hosts named like nothing of the test's (a lane's objects are checked by the lane). */
function strangers(hosts: Record<string, HostListing>): string[] {
  const found: string[] = [];
  for (const [host, listing] of Object.entries(hosts)) {
    for (const field of ['domains', 'networks', 'pools'] as const) {
      for (const name of newSince(host, field, listing)) if (!name.startsWith(runTag)) found.push(`${host} ${field}: ${name}`);
    }
  }
  return found;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const APPLY = ['apply', '-auto-approve', '-input=false', '-no-color'];
const DESTROY = ['destroy', '-auto-approve', '-input=false', '-no-color'];

interface Tally {
  kills: number;
  missed: number;
  /** Kills that tore terraform.tfstate (Terraform's own write, see restoreTornState). */
  torn: number;
  readonly apply: [number, number];
  readonly destroy: [number, number];
}

/** One workspace killed and converged again and again. */
class Lane {
  readonly names: LaneNames;
  readonly random: Random;
  readonly tally: Tally = { kills: 0, missed: 0, torn: 0, apply: [0, 0], destroy: [0, 0] };
  tf!: TerraformWorkspace;
  applyMs = 0;
  destroyMs = 0;
  /** How long the command that converged last took. */
  lastConvergeMs = 0;

  constructor(readonly index: number) {
    this.names = laneNames(index);
    this.random = seededRandom(SEED + index);
  }

  get inventoryDir(): string {
    return join(this.tf.root, 'inventory');
  }

  async setUp(): Promise<void> {
    this.tf = await createTerraformWorkspace({ entryPoint });
    await mkdir(this.tf.root, { recursive: true });
    await copyFile(tinyImage.path, join(this.tf.root, 'tiny.qcow2'));
    await this.tf.writeConfig(config(this.tf, this.names));
    await this.tf.init();
  }

  note(line: string): void {
    note(`lane ${this.index}: ${line}`);
  }

  /** Runs `check`, adding the seed, the lane and the last commands' output to any failure. */
  async withContext<T>(what: string, check: () => Promise<T>, outputs: readonly TerraformResult[] = []): Promise<T> {
    try {
      return await check();
    } catch (error) {
      const tail = outputs
        .map((result) => `--- terraform ${result.args.join(' ')} (exit ${result.exitCode}) ---\n${(result.stdout + result.stderr).slice(-4000)}`)
        .join('\n');
      throw new Error(`VIRTPLANE_FAULT_SEED=${SEED} lane ${this.index}: ${what}: ${(error as Error).message}\n${tail}\nrun so far:\n${log.join('\n')}`, {
        cause: error,
      });
    }
  }

  /** Each resource of the configuration once in the state file (none after a destroy). */
  stateAddresses(): string[] {
    try {
      const saved = JSON.parse(readFileSync(join(this.tf.dir, 'terraform.tfstate'), 'utf8')) as {
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

  /** Rows of the lane's own inventory, as "table: name" lines (sorted). */
  async inventoryRows(): Promise<string[]> {
    const inventory = await openInventory(this.inventoryDir);
    try {
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
    } finally {
      await inventory.close();
    }
  }

  expectedRows(): string[] {
    const { names } = this;
    return [
      'affinity group: apart [2 VMs]',
      'cluster: main',
      `datacenter: ${names.tag}`,
      'disk: data',
      'disk: lun1',
      'host: kvm1',
      'host: kvm2',
      `network: ${names.network}`,
      `storage domain: ${names.dir}`,
      `storage domain: ${names.san}`,
      `vm: ${names.vms[0]} placed`,
      `vm: ${names.vms[1]} placed`,
    ].sort();
  }

  /** The lane's target on the storage server: in virtplane.conf, served by tgtd, and its LUN files. */
  async targetOnServer(): Promise<{ readonly configured: number; readonly served: number; readonly luns: string[]; readonly files: string[] }> {
    const { iqn } = this.names;
    const state = await new IscsiTargetManager(vms.pool, lab.storage).read();
    const ours = state.managed.filter((target) => target.iqn === iqn);
    const folder = managedFileOf(iqn, 1).replace(/[^/]*$/, '');
    return {
      configured: ours.length,
      served: state.targets.filter((target) => target.iqn === iqn).length,
      luns: ours.flatMap((target) => target.luns.filter((lun) => lun.served).map((lun) => `${lun.lun}`)).sort(),
      files: state.files
        .filter((file) => file.path.startsWith(folder))
        .map((file) => file.path.slice(folder.length))
        .sort(),
    };
  }

  async dirFiles(): Promise<string[]> {
    return (await readdir(this.names.dirPath).catch(() => [] as string[])).sort();
  }

  /** The lane's objects on a host, new since the test began. */
  ours(host: string, field: keyof HostListing, listing: HostListing): string[] {
    return newSince(host, field, listing)
      .filter((name) => name.startsWith(`${this.names.tag}-`))
      .sort();
  }

  /** The platform is all there, once, as configured. */
  async expectPlatform(): Promise<void> {
    const { names } = this;
    expect(this.stateAddresses()).toEqual(ADDRESSES);
    const hosts = await listHosts();
    expect(strangers(hosts), 'objects on the hosts that are no lane of this test').toEqual([]);
    const placed: string[] = [];
    for (const [host, listing] of Object.entries(hosts)) {
      const domains = this.ours(host, 'domains', listing);
      placed.push(...domains);
      expect(this.ours(host, 'running', listing), `${host}: running domains`).toEqual(domains);
      expect(this.ours(host, 'networks', listing), `${host}: networks`).toEqual([names.network]);
      expect(this.ours(host, 'activeNetworks', listing), `${host}: active networks`).toEqual([names.network]);
      expect(this.ours(host, 'pools', listing), `${host}: pools`).toEqual([names.dir, names.san].sort());
      expect(this.ours(host, 'activePools', listing), `${host}: running pools`).toEqual([names.dir, names.san].sort());
    }
    expect(placed.sort(), 'each VM on exactly one host').toEqual([...names.vms].sort());
    expect(await this.dirFiles(), 'files of the dir storage domain').toEqual(DIR_FILES);
    expect(await this.targetOnServer()).toEqual({ configured: 1, served: 1, luns: ['1', '2'], files: ['lun-1.img', 'lun-2.img'] });
    expect(await this.inventoryRows()).toEqual(this.expectedRows());
  }

  /** Nothing of the lane's is left anywhere. */
  async expectNothing(): Promise<void> {
    expect(this.stateAddresses()).toEqual([]);
    const hosts = await listHosts();
    expect(strangers(hosts), 'objects on the hosts that are no lane of this test').toEqual([]);
    for (const [host, listing] of Object.entries(hosts)) {
      for (const field of ['domains', 'networks', 'pools'] as const) expect(this.ours(host, field, listing), `${host}: ${field}`).toEqual([]);
    }
    expect(await this.dirFiles(), 'files of the dir storage domain').toEqual([]);
    expect(await this.targetOnServer()).toEqual({ configured: 0, served: 0, luns: [], files: [] });
    expect(await this.inventoryRows()).toEqual([]);
  }

  /** Starts `args`, kills terraform with SIGKILL `atMs` after the start, and waits for its providers to be gone. */
  async killAt(args: readonly string[], atMs: number): Promise<{ readonly landed: boolean; readonly result: TerraformResult }> {
    const running = this.tf.start(args, { timeoutMs: 900_000 });
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
    const stragglers = await stragglersAfter(providers, 15_000);
    if (stragglers.length > 0)
      throw new Error(`VIRTPLANE_FAULT_SEED=${SEED} lane ${this.index}: provider(s) outlived terraform by 15 s:\n${stragglers.join('\n')}`);
    return { landed, result };
  }

  /**
   * Terraform's local backend writes terraform.tfstate in place: a kill during that write leaves it torn
   * (cut at a buffer boundary), and every command after it stops with "Unsupported state file format".
   * That is Terraform's, outside any provider; its way back is the backup it keeps of the state the
   * command started from (terraform.tfstate.backup), restored here as its user would. The applies after
   * it then converge from that older state: everything the killed command made is adopted.
   * True when the state was torn.
   */
  restoreTornState(): boolean {
    const parses = (file: string): boolean => {
      try {
        JSON.parse(readFileSync(file, 'utf8'));
        return true;
      } catch {
        return false;
      }
    };
    const state = join(this.tf.dir, 'terraform.tfstate');
    if (!existsSync(state) || parses(state)) return false;
    const backup = `${state}.backup`;
    if (existsSync(backup) && parses(backup)) copyFileSync(backup, state);
    else rmSync(state);
    return true;
  }

  /**
   * At most two applies, each followed by a plan, until the plan is empty: how many it took. `finished`: an
   * apply that ran to its end before its kill moment came; it counts as the first, and is checked as such
   * (plan, hosts, storage, inventory) instead of being followed by a second apply that would change nothing.
   */
  async convergeApply(what: string, finished?: TerraformResult): Promise<number> {
    const outputs: TerraformResult[] = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      const applied = attempt === 1 && finished !== undefined ? finished : await this.tf.run(APPLY, { allowFailure: true, timeoutMs: 900_000 });
      outputs.push(applied);
      if (applied.exitCode !== 0) continue;
      // The hosts, tgt, inventory and state are checked while the plan runs: plan and refresh never write.
      const [planned, checked] = await Promise.all([
        this.tf.plan([], { allowFailure: true, timeoutMs: 900_000 }),
        this.expectPlatform().then(
          () => null,
          (error: unknown) => error,
        ),
      ]);
      outputs.push(planned.result);
      if (planned.result.exitCode === 0 && !planned.hasChanges) {
        await this.withContext(
          `${what}: converged in ${attempt} apply(ies), but`,
          async () => {
            if (checked !== null) throw checked;
          },
          outputs,
        );
        this.lastConvergeMs = applied.durationMs;
        return attempt;
      }
    }
    return this.withContext(`${what}: not converged after 2 applies`, async () => expect.fail('an apply failed or the plan is not empty'), outputs);
  }

  /** At most two destroys until nothing is left: how many it took. `finished`: as for convergeApply. */
  async convergeDestroy(what: string, finished?: TerraformResult): Promise<number> {
    const outputs: TerraformResult[] = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      const destroyed = attempt === 1 && finished !== undefined ? finished : await this.tf.run(DESTROY, { allowFailure: true, timeoutMs: 900_000 });
      outputs.push(destroyed);
      if (destroyed.exitCode === 0 && this.stateAddresses().length === 0) {
        await this.withContext(`${what}: destroyed in ${attempt} destroy(s), but`, () => this.expectNothing(), outputs);
        this.lastConvergeMs = destroyed.durationMs;
        return attempt;
      }
    }
    return this.withContext(`${what}: not destroyed after 2 destroys`, async () => expect.fail('a destroy failed or left resources in the state'), outputs);
  }

  /** The platform built uninterrupted (checked like the others): the duration kills are first drawn over. */
  async measure(): Promise<void> {
    const applied = await this.tf.run(APPLY, { timeoutMs: 900_000 });
    this.applyMs = applied.durationMs;
    this.destroyMs = 0.7 * applied.durationMs;
    await this.withContext(
      'the uninterrupted apply',
      async () => {
        expect((await this.tf.plan([], { timeoutMs: 900_000 })).hasChanges).toBe(false);
        await this.expectPlatform();
      },
      [applied],
    );
    this.note(`uninterrupted apply ${(this.applyMs / 1000).toFixed(1)} s`);
  }

  /**
   * Kills until `kills` landed (or another lane failed), alternating a killed destroy and a killed apply
   * (the platform is up when it starts; afterAll destroys what the last one left).
   */
  async run(kills: number, stop: () => boolean): Promise<void> {
    let full = true;
    for (let round = 0; this.tally.kills < kills && !stop(); round++) {
      if (round > kills * 3) throw new Error(`VIRTPLANE_FAULT_SEED=${SEED} lane ${this.index}: too many kills missed their command`);
      const phase = full ? 'destroy' : 'apply';
      const atMs = Math.floor(this.random.next() * (full ? this.destroyMs : this.applyMs));
      const started = Date.now();
      const kill = await this.killAt(full ? DESTROY : APPLY, atMs);
      const torn = kill.landed && this.restoreTornState();
      const what = kill.landed
        ? `kill ${this.tally.kills + 1}: ${phase} killed at ${(atMs / 1000).toFixed(1)} s${torn ? ' (terraform.tfstate torn: its backup restored)' : ''}`
        : `${phase} done before ${(atMs / 1000).toFixed(1)} s`;
      if (kill.landed) this.tally.kills += 1;
      else this.tally.missed += 1;
      if (torn) this.tally.torn += 1;
      // A command the kill missed ran to its end: it is checked as the first converging one.
      const finished = kill.landed ? undefined : kill.result;
      const needed = full ? await this.convergeDestroy(what, finished) : await this.convergeApply(what, finished);
      if (kill.landed) this.tally[phase][needed === 1 ? 0 : 1] += 1;
      // The duration to draw the next moments over, as the command runs now: an uninterrupted one's own,
      // or the killed one's moment plus the command that finished its work (smoothed).
      const took = kill.landed ? atMs + this.lastConvergeMs : kill.result.durationMs;
      if (full) this.destroyMs = kill.landed ? (this.destroyMs + took) / 2 : took;
      else this.applyMs = kill.landed ? (this.applyMs + took) / 2 : took;
      this.note(`${what}: ${full ? 'destroyed' : 'converged'} after ${needed} ${phase}(s), ${Math.round((Date.now() - started) / 1000)} s in all`);
      full = !full;
    }
  }
}

beforeAll(async () => {
  process.stderr.write(`[fault] VIRTPLANE_FAULT_SEED=${SEED} (${KILLS} kills over ${LANES} workspaces)\n`);
  lab = await useLab();
  entryPoint = await buildProvider();
  const scratch = await mkdtemp(join(tmpdir(), 'vpfi-image-'));
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(scratch, 'tiny.qcow2'), '1M']);
  tinyImage = {
    path: join(scratch, 'tiny.qcow2'),
    sha256: createHash('sha256')
      .update(readFileSync(join(scratch, 'tiny.qcow2')))
      .digest('hex'),
  };
  vms = new VmTestLab(lab, '/nonexistent');
  runTag = `vpfi${vms.run}`;
  baseline = await listHosts();
  for (let index = 0; index < LANES; index++) lanes.push(new Lane(index));
  await Promise.all(lanes.map((lane) => lane.setUp()));
}, 600_000);

afterAll(async () => {
  await Promise.all(
    lanes.map(async (lane) => {
      if (lane.tf === undefined) return;
      await lane.tf.destroy({ allowFailure: true, timeoutMs: 900_000 });
      const clusters = await new VmTestLab(lab, lane.inventoryDir)
        .withInventory(async (inventory) => (await inventory.clusters.list()).map((cluster) => cluster.id))
        .catch(() => [] as string[]);
      await new VmTestLab(lab, lane.inventoryDir).cleanup(clusters[0], {
        networks: [lane.names.network],
        pools: [lane.names.san, lane.names.dir],
        targetIqn: lane.names.iqn,
      });
      await rm(lane.names.dirPath, { recursive: true, force: true });
      await lane.tf.cleanup();
    }),
  );
  await vms?.pool.close();
  if (tinyImage !== undefined) await rm(join(tinyImage.path, '..'), { recursive: true, force: true });
}, 900_000);

describe('terraform killed at seeded random moments of a full platform apply and destroy', () => {
  it(`converges within 2 applies or destroys after each of ${KILLS} kills: no orphan, no duplicate, no import`, async () => {
    const started = Date.now();
    let failed = false;
    const outcomes = await Promise.allSettled(
      lanes.map(async (lane) => {
        try {
          await lane.measure();
          await lane.run(Math.ceil((KILLS - lane.index) / LANES), () => failed);
        } catch (error) {
          failed = true;
          throw error;
        }
      }),
    );
    const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
    const sum = (pick: (tally: Tally) => number): number => lanes.reduce((total, lane) => total + pick(lane.tally), 0);
    note(
      `${sum((tally) => tally.kills)} kills survived (${sum((tally) => tally.missed)} moments came after their command had ended, ${sum((tally) => tally.torn)} tore terraform.tfstate) in ${Math.round((Date.now() - started) / 1000)} s: ` +
        `killed applies converged in 1 apply ${sum((tally) => tally.apply[0])}, in 2 ${sum((tally) => tally.apply[1])}; ` +
        `killed destroys in 1 destroy ${sum((tally) => tally.destroy[0])}, in 2 ${sum((tally) => tally.destroy[1])}; ` +
        `further commands per kill: max ${sum((tally) => tally.apply[1] + tally.destroy[1]) > 0 ? 2 : 1}, ` +
        `average ${(
          1 +
          sum((tally) => tally.apply[1] + tally.destroy[1]) /
            Math.max(
              1,
              sum((tally) => tally.kills),
            )
        ).toFixed(2)}`,
    );
    expect(sum((tally) => tally.kills)).toBeGreaterThanOrEqual(KILLS);
  }, 7_200_000);
});

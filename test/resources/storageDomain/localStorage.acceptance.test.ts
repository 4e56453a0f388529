/**
 * Local and shared dir storage on a 3-host lab, as a new user writes it (issue 19): a dir storage domain
 * local to kvm2 (each lab host's /var/lib/virtplane is its own directory) and one shared by every host
 * (the lab's shared directory, its stand-in for an NFS mount), a disk in each, a NAT network, four tiny
 * VMs on it, three of them kept apart by an anti-affinity group. It applies on the first try; then:
 * - the VM with the local disk lands on kvm2 (the scheduler's policy alone would not choose it), its
 *   file is on kvm2 only, the local pool only on kvm2;
 * - pinning it elsewhere is refused at plan on host_id, with no "Live migration" warning beside it;
 *   attaching the local disk to a VM on another host is refused at plan; so is maintenance of kvm2, and
 *   storage_type = "local" on a data center with a shared domain; a new VM given an existing local disk
 *   is planned on that disk's host (current_host_id known at plan);
 * - moving a VM whose disk is in the shared domain is announced as a live migration and works;
 * - destroy leaves no pool, domain or file on any host.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshPool, type SshEndpoint } from '../../../lib/backends/ssh/index.js';
import { buildProvider, createTerraformWorkspace, type TerraformWorkspace } from '../../support/terraform.js';
import { useLab, type TestLab } from '../../support/lab.js';
import { hclString, platformHcl } from '../../support/platformHcl.js';

const tag = randomBytes(3).toString('hex');
const localPath = `/var/lib/virtplane/vpe-local-${tag}`;
const names = { local: `loc-${tag}`, shared: `shr-${tag}`, vms: ['a', 'b', 'c'].map((vm) => `${vm}-${tag}`), free: `d-${tag}`, net: `nat-${tag}` };
/** A subnet no other test's network takes (they use 10.2xx). */
const subnet = `10.182.${parseInt(tag.slice(0, 2), 16)}.0/24`;
const ssh = new SshPool();
let lab: TestLab;
let tf: TerraformWorkspace;
let sharedPath: string;

interface Scenario {
  /** host_id of VM a (the one with the local disk). */
  readonly pinA?: string;
  /** host_id of VM b (the one with a shared disk). */
  readonly pinB?: string;
  /** VM b (on another host) also gets a disk of the local domain. */
  readonly bTakesLocal?: boolean;
  readonly maintenanceKvm2?: boolean;
  /** Grow the running VMs' disks: a's qcow2 to 32 MiB, c's raw one to 24 MiB. */
  readonly grow?: boolean;
  /** A new VM e with the (existing, unused) local disk spare. */
  readonly newLocal?: boolean;
  /** The data center as oVirt's local one (storage_type = "local"). */
  readonly localDatacenter?: boolean;
}

function vm(name: string, disks: readonly string[], hostId?: string): string {
  return `
resource "virtplane_vm" ${hclString(name)} {
  name                     = ${hclString(name)}
  cluster_id               = virtplane_cluster.main.id
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 0
${hostId === undefined ? '' : `  host_id                  = ${hostId}\n`}${disks.map((disk) => `  disk {\n    disk_id = virtplane_disk.${disk}.id\n  }\n`).join('')}  nic {
    network_id = virtplane_network.nat.id
  }
  depends_on               = [virtplane_host.kvm1, virtplane_host.kvm2, virtplane_host.kvm3]
}
`;
}

function config(scenario: Scenario = {}): string {
  const platform = platformHcl(lab.lab, { inventory: join(tf.root, 'inventory'), clusterArguments: '  scheduling_policy = "evenly_distributed"' });
  const withMaintenance = (
    scenario.maintenanceKvm2 ? platform.replace(/(resource "virtplane_host" "kvm2" \{\n)/, '$1  maintenance = true\n') : platform
  ).replace(
    '  description = "lab data center"\n',
    scenario.localDatacenter ? '  description = "lab data center"\n  storage_type = "local"\n' : '  description = "lab data center"\n',
  );
  return `${tf.requiredProviders()}${withMaintenance}
resource "virtplane_network" "nat" {
  name          = ${hclString(names.net)}
  datacenter_id = virtplane_datacenter.dc.id
  mode          = "nat"
  cidr          = ${hclString(subnet)}
  depends_on    = [virtplane_host.kvm1, virtplane_host.kvm2, virtplane_host.kvm3]
}

resource "virtplane_storage_domain" "local" {
  name          = ${hclString(names.local)}
  datacenter_id = virtplane_datacenter.dc.id
  type          = "dir"
  path          = ${hclString(localPath)}
  host_id       = virtplane_host.kvm2.id
}

resource "virtplane_storage_domain" "shared" {
  name          = ${hclString(names.shared)}
  datacenter_id = virtplane_datacenter.dc.id
  type          = "dir"
  path          = ${hclString(sharedPath)}
  shared        = true
  depends_on    = [virtplane_host.kvm1, virtplane_host.kvm2, virtplane_host.kvm3]
}

resource "virtplane_disk" "local" {
  name              = "data"
  storage_domain_id = virtplane_storage_domain.local.id
  size_mib          = ${scenario.grow ? 32 : 16}
}

resource "virtplane_disk" "spare" {
  name              = "spare"
  storage_domain_id = virtplane_storage_domain.local.id
  size_mib          = 16
}

resource "virtplane_disk" "shared_b" {
  name              = "b"
  storage_domain_id = virtplane_storage_domain.shared.id
  size_mib          = 16
}

resource "virtplane_disk" "shared_c" {
  name              = "c"
  storage_domain_id = virtplane_storage_domain.shared.id
  size_mib          = ${scenario.grow ? 24 : 16}
  format            = "raw"
}
${vm(names.vms[0]!, ['local'], scenario.pinA)}${vm(names.vms[1]!, scenario.bTakesLocal ? ['shared_b', 'spare'] : ['shared_b'], scenario.pinB)}${vm(names.vms[2]!, ['shared_c'])}${vm(names.free, [])}${scenario.newLocal ? vm(`e-${tag}`, ['spare']) : ''}
resource "virtplane_affinity_group" "apart" {
  name       = "apart-${tag}"
  cluster_id = virtplane_cluster.main.id
  positive   = false
  enforcing  = true
  vm_ids     = [virtplane_vm.${names.vms[0]}.id, virtplane_vm.${names.vms[1]}.id, virtplane_vm.${names.vms[2]}.id]
}
`;
}

function host(name: string): SshEndpoint {
  const found = lab.hosts.find((endpoint) => endpoint.name === name);
  if (!found) throw new Error(`no lab host ${name}`);
  return found;
}

async function run(name: string, argv: readonly string[]): Promise<string> {
  return (await ssh.exec(host(name), argv, { allowExitCodes: [0, 1, 2] })).stdout;
}

async function hostIdsByName(): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const name of ['kvm1', 'kvm2', 'kvm3']) ids[name] = String((await tf.stateAttributes('virtplane_host', name)).id);
  return ids;
}

/** The one lab host where the VM runs, read with virsh. */
async function runsOn(vm: string): Promise<string> {
  const running: string[] = [];
  for (const name of ['kvm1', 'kvm2', 'kvm3']) if ((await run(name, ['virsh', 'domstate', vm])).includes('running')) running.push(name);
  expect(running).toHaveLength(1);
  return running[0]!;
}

beforeAll(async () => {
  lab = await useLab({ hosts: 3 });
  if (lab.lab.sharedDirectory === undefined) throw new Error('the lab has no shared directory');
  sharedPath = `${lab.lab.sharedDirectory}/vpe-shared-${tag}`;
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  await tf.writeConfig(config());
  await tf.init();
}, 600_000);

afterAll(async () => {
  await tf?.writeConfig(config());
  await tf?.destroy({ allowFailure: true });
  await tf?.cleanup();
  for (const name of ['kvm1', 'kvm2', 'kvm3']) await run(name, ['rm', '-rf', '--', localPath]).catch(() => undefined);
  if (sharedPath !== undefined) await rm(sharedPath, { recursive: true, force: true });
  await ssh.close();
}, 300_000);

describe('local and shared dir storage on three hosts', () => {
  it('applies on the first try: the local VM on kvm2 with its file there only, the others anywhere', async () => {
    expect(lab.hosts.map((endpoint) => endpoint.name)).toEqual(['kvm1', 'kvm2', 'kvm3']);
    const started = Date.now();
    const applied = await tf.apply([], { timeoutMs: 800_000 });
    process.stderr.write(`[local storage] first apply: ${((Date.now() - started) / 1000).toFixed(0)} s\n${applied.stdout.slice(-3000)}\n`);
    expect(applied.exitCode).toBe(0);
    await tf.expectEmptyPlan();
    const ids = await hostIdsByName();
    const a = await tf.stateAttributes('virtplane_vm', names.vms[0]!);
    expect(a.current_host_id).toBe(ids.kvm2);
    // Where each VM runs, read on the hosts (the group may have live-migrated one the scheduler had put
    // beside another: the VMs' state learns that at their next refresh).
    const hostsOf = await Promise.all([...names.vms, names.free].map((name) => runsOn(name)));
    expect(hostsOf[0]).toBe('kvm2');
    expect(new Set(hostsOf.slice(0, 3)).size).toBe(3);
    const local = await tf.stateAttributes('virtplane_storage_domain', 'local');
    expect(local).toMatchObject({ shared: false, host_id: ids.kvm2, hosts: ['kvm2'] });
    expect(await tf.stateAttributes('virtplane_storage_domain', 'shared')).toMatchObject({ shared: true, host_id: null, hosts: ['kvm1', 'kvm2', 'kvm3'] });
    expect(await run('kvm2', ['ls', localPath])).toContain('data.qcow2');
    for (const other of ['kvm1', 'kvm3']) {
      expect(await run(other, ['ls', localPath])).not.toContain('data.qcow2');
      expect(await run(other, ['virsh', '-q', 'pool-list', '--all', '--name'])).not.toContain(names.local);
    }
    expect(existsSync(join(sharedPath, 'b.qcow2'))).toBe(true);
    // The fourth VM and the NAT network: on every host, each VM plugged into it.
    expect(await tf.stateAttributes('virtplane_network', 'nat')).toMatchObject({ hosts: ['kvm1', 'kvm2', 'kvm3'] });
    for (const [index, name] of [...names.vms, names.free].entries()) {
      const where = hostsOf[index]!;
      expect(await run(where, ['virsh', '-q', 'domiflist', name])).toContain(names.net);
    }
  }, 900_000);

  it('refuses at plan a pin, an attachment and a maintenance that contradict the local disk, with no migration warning', async () => {
    const ids = await hostIdsByName();
    const other = await runsOn(names.vms[1]!);
    await tf.writeConfig(config({ pinA: `virtplane_host.kvm1.id` }));
    const pinned = await tf.plan([], { allowFailure: true });
    expect(pinned.result.exitCode).toBe(1);
    expect(pinned.result.stderr).toContain("The VM's disks are not on that host");
    expect(pinned.result.stderr).toMatch(/storage domain loc-\w+ is local to kvm2/);
    expect(pinned.result.stderr).toMatch(/with virtplane_vm\.a-\w+,\n.*on main\.tf line \d+[\s\S]*host_id/);
    expect(pinned.result.stderr + pinned.result.stdout).not.toContain('Live migration');

    await tf.writeConfig(config({ bTakesLocal: true }));
    const attached = await tf.plan([], { allowFailure: true });
    expect(attached.result.exitCode).toBe(1);
    expect(attached.result.stderr).toContain("The VM's disks are not on that host");
    expect(other).not.toBe('kvm2');

    // Placement at plan: a new VM with an existing local disk is planned on the disk's host, known in the plan.
    await tf.writeConfig(config({ newLocal: true }));
    const placed = (await tf.planJson()).resource_changes?.find((change) => change.address === `virtplane_vm.e-${tag}`);
    expect(placed?.change.actions).toEqual(['create']);
    expect(placed?.change.after?.current_host_id).toBe(ids.kvm2);

    // storage_type = "local" as oVirt means it: host-local dir domains only; this one has a shared domain.
    await tf.writeConfig(config({ localDatacenter: true }));
    const local = await tf.plan([], { allowFailure: true });
    expect(local.result.exitCode).toBe(1);
    expect(local.result.stderr).toContain('Shared storage in a local data center');
    expect(local.result.stderr).toContain(names.shared);
    expect(local.result.stderr).toMatch(/storage_type/);

    await tf.writeConfig(config({ maintenanceKvm2: true }));
    const maintenance = await tf.plan([], { allowFailure: true });
    expect(maintenance.result.exitCode).toBe(1);
    expect(maintenance.result.stderr).toContain('Host has VMs on its local storage');

    await tf.writeConfig(config());
    await tf.expectEmptyPlan();
  }, 300_000);

  it('moves a VM with a shared disk by live migration, announced as such', async () => {
    const ids = await hostIdsByName();
    const to = await runsOn(names.vms[2]!);
    // b joins c's host: the group becomes a preference first (an enforcing one would refuse the move).
    const relaxed = (scenario: Scenario): string => config(scenario).replace('enforcing  = true', 'enforcing  = false');
    await tf.writeConfig(relaxed({}));
    await tf.apply();
    await tf.writeConfig(relaxed({ pinB: `virtplane_host.${to}.id` }));
    const { result } = await tf.plan();
    expect(result.stdout).toMatch(new RegExp(`Live migration[\\s\\S]*moves from kvm\\d to ${to} by live migration`));
    const applied = await tf.apply();
    expect(applied.stdout + applied.stderr).not.toContain('Unsafe migration');
    expect((await tf.stateAttributes('virtplane_vm', names.vms[1]!)).current_host_id).toBe(ids[to]);
    expect(await run(to, ['virsh', 'domstate', names.vms[1]!])).toContain('running');
    await tf.expectEmptyPlan();
  }, 600_000);

  it('grows the disks of running VMs live in one apply: the guests see the new sizes (qcow2 and raw)', async () => {
    const hostOf = async (vm: string): Promise<string> => {
      const id = String((await tf.stateAttributes('virtplane_vm', vm)).current_host_id);
      const ids = await hostIdsByName();
      return Object.entries(ids).find(([, hostId]) => hostId === id)![0];
    };
    const [a, c] = [names.vms[0]!, names.vms[2]!];
    const capacity = async (vm: string): Promise<number> =>
      Number(/Capacity:\s+(\d+)/.exec(await run(await hostOf(vm), ['virsh', 'domblkinfo', vm, 'vda']))?.[1] ?? 0);
    expect(await capacity(a)).toBe(16 * 1024 * 1024);
    await tf.writeConfig(config({ grow: true }).replace('enforcing  = true', 'enforcing  = false'));
    await tf.apply();
    // What QEMU gives the running guests: the new sizes, without a restart or a second apply.
    expect(await capacity(a)).toBe(32 * 1024 * 1024);
    expect(await capacity(c)).toBe(24 * 1024 * 1024);
    expect(await run(await hostOf(a), ['virsh', 'domstate', a])).toContain('running');
    expect((await tf.stateAttributes('virtplane_disk', 'local')).size_mib).toBe(32);
    await tf.expectEmptyPlan();
  }, 600_000);

  it('destroys everything: no pool, domain or disk file left on any host', async () => {
    await tf.destroy();
    for (const name of ['kvm1', 'kvm2', 'kvm3']) {
      const pools = await run(name, ['virsh', '-q', 'pool-list', '--all', '--name']);
      expect(pools).not.toContain(names.local);
      expect(pools).not.toContain(names.shared);
      const domains = await run(name, ['virsh', '-q', 'list', '--all', '--name']);
      for (const vmName of [...names.vms, names.free]) expect(domains).not.toContain(vmName);
      expect(await run(name, ['virsh', '-q', 'net-list', '--all', '--name'])).not.toContain(names.net);
    }
  }, 300_000);
});

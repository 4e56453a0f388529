/**
 * Local and shared dir storage on a 3-host lab, as a new user writes it (issue 19): a dir storage domain
 * local to kvm2 (each lab host's /var/lib/virtplane is its own directory) and one shared by every host
 * (the lab's shared directory, its stand-in for an NFS mount), a disk in each, three tiny VMs kept apart
 * by an anti-affinity group. It applies on the first try; then:
 * - the VM with the local disk lands on kvm2 (the scheduler's policy alone would not choose it), its
 *   file is on kvm2 only, the local pool only on kvm2;
 * - pinning it elsewhere is refused at plan on host_id, with no "Live migration" warning beside it;
 *   attaching the local disk to a VM on another host is refused at plan; so is maintenance of kvm2;
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
const names = { local: `loc-${tag}`, shared: `shr-${tag}`, vms: ['a', 'b', 'c'].map((vm) => `${vm}-${tag}`) };
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
}

function vm(name: string, disks: readonly string[], hostId?: string): string {
  return `
resource "virtplane_vm" ${hclString(name)} {
  name                     = ${hclString(name)}
  cluster_id               = virtplane_cluster.main.id
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 0
${hostId === undefined ? '' : `  host_id                  = ${hostId}\n`}${disks.map((disk) => `  disk {\n    disk_id = virtplane_disk.${disk}.id\n  }\n`).join('')}  depends_on               = [virtplane_host.kvm1, virtplane_host.kvm2, virtplane_host.kvm3]
}
`;
}

function config(scenario: Scenario = {}): string {
  const platform = platformHcl(lab.lab, { inventory: join(tf.root, 'inventory'), clusterArguments: '  scheduling_policy = "evenly_distributed"' });
  const withMaintenance = scenario.maintenanceKvm2 ? platform.replace(/(resource "virtplane_host" "kvm2" \{\n)/, '$1  maintenance = true\n') : platform;
  return `${tf.requiredProviders()}${withMaintenance}
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
${vm(names.vms[0]!, ['local'], scenario.pinA)}${vm(names.vms[1]!, scenario.bTakesLocal ? ['shared_b', 'spare'] : ['shared_b'], scenario.pinB)}${vm(names.vms[2]!, ['shared_c'])}
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
    const hostsOf = await Promise.all(names.vms.map(async (name) => String((await tf.stateAttributes('virtplane_vm', name)).current_host_id)));
    expect(new Set(hostsOf).size).toBe(3);
    const local = await tf.stateAttributes('virtplane_storage_domain', 'local');
    expect(local).toMatchObject({ shared: false, host_id: ids.kvm2, hosts: ['kvm2'] });
    expect(await tf.stateAttributes('virtplane_storage_domain', 'shared')).toMatchObject({ shared: true, host_id: null, hosts: ['kvm1', 'kvm2', 'kvm3'] });
    expect(await run('kvm2', ['ls', localPath])).toContain('data.qcow2');
    for (const other of ['kvm1', 'kvm3']) {
      expect(await run(other, ['ls', localPath])).not.toContain('data.qcow2');
      expect(await run(other, ['virsh', '-q', 'pool-list', '--all', '--name'])).not.toContain(names.local);
    }
    expect(existsSync(join(sharedPath, 'b.qcow2'))).toBe(true);
  }, 900_000);

  it('refuses at plan a pin, an attachment and a maintenance that contradict the local disk, with no migration warning', async () => {
    const ids = await hostIdsByName();
    const other = String((await tf.stateAttributes('virtplane_vm', names.vms[1]!)).current_host_id);
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
    expect(other).not.toBe(ids.kvm2);

    await tf.writeConfig(config({ maintenanceKvm2: true }));
    const maintenance = await tf.plan([], { allowFailure: true });
    expect(maintenance.result.exitCode).toBe(1);
    expect(maintenance.result.stderr).toContain('Host has VMs on its local storage');

    await tf.writeConfig(config());
    await tf.expectEmptyPlan();
  }, 300_000);

  it('moves a VM with a shared disk by live migration, announced as such', async () => {
    const ids = await hostIdsByName();
    const c = String((await tf.stateAttributes('virtplane_vm', names.vms[2]!)).current_host_id);
    const to = Object.entries(ids).find(([, id]) => id === c)![0];
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
      for (const vmName of names.vms) expect(domains).not.toContain(vmName);
    }
  }, 300_000);
});

/**
 * Adoption vs refusal for every resource type (issue 12, item 5), against the lab with the real
 * terraform. What an apply killed before Terraform saved its state leaves is simulated exactly:
 * `terraform state rm` of every resource (each create had finished, none was saved), plus remote
 * objects the killed apply had not made yet (a network missing on kvm2, a pool missing on kvm1, the
 * target in virtplane.conf but no longer served):
 * - the same workspace's next apply adopts everything (same ids, audited "adopt"), finishes what was
 *   missing, and the plan is empty after it (the VM also when its placement row is gone, kept on its host);
 * - another workspace (another directory) sharing the inventory and the hosts declares the same
 *   objects: each create is refused, saying it belongs to another Terraform workspace, and nothing
 *   changes (inventory rows, hosts, storage server);
 * - a row nobody marked (as after an inventory rebuild) is refused, not adopted;
 * - a destroy killed after it had deleted everything, its state never saved (the state still lists
 *   every object; a VM's domain undefined but its placement not released), is finished by the next
 *   destroy without an error for what is gone, and leaves nothing: no row, no libvirt object, no target.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded } from '../../lib/inventory/embedded.js';
import { buildProvider, createTerraformWorkspace, type TerraformResult, type TerraformWorkspace } from '../support/terraform.js';
import { useLab, type TestLab } from '../support/lab.js';
import { hclString, platformHcl, providerBlock } from '../support/platformHcl.js';
import { VmTestLab } from './vm/testLab.js';

let lab: TestLab;
let tf: TerraformWorkspace;
let other: TerraformWorkspace | undefined;
let vms: VmTestLab;
let names: { readonly iqn: string; readonly network: string; readonly san: string; readonly dir: string; readonly dirPath: string; readonly vm: string };
let image: { readonly path: string; readonly sha256: string };
/** Ids of the first workspace's objects, by address. */
let ids: Record<string, string> = {};

const inventoryDir = (): string => join(tf.root, 'inventory');

const ADDRESSES = [
  'virtplane_datacenter.dc',
  'virtplane_cluster.main',
  'virtplane_host.kvm1',
  'virtplane_host.kvm2',
  'virtplane_network.lan',
  'virtplane_iscsi_target.san',
  'virtplane_storage_domain.san',
  'virtplane_storage_domain.dir',
  'virtplane_disk.lun',
  'virtplane_disk.dir',
  'virtplane_image.tiny',
  'virtplane_template.tiny',
  'virtplane_vm.vm',
  'virtplane_affinity_group.group',
];

function resources(ref: (address: string) => string): string {
  return `
resource "virtplane_network" "lan" {
  name          = ${hclString(names.network)}
  datacenter_id = ${ref('virtplane_datacenter.dc')}
  mode          = "isolated"
}

resource "virtplane_iscsi_target" "san" {
  server_address  = ${hclString(lab.lab.storage.address)}
  server_host_key = ${hclString(lab.lab.storage.hostKey)}
  iqn             = ${hclString(names.iqn)}
  lun {
    lun      = 1
    size_mib = 4
  }
}

resource "virtplane_storage_domain" "san" {
  name            = ${hclString(names.san)}
  datacenter_id   = ${ref('virtplane_datacenter.dc')}
  type            = "iscsi"
  iscsi_target_id = ${ref('virtplane_iscsi_target.san')}
}

resource "virtplane_storage_domain" "dir" {
  name          = ${hclString(names.dir)}
  datacenter_id = ${ref('virtplane_datacenter.dc')}
  type          = "dir"
  path          = ${hclString(names.dirPath)}
  shared        = true
}

resource "virtplane_disk" "lun" {
  name              = "lun1"
  storage_domain_id = ${ref('virtplane_storage_domain.san')}
  lun               = 1
}

resource "virtplane_disk" "dir" {
  name              = "data"
  storage_domain_id = ${ref('virtplane_storage_domain.dir')}
  size_mib          = 4
}

resource "virtplane_image" "tiny" {
  name              = "tiny"
  storage_domain_id = ${ref('virtplane_storage_domain.dir')}
  source            = ${hclString(image.path)}
  sha256            = "${image.sha256}"
}

resource "virtplane_template" "tiny" {
  name          = "tiny"
  datacenter_id = ${ref('virtplane_datacenter.dc')}
  image_id      = ${ref('virtplane_image.tiny')}
  memory_mib    = 32
  graphics      = "none"
}

resource "virtplane_affinity_group" "group" {
  name       = "group"
  cluster_id = ${ref('virtplane_cluster.main')}
}
`;
}

/** The first workspace: the platform, everything above, and a VM (the hosts first: disks are made through them). */
function config(): string {
  const ref = (address: string): string => `${address}.id`;
  return `${tf.requiredProviders()}${platformHcl(lab.lab, { inventory: inventoryDir() })}${resources(ref).replace(
    /(resource "virtplane_storage_domain" "\w+" \{\n)/g,
    '$1  depends_on    = [virtplane_host.kvm1, virtplane_host.kvm2]\n',
  )}
resource "virtplane_vm" "vm" {
  name                     = ${hclString(names.vm)}
  cluster_id               = virtplane_cluster.main.id
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 0
  depends_on               = [virtplane_host.kvm1, virtplane_host.kvm2]
  disk {
    disk_id = virtplane_disk.dir.id
  }
}
`;
}

/** Another workspace declaring the same objects, naming the first one's parents by their ids. */
/**
 * This workspace's configuration as another workspace declares it. `planChecked`: with the objects a
 * plan already refuses by name (data center, hosts: the inventory is read at plan); without them, the
 * rest is refused by its create.
 */
function otherConfig(workspace: TerraformWorkspace, withTarget: boolean, planChecked = withTarget): string {
  const ref = (address: string): string => hclString(ids[address] ?? '');
  const hosts = lab.lab.hosts
    .map(
      (host) => `
resource "virtplane_host" ${hclString(host.name)} {
  name       = ${hclString(host.name)}
  cluster_id = ${ref('virtplane_cluster.main')}
  address    = ${hclString(host.address)}
  host_key   = ${hclString(host.hostKey)}
}
`,
    )
    .join('');
  const datacenter = `
resource "virtplane_datacenter" "dc" {
  name = "Default"
}
`;
  return `${workspace.requiredProviders()}${providerBlock(lab.lab, inventoryDir())}${planChecked ? datacenter : ''}
resource "virtplane_cluster" "main" {
  name          = "main"
  datacenter_id = ${ref('virtplane_datacenter.dc')}
}
${planChecked ? hosts : ''}${withTarget ? resources(ref) : resources(ref).replace(/resource "virtplane_iscsi_target" "san" \{[\s\S]*?\n\}\n/, '')}`;
}

/** Terraform's output on one line (it wraps diagnostics in boxes). */
function squashed(result: TerraformResult): string {
  return (result.stdout + result.stderr).replace(/[│╷╵\s]+/g, ' ');
}

async function stateIds(workspace: TerraformWorkspace): Promise<Record<string, string>> {
  const state = await workspace.statePull();
  return Object.fromEntries(
    state.resources
      .filter((resource) => resource.mode === 'managed')
      .map((resource) => [`${resource.type}.${resource.name}`, String(resource.instances[0]?.attributes.id)]),
  );
}

/** Every row of the inventory but the audit log, for "nothing changed". */
async function rows(): Promise<string[]> {
  const driver = await openEmbedded(inventoryDir());
  try {
    const dump: string[] = [];
    for (const table of ['datacenters', 'clusters', 'hosts', 'networks', 'storage_domains', 'disks', 'vm_placements', 'affinity_groups']) {
      const found = await driver.query(`SELECT to_jsonb(t)::text AS row FROM ${table} t ORDER BY 1`);
      dump.push(...found.rows.map((row) => `${table} ${String(row.row)}`));
    }
    return dump;
  } finally {
    await driver.close();
  }
}

async function auditActions(id: string): Promise<string[]> {
  return vms.withInventory(async (inventory) => (await inventory.audit.list({ resourceId: id })).map((entry) => entry.action).reverse());
}

async function ssh(host: 'kvm1' | 'kvm2' | 'storage', script: string): Promise<string> {
  const endpoint = host === 'storage' ? lab.storage : vms.endpoint(host);
  return (await vms.pool.exec(endpoint, ['sh', '-c', script])).stdout;
}

beforeAll(async () => {
  lab = await useLab();
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  vms = new VmTestLab(lab, inventoryDir());
  const tag = `vpad-${vms.run}`;
  names = {
    iqn: `iqn.2025-01.dev.virtplane.test:ad-${vms.run}`,
    network: `${tag}-lan`,
    san: `${tag}-san`,
    dir: `${tag}-dir`,
    dirPath: join(lab.lab.sharedDirectory ?? '/var/lib/virtplane-lab/shared', tag),
    vm: `${tag}-vm`,
  };
  await mkdir(tf.root, { recursive: true });
  const path = join(tf.root, 'tiny.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path, '1M']);
  image = { path, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') };
  await tf.writeConfig(config());
  await tf.init();
  await tf.apply([], { timeoutMs: 600_000 });
  ids = await stateIds(tf);
}, 900_000);

afterAll(async () => {
  await other?.cleanup();
  if (tf !== undefined) {
    await tf.writeConfig(config());
    await tf.destroy({ allowFailure: true, timeoutMs: 600_000 });
  }
  if (vms !== undefined && names !== undefined) {
    await vms.cleanup(ids['virtplane_cluster.main'], { networks: [names.network], pools: [names.san, names.dir], targetIqn: names.iqn });
    await rm(names.dirPath, { recursive: true, force: true });
  }
  await tf?.cleanup();
}, 900_000);

describe('adoption of what an interrupted apply of this workspace left, refusal of anyone else’s', () => {
  it('the next apply adopts every object the state lost (same ids) and finishes what was missing on the hosts', async () => {
    expect(Object.keys(ids).sort()).toEqual([...ADDRESSES].sort());
    // Every create finished, no state was saved; and some remote objects were never made.
    await tf.run(['state', 'rm', ...ADDRESSES]);
    await ssh('kvm2', `virsh -q net-destroy ${names.network}; virsh -q net-undefine ${names.network}`);
    await ssh('kvm1', `virsh -q pool-destroy ${names.dir}; virsh -q pool-undefine ${names.dir}`);
    await ssh(
      'storage',
      `tid=$(tgtadm --lld iscsi --mode target --op show | sed -n 's/^Target \\([0-9]*\\): ${names.iqn}$/\\1/p'); tgtadm --lld iscsi --mode target --op delete --force --tid "$tid"`,
    );
    expect(await ssh('storage', 'tgtadm --lld iscsi --mode target --op show')).not.toContain(names.iqn);
    // The VM's placement row is gone too, as when its create's reservation expired and was swept before
    // this apply: its plan still finds the domain and keeps it on its host (an apply placing it elsewhere
    // would then adopt it where it is, against its own plan).
    const vmHostBefore = await vms.withInventory(async (inventory) => (await inventory.vmPlacements.get(ids['virtplane_vm.vm']!))?.hostId);
    expect(await vms.withInventory((inventory) => inventory.vmPlacements.release(ids['virtplane_vm.vm']!))).toBe(true);

    const applied = await tf.apply([], { timeoutMs: 600_000 });
    expect(applied.stdout).not.toMatch(/Destroying/);
    expect(squashed(applied)).toContain('Adopting a VM left by an interrupted apply');
    expect(await vms.withInventory(async (inventory) => (await inventory.vmPlacements.get(ids['virtplane_vm.vm']!))?.hostId)).toBe(vmHostBefore);
    expect(await stateIds(tf)).toEqual(ids);
    for (const address of [
      'virtplane_datacenter.dc',
      'virtplane_network.lan',
      'virtplane_storage_domain.dir',
      'virtplane_disk.dir',
      'virtplane_template.tiny',
    ]) {
      expect(await auditActions(ids[address]!), address).toEqual(['create', 'adopt']);
    }
    // Finished: the network on kvm2, the pool on kvm1, the target served again.
    expect(await ssh('kvm2', 'virsh -q net-list --name')).toContain(names.network);
    expect(await ssh('kvm1', 'virsh -q pool-list --name')).toContain(names.dir);
    expect(await ssh('storage', 'tgtadm --lld iscsi --mode target --op show')).toContain(names.iqn);
    await tf.expectEmptyPlan();
  });

  it('another workspace declaring the same objects is refused for each, saying whose they are; nothing changes', async () => {
    const before = await rows();
    const conf = await ssh('storage', 'cat /etc/tgt/conf.d/virtplane.conf');
    const listing = async (): Promise<string> => ssh('kvm1', 'virsh -q list --all --name; virsh -q net-list --all --name; virsh -q pool-list --all --name');
    const hostsBefore = await listing();

    other = await createTerraformWorkspace({ entryPoint: await buildProvider() });
    await other.writeConfig(otherConfig(other, true));
    await other.init();
    // The target, the data center and the hosts are refused at plan already (the target's server and the
    // inventory are read there): nothing at all is applied.
    const planned = await other.plan([], { allowFailure: true });
    expect(planned.result.exitCode).toBe(1);
    const plannedOutput = squashed(planned.result);
    expect(plannedOutput).toMatch(/Target already managed .* created by another Terraform workspace/);
    expect(plannedOutput).toMatch(/Data center name already taken .* terraform import virtplane_datacenter\.NAME Default/);
    for (const host of lab.lab.hosts)
      expect(plannedOutput).toMatch(new RegExp(`Host name already taken .* terraform import virtplane_host\\.NAME ${host.name}`));
    // Without them, the creates run, and each is refused.
    await other.writeConfig(otherConfig(other, false));
    const refused = await other.apply([], { allowFailure: true, timeoutMs: 600_000 });
    const output = squashed(refused);
    expect(refused.exitCode).toBe(1);
    for (const kind of ['Cluster', 'Network', 'Storage domain', 'Disk', 'Image', 'Template', 'Affinity group']) {
      expect(output, kind).toContain(`${kind} name already taken`);
    }
    // The cluster, the network, two storage domains, two disks, the image, the template, the group.
    expect(output.match(/created by another Terraform workspace/g)?.length).toBe(9);
    expect(output).toContain(`A network named "${names.network}" already exists in data center "Default"`);
    expect(output).not.toMatch(/adopt/i);
    expect(await stateIds(other)).toEqual({});

    expect(await rows()).toEqual(before);
    expect(await ssh('storage', 'cat /etc/tgt/conf.d/virtplane.conf')).toBe(conf);
    expect(await listing()).toBe(hostsBefore);
  });

  it('a row nobody marked (an inventory rebuilt from another state) is refused, not adopted', async () => {
    const driver = await openEmbedded(inventoryDir());
    try {
      await driver.query('UPDATE affinity_groups SET created_by_workspace = NULL WHERE id = $1', [ids['virtplane_affinity_group.group']!]);
    } finally {
      await driver.close();
    }
    await tf.run(['state', 'rm', 'virtplane_affinity_group.group']);
    const refused = await tf.apply([], { allowFailure: true });
    expect(refused.exitCode).toBe(1);
    expect(squashed(refused)).toMatch(/Affinity group name already taken .* nothing marks it as made by an apply of this workspace/);
    await tf.import('virtplane_affinity_group.group', ids['virtplane_affinity_group.group']!);
    await tf.expectEmptyPlan();
  });

  it('a destroy killed after deleting everything, its state never saved, is finished by the next destroy: nothing left, no error', async () => {
    const saved = join(tf.root, 'before-destroy.tfstate');
    await writeFile(saved, JSON.stringify(await tf.statePull()));
    // The VM's domain goes first, its placement stays (a kill between the two), then everything else.
    const vmHost = (await vms.domainNamed(ids['virtplane_cluster.main']!, names.vm)).host;
    await ssh(vmHost as 'kvm1', `virsh -q destroy ${names.vm}; virsh -q undefine ${names.vm}`);
    await tf.run(['state', 'rm', 'virtplane_vm.vm']);
    const placed = await vms.withInventory(async (inventory) => inventory.vmPlacements.list());
    expect(placed.map((placement) => placement.name)).toEqual([names.vm]);
    await tf.destroy({ timeoutMs: 600_000 });
    // Terraform never saved any of it: the state is the one from before the destroy.
    await tf.run(['state', 'push', '-force', saved]);
    expect((await stateIds(tf))['virtplane_vm.vm']).toBe(ids['virtplane_vm.vm']);

    const again = await tf.destroy({ timeoutMs: 600_000 });
    expect(again.stdout).toMatch(/Destroy complete!/);
    expect(await stateIds(tf)).toEqual({});
    expect(await rows()).toEqual([]);
    const left = await ssh('kvm1', 'virsh -q list --all --name; virsh -q net-list --all --name; virsh -q pool-list --all --name');
    const leftKvm2 = await ssh('kvm2', 'virsh -q list --all --name; virsh -q net-list --all --name; virsh -q pool-list --all --name');
    expect(`${left}\n${leftKvm2}`).not.toContain(vms.run);
    expect(await ssh('storage', 'tgtadm --lld iscsi --mode target --op show')).not.toContain(names.iqn);
  });
});

/**
 * The provider checklist for virtplane_datacenter, virtplane_cluster and virtplane_host, driving the
 * real terraform binary against the lab: apply, empty plan, import, drift, bad input, destroy.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInventory } from '../../lib/inventory/index.js';
import { buildProvider, createTerraformWorkspace, expectPlanChange, type TerraformWorkspace } from '../support/terraform.js';
import { useLab, type TestLab } from '../support/lab.js';
import { hclString, platformHcl, providerBlock } from '../support/platformHcl.js';
import { hostHasKvm, removeDomainEverywhere, tinyDomainXml, uniqueName } from '../support/tinyDomain.js';
import { SshPool } from '../../lib/backends/ssh/index.js';

let lab: TestLab;
let tf: TerraformWorkspace;
let inventoryDir: string;
let config: string;

/** The inventory between terraform commands (no provider process holds it then). */
async function withInventory<T>(work: (inventory: Awaited<ReturnType<typeof openInventory>>) => Promise<T>): Promise<T> {
  const inventory = await openInventory(inventoryDir);
  try {
    return await work(inventory);
  } finally {
    await inventory.close();
  }
}

beforeAll(async () => {
  lab = await useLab();
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  inventoryDir = join(tf.root, 'inventory');
  config = tf.requiredProviders() + platformHcl(lab.lab, { inventory: inventoryDir });
  await tf.writeConfig(config);
  await tf.init();
});

afterAll(async () => {
  await tf?.destroy({ allowFailure: true });
  await tf?.cleanup();
});

describe('data center, cluster and hosts against the lab', () => {
  it('applies, with each host verified and its facts read', async () => {
    await tf.apply();
    const kvm1 = await tf.stateAttributes('virtplane_host', 'kvm1');
    expect(kvm1).toMatchObject({ name: 'kvm1', address: lab.lab.hosts[0]!.address, port: 22, maintenance: false });
    expect(kvm1.cpus).toBeGreaterThan(0);
    expect(kvm1.memory_mib).toBeGreaterThan(256);
    expect(kvm1.libvirt_version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(typeof kvm1.kvm).toBe('boolean');
    const cluster = await tf.stateAttributes('virtplane_cluster', 'main');
    expect(cluster).toMatchObject({
      memory_overcommit_percent: 100,
      scheduling_policy: 'evenly_distributed',
      datacenter_id: (await tf.stateAttributes('virtplane_datacenter', 'dc')).id,
    });
    const hosts = await withInventory((inventory) => inventory.hosts.list(String(cluster.id)));
    expect(hosts.map((host) => host.name).sort()).toEqual(['kvm1', 'kvm2']);
  });

  it('plans nothing afterwards', async () => {
    await tf.expectEmptyPlan();
  });

  it('imports each object to the same state', async () => {
    for (const [type, name, id] of [
      ['virtplane_datacenter', 'dc', 'Default'],
      ['virtplane_cluster', 'main', 'Default/main'],
      ['virtplane_host', 'kvm2', 'kvm2'],
    ] as const) {
      const before = await tf.stateAttributes(type, name);
      await tf.run(['state', 'rm', `${type}.${name}`]);
      await tf.import(`${type}.${name}`, id);
      expect(await tf.stateAttributes(type, name)).toEqual(before);
    }
    const hostById = await tf.stateAttributes('virtplane_host', 'kvm1');
    await tf.run(['state', 'rm', 'virtplane_host.kvm1']);
    await tf.import('virtplane_host.kvm1', String(hostById.id));
    expect(await tf.stateAttributes('virtplane_host', 'kvm1')).toEqual(hostById);
    await tf.expectEmptyPlan();
  });

  it('shows out-of-band changes in the inventory in the plan', async () => {
    const host = await tf.stateAttributes('virtplane_host', 'kvm1');
    const cluster = await tf.stateAttributes('virtplane_cluster', 'main');
    await withInventory(async (inventory) => {
      await inventory.hosts.update(String(host.id), { maintenance: true });
      await inventory.clusters.update(String(cluster.id), { memoryOvercommitPercent: 150 });
    });
    const plan = await tf.planJson();
    expectPlanChange(plan, 'virtplane_host.kvm1', { actions: ['update'], changedAttributes: ['maintenance'] });
    expectPlanChange(plan, 'virtplane_cluster.main', { actions: ['update'], changedAttributes: ['memory_overcommit_percent'] });
    await tf.apply();
    await tf.expectEmptyPlan();
    await withInventory(async (inventory) => {
      expect((await inventory.hosts.require(String(host.id))).maintenance).toBe(false);
    });
  });

  it('plans to create again what was deleted out of band', async () => {
    const host = await tf.stateAttributes('virtplane_host', 'kvm2');
    await withInventory((inventory) => inventory.hosts.delete(String(host.id)));
    const plan = await tf.planJson();
    expectPlanChange(plan, 'virtplane_host.kvm2', { actions: ['create'] });
    await tf.apply();
    await tf.expectEmptyPlan();
  });

  it('lets another Terraform state look the platform up by name', async () => {
    const other = await createTerraformWorkspace({ entryPoint: await buildProvider() });
    try {
      await other.writeConfig(
        other.requiredProviders() +
          providerBlock(lab.lab, inventoryDir) +
          `data "virtplane_datacenter" "dc" { name = "Default" }
data "virtplane_cluster" "main" {
  name          = "main"
  datacenter_id = data.virtplane_datacenter.dc.id
}
data "virtplane_host" "kvm1" { name = "kvm1" }
output "cluster_id" { value = data.virtplane_cluster.main.id }
output "kvm1_memory" { value = data.virtplane_host.kvm1.memory_mib }
output "policy" { value = data.virtplane_cluster.main.scheduling_policy }
`,
      );
      await other.init();
      await other.apply();
      const outputs = JSON.parse((await other.run(['output', '-json'])).stdout) as Record<string, { value: unknown }>;
      expect(outputs.cluster_id!.value).toBe((await tf.stateAttributes('virtplane_cluster', 'main')).id);
      expect(outputs.kvm1_memory!.value).toBe((await tf.stateAttributes('virtplane_host', 'kvm1')).memory_mib);
      expect(outputs.policy!.value).toBe('evenly_distributed');
    } finally {
      await other.cleanup();
    }
  });

  it('refuses to delete a host that has VMs, with nothing changed', async () => {
    const host = await tf.stateAttributes('virtplane_host', 'kvm2');
    const cluster = await tf.stateAttributes('virtplane_cluster', 'main');
    // A VM there for real (defined, not started): a placement whose VM is on no host is released by the
    // host's deletion instead (host/placements.ts).
    const kvm2 = lab.hosts.find((endpoint) => endpoint.name === 'kvm2')!;
    const pool = new SshPool();
    const name = uniqueName('web1');
    try {
      await pool.exec(kvm2, ['virsh', '-q', 'define', '/dev/stdin'], { stdin: tinyDomainXml(name, { kvm: await hostHasKvm(pool, kvm2) }) });
      const vmId = (await pool.exec(kvm2, ['virsh', '-q', 'domuuid', name])).stdout.trim();
      await withInventory((inventory) =>
        inventory.vmPlacements.register({ vmId, name, clusterId: String(cluster.id), hostId: String(host.id), vcpus: 1, memoryMib: 64 }),
      );
      await tf.writeConfig(tf.requiredProviders() + platformHcl(lab.lab, { inventory: inventoryDir, hosts: ['kvm1'] }));
      const result = await tf.apply([], { allowFailure: true });
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toMatch(/Host has VMs/);
      expect(result.stderr).toContain(name);
      expect((await withInventory((inventory) => inventory.hosts.get(String(host.id))))?.name).toBe('kvm2');
      await withInventory((inventory) => inventory.vmPlacements.release(vmId));
    } finally {
      await removeDomainEverywhere(pool, [kvm2], name);
      await pool.close();
    }
    await tf.writeConfig(config);
    await tf.expectEmptyPlan();
  });

  it.each([
    ['a name with a space', 'virtplane_datacenter', ['name = "bad name"'], 'name'],
    [
      'an unknown scheduling policy',
      'virtplane_cluster',
      ['name = "c2"', 'datacenter_id = virtplane_datacenter.dc.id', 'scheduling_policy = "random"'],
      'scheduling_policy',
    ],
    ['a port out of range', 'virtplane_host', ['name = "h9"', 'cluster_id = virtplane_cluster.main.id', 'address = "10.77.0.99"', 'port = 70000'], 'port'],
    [
      'a malformed host key',
      'virtplane_host',
      ['name = "h9"', 'cluster_id = virtplane_cluster.main.id', 'address = "10.77.0.99"', 'host_key = "not-a-key"'],
      'host_key',
    ],
  ])('rejects %s with a diagnostic on the attribute', async (_what, type, body, attribute) => {
    await tf.writeConfig(`resource "${type}" "bad" {\n${body.map((line) => `  ${line}\n`).join('')}}\n`, 'bad.tf');
    try {
      const result = await tf.plan([], { allowFailure: true });
      expect(result.result.exitCode).toBe(1);
      expect(result.result.stderr).toMatch(/Error: /);
      // With an attribute path, Terraform points at the attribute's own line (line 1 is the block).
      const line = 2 + body.findIndex((text) => text.startsWith(`${attribute} =`));
      expect(result.result.stderr).toContain(`on bad.tf line ${line}, in resource "${type}" "bad":`);
    } finally {
      await rm(join(tf.dir, 'bad.tf'));
    }
  });

  it('refuses a host whose key is not the pinned one, on host_key, and creates nothing', async () => {
    // A machine no host of the inventory is registered at (an address already taken is refused at plan).
    const machine = lab.lab.storage;
    await tf.writeConfig(
      `resource "virtplane_host" "impostor" {
  name       = "impostor"
  cluster_id = virtplane_cluster.main.id
  address    = ${hclString(machine.address)}
  port       = 22
  host_key   = ${hclString(lab.lab.hosts[1]!.hostKey)}
}
`,
      'impostor.tf',
    );
    const result = await tf.apply([], { allowFailure: true });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/Host key not accepted/);
    expect(result.stderr).toMatch(/with virtplane_host\.impostor,[\s\S]*host_key/);
    expect(await withInventory((inventory) => inventory.hosts.getByName('impostor'))).toBeUndefined();
    await rm(join(tf.dir, 'impostor.tf'));
    await tf.expectEmptyPlan();
  });

  it('destroys, leaving nothing in the inventory', async () => {
    await tf.destroy();
    await withInventory(async (inventory) => {
      expect(await inventory.datacenters.list()).toEqual([]);
      expect(await inventory.clusters.list()).toEqual([]);
      expect(await inventory.hosts.list()).toEqual([]);
      const audit = await inventory.audit.list({ limit: 1000 });
      expect(
        audit
          .filter((entry) => entry.action === 'delete')
          .map((entry) => entry.resourceType)
          .sort(),
      ).toEqual(expect.arrayContaining(['virtplane_cluster', 'virtplane_datacenter', 'virtplane_host']));
    });
  });
});

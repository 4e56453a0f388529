/**
 * Placement at plan time against the lab, with the real terraform (`plan -out`, then `apply PLAN`):
 * - five new VMs: the host each one shows in the plan (current_host_id, with the warning that says why)
 *   is the host it is created on;
 * - memory taken on the planned host between plan and apply by another run's create in progress (a
 *   reservation): the apply fails with a clear error and creates nothing;
 * - memory taken there by a VM that now runs (placed): the scheduler's choice itself changes, and
 *   Terraform refuses the apply of that VM (its final plan differs from the saved one); nothing is created.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProvider, createTerraformWorkspace, type PlanJson, type TerraformWorkspace } from '../../support/terraform.js';
import { useLab, type TestLab } from '../../support/lab.js';
import { hclString, platformHcl } from '../../support/platformHcl.js';
import { VmTestLab } from './testLab.js';

let lab: TestLab;
let tf: TerraformWorkspace;
let vms: VmTestLab;
let clusterId: string | undefined;
const hostNames: Record<string, string> = {};

const inventoryDir = (): string => join(tf.root, 'inventory');

/**
 * The cluster must keep N+1 headroom and room for one more 32 MiB VM: a check block on
 * virtplane_cluster_capacity. The data source is outside the check: one nested in it is planned to be
 * read again at every apply, so no plan would ever be empty.
 */
const CAPACITY_CHECK = `
data "virtplane_cluster_capacity" "main" {
  cluster_id = virtplane_cluster.main.id
}

check "capacity" {
  assert {
    condition     = data.virtplane_cluster_capacity.main.n_plus_one && data.virtplane_cluster_capacity.main.largest_free_memory_mib >= 32
    error_message = "Cluster main lost its N+1 headroom: \${jsonencode(data.virtplane_cluster_capacity.main.stranded_if_host_fails)}"
  }
}
`;

function config(names: readonly string[]): string {
  return `${tf.requiredProviders()}${platformHcl(lab.lab, { inventory: inventoryDir() })}${CAPACITY_CHECK}${names
    .map(
      (name) => `
resource "virtplane_vm" ${hclString(name)} {
  name                     = ${hclString(name)}
  cluster_id               = virtplane_cluster.main.id
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 0
  depends_on               = [virtplane_host.kvm1, virtplane_host.kvm2]
}
`,
    )
    .join('')}`;
}

async function planSaved(names: readonly string[]): Promise<{ readonly json: PlanJson; readonly text: string }> {
  await tf.writeConfig(config(names));
  const result = await tf.run(['plan', '-input=false', '-no-color', '-out=placement.tfplan']);
  const json = JSON.parse((await tf.run(['show', '-json', 'placement.tfplan'])).stdout) as PlanJson;
  return { json, text: result.stdout + result.stderr };
}

function plannedHost(json: PlanJson, name: string): string {
  const change = json.resource_changes?.find((candidate) => candidate.address === `virtplane_vm.${name}`);
  expect(change?.change.actions).toEqual(['create']);
  expect(change?.change.after_unknown?.current_host_id).toBeFalsy();
  return String(change?.change.after?.current_host_id);
}

const FIVE = ['p1', 'p2', 'p3', 'p4', 'p5'];

beforeAll(async () => {
  lab = await useLab();
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  vms = new VmTestLab(lab, inventoryDir());
  await tf.writeConfig(config([]));
  await tf.init();
  await tf.apply();
  clusterId = String((await tf.stateAttributes('virtplane_cluster', 'main')).id);
  for (const host of ['kvm1', 'kvm2']) hostNames[String((await tf.stateAttributes('virtplane_host', host)).id)] = host;
}, 600_000);

afterAll(async () => {
  await vms?.withInventory(async (inventory) => {
    for (const placement of await inventory.vmPlacements.list({ clusterId }))
      if (placement.name.startsWith('intruder')) await inventory.vmPlacements.release(placement.vmId);
  });
  if (tf) {
    await tf.writeConfig(config([]));
    await tf.destroy({ allowFailure: true, timeoutMs: 600_000 });
  }
  await vms?.cleanup(clusterId);
  await tf?.cleanup();
});

describe('placement at plan time against the lab', () => {
  it('creates each of five new VMs on the host its plan showed', async () => {
    const { json, text } = await planSaved(FIVE);
    const planned = Object.fromEntries(FIVE.map((name) => [name, hostNames[plannedHost(json, name)]]));
    for (const name of FIVE) {
      expect(planned[name]).toMatch(/^kvm[12]$/);
      expect(text).toMatch(new RegExp(`Placement of VM "${name}"[\\s\\S]*?${name} -> ${planned[name]}: evenly_distributed, `));
    }
    await tf.run(['apply', '-auto-approve', '-input=false', '-no-color', 'placement.tfplan'], { timeoutMs: 600_000 });
    for (const name of FIVE) {
      expect((await vms.domainNamed(clusterId!, name)).host).toBe(planned[name]);
      expect(hostNames[String((await tf.stateAttributes('virtplane_vm', name)).current_host_id)]).toBe(planned[name]);
    }
    await tf.expectEmptyPlan();
  }, 900_000);

  it('fails the apply, creating nothing, when another run took the planned host memory since the plan', async () => {
    const { json } = await planSaved([...FIVE, 'late']);
    const hostId = plannedHost(json, 'late');
    await vms.withInventory(async (inventory) => {
      const free = (await inventory.vmPlacements.capacity(hostId)).freeMib;
      // Another run's create in progress holds all but 16 MiB of the host.
      await inventory.vmPlacements.reserve({ name: 'intruder-reserved', clusterId: clusterId!, hostId, vcpus: 1, memoryMib: free - 16 });
    });
    const applied = await tf.run(['apply', '-auto-approve', '-input=false', '-no-color', 'placement.tfplan'], { allowFailure: true, timeoutMs: 600_000 });
    expect(applied.exitCode).toBe(1);
    expect(applied.stderr).toMatch(/Error: Host capacity taken since the plan/);
    expect(applied.stderr.replace(/\s+/g, ' ')).toMatch(
      new RegExp(
        `VM "late" \\(32 MiB\\) was planned on host ${hostNames[hostId]}, which cannot take it now: Host ${hostNames[hostId]} cannot take 32 MiB more: 16 MiB free`,
      ),
    );
    expect(applied.stderr).toMatch(/Nothing was created/);
    expect((await vms.domainsOf(clusterId!)).map((domain) => domain.name).sort()).toEqual(FIVE);
    expect(await vms.withInventory((inventory) => inventory.vmPlacements.getByName(clusterId!, 'late'))).toBeUndefined();
    expect((await tf.statePull()).resources.filter((resource) => resource.name === 'late' && resource.instances.length > 0)).toEqual([]);
  }, 900_000);

  it('refuses the apply when a VM placed since the plan changes the choice itself: Terraform stops it, nothing is created', async () => {
    await vms.withInventory(async (inventory) => {
      for (const placement of await inventory.vmPlacements.list({ clusterId }))
        if (placement.name.startsWith('intruder')) await inventory.vmPlacements.release(placement.vmId);
    });
    const { json } = await planSaved([...FIVE, 'late']);
    const hostId = plannedHost(json, 'late');
    const other = Object.keys(hostNames).find((id) => id !== hostId)!;
    await vms.withInventory(async (inventory) => {
      const free = (await inventory.vmPlacements.capacity(hostId)).freeMib;
      // A VM another run created since the plan now runs there (a refresh registered it).
      await inventory.vmPlacements.register({ vmId: randomUUID(), name: 'intruder-placed', clusterId: clusterId!, hostId, vcpus: 1, memoryMib: free - 16 });
    });
    const applied = await tf.run(['apply', '-auto-approve', '-input=false', '-no-color', 'placement.tfplan'], { allowFailure: true, timeoutMs: 600_000 });
    expect(applied.exitCode).toBe(1);
    expect(applied.stderr).toMatch(/Provider produced inconsistent final plan[\s\S]*virtplane_vm\.late[\s\S]*\.current_host_id/);
    // The re-plan says where the VM would go now, and why.
    expect((applied.stdout + applied.stderr).replace(/\s+/g, ' ')).toMatch(
      new RegExp(`late -> ${hostNames[other]}: evenly_distributed, .*${hostNames[hostId]} only 16 MiB free`),
    );
    expect((await vms.domainsOf(clusterId!)).map((domain) => domain.name).sort()).toEqual(FIVE);
    expect((await tf.statePull()).resources.filter((resource) => resource.name === 'late' && resource.instances.length > 0)).toEqual([]);
    // The check block on virtplane_cluster_capacity sees the cluster lose its headroom (a warning: checks never block).
    const checked = await tf.run(['plan', '-input=false', '-no-color'], { timeoutMs: 600_000 });
    expect((checked.stdout + checked.stderr).replace(/\s+/g, ' ')).toMatch(
      new RegExp(`Check block assertion failed .*Cluster main lost its N\\+1 headroom: \\{"kvm[12]":\\[`),
    );
  }, 900_000);
});

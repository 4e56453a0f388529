/**
 * An apply of several VMs killed half-way (SIGKILL to terraform; the provider exits with it), then
 * applied again: no duplicate VM, and no VM the state does not know about. The kill lands as soon as a
 * first domain appears on a host: Terraform 1.11 had not saved the state of any VM by then (not even of
 * the ones whose create finished), which is exactly what the next apply must adopt, not create again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProvider, createTerraformWorkspace, type TerraformWorkspace } from '../../support/terraform.js';
import { useLab, type TestLab } from '../../support/lab.js';
import { childrenOf, stragglersAfter } from '../../support/processes.js';
import { platformHcl } from '../../support/platformHcl.js';
import { VmTestLab } from './testLab.js';

let lab: TestLab;
let tf: TerraformWorkspace;
let vms: VmTestLab;
let clusterId: string | undefined;
let platform: string;
const NAMES = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'];

function vmBlocks(): string {
  return NAMES.map(
    (name) => `
resource "virtplane_vm" "${name}" {
  name                     = "${name}"
  cluster_id               = virtplane_cluster.main.id
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 0
  depends_on               = [virtplane_host.kvm1, virtplane_host.kvm2]
}
`,
  ).join('');
}

/** The VMs the state file holds (it may be missing or from before the apply). */
function savedVmNames(): string[] {
  try {
    const saved = JSON.parse(readFileSync(join(tf.dir, 'terraform.tfstate'), 'utf8')) as { resources?: { type: string; name: string }[] };
    return (saved.resources ?? []).filter((resource) => resource.type === 'virtplane_vm').map((resource) => resource.name);
  } catch {
    return [];
  }
}

/** Names of this test's VMs defined on the host (one round trip). */
async function definedOn(hostName: string): Promise<string[]> {
  const listing = await vms.virsh(hostName, ['list', '--all', '--name']);
  return listing
    .split('\n')
    .map((line) => line.trim())
    .filter((name) => NAMES.includes(name));
}

beforeAll(async () => {
  lab = await useLab();
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  vms = new VmTestLab(lab, join(tf.root, 'inventory'));
  platform = tf.requiredProviders() + platformHcl(lab.lab, { inventory: join(tf.root, 'inventory') });
  await tf.writeConfig(platform + vmBlocks());
  await tf.init();
});

afterAll(async () => {
  // The inventory is this workspace's own: removing the VMs' domains from the hosts is all the clean-up there is.
  await vms?.cleanup(clusterId);
  await tf?.cleanup();
});

describe('an apply killed half-way', () => {
  it('is finished by the next apply: no duplicate VM, none the state does not know', async () => {
    // Platform and VMs in one apply: the VMs wait for the hosts, and the kill lands on the first of them.
    const running = tf.start(['apply', '-auto-approve', '-input=false', '-no-color']);
    await running.waitForOutput('virtplane_vm.k', 60_000);
    const terraformPid = running.child.pid!;
    let caught: string[] = [];
    const deadline = Date.now() + 60_000;
    while (caught.length === 0 && Date.now() < deadline && running.child.exitCode === null) {
      caught = (await Promise.all(lab.lab.hosts.map((host) => definedOn(host.name)))).flat();
    }
    const providers = childrenOf(terraformPid);
    process.kill(terraformPid, 'SIGKILL');
    await running.done;
    expect(await stragglersAfter(providers, 10_000), 'providers still running 10 s after terraform was killed').toEqual([]);
    expect(caught.length).toBeGreaterThan(0);
    clusterId = String(await vms.withInventory(async (inventory) => (await inventory.clusters.list())[0]?.id));
    const left = await vms.domainsOf(clusterId!);
    process.stderr.write(`[kill] left behind: ${left.map((domain) => `${domain.name} (${domain.state})`).join(', ')}\n`);
    // Each carries the token of the workspace whose apply created it: only this workspace may adopt it.
    const tokens = new Set(left.map((domain) => domain.settings?.workspaceToken));
    expect(tokens.size).toBe(1);
    expect([...tokens][0]).toMatch(/^[0-9a-f]{32}$/);

    // Terraform had not written these to its state file when it was killed: only adoption finds them.
    const saved = savedVmNames();
    const unknownToState = left.filter((domain) => !saved.includes(domain.name));
    process.stderr.write(`[kill] in the saved state: ${saved.join(', ') || 'none'}\n`);
    expect(unknownToState.length).toBeGreaterThan(0);

    const again = await tf.apply();
    expect(again.stdout).toMatch(/Adopting a VM left by an interrupted apply/);
    const domains = await vms.domainsOf(clusterId!);
    expect(domains.map((domain) => domain.name).sort()).toEqual(NAMES);
    for (const domain of domains) {
      expect(domain.state).toBe('running');
    }
    const stateIds = new Set<string>();
    for (const name of NAMES) stateIds.add(String((await tf.stateAttributes('virtplane_vm', name)).id));
    expect(new Set(domains.map((domain) => domain.uuid))).toEqual(stateIds);
    // What the killed apply left was adopted, not created a second time.
    for (const domain of left) expect(stateIds.has(domain.uuid)).toBe(true);
    await vms.withInventory(async (inventory) => {
      const placements = await inventory.vmPlacements.list({ clusterId: clusterId! });
      expect(placements.map((placement) => `${placement.name}:${placement.status}`).sort()).toEqual(NAMES.map((name) => `${name}:placed`));
    });
    await tf.expectEmptyPlan();
    // Nothing re-marks a VM (plan and refresh never write): every VM keeps its creating workspace's token.
    for (const domain of await vms.domainsOf(clusterId!)) expect(tokens.has(domain.settings?.workspaceToken)).toBe(true);
  });
});

/**
 * Drift read from what runs, and each warning once and only where true (issue 19), with the real
 * terraform against the lab:
 * - a change made outside virtplane to the definition only (virsh setvcpus --config) is planned as a
 *   rewrite of the definition with a warning that says so, never as a restart, and the apply restarts
 *   nothing (same QEMU process);
 * - a live change made outside virtplane (virsh setvcpus --live) shows as drift of vcpus;
 * - `terraform apply` of a live migration prints the "Live migration" warning once (not again at the
 *   end of the apply).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshPool, type SshEndpoint } from '../../../lib/backends/ssh/index.js';
import { buildProvider, createTerraformWorkspace, expectPlanChange, type TerraformWorkspace } from '../../support/terraform.js';
import { useLab, type TestLab } from '../../support/lab.js';
import { hclString, platformHcl } from '../../support/platformHcl.js';

const tag = randomBytes(3).toString('hex');
const vmName = `drift-${tag}`;
const ssh = new SshPool();
let lab: TestLab;
let tf: TerraformWorkspace;

function config(host: 'kvm1' | 'kvm2'): string {
  return `${tf.requiredProviders()}${platformHcl(lab.lab, { inventory: join(tf.root, 'inventory'), hosts: ['kvm1', 'kvm2'] })}
resource "virtplane_vm" "vm" {
  name                     = ${hclString(vmName)}
  cluster_id               = virtplane_cluster.main.id
  vcpus                    = 1
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 0
  host_id                  = virtplane_host.${host}.id
  depends_on               = [virtplane_host.kvm1, virtplane_host.kvm2]
}
`;
}

function host(name: string): SshEndpoint {
  const found = lab.hosts.find((endpoint) => endpoint.name === name);
  if (!found) throw new Error(`no lab host ${name}`);
  return found;
}

async function virsh(name: string, argv: readonly string[]): Promise<string> {
  return (await ssh.exec(host(name), ['virsh', ...argv])).stdout.trim();
}

/** The QEMU process of the guest: the same pid means it was never restarted. */
async function qemuPid(name: string): Promise<string> {
  return (await ssh.exec(host(name), ['cat', `/run/libvirt/qemu/${vmName}.pid`])).stdout.trim();
}

beforeAll(async () => {
  lab = await useLab();
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  await tf.writeConfig(config('kvm1'));
  await tf.init();
  await tf.apply([], { timeoutMs: 600_000 });
}, 900_000);

afterAll(async () => {
  await tf?.destroy({ allowFailure: true });
  await tf?.cleanup();
  await ssh.close();
}, 300_000);

describe('drift from what runs, warnings once', () => {
  it('plans a definition changed outside virtplane as a rewrite, not a restart, and restarts nothing', async () => {
    const pid = await qemuPid('kvm1');
    await virsh('kvm1', ['setvcpus', vmName, '2', '--config']);
    const plan = await tf.planJson();
    expectPlanChange(plan, 'virtplane_vm.vm', { actions: ['update'] });
    const text = (await tf.plan()).result.stdout;
    expect(text).toContain("The VM's next boot differs from what runs");
    expect(text).toMatch(/the running guest is not\s+restarted/);
    expect(text).not.toContain('will be restarted');
    await tf.apply();
    expect(await qemuPid('kvm1')).toBe(pid);
    expect(await virsh('kvm1', ['vcpucount', vmName, '--config', '--current'])).toBe('1');
    await tf.expectEmptyPlan();
  }, 600_000);

  it('shows a live change made outside virtplane as drift of what runs', async () => {
    await virsh('kvm1', ['setvcpus', vmName, '2', '--live']);
    const plan = await tf.planJson();
    const change = expectPlanChange(plan, 'virtplane_vm.vm', { actions: ['update'] });
    expect(change.change.before).toMatchObject({ vcpus: 2 });
    expect(change.change.after).toMatchObject({ vcpus: 1 });
    // Going back to 1 vCPU is a restart (QEMU cannot unplug vCPUs): said, and true.
    expect((await tf.plan()).result.stdout).toContain('The VM will be restarted');
    await tf.apply();
    expect(await virsh('kvm1', ['vcpucount', vmName, '--live', '--current'])).toBe('1');
    await tf.expectEmptyPlan();
  }, 600_000);

  it('prints the live migration warning of an apply once', async () => {
    await tf.writeConfig(config('kvm2'));
    const applied = await tf.apply([], { timeoutMs: 600_000 });
    expect(applied.stdout.match(/Warning: Live migration/g) ?? []).toHaveLength(1);
    expect(await virsh('kvm2', ['domstate', vmName])).toBe('running');
    await tf.expectEmptyPlan();
  }, 600_000);
});

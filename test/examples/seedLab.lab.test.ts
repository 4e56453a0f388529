/**
 * examples/seed-lab as a user runs it, with the real cdktf CLI against the lab: `cdktf deploy`, then
 * `cdktf diff` has nothing to change, a new host for one VM migrates it live, and `cdktf destroy`
 * leaves nothing on the machines. Names carry a prefix (and the network its own subnet) so that a demo
 * deployed on the same lab is never touched.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshPool } from '../../lib/backends/ssh/index.js';
import { buildProvider, createTerraformWorkspace, REPO_ROOT, type TerraformWorkspace } from '../support/terraform.js';
import { useLab, type TestLab } from '../support/lab.js';

const PREFIX = 'vpt-seed-';
const VMS = ['web', 'db', 'cache'].map((name) => `${PREFIX}${name}`);
const IQN = `iqn.2025-01.dev.virtplane.lab:${PREFIX}seed`;

let lab: TestLab;
let tf: TerraformWorkspace;
let appDir: string;
const ssh = new SshPool();

function cdktf(args: readonly string[], env: Record<string, string> = {}) {
  return tf.runTool(appDir, 'npx', ['cdktf', ...args], {
    timeoutMs: 420_000,
    env: {
      VIRTPLANE_LAB_FILE: join(REPO_ROOT, '.virtplane', 'lab.json'),
      VIRTPLANE_INVENTORY: join(tf.root, 'inventory'),
      VIRTPLANE_NAME_PREFIX: PREFIX,
      VIRTPLANE_LAN_CIDR: '10.202.0.0/24',
      DISABLE_VERSION_CHECK: 'true',
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1',
      ...env,
    },
  });
}

async function virsh(host: TestLab['hosts'][number], args: readonly string[]): Promise<string[]> {
  const { stdout } = await ssh.exec(host, ['virsh', '-q', ...args]);
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/** Which of this test's VMs run on each host. */
async function placement(): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const host of lab.hosts) result[host.name] = (await virsh(host, ['list', '--name'])).filter((name) => VMS.includes(name)).sort();
  return result;
}

beforeAll(async () => {
  lab = await useLab();
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  // Inside the repository, so that the app resolves `virtplane` (this package) and cdktf.
  appDir = await mkdtemp(join(REPO_ROOT, '.virtplane', 'test-seed-lab-'));
  for (const file of ['main.ts', 'cdktf.json']) await cp(join(REPO_ROOT, 'examples', 'seed-lab', file), join(appDir, file));
}, 300_000);

afterAll(async () => {
  if (appDir !== undefined) {
    await cdktf(['destroy', '--auto-approve'], {}).catch(() => undefined);
    await rm(appDir, { recursive: true, force: true });
  }
  await tf?.cleanup();
  await ssh.close();
}, 420_000);

describe('examples/seed-lab with the cdktf CLI', () => {
  it('deploys the reference lab: three VMs running on both hosts, with disks on the shared iSCSI storage', async () => {
    const deployed = await cdktf(['deploy', '--auto-approve', '--skip-provider-lock', '--outputs-file', join(appDir, 'outputs.json')]);
    expect(deployed.stdout).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
    const outputs = JSON.parse(await readFile(join(appDir, 'outputs.json'), 'utf8')) as {
      'seed-lab': { vms: Record<string, { host: string; state: string }> };
    };
    expect(Object.keys(outputs['seed-lab'].vms).sort()).toEqual(['cache', 'db', 'web']);
    for (const vm of Object.values(outputs['seed-lab'].vms)) expect(vm.state).toBe('running');
    expect(outputs['seed-lab'].vms.web!.host).toBe('kvm1');

    const where = await placement();
    expect(where.kvm1).toContain(`${PREFIX}web`);
    // evenly_distributed: with web pinned to kvm1, kvm2 gets at least one of the other two.
    expect(where.kvm2!.length).toBeGreaterThanOrEqual(1);
    expect([...where.kvm1!, ...where.kvm2!].sort()).toEqual([...VMS].sort());
    for (const host of lab.hosts) {
      expect(await virsh(host, ['pool-list', '--name'])).toContain(`${PREFIX}seed-san`);
      expect(await virsh(host, ['net-list', '--name'])).toContain(`${PREFIX}seed-lan`);
    }
    const webHost = lab.hosts.find((host) => host.name === 'kvm1')!;
    const disks = (await virsh(webHost, ['domblklist', `${PREFIX}web`, '--details'])).join('\n');
    expect(disks).toContain(`${IQN}/1`);
  });

  it('has nothing to change afterwards (cdktf diff)', async () => {
    const diff = await cdktf(['diff']);
    expect(diff.stdout).toContain('No changes.');
  });

  it('migrates a VM live when the example gives it another host', async () => {
    const kvm2 = lab.hosts.find((host) => host.name === 'kvm2')!;
    const deployed = await cdktf(['deploy', '--auto-approve', '--skip-provider-lock', '--outputs-file', join(appDir, 'outputs.json')], {
      VIRTPLANE_WEB_HOST: 'kvm2',
    });
    expect(deployed.stdout).toMatch(/Apply complete! Resources: 0 added, 1 changed, 0 destroyed/);
    const outputs = JSON.parse(await readFile(join(appDir, 'outputs.json'), 'utf8')) as { 'seed-lab': { vms: Record<string, { host: string }> } };
    expect(outputs['seed-lab'].vms.web!.host).toBe('kvm2');
    expect((await placement()).kvm2).toContain(`${PREFIX}web`);
    expect((await placement()).kvm1).not.toContain(`${PREFIX}web`);
    // The QEMU that runs it on kvm2 was started to receive a migration, not booted afresh.
    const { stdout } = await ssh.exec(kvm2, ['sh', '-c', 'tr "\\0" " " < /proc/"$(cat /run/libvirt/qemu/"$1".pid)"/cmdline', 'sh', `${PREFIX}web`]);
    expect(stdout).toContain('-incoming');
    expect((await cdktf(['diff'], { VIRTPLANE_WEB_HOST: 'kvm2' })).stdout).toContain('No changes.');
  });

  it('destroys everything it made: no VM, pool, network or target is left on the machines', async () => {
    const destroyed = await cdktf(['destroy', '--auto-approve'], { VIRTPLANE_WEB_HOST: 'kvm2' });
    expect(destroyed.stdout).toMatch(/Destroy complete! Resources: \d+ destroyed/);
    for (const host of lab.hosts) {
      expect((await virsh(host, ['list', '--all', '--name'])).filter((name) => name.startsWith(PREFIX))).toEqual([]);
      expect((await virsh(host, ['pool-list', '--all', '--name'])).filter((name) => name.startsWith(PREFIX))).toEqual([]);
      expect((await virsh(host, ['net-list', '--all', '--name'])).filter((name) => name.startsWith(PREFIX))).toEqual([]);
    }
    const targets = (await ssh.exec(lab.storage, ['tgtadm', '--lld', 'iscsi', '--mode', 'target', '--op', 'show'])).stdout;
    expect(targets).not.toContain(IQN);
  });
});

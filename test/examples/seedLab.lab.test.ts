/**
 * examples/seed-lab as a user runs it, with the real cdktf CLI against the lab: `cdktf deploy` boots
 * three Debian guests from the template (TCG: the lab's hosts hide /dev/kvm); each answers over SSH
 * with the key and hostname cloud-init gave it, and web serves its page; `cdktf diff` has nothing to
 * change; a new host for web migrates the booted guest live (a counter running inside keeps counting,
 * same boot id, SSH and the page work from the new host); `cdktf destroy` leaves nothing on the
 * machines. Names carry a prefix (and the network its own subnet) so that a demo deployed on the same
 * lab is never touched.
 */
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshPool } from '../../lib/backends/ssh/index.js';
import { buildProvider, createTerraformWorkspace, REPO_ROOT, type TerraformWorkspace } from '../support/terraform.js';
import { useLab, type TestLab } from '../support/lab.js';
import { sshToGuestArgv, untilItWorks } from '../support/guests.js';
import { runCli } from '../support/cli.js';

const PREFIX = 'vpt-seed-';
const VMS = ['web', 'db', 'cache'].map((name) => `${PREFIX}${name}`);
const IQN = `iqn.2025-01.dev.virtplane.lab:${PREFIX}seed`;

let lab: TestLab;
let tf: TerraformWorkspace;
let appDir: string;
const ssh = new SshPool();
/** Set once the destroy test's own `cdktf destroy` ended: afterAll then has nothing left to clean up. */
let destroyed = false;

/**
 * The synth of the last deploy, for commands whose app inputs (the environment below) have not changed
 * since: `cdktf synth` is deterministic, so synthesizing the same app again (about 9 CPU-s of the cdktf
 * CLI and vite-node here) would only repeat work; each command still runs terraform init and its plan.
 */
const SKIP_SYNTH = '--skip-synth';

function cdktf(args: readonly string[], env: Record<string, string> = {}) {
  return tf.runTool(appDir, 'npx', ['cdktf', ...args], {
    timeoutMs: 420_000,
    env: {
      VIRTPLANE_LAB_FILE: lab.labFile,
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

interface VmOutput {
  readonly host: string;
  readonly state: string;
  readonly address: string;
}

async function deployedVms(): Promise<Record<string, VmOutput>> {
  return (JSON.parse(await readFile(join(appDir, 'outputs.json'), 'utf8')) as { 'seed-lab': { vms: Record<string, VmOutput> } })['seed-lab'].vms;
}

function labHost(name: string): TestLab['hosts'][number] {
  const host = lab.hosts.find((candidate) => candidate.name === name);
  if (host === undefined) throw new Error(`no lab host ${name}`);
  return host;
}

/** `command` in the guest at `vm.address`, over SSH from the host it runs on, as the user cloud-init made. */
async function inGuest(vm: VmOutput, command: string): Promise<string> {
  return (await ssh.exec(labHost(vm.host), sshToGuestArgv(lab.lab.sshPrivateKeyFile, `lab@${vm.address}`, command), { timeoutMs: 60_000 })).stdout.trim();
}

/** web's page, fetched from the host it runs on. */
async function webPage(vm: VmOutput): Promise<string> {
  return (await ssh.exec(labHost(vm.host), ['curl', '-sf', '-m', '5', `http://${vm.address}/`], { timeoutMs: 30_000 })).stdout;
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
    // Only after a failure: the destroy test's own destroy already ran (and checked the machines).
    if (!destroyed) await cdktf(['destroy', '--auto-approve'], {}).catch(() => undefined);
    await rm(appDir, { recursive: true, force: true });
  }
  await tf?.cleanup();
  await ssh.close();
}, 420_000);

// Booting three guests under TCG, and the live migration of one, take minutes.
describe('examples/seed-lab with the cdktf CLI', { timeout: 900_000 }, () => {
  it('deploys the reference lab: three Debian guests booted from the template on both hosts, disks on the shared iSCSI storage, reachable at their addresses', async () => {
    const deployed = await cdktf(['deploy', '--auto-approve', '--skip-provider-lock', '--outputs-file', join(appDir, 'outputs.json')]);
    expect(deployed.stdout).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
    const vms = await deployedVms();
    expect(Object.keys(vms).sort()).toEqual(['cache', 'db', 'web']);
    for (const vm of Object.values(vms)) {
      expect(vm.state).toBe('running');
      // wait_for_ip: the apply ended with each guest's address from its DHCP lease.
      expect(vm.address).toMatch(/^10\.202\.0\.\d+$/);
    }
    expect(vms.web!.host).toBe('kvm1');

    const where = await placement();
    expect(where.kvm1).toContain(`${PREFIX}web`);
    // evenly_distributed: with web pinned to kvm1, kvm2 gets at least one of the other two.
    expect(where.kvm2!.length).toBeGreaterThanOrEqual(1);
    expect([...where.kvm1!, ...where.kvm2!].sort()).toEqual([...VMS].sort());
    for (const host of lab.hosts) {
      expect(await virsh(host, ['pool-list', '--name'])).toEqual(expect.arrayContaining([`${PREFIX}seed-san`, `${PREFIX}seed-images`]));
      expect(await virsh(host, ['net-list', '--name'])).toContain(`${PREFIX}seed-lan`);
    }
    const disks = (await virsh(labHost('kvm1'), ['domblklist', `${PREFIX}web`, '--details'])).join('\n');
    expect(disks).toContain(`${IQN}/1`);

    // Each guest: logged in with the lab's key as the user cloud-init made, with the hostname it gave;
    // the address the outputs show is the one the guest has.
    for (const [name, vm] of Object.entries(vms)) {
      const facts = await untilItWorks(() => inGuest(vm, 'hostname; id -un; ip -4 -o addr show scope global'), 300_000);
      const [hostname, user, addresses] = facts.split('\n');
      expect(hostname).toBe(name);
      expect(user).toBe('lab');
      expect(addresses).toContain(`inet ${vm.address}/24`);
    }
    const page = await untilItWorks(() => webPage(vms.web!), 300_000);
    expect(page).toContain('<h1>web</h1>');

    // virtplane status shows each running guest's address beside its NIC.
    const status = runCli(['status', '--inventory', join(tf.root, 'inventory'), '--lab-file', lab.labFile]);
    expect(status.status).toBe(0);
    for (const vm of Object.values(vms)) expect(status.stdout).toMatch(new RegExp(`${PREFIX}seed-lan [0-9a-f:]{17} ${vm.address.replaceAll('.', '\\.')}\\n`));
  });

  it('has nothing to change afterwards (cdktf diff)', async () => {
    const diff = await cdktf(['diff', SKIP_SYNTH]);
    expect(diff.stdout).toContain('No changes.');
  });

  it('migrates the booted web guest live when the example gives it another host: it keeps counting, same boot, reachable there', async () => {
    const before = (await deployedVms()).web!;
    // A counter in the guest, a tick every 200 ms, kept in a file.
    await inGuest(before, "nohup sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/counter; sleep 0.2; done' >/dev/null 2>&1 &");
    const bootBefore = await inGuest(before, 'cat /proc/sys/kernel/random/boot_id');
    const counted = Number(await untilItWorks(() => inGuest(before, 'cat /tmp/counter'), 30_000));

    const deployed = await cdktf(['deploy', '--auto-approve', '--skip-provider-lock', '--outputs-file', join(appDir, 'outputs.json')], {
      VIRTPLANE_WEB_HOST: 'kvm2',
    });
    expect(deployed.stdout).toMatch(/Apply complete! Resources: 0 added, 1 changed, 0 destroyed/);
    const after = (await deployedVms()).web!;
    expect(after.host).toBe('kvm2');
    expect(after.address).toBe(before.address);
    expect((await placement()).kvm2).toContain(`${PREFIX}web`);
    expect((await placement()).kvm1).not.toContain(`${PREFIX}web`);
    // The QEMU that runs it on kvm2 was started to receive a migration, not booted afresh.
    const { stdout } = await ssh.exec(labHost('kvm2'), ['sh', '-c', 'tr "\\0" " " < /proc/"$(cat /run/libvirt/qemu/"$1".pid)"/cmdline', 'sh', `${PREFIX}web`]);
    expect(stdout).toContain('-incoming');

    // The same boot, still counting, reached from kvm2 now.
    const reached = await untilItWorks(() => inGuest(after, 'cat /proc/sys/kernel/random/boot_id; cat /tmp/counter'), 120_000);
    const [bootAfter, countAfter] = reached.split('\n');
    expect(bootAfter).toBe(bootBefore);
    expect(Number(countAfter)).toBeGreaterThan(counted);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(Number(await inGuest(after, 'cat /tmp/counter'))).toBeGreaterThan(Number(countAfter));
    expect(await untilItWorks(() => webPage(after), 60_000)).toContain('<h1>web</h1>');
    expect((await cdktf(['diff', SKIP_SYNTH], { VIRTPLANE_WEB_HOST: 'kvm2' })).stdout).toContain('No changes.');
  });

  it('destroys everything it made: no VM, pool, network or target is left on the machines', async () => {
    const destroy = await cdktf(['destroy', '--auto-approve', SKIP_SYNTH], { VIRTPLANE_WEB_HOST: 'kvm2' });
    destroyed = true;
    expect(destroy.stdout).toMatch(/Destroy complete! Resources: \d+ destroyed/);
    for (const host of lab.hosts) {
      expect((await virsh(host, ['list', '--all', '--name'])).filter((name) => name.startsWith(PREFIX))).toEqual([]);
      expect((await virsh(host, ['pool-list', '--all', '--name'])).filter((name) => name.startsWith(PREFIX))).toEqual([]);
      expect((await virsh(host, ['net-list', '--all', '--name'])).filter((name) => name.startsWith(PREFIX))).toEqual([]);
    }
    // The image, the template and the guests' cloud-init seeds went with them.
    expect(await readdir(`${lab.lab.sharedDirectory}/${PREFIX}seed-images`).catch(() => [])).toEqual([]);
    const targets = (await ssh.exec(lab.storage, ['tgtadm', '--lld', 'iscsi', '--mode', 'target', '--op', 'show'])).stdout;
    expect(targets).not.toContain(IQN);
  });
});

/**
 * The provider checklist for virtplane_iscsi_target, virtplane_storage_domain (iscsi and dir),
 * virtplane_network and virtplane_disk, with the real terraform binary against the lab: apply (first
 * with kvm1 only, then kvm2 joins and gets everything), empty plan, import, drift on the hosts and the
 * storage server, in-place growth, plan-time refusals, a host leaving, destroy leaving nothing behind.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IscsiTargetManager } from '../../../lib/backends/iscsi/index.js';
import {
  deleteIscsiSecret,
  destroyNetwork,
  destroyPool,
  lookupNetwork,
  lookupPool,
  sshLibvirtHost,
  undefineNetwork,
  undefinePool,
} from '../../../lib/backends/libvirt/index.js';
import { SshPool, type SshEndpoint } from '../../../lib/backends/ssh/index.js';
import { hostInitiatorIqn } from '../../../lib/resources/iscsiTarget/location.js';
import { chapSecretUsage } from '../../../lib/resources/storageDomain/pools.js';
import { runCli } from '../../support/cli.js';
import { buildProvider, createTerraformWorkspace, expectPlanChange, type TerraformWorkspace } from '../../support/terraform.js';
import { useLab, type TestLab } from '../../support/lab.js';
import { hclString, platformHcl } from '../../support/platformHcl.js';

let lab: TestLab;
let tf: TerraformWorkspace;
let inventoryDir: string;
const ssh = new SshPool();

const tag = randomBytes(3).toString('hex');
const iqn = `iqn.2025-01.dev.virtplane.test:acc-${tag}`;
const outsider = `iqn.2025-01.com.example:outsider-${tag}`;
const names = { iscsi: `vpt-iscsi-${tag}`, dir: `vpt-dir-${tag}`, dirRenamed: `vpt-dir2-${tag}`, nat: `vpt-nat-${tag}` };
const dirPath = `/tmp/vpt-dir-${tag}`;
const subnet = `10.${randomInt(160, 250)}.${randomInt(0, 255)}.0/24`;
const chapUser = `vpt${tag}`;
const chapPassword = randomBytes(12).toString('hex');
/** The iscsi storage domain's id once created: its CHAP secret on the hosts is named after it. */
let iscsiDomainId: string | undefined;

interface Sizes {
  readonly lun1: number;
  readonly dirDisk: number;
  readonly iscsiDiskSize?: number;
  readonly protect?: boolean;
  /** false: the lun 2 block is gone. */
  readonly lun2?: boolean;
  readonly replaceOnRemoval?: boolean;
  /** In-place changes: the dir domain renamed (its pool with it), the network's MTU. */
  readonly renamed?: boolean;
  readonly mtu?: number;
}

function resourcesHcl(sizes: Sizes, hosts: readonly string[]): string {
  // Disks are made through a host: the storage domains wait for the hosts created with them.
  const dependsOn = `  depends_on      = [${hosts.map((name) => `virtplane_host.${name}`).join(', ')}]`;
  return `
resource "virtplane_iscsi_target" "t" {
  server_address     = ${hclString(lab.lab.storage.address)}
  server_host_key    = ${hclString(lab.lab.storage.hostKey)}
  iqn                = ${hclString(iqn)}
  allowed_initiators = [${hclString(outsider)}]
  chap_username      = ${hclString(chapUser)}
  chap_password      = ${hclString(chapPassword)}
  lun {
    lun      = 1
    size_mib = ${sizes.lun1}
  }
${sizes.lun2 === false ? '' : '  lun {\n    lun      = 2\n    size_mib = 4\n  }\n'}${sizes.replaceOnRemoval === true ? '  replace_on_lun_removal = true\n' : ''}}

resource "virtplane_storage_domain" "iscsi" {
  name            = ${hclString(names.iscsi)}
  datacenter_id   = virtplane_datacenter.dc.id
  type            = "iscsi"
  iscsi_target_id = virtplane_iscsi_target.t.id
  chap_username   = virtplane_iscsi_target.t.chap_username
  chap_password   = virtplane_iscsi_target.t.chap_password
${dependsOn}
}

resource "virtplane_storage_domain" "dir" {
  name          = ${hclString(sizes.renamed === true ? names.dirRenamed : names.dir)}
  datacenter_id = virtplane_datacenter.dc.id
  type          = "dir"
  path          = ${hclString(dirPath)}
  shared        = true # /tmp: every lab host sees it
${dependsOn}
}

resource "virtplane_network" "nat" {
  name          = ${hclString(names.nat)}
  datacenter_id = virtplane_datacenter.dc.id
  mode          = "nat"
  cidr          = ${hclString(subnet)}
${sizes.mtu === undefined ? '' : `  mtu           = ${sizes.mtu}\n`}}

resource "virtplane_disk" "lun1" {
  name              = "data1"
  storage_domain_id = virtplane_storage_domain.iscsi.id
  lun               = 1
${sizes.iscsiDiskSize === undefined ? '' : `  size_mib          = ${sizes.iscsiDiskSize}\n`}}

resource "virtplane_disk" "image" {
  name                = "image1"
  storage_domain_id   = virtplane_storage_domain.dir.id
  size_mib            = ${sizes.dirDisk}
  format              = "qcow2"
  deletion_protection = ${sizes.protect === true}
}
`;
}

function config(sizes: Sizes, hosts: readonly string[] = ['kvm1', 'kvm2']): string {
  return tf.requiredProviders() + platformHcl(lab.lab, { inventory: inventoryDir, hosts }) + resourcesHcl(sizes, hosts);
}

const BASE: Sizes = { lun1: 8, dirDisk: 16 };
/** After the in-place changes. */
const GROWN: Sizes = { lun1: 16, dirDisk: 32, iscsiDiskSize: 16, protect: true, renamed: true, mtu: 1400 };
/** After the growth, with the removal of LUN 2 opted in (refused: a storage domain uses the target). */
const TRIMMED: Sizes = { ...GROWN, lun2: false, replaceOnRemoval: true };

function host(name: string): SshEndpoint {
  const found = lab.hosts.find((endpoint) => endpoint.name === name);
  if (!found) throw new Error(`no lab host ${name}`);
  return found;
}

async function run(endpoint: SshEndpoint, argv: readonly string[]): Promise<string> {
  return (await ssh.exec(endpoint, argv)).stdout;
}

async function virshNames(hostName: string, listing: 'pool-list' | 'net-list'): Promise<string[]> {
  return (await run(host(hostName), ['virsh', '-q', listing, '--all', '--name']))
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

async function activeNames(hostName: string, listing: 'pool-list' | 'net-list'): Promise<string[]> {
  return (await run(host(hostName), ['virsh', '-q', listing, '--name']))
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/** tgtadm's view of the target: its LUNs (number -> MB as tgt rounds) and ACL, or undefined. */
async function served(): Promise<{ tid: number; luns: Map<number, number>; acl: string[] } | undefined> {
  const text = await run(lab.storage, ['tgtadm', '--lld', 'iscsi', '--mode', 'target', '--op', 'show']);
  const blocks = text.split(/^Target /m).slice(1);
  const block = blocks.find((candidate) => candidate.startsWith(`${/^\d+/.exec(candidate)?.[0]}: ${iqn}\n`));
  if (block === undefined) return undefined;
  const luns = new Map<number, number>();
  for (const match of block.matchAll(/LUN: (\d+)\n[\s\S]*?Size: (\d+) MB/g)) luns.set(Number(match[1]), Number(match[2]));
  const acl = (/ACL information:\n([\s\S]*)$/.exec(block)?.[1] ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return { tid: Number(/^\d+/.exec(block)![0]), luns, acl };
}

async function hostIds(): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const name of ['kvm1', 'kvm2']) {
    try {
      ids[name] = String((await tf.stateAttributes('virtplane_host', name)).id);
    } catch {
      // not in this configuration
    }
  }
  return ids;
}

beforeAll(async () => {
  lab = await useLab();
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  inventoryDir = join(tf.root, 'inventory');
  await tf.writeConfig(config(BASE, ['kvm1']));
  await tf.init();
});

/**
 * After a failed test the state may have lost track of objects: whatever this file made (by Terraform or
 * by hand, all named with its tag) goes, through the backends, so no run leaves anything in the lab.
 */
async function scrubLab(): Promise<void> {
  for (const endpoint of lab.hosts) {
    const libvirt = sshLibvirtHost(ssh, endpoint);
    for (const name of [names.iscsi, names.dir, names.dirRenamed, `vpt-foreign-${tag}`]) {
      const pool = await lookupPool(libvirt, name).catch(() => null);
      if (pool === null) continue;
      await destroyPool(libvirt, pool.uuid).catch(() => undefined);
      await undefinePool(libvirt, pool.uuid).catch(() => undefined);
      if (pool.model.type === 'iscsi-direct' && pool.model.auth) await deleteIscsiSecret(libvirt, pool.model.auth.secretUsage).catch(() => undefined);
    }
    if (iscsiDomainId !== undefined) await deleteIscsiSecret(libvirt, chapSecretUsage(iscsiDomainId)).catch(() => undefined);
    for (const name of [names.nat, `vpt-foreign-${tag}`]) {
      const network = await lookupNetwork(libvirt, name).catch(() => null);
      if (network === null) continue;
      await destroyNetwork(libvirt, network.uuid).catch(() => undefined);
      await undefineNetwork(libvirt, network.uuid).catch(() => undefined);
    }
  }
  await new IscsiTargetManager(ssh, lab.storage).delete(iqn, { force: true }).catch(() => undefined);
  await ssh
    .exec(lab.storage, ['tgtadm', '--lld', 'iscsi', '--mode', 'target', '--op', 'delete', '--force', '--tid', '3999'], { allowExitCodes: [22, 1] })
    .catch(() => undefined);
  await ssh
    .exec(lab.storage, ['tgtadm', '--lld', 'iscsi', '--mode', 'account', '--op', 'delete', '--user', chapUser], { allowExitCodes: [22, 1] })
    .catch(() => undefined);
}

afterAll(async () => {
  await tf?.writeConfig(config(BASE));
  await tf?.destroy({ allowFailure: true });
  await tf?.cleanup();
  if (lab) await scrubLab();
  // The dir domain's directory: a storage domain never deletes it.
  await rm(dirPath, { recursive: true, force: true });
  await ssh.close();
});

describe('storage and networks against the lab', () => {
  it('applies with kvm1: the target, a pool per domain and the network on the host, the disks', async () => {
    await tf.apply();
    iscsiDomainId = String((await tf.stateAttributes('virtplane_storage_domain', 'iscsi')).id);
    expect(await virshNames('kvm1', 'pool-list')).toEqual(expect.arrayContaining([names.iscsi, names.dir]));
    expect(await activeNames('kvm1', 'pool-list')).toEqual(expect.arrayContaining([names.iscsi, names.dir]));
    expect(await activeNames('kvm1', 'net-list')).toContain(names.nat);
    const target = await served();
    expect([...(target?.luns.keys() ?? [])].sort()).toEqual([0, 1, 2]);
    const ids = await hostIds();
    expect(target?.acl).toEqual(expect.arrayContaining([outsider, hostInitiatorIqn(ids.kvm1!)]));

    const image = await tf.stateAttributes('virtplane_disk', 'image');
    expect(image).toMatchObject({ path: `${dirPath}/image1.qcow2`, size_mib: 16, format: 'qcow2' });
    expect(await run(host('kvm1'), ['qemu-img', 'info', '--output=json', `${dirPath}/image1.qcow2`])).toMatch(/"virtual-size": 16777216/);
    const lun = await tf.stateAttributes('virtplane_disk', 'lun1');
    expect(lun).toMatchObject({ size_mib: 8, format: 'raw', lun: 1, path: `iscsi://${lab.lab.storage.address}:3260/${iqn}/1` });
    // status reads kvm1 live (with lab.json's key): each object as the inventory has it, and where it is up.
    const status = runCli(['status', '--inventory', inventoryDir, '--lab-file', lab.labFile]);
    expect(status.stdout).toContain(`  storage domain ${names.iscsi}: iscsi ${iqn} at ${lab.lab.storage.address}:3260; active on kvm1\n`);
    expect(status.stdout).toContain(`  storage domain ${names.dir}: dir ${dirPath}; active on kvm1\n`);
    expect(status.stdout).toContain(`  network ${names.nat}: nat ${subnet}; active on kvm1\n`);
    // The network was created before kvm1 joined (it got it then): a refresh sees it there.
    await tf.expectEmptyPlan();
  });

  it('gives kvm2 the network and pools when it joins; the CHAP domain completes it at its next apply', async () => {
    await tf.writeConfig(config(BASE));
    const joined = await tf.apply();
    expect(joined.stdout).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
    expect(await activeNames('kvm2', 'net-list')).toContain(names.nat);
    expect(await activeNames('kvm2', 'pool-list')).toContain(names.dir);
    // The joining host has no CHAP password: its pool is defined, not started, and the plan says so.
    expect(await virshNames('kvm2', 'pool-list')).toContain(names.iscsi);
    const { result: plan } = await tf.plan();
    expect(plan.stdout).toContain('virtplane_storage_domain.iscsi will be updated in-place');
    expect(plan.stdout).toMatch(/~ hosts += \[[\s\S]*\] -> \(known after apply\)/);
    expect(plan.stdout).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');
    await tf.apply();
    expect(await activeNames('kvm2', 'pool-list')).toEqual(expect.arrayContaining([names.iscsi, names.dir]));
    const ids = await hostIds();
    expect((await served())?.acl).toEqual(expect.arrayContaining([outsider, hostInitiatorIqn(ids.kvm1!), hostInitiatorIqn(ids.kvm2!)]));
    await tf.expectEmptyPlan();
    expect((await tf.stateAttributes('virtplane_network', 'nat')).hosts).toEqual(['kvm1', 'kvm2']);
    expect((await tf.stateAttributes('virtplane_storage_domain', 'iscsi')).hosts).toEqual(['kvm1', 'kvm2']);
  });

  it('imports each object to the same state (a LUN disk gets its name back from its inventory row)', async () => {
    const targets = {
      'virtplane_iscsi_target.t': (state: Record<string, unknown>) => String(state.id),
      'virtplane_storage_domain.iscsi': () => `Default/${names.iscsi}`,
      'virtplane_storage_domain.dir': (state: Record<string, unknown>) => String(state.id),
      'virtplane_network.nat': () => `Default/${names.nat}`,
      'virtplane_disk.image': (state: Record<string, unknown>) => String(state.id),
      'virtplane_disk.lun1': (state: Record<string, unknown>) => String(state.id),
    } as const;
    const before: Record<string, Record<string, unknown>> = {};
    for (const address of Object.keys(targets)) {
      const [type, name] = address.split('.') as [string, string];
      before[address] = await tf.stateAttributes(type, name);
    }
    await tf.run(['state', 'rm', ...Object.keys(targets)]);
    await tf.writeConfig(
      Object.entries(targets)
        .map(([address, id]) => `import {\n  to = ${address}\n  id = ${hclString(id(before[address]!))}\n}\n`)
        .join(''),
      'imports.tf',
    );
    const plan = await tf.planJson();
    for (const address of Object.keys(targets)) {
      const change = plan.resource_changes?.find((candidate) => candidate.address === address);
      const imported = { ...change?.change.before };
      const expected = { ...before[address] };
      // Not readable back from anywhere: the CHAP password (sensitive). A LUN disk's name comes from its inventory row.
      if ('chap_password' in expected) {
        expect(imported.chap_password).toBeNull();
        delete imported.chap_password;
        delete expected.chap_password;
      }
      expect({ address, ...imported }).toEqual({ address, ...expected });
    }
    await tf.apply();
    await rm(join(tf.dir, 'imports.tf'));
    // The next test's plan shows that nothing but what it changes differs.
  });

  it('shows what changed on the hosts and the storage server in the plan, and puts it back', async () => {
    const ids = await hostIds();
    const target = (await served())!;
    await run(host('kvm2'), ['sh', '-c', 'virsh -q net-destroy "$1" && virsh -q net-undefine "$1"', 'sh', names.nat]);
    await run(host('kvm1'), ['sh', '-c', 'virsh -q pool-destroy "$1" && virsh -q pool-undefine "$1"', 'sh', names.iscsi]);
    await run(lab.storage, ['tgtadm', '--lld', 'iscsi', '--mode', 'logicalunit', '--op', 'delete', '--tid', String(target.tid), '--lun', '2']);
    await run(lab.storage, [
      'tgtadm',
      '--lld',
      'iscsi',
      '--mode',
      'target',
      '--op',
      'unbind',
      '--tid',
      String(target.tid),
      '--initiator-name',
      hostInitiatorIqn(ids.kvm2!),
    ]);
    await run(host('kvm1'), ['rm', '-f', '--', `${dirPath}/image1.qcow2`]);

    const plan = await tf.planJson();
    expectPlanChange(plan, 'virtplane_network.nat', { actions: ['update'], unknownAttributes: ['hosts'] });
    expectPlanChange(plan, 'virtplane_storage_domain.iscsi', { actions: ['update'], unknownAttributes: ['hosts'] });
    expectPlanChange(plan, 'virtplane_iscsi_target.t', { actions: ['update'], changedAttributes: ['lun'] });
    expectPlanChange(plan, 'virtplane_disk.image', { actions: ['create'] });
    const changing = plan.resource_changes
      ?.filter((change) => !change.change.actions.includes('no-op'))
      .map((change) => change.address)
      .sort();
    expect(changing).toEqual(['virtplane_disk.image', 'virtplane_iscsi_target.t', 'virtplane_network.nat', 'virtplane_storage_domain.iscsi']);

    await tf.apply();
    expect(await activeNames('kvm2', 'net-list')).toContain(names.nat);
    expect(await activeNames('kvm1', 'pool-list')).toContain(names.iscsi);
    const restored = (await served())!;
    expect([...restored.luns.keys()].sort()).toEqual([0, 1, 2]);
    expect(restored.acl).toContain(hostInitiatorIqn(ids.kvm2!));
    expect(await run(host('kvm2'), ['ls', dirPath])).toContain('image1.qcow2');
    await tf.expectEmptyPlan();
  });

  it('grows a LUN, its disk and a volume, renames a storage domain and changes a network, all in place', async () => {
    await tf.writeConfig(config(GROWN));
    const plan = await tf.planJson();
    expectPlanChange(plan, 'virtplane_storage_domain.dir', { actions: ['update'], changedAttributes: ['name'] });
    expectPlanChange(plan, 'virtplane_network.nat', { actions: ['update'], changedAttributes: ['mtu'] });
    expectPlanChange(plan, 'virtplane_iscsi_target.t', { actions: ['update'], changedAttributes: ['lun'] });
    expectPlanChange(plan, 'virtplane_disk.image', { actions: ['update'], changedAttributes: ['size_mib', 'deletion_protection'] });
    expectPlanChange(plan, 'virtplane_disk.lun1', { actions: ['update'], changedAttributes: ['size_mib'] });
    await tf.apply();
    expect(await run(host('kvm1'), ['qemu-img', 'info', '--output=json', `${dirPath}/image1.qcow2`])).toMatch(/"virtual-size": 33554432/);
    // tgt shows decimal megabytes: 16 MiB is 16.8 MB.
    expect((await served())?.luns.get(1)).toBe(17);
    expect(await tf.stateAttributes('virtplane_disk', 'lun1')).toMatchObject({ size_mib: 16 });
    for (const name of ['kvm1', 'kvm2']) {
      expect(await activeNames(name, 'pool-list')).toContain(names.dirRenamed);
      expect(await virshNames(name, 'pool-list')).not.toContain(names.dir);
      expect(await run(host(name), ['virsh', 'net-dumpxml', names.nat])).toMatch(/<mtu size=.1400.\/>/);
      expect(await activeNames(name, 'net-list')).toContain(names.nat);
    }
    await tf.expectEmptyPlan();
  });

  it('refuses at plan time to shrink a disk or drop a LUN, and to destroy a protected disk', async () => {
    await tf.writeConfig(config({ ...GROWN, dirDisk: 16, lun2: false }));
    const refused = await tf.plan([], { allowFailure: true });
    expect(refused.result.exitCode).toBe(1);
    expect(refused.result.stderr).toMatch(/A disk never shrinks[\s\S]*size_mib/);
    expect(refused.result.stderr).toMatch(/Removing a LUN destroys its data[\s\S]*replace_on_lun_removal\s+=\s+true/);

    await tf.writeConfig(config(GROWN));
    const destroy = await tf.plan(['-destroy'], { allowFailure: true });
    expect(destroy.result.exitCode).toBe(1);
    expect(destroy.result.stderr).toMatch(/Disk protected from deletion[\s\S]*deletion_protection =\s+false/);
    expect(await run(host('kvm1'), ['ls', dirPath])).toContain('image1.qcow2');
  });

  it('refuses to replace the whole target while a storage domain uses it, even with the removal of a LUN opted in', async () => {
    await tf.writeConfig(config(TRIMMED));
    const refused = await tf.plan([], { allowFailure: true });
    expect(refused.result.exitCode).toBe(1);
    expect(refused.result.stderr.replace(/[│\s]+/g, ' ')).toMatch(
      new RegExp(`Target in use .*Replacing target ${iqn.replace(/\./g, '\\.')} deletes every LUN file it has\\. It is used by storage domain ${names.iscsi}`),
    );
    // Nothing was replaced: both LUNs are still served.
    expect([...(await served())!.luns.keys()].sort()).toEqual([0, 1, 2]);
    await tf.writeConfig(config(GROWN));
    await tf.expectEmptyPlan();
  });

  it('reports bad input with the attribute, and a bad storage server, a taken target name or network name on the attribute to fix', async () => {
    const foreignIqn = `iqn.2025-01.dev.virtplane.test:foreign-${tag}`;
    await run(lab.storage, ['tgtadm', '--lld', 'iscsi', '--mode', 'target', '--op', 'new', '--tid', '3999', '--targetname', foreignIqn]);
    await run(host('kvm1'), [
      'sh',
      '-c',
      'printf "%s" "$2" > "/tmp/$1.xml" && virsh -q net-define "/tmp/$1.xml"; rm -f "/tmp/$1.xml"',
      'sh',
      `vpt-foreign-${tag}`,
      `<network><name>vpt-foreign-${tag}</name></network>`,
    ]);
    await run(host('kvm2'), ['virsh', '-q', 'pool-define-as', `vpt-foreign-${tag}`, 'dir', '--target', `/tmp/vpt-foreign-${tag}`]);
    const target = (name: string, body: string): string =>
      `resource "virtplane_iscsi_target" "${name}" {\n  iqn = ${hclString(`iqn.2025-01.dev.virtplane.test:${name}-${tag}`)}\n${body}}\n`;
    await tf.writeConfig(
      target(
        'unreachable',
        `  server_address = ${hclString(lab.lab.storage.address)}\n  server_port = 2\n  server_host_key = ${hclString(lab.lab.storage.hostKey)}\n`,
      ) +
        target('impostor', `  server_address = ${hclString(lab.lab.storage.address)}\n  server_host_key = ${hclString(lab.lab.hosts[0]!.hostKey)}\n`) +
        `resource "virtplane_iscsi_target" "taken" {\n  server_address = ${hclString(lab.lab.storage.address)}\n  server_host_key = ${hclString(lab.lab.storage.hostKey)}\n  iqn = ${hclString(foreignIqn)}\n}\n` +
        `resource "virtplane_network" "taken" {\n  name = ${hclString(`vpt-foreign-${tag}`)}\n  datacenter_id = virtplane_datacenter.dc.id\n  mode = "isolated"\n}\n` +
        `resource "virtplane_storage_domain" "taken" {\n  name = ${hclString(`vpt-foreign-${tag}`)}\n  datacenter_id = virtplane_datacenter.dc.id\n  type = "dir"\n  path = ${hclString(`${dirPath}-taken`)}\n  shared = true\n}\n`,
      'bad.tf',
    );
    try {
      const result = await tf.apply(
        [
          '-target=virtplane_iscsi_target.unreachable',
          '-target=virtplane_iscsi_target.impostor',
          '-target=virtplane_iscsi_target.taken',
          '-target=virtplane_network.taken',
          '-target=virtplane_storage_domain.taken',
        ],
        { allowFailure: true },
      );
      expect(result.exitCode).toBe(1);
      // Terraform wraps diagnostics at 80 columns: compare with whitespace collapsed.
      const errors = result.stderr
        .split(/^Error: /m)
        .slice(1)
        .map((error) => error.replace(/\s+/g, ' '));
      const about = (resource: string): string => errors.find((error) => error.includes(`with ${resource},`)) ?? `(no error for ${resource})`;
      expect(about('virtplane_iscsi_target.unreachable')).toMatch(
        /^Storage server unreachable[\s\S]*server_port = 2|^Storage server unreachable[\s\S]*server_address/,
      );
      expect(about('virtplane_iscsi_target.impostor')).toMatch(/^Storage server host key not accepted[\s\S]*server_host_key =/);
      expect(about('virtplane_iscsi_target.taken')).toMatch(/^Target name already used[\s\S]*iqn = [\s\S]*was not created by virtplane/);
      expect(about('virtplane_network.taken')).toMatch(/^A network named vpt-foreign-\w+ already exists[\s\S]*name = [\s\S]*not created by virtplane/);
      expect(about('virtplane_storage_domain.taken')).toMatch(
        /^A storage pool named vpt-foreign-\w+ already exists[\s\S]*name = [\s\S]*kvm2 [\s\S]*not created by virtplane/,
      );
      // Nothing was made, and the foreign objects are untouched.
      expect(await virshNames('kvm1', 'net-list')).toContain(`vpt-foreign-${tag}`);
      expect(await virshNames('kvm2', 'net-list')).not.toContain(`vpt-foreign-${tag}`);
      expect(await virshNames('kvm1', 'pool-list')).not.toContain(`vpt-foreign-${tag}`);
      expect(await virshNames('kvm2', 'pool-list')).toContain(`vpt-foreign-${tag}`);
      expect(await run(lab.storage, ['tgtadm', '--lld', 'iscsi', '--mode', 'target', '--op', 'show'])).toContain(`Target 3999: ${foreignIqn}`);

      await tf.writeConfig(
        `resource "virtplane_network" "bridged" {\n  name = "b"\n  datacenter_id = virtplane_datacenter.dc.id\n  mode = "bridge"\n  bridge = "br0"\n  mtu = 9000\n}\n` +
          `resource "virtplane_network" "tagged" {\n  name = "t"\n  datacenter_id = virtplane_datacenter.dc.id\n  cidr = "10.9.9.0/24"\n  vlan_id = 5\n}\n` +
          `resource "virtplane_storage_domain" "nopath" {\n  name = "d"\n  datacenter_id = virtplane_datacenter.dc.id\n  type = "dir"\n  iqn = "iqn.2025-01.com.example:x"\n}\n`,
        'bad.tf',
      );
      const invalid = await tf.validate({ allowFailure: true });
      expect(invalid.exitCode).toBe(1);
      expect(invalid.stderr).toMatch(/mtu not allowed in bridge mode[\s\S]*on bad.tf line 6/);
      expect(invalid.stderr).toMatch(/vlan_id needs bridge mode[\s\S]*on bad.tf line 12/);
      expect(invalid.stderr).toMatch(/iqn not used by a dir storage domain[\s\S]*on bad.tf line 18/);
    } finally {
      await rm(join(tf.dir, 'bad.tf'));
    }
  });

  it('removes the network and pools from kvm2 when it leaves the data center, and nothing else changes', async () => {
    const ids = await hostIds();
    await tf.writeConfig(config({ ...GROWN, protect: false }, ['kvm1']));
    const left = await tf.apply();
    // kvm2 goes; the volume loses its protection (so that it can be destroyed next).
    expect(left.stdout).toContain('Plan: 0 to add, 1 to change, 1 to destroy.');
    expect(await virshNames('kvm2', 'net-list')).not.toContain(names.nat);
    expect(await virshNames('kvm2', 'pool-list')).not.toContain(names.iscsi);
    expect(await virshNames('kvm2', 'pool-list')).not.toContain(names.dirRenamed);
    expect(await activeNames('kvm1', 'pool-list')).toEqual(expect.arrayContaining([names.iscsi, names.dirRenamed]));
    // The target still requires CHAP, so it keeps kvm2's name until the target next rewrites its ACL.
    expect((await served())?.acl).toContain(hostInitiatorIqn(ids.kvm1!));
    await tf.expectEmptyPlan();
  });

  it('destroys, leaving nothing on any machine of the lab', async () => {
    await tf.destroy();
    for (const name of ['kvm1', 'kvm2']) {
      const pools = await virshNames(name, 'pool-list');
      const networks = await virshNames(name, 'net-list');
      // The foreign pool and network this file made by hand stay until the end (virtplane never touches them).
      const ours = (names_: string[]): string[] => names_.filter((object) => object.includes(tag) && !object.includes('foreign'));
      expect({ name, pools: ours(pools), networks: ours(networks) }).toEqual({ name, pools: [], networks: [] });
      expect(await run(host(name), ['virsh', '-q', 'secret-list'])).not.toMatch(/virtplane/);
    }
    expect(await served()).toBeUndefined();
    const files = await ssh.exec(lab.storage, ['ls', `/var/lib/virtplane/iscsi/${iqn}`], { allowExitCodes: [2] });
    expect(files.exitCode).toBe(2);
    expect(await run(lab.storage, ['tgtadm', '--lld', 'iscsi', '--mode', 'account', '--op', 'show'])).not.toContain(chapUser);
    expect((await run(host('kvm1'), ['ls', '-A', dirPath])).trim()).toBe('');
  });
});

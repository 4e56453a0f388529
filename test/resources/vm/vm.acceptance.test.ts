/**
 * virtplane_vm, virtplane_affinity_group and host maintenance against the lab, with the real terraform
 * binary. One configuration grows through the file (few terraform runs: the suite has to stay lean):
 * - a cluster of two hosts, shared iSCSI storage, a network and three VMs applied from scratch in one
 *   apply, spread by the cluster's policy; the plan is empty afterwards;
 * - import by UUID and by HOST/NAME gives the same state;
 * - one apply of in-place changes: a host_id change live-migrates a VM with an iSCSI disk (QEMU on the
 *   target started with -incoming: never restarted), vCPUs hot-plugged, memory with a graceful restart
 *   announced by the plan, a NIC hot-plugged, a new VM named at plan time by an enforcing affinity group;
 * - maintenance refused at plan time (pinned VMs, VMs an affinity group ties to the host), nothing moved;
 * - drift (migrated, stopped, changed, deleted out of band) in the plan, repaired by apply;
 * - maintenance drains a host by live migration in the same apply;
 * - bad input and name clashes with a domain virtplane does not own, at plan time, on the attribute;
 * - destroying the VMs leaves no domain on any host, the disk stays; the foreign domain is untouched.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProvider, createTerraformWorkspace, expectPlanChange, type PlanJson, type TerraformWorkspace } from '../../support/terraform.js';
import { useLab, type TestLab } from '../../support/lab.js';
import { hclString, providerBlock } from '../../support/platformHcl.js';
import { hostHasKvm, tinyDomainXml } from '../../support/tinyDomain.js';
import { VmTestLab } from './testLab.js';

let lab: TestLab;
let tf: TerraformWorkspace;
let vms: VmTestLab;
let clusterId: string | undefined;
const ids: Record<string, string> = {};

/** Every XML and shell metacharacter, a tab and a newline: stored as written, running nothing. */
const NASTY = `a<b>&c "d" 'e' ]]> &amp; $(touch /tmp/vp-pwned) \`id\` ; rm -rf / | tee\n\tend`;

interface VmSpec {
  readonly host?: 'kvm1' | 'kvm2';
  readonly vcpus?: number;
  readonly memory?: number;
  readonly nics?: number;
  readonly disks?: readonly ('lun1' | 'lun2')[];
  readonly description?: string;
  readonly graphics?: 'vnc' | 'spice';
  readonly ha?: boolean;
  readonly running?: boolean;
}

interface Scenario {
  readonly vms: Readonly<Record<string, VmSpec>>;
  /** A positive enforcing affinity group over these VMs, tied to these hosts. */
  readonly group?: { readonly vms: readonly string[]; readonly hosts: readonly ('kvm1' | 'kvm2')[] };
  readonly maintenance?: readonly ('kvm1' | 'kvm2')[];
}

let scenario: Scenario;
let names: { readonly iqn: string; readonly network: string; readonly domain: string; readonly foreign: string };

function hcl(current: Scenario): string {
  const hosts = lab.lab.hosts.map(
    (host) => `
resource "virtplane_host" ${hclString(host.name)} {
  name        = ${hclString(host.name)}
  cluster_id  = virtplane_cluster.main.id
  address     = ${hclString(host.address)}
  host_key    = ${hclString(host.hostKey)}
  maintenance = ${(current.maintenance ?? []).includes(host.name as 'kvm1')}
}
`,
  );
  const vmBlocks = Object.entries(current.vms).map(([name, spec]) => {
    const nics = Array.from({ length: spec.nics ?? 0 }, () => '  nic {\n    network_id = virtplane_network.lan.id\n  }\n').join('');
    const disks = (spec.disks ?? []).map((disk) => `  disk {\n    disk_id = virtplane_disk.${disk}.id\n  }\n`).join('');
    const optional = [
      spec.host === undefined ? '' : `  host_id                  = virtplane_host.${spec.host}.id\n`,
      spec.description === undefined ? '' : `  description              = ${hclString(spec.description)}\n`,
      spec.ha === undefined ? '' : `  high_availability        = ${spec.ha}\n`,
      spec.running === undefined ? '' : `  running                  = ${spec.running}\n`,
    ].join('');
    return `
resource "virtplane_vm" ${hclString(name)} {
  name                     = ${hclString(name)}
  cluster_id               = virtplane_cluster.main.id
  vcpus                    = ${spec.vcpus ?? 1}
  memory_mib               = ${spec.memory ?? 32}
  graphics                 = "${spec.graphics ?? 'none'}"
  shutdown_timeout_seconds = 1
  depends_on               = [virtplane_host.kvm1, virtplane_host.kvm2]
${optional}${disks}${nics}}
`;
  });
  const group = current.group
    ? `
resource "virtplane_affinity_group" "together" {
  name       = "together"
  cluster_id = virtplane_cluster.main.id
  positive   = true
  enforcing  = true
  vm_ids     = [${current.group.vms.map((name) => `virtplane_vm.${name}.id`).join(', ')}]
  host_ids   = [${current.group.hosts.map((name) => `virtplane_host.${name}.id`).join(', ')}]
}
`
    : '';
  return `${tf.requiredProviders()}${providerBlock(lab.lab, join(tf.root, 'inventory'))}
resource "virtplane_datacenter" "dc" {
  name = "Default"
}

resource "virtplane_cluster" "main" {
  name          = "main"
  datacenter_id = virtplane_datacenter.dc.id
}
${hosts.join('')}
resource "virtplane_iscsi_target" "shared" {
  server_address  = ${hclString(lab.lab.storage.address)}
  server_host_key = ${hclString(lab.lab.storage.hostKey)}
  iqn             = ${hclString(names.iqn)}
  lun {
    lun      = 1
    size_mib = 8
  }
  lun {
    lun      = 2
    size_mib = 4
  }
}

resource "virtplane_storage_domain" "shared" {
  name            = ${hclString(names.domain)}
  datacenter_id   = virtplane_datacenter.dc.id
  type            = "iscsi"
  iscsi_target_id = virtplane_iscsi_target.shared.id
  depends_on      = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_disk" "lun1" {
  name              = "lun1"
  storage_domain_id = virtplane_storage_domain.shared.id
  lun               = 1
}

resource "virtplane_disk" "lun2" {
  name              = "lun2"
  storage_domain_id = virtplane_storage_domain.shared.id
  lun               = 2
}

resource "virtplane_network" "lan" {
  name          = ${hclString(names.network)}
  datacenter_id = virtplane_datacenter.dc.id
  mode          = "isolated"
}
${vmBlocks.join('')}${group}`;
}

async function configure(next: Scenario): Promise<void> {
  scenario = next;
  await tf.writeConfig(hcl(next));
}

const SAVED = 'vm.tfplan';

/** `terraform plan -out` with its output (warnings included) and the saved plan as JSON. */
async function plan(): Promise<{ readonly json: PlanJson; readonly text: string }> {
  const result = await tf.run(['plan', '-input=false', '-no-color', `-out=${SAVED}`]);
  const json = JSON.parse((await tf.run(['show', '-json', '-no-color', SAVED])).stdout) as PlanJson;
  return { json, text: result.stdout + result.stderr };
}

/** Applies the plan saved by plan(): exactly what was shown, no second refresh. */
async function applySaved(): Promise<void> {
  await tf.run(['apply', '-auto-approve', '-input=false', '-no-color', SAVED]);
}

function changedAddresses(json: PlanJson): string[] {
  return (json.resource_changes ?? [])
    .filter((change) => !change.change.actions.includes('no-op'))
    .map((change) => change.address)
    .sort();
}

async function state(name: string): Promise<Record<string, unknown>> {
  return tf.stateAttributes('virtplane_vm', name);
}

async function hostOf(name: string): Promise<string> {
  return (await vms.domainNamed(clusterId!, name)).host;
}

beforeAll(async () => {
  lab = await useLab();
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  vms = new VmTestLab(lab, join(tf.root, 'inventory'));
  names = {
    iqn: `iqn.2025-01.dev.virtplane.test:vm-${vms.run}`,
    network: `vpvm-${vms.run}-lan`,
    domain: `vpvm-${vms.run}-shared`,
    foreign: `vpforeign-${vms.run}`,
  };
  await configure({
    vms: {
      a: { host: 'kvm1', disks: ['lun1'], nics: 1, graphics: 'vnc' },
      b: { description: NASTY, ha: true, graphics: 'spice' },
      c: {},
    },
  });
  await tf.init();
});

afterAll(async () => {
  await vms?.virsh('kvm2', ['undefine', names.foreign], true).catch(() => undefined);
  if (tf) {
    await tf.writeConfig(hcl({ vms: {} }));
    await tf.destroy({ allowFailure: true });
  }
  await vms?.cleanup(clusterId, { networks: [names.network], pools: [names.domain], targetIqn: names.iqn });
  await tf?.cleanup();
});

describe('VMs, affinity and maintenance against the lab', () => {
  it('applies two hosts, shared iSCSI storage, a network and three VMs in one apply, spread by policy', async () => {
    await tf.apply();
    clusterId = String((await tf.stateAttributes('virtplane_cluster', 'main')).id);
    ids.kvm1 = String((await tf.stateAttributes('virtplane_host', 'kvm1')).id);
    ids.kvm2 = String((await tf.stateAttributes('virtplane_host', 'kvm2')).id);
    const domains = await vms.domainsOf(clusterId);
    expect(domains.map((domain) => domain.name).sort()).toEqual(['a', 'b', 'c']);
    for (const domain of domains) expect(domain.state).toBe('running');
    // evenly_distributed over two empty hosts: 2 + 1, never 3 on one.
    const perHost = new Map<string, number>();
    for (const domain of domains) perHost.set(domain.host, (perHost.get(domain.host) ?? 0) + 1);
    expect([...perHost.values()].sort()).toEqual([1, 2]);

    const a = domains.find((domain) => domain.name === 'a')!;
    expect(a.host).toBe('kvm1');
    expect(a.model?.disks[0]?.source).toMatchObject({ kind: 'iscsi', targetIqn: names.iqn, lun: 1 });
    expect(a.model?.owner).toMatchObject({ managedBy: 'virtplane', resourceType: 'virtplane_vm', resourceId: a.uuid, cluster: clusterId });
    const aState = await state('a');
    expect(aState).toMatchObject({ id: a.uuid, current_host_id: ids.kvm1, host_id: ids.kvm1, state: 'running', running: true });
    expect((aState.disk as { device: string }[])[0]?.device).toBe('vda');
    expect(aState.macs).toEqual([(aState.nic as { mac: string }[])[0]?.mac]);

    expect(await vms.virsh('kvm1', ['domdisplay', 'a'])).toMatch(/^vnc:\/\//);
    const b = domains.find((domain) => domain.name === 'b')!;
    expect(await vms.virsh(b.host, ['domdisplay', 'b'])).toMatch(/^spice:\/\//);
    // HA is the engine's restart elsewhere: never libvirt autostart (docs/ha.md).
    expect(await vms.virsh(b.host, ['dominfo', 'b'])).toMatch(/Autostart:\s+disable/);
    expect(b.model?.description).toBe(NASTY);
    expect((await state('b')).description).toBe(NASTY);
    for (const endpoint of lab.hosts) {
      expect((await vms.pool.exec(endpoint, ['test', '-e', '/tmp/vp-pwned'], { allowExitCodes: [1] })).exitCode).toBe(1);
    }
    await tf.expectEmptyPlan();
  });

  it('imports a VM by UUID and by HOST/NAME to the same state', async () => {
    const a = await state('a');
    const b = await state('b');
    const bHost = await hostOf('b');
    await tf.run(['state', 'rm', 'virtplane_vm.a', 'virtplane_vm.b']);
    await tf.import('virtplane_vm.a', String(a.id));
    await tf.import('virtplane_vm.b', `${bHost}/b`);
    expect(await state('a')).toEqual(a);
    expect(await state('b')).toEqual(b);
  });

  it('changes in place in one apply: live migration, vCPU and disk hot-plug, memory with a restart, NIC hot-plug, a group naming a new VM', async () => {
    const before = { a: await state('a'), b: await state('b') };
    const qemu = { a: await vms.qemuProcess('kvm1', 'a'), b: await vms.qemuProcess(await hostOf('b'), 'b'), c: await vms.qemuProcess(await hostOf('c'), 'c') };
    await configure({
      vms: {
        a: { host: 'kvm2', disks: ['lun1'], nics: 2, graphics: 'vnc' },
        b: { description: NASTY, ha: true, graphics: 'spice', vcpus: 2, disks: ['lun2'] },
        c: { memory: 48 },
        d: {},
      },
      group: { vms: ['c', 'd'], hosts: ['kvm1'] },
    });
    const { json, text } = await plan();
    expectPlanChange(json, 'virtplane_vm.a', { actions: ['update'], changedAttributes: ['host_id', 'current_host_id', 'macs'] });
    expectPlanChange(json, 'virtplane_vm.b', { actions: ['update'], changedAttributes: ['vcpus'] });
    expectPlanChange(json, 'virtplane_vm.c', { actions: ['update'], changedAttributes: ['memory_mib'] });
    expect(text).toMatch(/~ update in-place/);
    expect(text).toMatch(/Live migration/);
    expect(text).toMatch(/The VM will be restarted[\s\S]*memory grows/);
    // The new VM's id and host are known at plan time, so the group can already name it.
    const d = expectPlanChange(json, 'virtplane_vm.d', { actions: ['create'] });
    expect([ids.kvm1, ids.kvm2]).toContain(d.change.after?.current_host_id);
    expect(text).toMatch(/Placement of VM "d"[\s\S]*d -> kvm[12]: evenly_distributed/);
    const dId = d.change.after?.id;
    expect(dId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const group = expectPlanChange(json, 'virtplane_affinity_group.together', { actions: ['create'] });
    expect([...(group.change.after?.vm_ids as string[])].sort()).toEqual([String(dId), String((await state('c')).id)].sort());
    await applySaved();

    const a = await state('a');
    expect(a).toMatchObject({ id: before.a.id, current_host_id: ids.kvm2, state: 'running' });
    expect((a.macs as string[])[0]).toBe((before.a.macs as string[])[0]);
    expect(a.macs).toHaveLength(2);
    const arrived = await vms.qemuProcess('kvm2', 'a');
    expect(arrived.cmdline).toContain('-incoming');
    expect(qemu.a.cmdline).not.toContain('-incoming');
    expect(await vms.virsh('kvm1', ['domstate', String(a.id)], true)).toBe('');
    const live = await vms.virsh('kvm2', ['dumpxml', 'a']);
    expect(live).toContain(`${names.iqn}/1`);
    for (const mac of a.macs as string[]) expect(live).toContain(mac);

    expect((await vms.qemuProcess(await hostOf('b'), 'b')).pid).toBe(qemu.b.pid);
    expect((await vms.virsh(await hostOf('b'), ['vcpucount', 'b', '--live', '--current'])).trim()).toBe('2');
    const bLive = await vms.virsh(await hostOf('b'), ['dumpxml', 'b']);
    expect(bLive).toContain(`${names.iqn}/2`);
    expect(bLive).toMatch(/<target dev='vda' bus='virtio'\/>/);
    const c = await vms.domainNamed(clusterId!, 'c');
    expect(c.model?.memoryMiB).toBe(48);
    // The group ties c and d to kvm1: whichever was elsewhere was moved (or placed) there.
    expect(c.host).toBe('kvm1');
    expect(await hostOf('d')).toBe('kvm1');
    expect((await vms.qemuProcess('kvm1', 'c')).pid).not.toBe(qemu.c.pid);
    ids.d = String(dId);
  });

  it('refuses maintenance at plan time when a host cannot be drained, moving nothing', async () => {
    const where = Object.fromEntries(await Promise.all(['a', 'b', 'c', 'd'].map(async (name) => [name, await hostOf(name)] as const)));
    await configure({ ...scenario, maintenance: ['kvm1', 'kvm2'] });
    const result = await tf.plan([], { allowFailure: true });
    expect(result.result.exitCode).toBe(1);
    const errors = result.result.stderr;
    expect(errors).toMatch(/Host has pinned VMs[\s\S]*kvm2 cannot enter maintenance[\s\S]*\(a\)/);
    expect(errors).toMatch(/Host cannot be drained[\s\S]*cannot drain host kvm1[\s\S]*together/);
    expect(errors).toMatch(/with virtplane_host\.kvm1,\n\s+on main\.tf line \d+, in resource "virtplane_host" "kvm1":\n\s+\d+:\s+maintenance = true/);
    for (const [name, host] of Object.entries(where)) expect(await hostOf(name)).toBe(host);
    await vms.withInventory(async (inventory) => {
      for (const host of await inventory.hosts.list(clusterId)) expect(host.maintenance).toBe(false);
    });
  });

  it('shows VMs migrated, stopped, changed and deleted out of band in the plan, and repairs them', async () => {
    // a is pinned to kvm2: someone live-migrates it to kvm1 behind virtplane's back.
    const kvm1Address = lab.lab.hosts.find((host) => host.name === 'kvm1')!.address;
    await vms.pool.exec(
      vms.endpoint('kvm2'),
      ['virsh', 'migrate', '--live', '--persistent', '--undefinesource', 'a', `qemu+ssh://${kvm1Address}/system`, '--migrateuri', `tcp://${kvm1Address}`],
      { timeoutMs: 120_000 },
    );
    const b = await vms.domainNamed(clusterId!, 'b');
    const c = await vms.domainNamed(clusterId!, 'c');
    const d = await vms.domainNamed(clusterId!, 'd');
    await vms.virsh(b.host, ['destroy', b.uuid]);
    await vms.virsh(c.host, ['setvcpus', c.uuid, '3', '--config']);
    await vms.virsh(d.host, ['destroy', d.uuid]);
    await vms.virsh(d.host, ['undefine', d.uuid]);
    // The group lets go of kvm1 in the same apply (the next test drains kvm1); c is stopped gracefully.
    await configure({ ...scenario, vms: { ...scenario.vms, c: { memory: 48, running: false } }, maintenance: [], group: { vms: ['c', 'd'], hosts: [] } });
    const { json, text } = await plan();
    expect(changedAddresses(json)).toEqual(['virtplane_affinity_group.together', 'virtplane_vm.a', 'virtplane_vm.b', 'virtplane_vm.c', 'virtplane_vm.d']);
    const moved = expectPlanChange(json, 'virtplane_vm.a', { actions: ['update'], changedAttributes: ['current_host_id'] });
    expect(moved.change.before?.current_host_id).toBe(ids.kvm1);
    expectPlanChange(json, 'virtplane_vm.b', { actions: ['update'], changedAttributes: ['running', 'state'] });
    // c's vCPUs changed with --config only: drift is read from what runs (1 vCPU), so the plan stops c and
    // says its definition (3 vCPUs for the next boot) is written back.
    expectPlanChange(json, 'virtplane_vm.c', { actions: ['update'], changedAttributes: ['running', 'state'] });
    expect(text).toMatch(/The VM's next boot differs from what runs[\s\S]*VM\s+"c"\s+runs\s+with\s+1\s+vCPU\(s\)/);
    expectPlanChange(json, 'virtplane_vm.d', { actions: ['create'] });
    await applySaved();
    expect(await hostOf('a')).toBe('kvm2');
    expect((await vms.domainNamed(clusterId!, 'b')).state).toBe('running');
    const stopped = await vms.domainNamed(clusterId!, 'c');
    expect(stopped.model?.vcpu.current).toBe(1);
    expect(stopped.state).toBe('shut off');
    const recreated = await vms.domainNamed(clusterId!, 'd');
    expect(recreated.uuid).toBe(d.uuid);
    expect(recreated.host).toBe('kvm1');
  });

  it('drains a host in maintenance in the same apply: live migration, a stopped VM moved cold', async () => {
    const onKvm1 = (await vms.domainsOf(clusterId!))
      .filter((domain) => domain.host === 'kvm1')
      .map((domain) => domain.name)
      .sort();
    expect(onKvm1).toEqual(expect.arrayContaining(['c', 'd']));
    await configure({ ...scenario, maintenance: ['kvm1'] });
    const { json, text } = await plan();
    expect(changedAddresses(json)).toEqual(['virtplane_host.kvm1']);
    // Terraform wraps warnings: any whitespace between the words.
    expect(text).toMatch(/Host will be drained[\s\S]*c\s+->\s+kvm2\s+\(cold\s+move\)/);
    expect(text).toMatch(/d\s+->\s+kvm2\s+\(live\s+migration\)/);
    await applySaved();
    const domains = await vms.domainsOf(clusterId!);
    expect(domains.filter((domain) => domain.host === 'kvm1')).toEqual([]);
    for (const domain of domains) expect(domain.state).toBe(domain.name === 'c' ? 'shut off' : 'running');
    expect((await vms.qemuProcess('kvm2', 'd')).cmdline).toContain('-incoming');
    await vms.withInventory(async (inventory) => {
      expect((await inventory.hosts.require(ids.kvm1!)).maintenance).toBe(true);
      expect((await inventory.vmPlacements.list({ hostId: ids.kvm1 })).map((placement) => placement.name)).toEqual([]);
    });
    await tf.expectEmptyPlan();
  });

  it('rejects bad input and a name a foreign domain holds, at plan time, on the attribute', async () => {
    const invalid = [
      ['name', 'name = "1234"'],
      ['vcpus', 'vcpus = 0'],
      ['description', 'description = "bell\\u0007"'],
    ] as const;
    const blocks = invalid.map(
      ([attribute, line], index) =>
        `resource "virtplane_vm" "bad${index}" {\n  ${attribute === 'name' ? line : `name = "bad${index}"`}\n  cluster_id = virtplane_cluster.main.id\n  memory_mib = 32\n${attribute === 'name' ? '' : `  ${line}\n`}}\n`,
    );
    const text = blocks.join('');
    await tf.writeConfig(text, 'bad.tf');
    const validation = await tf.plan([], { allowFailure: true });
    expect(validation.result.exitCode).toBe(1);
    const lines = text.split('\n');
    for (const [index, [attribute, line]] of invalid.entries()) {
      const lineNumber = lines.findIndex((candidate) => candidate.trim() === line) + 1;
      expect(validation.result.stderr).toContain(`on bad.tf line ${lineNumber}, in resource "virtplane_vm" "bad${index}":`);
      expect(validation.result.stderr).toMatch(new RegExp(`Invalid (value for|VM) ${attribute === 'name' ? 'name' : attribute}`));
    }

    const kvm = await hostHasKvm(vms.pool, vms.endpoint('kvm2'));
    await vms.pool.exec(vms.endpoint('kvm2'), ['virsh', '-q', 'define', '/dev/stdin'], { stdin: tinyDomainXml(names.foreign, { memoryMib: 32, kvm }) });
    await tf.writeConfig(
      `resource "virtplane_vm" "huge" {\n  name       = "huge"\n  cluster_id = virtplane_cluster.main.id\n  memory_mib = 4000000\n}\n` +
        `resource "virtplane_vm" "clash" {\n  name       = ${hclString(names.foreign)}\n  cluster_id = virtplane_cluster.main.id\n  memory_mib = 32\n}\n` +
        `resource "virtplane_vm" "foreign" {\n  name       = "foreign"\n  cluster_id = virtplane_cluster.main.id\n  memory_mib = 32\n}\n`,
      'bad.tf',
    );
    const planned = await tf.plan([], { allowFailure: true });
    expect(planned.result.exitCode).toBe(1);
    expect(planned.result.stderr).toMatch(/in resource "virtplane_vm" "huge":\n\s+4:\s+memory_mib = 4000000\n\n[^\n]*cluster "main"[\s\S]*?MiB short/);
    expect(planned.result.stderr).toMatch(new RegExp(`in resource "virtplane_vm" "clash":\\n\\s+7:\\s+name\\s+= "${names.foreign}"[\\s\\S]*?kvm2`));
    const imported = await tf.import('virtplane_vm.foreign', `kvm2/${names.foreign}`, { allowFailure: true });
    expect(imported.exitCode).toBe(1);
    expect(imported.stderr).toMatch(/not created by virtplane/);
    await tf.writeConfig('', 'bad.tf');
  });

  it('destroys the VMs, leaving no domain on any host; the disk and the foreign domain stay', async () => {
    const foreign = await vms.virsh('kvm2', ['dumpxml', '--inactive', names.foreign]);
    await configure({ vms: {} });
    await tf.apply();
    expect(await vms.domainsOf(clusterId!)).toEqual([]);
    await vms.withInventory(async (inventory) => expect(await inventory.vmPlacements.list({ clusterId: clusterId! })).toEqual([]));
    expect((await tf.stateAttributes('virtplane_disk', 'lun1')).lun).toBe(1);
    const pool = await vms.virsh('kvm1', ['vol-list', names.domain]);
    expect(pool).toContain('unit:0:0:1');
    expect(await vms.virsh('kvm2', ['dumpxml', '--inactive', names.foreign])).toBe(foreign);
  });
});

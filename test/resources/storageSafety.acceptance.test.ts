/**
 * Shared-storage safety against the lab, with the real terraform binary: one writer per disk (a second
 * VM on a disk refused at plan, a shareable raw disk attached by two running VMs with <shareable/>,
 * shareable refused on qcow2), a VM defined on two hosts reported by refresh, a target that holds a
 * protected disk neither replaced nor destroyed (its LUN file stays), a target's own
 * deletion_protection, a disk some domain still uses not deleted, and a storage domain whose CHAP
 * password is not its target's refused at plan.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDomainXml } from '../../lib/backends/libvirt/domainXml.js';
import { IscsiTargetManager } from '../../lib/backends/iscsi/index.js';
import { buildProvider, createTerraformWorkspace, type TerraformResult, type TerraformWorkspace } from '../support/terraform.js';
import { useLab, type TestLab } from '../support/lab.js';
import { hclString, platformHcl } from '../support/platformHcl.js';
import { hostHasKvm, tinyDomainModel } from '../support/tinyDomain.js';
import { VmTestLab } from './vm/testLab.js';

let lab: TestLab;
let tf: TerraformWorkspace;
let vms: VmTestLab;
let kvm = false;
let clusterId: string | undefined;

const tag = randomBytes(3).toString('hex');
const iqn = `iqn.2025-01.dev.virtplane.test:safe-${tag}`;
const iqn2 = `iqn.2025-01.dev.virtplane.test:safe2-${tag}`;
const names = { san: `vpa-san-${tag}`, dir: `vpa-dir-${tag}`, hand: `vpa-hand-${tag}` };
const dirPath = `/tmp/vpa-safe-${tag}`;
const chapUser = `vpa${tag}`;
const chapPassword = randomBytes(12).toString('hex');

interface Options {
  /** Extra HCL (the refused additions). */
  readonly extra?: string;
  /** false: the disk nobody in this configuration attaches is gone from it. */
  readonly loose?: boolean;
  /** false: the protections are lifted (to tear down). */
  readonly protect?: boolean;
}

function config(options: Options = {}): string {
  const protect = options.protect ?? true;
  const vm = (name: string, host: string, disks: readonly string[]): string => `
resource "virtplane_vm" "${name}" {
  name                     = "${name}"
  cluster_id               = virtplane_cluster.main.id
  host_id                  = virtplane_host.${host}.id
  vcpus                    = 1
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 1
${disks.map((disk) => `  disk {\n    disk_id = virtplane_disk.${disk}.id\n  }\n`).join('')}}
`;
  return `${tf.requiredProviders()}${platformHcl(lab.lab, { inventory: join(tf.root, 'inventory') })}
resource "virtplane_iscsi_target" "t" {
  server_address  = ${hclString(lab.lab.storage.address)}
  server_host_key = ${hclString(lab.lab.storage.hostKey)}
  iqn             = ${hclString(iqn)}
  chap_username   = ${hclString(chapUser)}
  chap_password   = ${hclString(chapPassword)}
  lun {
    lun      = 1
    size_mib = 4
  }
}

resource "virtplane_iscsi_target" "t2" {
  server_address      = ${hclString(lab.lab.storage.address)}
  server_host_key     = ${hclString(lab.lab.storage.hostKey)}
  iqn                 = ${hclString(iqn2)}
  deletion_protection = ${protect}
}

resource "virtplane_storage_domain" "san" {
  name            = ${hclString(names.san)}
  datacenter_id   = virtplane_datacenter.dc.id
  type            = "iscsi"
  iscsi_target_id = virtplane_iscsi_target.t.id
  chap_username   = virtplane_iscsi_target.t.chap_username
  chap_password   = virtplane_iscsi_target.t.chap_password
  depends_on      = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_storage_domain" "dir" {
  name          = ${hclString(names.dir)}
  datacenter_id = virtplane_datacenter.dc.id
  type          = "dir"
  path          = ${hclString(dirPath)}
  shared        = true
  depends_on    = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_disk" "prot" {
  name                = "prot"
  storage_domain_id   = virtplane_storage_domain.san.id
  lun                 = 1
  deletion_protection = ${protect}
}

resource "virtplane_disk" "shared" {
  name              = "shared"
  storage_domain_id = virtplane_storage_domain.dir.id
  size_mib          = 4
  format            = "raw"
  shareable         = true
}

resource "virtplane_disk" "solo" {
  name              = "solo"
  storage_domain_id = virtplane_storage_domain.dir.id
  size_mib          = 4
}
${
  options.loose === false
    ? ''
    : `
resource "virtplane_disk" "loose" {
  name              = "loose"
  storage_domain_id = virtplane_storage_domain.dir.id
  size_mib          = 4
  format            = "raw"
}
`
}${vm('a', 'kvm1', ['solo', 'shared'])}${vm('b', 'kvm2', ['shared'])}${options.extra ?? ''}`;
}

/** Terraform's errors, whitespace collapsed (it wraps them at 80 columns). */
function errorsOf(result: TerraformResult): string[] {
  return result.stderr
    .split(/^Error: /m)
    .slice(1)
    .map((error) => error.replace(/[│\s]+/g, ' '));
}

function errorAbout(result: TerraformResult, resource: string): string {
  return errorsOf(result).find((error) => error.includes(`with ${resource},`)) ?? `(no error for ${resource} in: ${result.stderr})`;
}

async function storageRun(argv: readonly string[]): Promise<string> {
  return (await vms.pool.exec(lab.storage, argv)).stdout;
}

beforeAll(async () => {
  lab = await useLab();
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  vms = new VmTestLab(lab, join(tf.root, 'inventory'));
  kvm = await hostHasKvm(vms.pool, lab.hosts[0]!);
  await tf.writeConfig(config());
  await tf.init();
});

afterAll(async () => {
  for (const host of ['kvm1', 'kvm2']) await vms?.virsh(host, ['undefine', names.hand], true).catch(() => undefined);
  if (tf) {
    await tf.writeConfig(config({ protect: false }));
    await tf.apply([], { allowFailure: true });
    await tf.destroy({ allowFailure: true });
  }
  await vms?.cleanup(clusterId, { pools: [names.san, names.dir], targetIqn: iqn });
  await new IscsiTargetManager(vms.pool, lab.storage).delete(iqn2, { force: true }).catch(() => undefined);
  await tf?.cleanup();
});

describe('shared-storage safety against the lab', () => {
  it('runs two VMs on one shareable raw disk, each domain with <shareable/>', async () => {
    await tf.apply();
    clusterId = String((await tf.stateAttributes('virtplane_cluster', 'main')).id);
    const domains = await vms.domainsOf(clusterId);
    expect(domains.map((domain) => `${domain.name}@${domain.host}:${domain.state}`).sort()).toEqual(['a@kvm1:running', 'b@kvm2:running']);
    const sharedPath = `${dirPath}/shared.img`;
    for (const [name, host] of [
      ['a', 'kvm1'],
      ['b', 'kvm2'],
    ] as const) {
      const xml = await vms.virsh(host, ['dumpxml', name]);
      const disk = /<disk[^>]*>(?:(?!<\/disk>)[\s\S])*shared\.img(?:(?!<\/disk>)[\s\S])*<\/disk>/.exec(xml)?.[0] ?? '';
      expect(disk).toContain(sharedPath);
      expect(disk).toMatch(/<shareable\s*\/>/);
    }
    // The exclusive disk has no <shareable/>.
    const aXml = await vms.virsh('kvm1', ['dumpxml', 'a']);
    const solo = /<disk[^>]*>(?:(?!<\/disk>)[\s\S])*solo\.qcow2(?:(?!<\/disk>)[\s\S])*<\/disk>/.exec(aXml)?.[0] ?? '';
    expect(solo).toContain('solo.qcow2');
    expect(solo).not.toMatch(/shareable/);
    await tf.expectEmptyPlan();
  });

  describe('refused at plan', () => {
    let refused: TerraformResult;
    beforeAll(async () => {
      await tf.writeConfig(
        config({
          extra: `
resource "virtplane_vm" "c" {
  name                     = "c"
  cluster_id               = virtplane_cluster.main.id
  host_id                  = virtplane_host.kvm2.id
  vcpus                    = 1
  memory_mib               = 32
  graphics                 = "none"
  running                  = false
  disk {
    disk_id = virtplane_disk.solo.id
  }
}

resource "virtplane_disk" "qshared" {
  name              = "qshared"
  storage_domain_id = virtplane_storage_domain.dir.id
  size_mib          = 4
  format            = "qcow2"
  shareable         = true
}

resource "virtplane_storage_domain" "wrong" {
  name            = "${names.san}-w"
  datacenter_id   = virtplane_datacenter.dc.id
  type            = "iscsi"
  iscsi_target_id = virtplane_iscsi_target.t.id
  chap_username   = ${hclString(chapUser)}
  chap_password   = "not-the-target-secret"
}
`,
        }),
      );
      refused = (await tf.plan([], { allowFailure: true })).result;
      await tf.writeConfig(config());
    });

    it('refuses a second VM on a disk that is not shareable, naming the VM and host that use it', () => {
      expect(refused.exitCode).toBe(1);
      expect(errorAbout(refused, 'virtplane_vm.c')).toMatch(
        /^Disk already in use .*disk_id = virtplane_disk\.solo\.id .*solo\.qcow2 is used by VM a on kvm1 \(running\)\..*set shareable = true/,
      );
    });

    it('refuses shareable on a qcow2 disk, on the shareable attribute', () => {
      expect(errorAbout(refused, 'virtplane_disk.qshared')).toMatch(/^A shareable disk must be raw .*shareable = true/);
    });

    it("refuses a storage domain whose CHAP password is not its target's, on chap_password, and leaves the target's secret alone", async () => {
      expect(errorAbout(refused, 'virtplane_storage_domain.wrong')).toMatch(/^CHAP password differs from the target's .*chap_password = /);
      const compared = await new IscsiTargetManager(vms.pool, lab.storage).compareChap(iqn, { username: chapUser, password: chapPassword });
      expect(compared.outcome).toBe('match');
    });
  });

  it('refuses to replace or destroy a target that holds a protected disk, naming the disk; the LUN file stays', async () => {
    const before = await new IscsiTargetManager(vms.pool, lab.storage).get(iqn);
    const lunFile = before?.luns.find((lun) => lun.lun === 1)?.path;
    expect(lunFile).toBeDefined();
    await storageRun(['sh', '-c', 'printf virtplane-data | dd of="$1" conv=notrunc status=none', 'sh', lunFile!]);

    const replaced = (await tf.plan(['-replace=virtplane_iscsi_target.t'], { allowFailure: true })).result;
    expect(replaced.exitCode).toBe(1);
    expect(errorAbout(replaced, 'virtplane_iscsi_target.t')).toMatch(
      /^Target holds protected disks .*Replacing target .* disk prot \(LUN 1 of storage domain vpa-san-/,
    );

    // Destroying everything, the disk refuses first. A disk kept in another state (here: removed from this
    // one, still in the shared inventory) is guarded by the target itself.
    const everything = (await tf.plan(['-destroy'], { allowFailure: true })).result;
    expect(everything.exitCode).toBe(1);
    expect(errorAbout(everything, 'virtplane_disk.prot')).toMatch(/^Disk protected from deletion/);
    const protId = String((await tf.stateAttributes('virtplane_disk', 'prot')).id);
    await tf.run(['state', 'rm', 'virtplane_disk.prot']);
    try {
      const destroyed = (await tf.plan(['-destroy', '-target=virtplane_iscsi_target.t'], { allowFailure: true })).result;
      expect(destroyed.exitCode).toBe(1);
      expect(errorAbout(destroyed, 'virtplane_iscsi_target.t')).toMatch(/^Target holds protected disks .*Destroying target .* disk prot \(LUN 1/);
    } finally {
      await tf.import('virtplane_disk.prot', protId);
    }

    const after = await new IscsiTargetManager(vms.pool, lab.storage).get(iqn);
    expect(after?.luns.find((lun) => lun.lun === 1)?.sizeBytes).toBe(4 * 1024 * 1024);
    expect(await storageRun(['head', '-c', '14', lunFile!])).toBe('virtplane-data');
  });

  it('refuses to destroy a target with deletion_protection, on that attribute', async () => {
    const refused = (await tf.plan(['-destroy', '-target=virtplane_iscsi_target.t2'], { allowFailure: true })).result;
    expect(refused.exitCode).toBe(1);
    expect(errorAbout(refused, 'virtplane_iscsi_target.t2')).toMatch(/^Target protected from deletion .*deletion_protection = true/);
    expect(await new IscsiTargetManager(vms.pool, lab.storage).get(iqn2)).toBeDefined();
  });

  it('does not delete a disk that a domain still uses, naming it and its host', async () => {
    const model = tinyDomainModel(names.hand, { kvm, memoryMib: 32 });
    const xml = buildDomainXml({
      ...model,
      disks: [{ device: 'disk', format: 'raw', source: { kind: 'file', path: `${dirPath}/loose.img` }, target: { dev: 'vda', bus: 'virtio' } }],
    });
    await vms.pool.exec(vms.endpoint('kvm2'), ['virsh', '-q', 'define', '/dev/stdin'], { stdin: xml });
    await tf.writeConfig(config({ loose: false }));
    const refused = await tf.apply([], { allowFailure: true });
    expect(refused.exitCode).toBe(1);
    expect(errorsOf(refused).find((error) => error.startsWith('Disk in use')) ?? refused.stderr).toMatch(
      new RegExp(`^Disk in use loose is used by VM ${names.hand} on kvm2 \\(shut off\\)`),
    );
    expect(await vms.pool.exec(vms.endpoint('kvm1'), ['ls', dirPath]).then((result) => result.stdout)).toContain('loose.img');

    await vms.virsh('kvm2', ['undefine', names.hand]);
    await tf.apply();
    expect(await vms.pool.exec(vms.endpoint('kvm1'), ['ls', dirPath]).then((result) => result.stdout)).not.toContain('loose.img');
  });

  it('reports a VM defined on two hosts at refresh, naming both, and starts neither copy', async () => {
    const xml = await vms.virsh('kvm2', ['dumpxml', '--inactive', 'b']);
    await vms.pool.exec(vms.endpoint('kvm1'), ['virsh', '-q', 'define', '/dev/stdin'], { stdin: xml });
    try {
      const refreshed = (await tf.plan([], { allowFailure: true })).result;
      expect(refreshed.exitCode).toBe(1);
      expect(errorAbout(refreshed, 'virtplane_vm.b')).toMatch(/^VM defined on several hosts .*VM b \(.*\) is defined on kvm\d \(.*\) and kvm\d \(.*\)/);
      expect(errorAbout(refreshed, 'virtplane_vm.b')).toMatch(/kvm1/);
      expect(errorAbout(refreshed, 'virtplane_vm.b')).toMatch(/kvm2/);
      const refused = await tf.apply([], { allowFailure: true });
      expect(refused.exitCode).toBe(1);
      expect(await vms.virsh('kvm1', ['domstate', 'b'])).toMatch(/shut off/);
    } finally {
      await vms.virsh('kvm1', ['undefine', 'b']);
    }
    await tf.expectEmptyPlan();
  });
});

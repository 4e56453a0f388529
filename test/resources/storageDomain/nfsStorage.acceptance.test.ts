/**
 * NFS storage domains on the lab (issue 18), through real Terraform: the lab's storage machine serves
 * an export with nfs-ganesha, and the two hosts reach it in user space only (this kernel has no NFS
 * client: nothing is mounted anywhere). An nfs domain on both hosts, a qcow2 disk and a thin clone of
 * an image on it, a diskless-at-the-BIOS VM whose disk is an NFS network disk; then the provider
 * checklist: empty plan, live migration between the hosts (the storage is shared), a live grow,
 * import to the same state, out-of-band changes seen by the plan (a host that lost the export, a disk
 * file deleted), bad input with attribute paths, and a destroy that leaves nothing on the export.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshPool, type SshEndpoint } from '../../../lib/backends/ssh/index.js';
import { buildProvider, createTerraformWorkspace, type TerraformWorkspace } from '../../support/terraform.js';
import { useLab, type TestLab } from '../../support/lab.js';
import { blockNfs as blockNfsFrom, exportFiles as exportFilesAsSeen, labExportUrl } from '../../support/nfsExport.js';
import { hclString, platformHcl } from '../../support/platformHcl.js';
import { runCli } from '../../support/cli.js';
import { openInventory } from '../../../lib/inventory/index.js';

const tag = randomBytes(3).toString('hex');
const names = { domain: `nfs-${tag}`, vm: `vm-${tag}`, image: `img-${tag}` };
const WITH_IMAGES = process.env.NFS_TEST_IMAGES !== '0';
const files = [`data-${tag}.qcow2`, `spare-${tag}.img`, ...(WITH_IMAGES ? [`clone-${tag}.qcow2`, `${names.image}.image`] : [])];
const ssh = new SshPool();
const imageFile = join('/tmp', `virtplane-nfs-test-${tag}.qcow2`);
let lab: TestLab;
let tf: TerraformWorkspace;
let exportUrl: string;
let imageSha256 = '';

interface Scenario {
  readonly vmHost?: 'kvm1' | 'kvm2';
  readonly dataMiB?: number;
  /** Another inventory folder than the test's own. */
  readonly inventory?: string;
}

function config(scenario: Scenario = {}): string {
  const storage = lab.lab.storage;
  return `${tf.requiredProviders()}${platformHcl(lab.lab, { inventory: scenario.inventory ?? join(tf.root, 'inventory') })}
resource "virtplane_storage_domain" "nfs" {
  name          = ${hclString(names.domain)}
  datacenter_id = virtplane_datacenter.dc.id
  type          = "nfs"
  server        = ${hclString(storage.address)}
  export        = ${hclString(storage.nfsExport ?? '')}
  depends_on    = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_disk" "data" {
  name              = "data-${tag}"
  storage_domain_id = virtplane_storage_domain.nfs.id
  size_mib          = ${scenario.dataMiB ?? 16}
}

resource "virtplane_disk" "spare" {
  name              = "spare-${tag}"
  storage_domain_id = virtplane_storage_domain.nfs.id
  size_mib          = 8
  format            = "raw"
}

${
  WITH_IMAGES
    ? `resource "virtplane_image" "base" {
  name              = ${hclString(names.image)}
  storage_domain_id = virtplane_storage_domain.nfs.id
  source            = ${hclString(imageFile)}
  sha256            = ${hclString(imageSha256)}
}

resource "virtplane_disk" "clone" {
  name              = "clone-${tag}"
  storage_domain_id = virtplane_storage_domain.nfs.id
  source_image_id   = virtplane_image.base.id
  size_mib          = 32
}
`
    : ''
}
resource "virtplane_vm" "vm" {
  name                     = ${hclString(names.vm)}
  cluster_id               = virtplane_cluster.main.id
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 0
  host_id                  = virtplane_host.${scenario.vmHost ?? 'kvm1'}.id
  disk {
    disk_id = virtplane_disk.data.id
  }
${WITH_IMAGES ? '  disk {\n    disk_id = virtplane_disk.clone.id\n  }\n' : ''}}
`;
}

function host(name: string): SshEndpoint {
  const found = lab.hosts.find((endpoint) => endpoint.name === name);
  if (!found) throw new Error(`no lab host ${name}`);
  return found;
}

async function run(name: string, argv: readonly string[]): Promise<string> {
  return (await ssh.exec(host(name), argv, { allowExitCodes: [0, 1, 2] })).stdout;
}

function exportFiles(from = 'kvm2'): Promise<string[]> {
  return exportFilesAsSeen((argv) => run(from, argv), exportUrl);
}

function blockNfs(name: string, blocked: boolean): Promise<void> {
  return blockNfsFrom((argv) => run(name, argv), lab.lab, blocked);
}

beforeAll(async () => {
  lab = await useLab();
  exportUrl = labExportUrl(lab.lab);
  // A small qcow2 image made on this machine, uploaded by virtplane_image onto the export.
  const { execFileSync } = await import('node:child_process');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', imageFile, '24M']);
  imageSha256 = createHash('sha256')
    .update(await readFile(imageFile))
    .digest('hex');
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  await tf.writeConfig(config());
  await tf.init();
}, 600_000);

afterAll(async () => {
  await tf?.writeConfig(config());
  await tf?.destroy({ allowFailure: true });
  await tf?.cleanup();
  for (const name of ['kvm1', 'kvm2']) await blockNfs(name, false).catch(() => undefined);
  await rm(imageFile, { force: true });
  await ssh.close();
}, 300_000);

describe('an NFS storage domain on two hosts', () => {
  it('applies: the domain on both hosts, the volumes files on the export, the VM running with NFS network disks', async () => {
    const applied = await tf.apply([], { timeoutMs: 600_000 });
    expect(applied.exitCode).toBe(0);
    await tf.expectEmptyPlan();
    const domain = await tf.stateAttributes('virtplane_storage_domain', 'nfs');
    expect(domain).toMatchObject({ type: 'nfs', server: lab.lab.storage.address, export: lab.lab.storage.nfsExport, nfs_version: 3, shared: true });
    expect(domain.hosts).toEqual(['kvm1', 'kvm2']);
    const data = await tf.stateAttributes('virtplane_disk', 'data');
    expect(data).toMatchObject({ size_mib: 16, format: 'qcow2', path: `${exportUrl}data-${tag}.qcow2` });
    expect(await exportFiles()).toEqual(expect.arrayContaining(files));
    // The clone is an overlay on the image by its nfs:// URL; what qemu-img reads over NFS says so.
    if (WITH_IMAGES) {
      const info = JSON.parse(await run('kvm2', ['qemu-img', 'info', '-U', '--output=json', `${exportUrl}clone-${tag}.qcow2`])) as Record<string, unknown>;
      expect(info['backing-filename']).toBe(`${exportUrl}${names.image}.image`);
      expect(info['virtual-size']).toBe(32 * 1024 * 1024);
    }
    expect(await run('kvm1', ['virsh', 'domstate', names.vm])).toContain('running');
    const xml = await run('kvm1', ['virsh', 'dumpxml', names.vm]);
    expect(xml).toMatch(new RegExp(`<source protocol='nfs' name='${lab.lab.storage.nfsExport}/data-${tag}\\.qcow2'`));
  }, 700_000);

  it('live-migrates the VM to the other host (shared storage), announced as a live migration', async () => {
    await tf.writeConfig(config({ vmHost: 'kvm2' }));
    const { result } = await tf.plan();
    expect(result.stdout).toMatch(/moves from kvm1 to kvm2 by live migration/);
    const applied = await tf.apply();
    expect(applied.stdout + applied.stderr).not.toContain('Unsafe migration');
    expect(await run('kvm2', ['virsh', 'domstate', names.vm])).toContain('running');
    expect(await run('kvm1', ['virsh', '-q', 'list', '--all', '--name'])).not.toContain(names.vm);
    await tf.expectEmptyPlan();
  }, 300_000);

  it('grows the running VM’s NFS disk live: the guest sees the new size', async () => {
    await tf.writeConfig(config({ vmHost: 'kvm2', dataMiB: 24 }));
    await tf.apply();
    expect(await run('kvm2', ['virsh', 'domblkinfo', names.vm, 'vda'])).toMatch(new RegExp(`Capacity:\\s+${24 * 1024 * 1024}\\b`));
    expect((await tf.stateAttributes('virtplane_disk', 'data')).size_mib).toBe(24);
    await tf.expectEmptyPlan();
  }, 300_000);

  it('imports the domain and the disks to the same state', async () => {
    const addresses = ['virtplane_storage_domain.nfs', 'virtplane_disk.data', 'virtplane_disk.spare'];
    const before: Record<string, Record<string, unknown>> = {};
    for (const address of addresses) {
      const [type, name] = address.split('.') as [string, string];
      before[address] = await tf.stateAttributes(type, name);
    }
    await tf.run(['state', 'rm', ...addresses]);
    await tf.writeConfig(
      addresses.map((address) => `import {\n  to = ${address}\n  id = ${hclString(String(before[address]!.id))}\n}\n`).join(''),
      'imports.tf',
    );
    const plan = await tf.planJson();
    for (const address of addresses) {
      const change = plan.resource_changes?.find((candidate) => candidate.address === address);
      expect({ address, ...change?.change.before }).toEqual({ address, ...before[address] });
    }
    await tf.apply();
    await rm(join(tf.dir, 'imports.tf'));
    await tf.expectEmptyPlan();
  }, 300_000);

  it('sees out-of-band changes: a host that lost the export, a disk file deleted on it; apply puts them back', async () => {
    await blockNfs('kvm1', true);
    try {
      expect((await tf.stateAttributes('virtplane_storage_domain', 'nfs')).hosts).toEqual(['kvm1', 'kvm2']);
      const { result } = await tf.plan(['-refresh-only']);
      expect(result.stdout).toMatch(/hosts[\s\S]*-\s*"kvm1"/);
      // Applying now cannot put it back: the apply says which host cannot reach the export, on export.
      const failed = await tf.apply([], { allowFailure: true });
      expect(failed.exitCode).not.toBe(0);
      expect(failed.stderr).toContain('NFS export unreachable (kvm1)');
    } finally {
      await blockNfs('kvm1', false);
    }
    await tf.apply();
    expect((await tf.stateAttributes('virtplane_storage_domain', 'nfs')).hosts).toEqual(['kvm1', 'kvm2']);
    // The spare disk's file deleted on the server: the plan recreates the disk.
    await run('kvm1', [
      'python3',
      '-c',
      'import ctypes,sys; l=ctypes.CDLL("libnfs.so.13"); l.nfs_init_context.restype=ctypes.c_void_p; n=ctypes.c_void_p(l.nfs_init_context()); assert l.nfs_mount(n, sys.argv[1].encode(), sys.argv[2].encode())==0; assert l.nfs_unlink(n, sys.argv[3].encode())==0',
      lab.lab.storage.address,
      lab.lab.storage.nfsExport!,
      `/spare-${tag}.img`,
    ]);
    expect(await exportFiles()).not.toContain(`spare-${tag}.img`);
    const plan = await tf.planJson();
    expect(plan.resource_changes?.find((change) => change.address === 'virtplane_disk.spare')?.change.actions).toEqual(['create']);
    await tf.apply();
    expect(await exportFiles()).toContain(`spare-${tag}.img`);
    await tf.expectEmptyPlan();
  }, 400_000);

  it('refuses bad input with the attribute at fault', async () => {
    const good = config({ vmHost: 'kvm2', dataMiB: 24 });
    const cases: readonly { readonly edit: (hcl: string) => string; readonly summary: string; readonly attribute: string }[] = [
      { edit: (hcl) => hcl.replace(/  export        = .*\n/, ''), summary: 'Missing export', attribute: 'export' },
      {
        edit: (hcl) => hcl.replace('  type          = "nfs"\n', '  type          = "nfs"\n  nfs_version   = 4\n'),
        summary: 'NFS version not supported',
        attribute: 'nfs_version',
      },
      {
        edit: (hcl) => hcl.replace('  type          = "nfs"\n', '  type          = "nfs"\n  path          = "/srv"\n'),
        summary: 'path not used by an nfs storage domain',
        attribute: 'path',
      },
      {
        edit: (hcl) => hcl.replace(/export        = "[^"]*"/, 'export        = "/virtplane/../etc"'),
        summary: 'Invalid value for export',
        attribute: 'export',
      },
    ];
    for (const { edit, summary, attribute } of cases) {
      await tf.writeConfig(edit(good));
      const { result } = await tf.plan([], { allowFailure: true });
      expect(result.exitCode, summary).toBe(1);
      expect(result.stderr).toContain(summary);
      expect(result.stderr).toMatch(new RegExp(`virtplane_storage_domain\\.nfs[\\s\\S]*${attribute}`));
    }
    await tf.writeConfig(good);
    await tf.expectEmptyPlan();
  }, 300_000);

  it('is registered again, server and export included, by `virtplane inventory rebuild` into an empty inventory', async () => {
    const rebuiltInventory = join(tf.root, 'rebuilt-inventory');
    const rebuilt = runCli([
      'inventory',
      'rebuild',
      '--state',
      join(tf.dir, 'terraform.tfstate'),
      '--inventory',
      rebuiltInventory,
      '--ssh-key',
      lab.lab.sshPrivateKeyFile,
    ]);
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toContain(`registered virtplane_storage_domain ${names.domain}`);
    const inventory = await openInventory(rebuiltInventory);
    try {
      const domain = (await inventory.storageDomains.list()).find((candidate) => candidate.name === names.domain);
      expect(domain).toMatchObject({ type: 'nfs', nfsServer: lab.lab.storage.address, path: lab.lab.storage.nfsExport, shared: true });
    } finally {
      await inventory.close();
    }
    // The disks, the image and the VM are read through the rebuilt domain: nothing to change.
    await tf.writeConfig(config({ vmHost: 'kvm2', dataMiB: 24, inventory: rebuiltInventory }));
    await tf.expectEmptyPlan();
    await tf.writeConfig(config({ vmHost: 'kvm2', dataMiB: 24 }));
  }, 300_000);

  it('destroys everything: no VM on the hosts, none of its files left on the export', async () => {
    await tf.destroy();
    for (const name of ['kvm1', 'kvm2']) expect(await run(name, ['virsh', '-q', 'list', '--all', '--name'])).not.toContain(names.vm);
    const left = await exportFiles('kvm1');
    for (const file of files) expect(left).not.toContain(file);
    expect(left.filter((file) => file.includes(tag))).toEqual([]);
  }, 300_000);
});

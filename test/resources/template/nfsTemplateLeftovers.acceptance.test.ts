/**
 * What a kill -9 of an NFS template's seal leaves (issue 18), made by hand as the kill leaves it
 * (cheaper than killing at the right moment): the template's settings record with this workspace's
 * mark, its hidden partial copies on the export (.NAME.template.part, .NAME.template.json.part), and
 * the seal's staging folder in the host's /var/tmp with its copy still mounted from a loop device.
 * The next apply of the same workspace makes the template (sealed from a small ext4 disk: no guest
 * boots) and removes all of it; the plan is then empty; destroy removes such leftovers too and leaves
 * nothing of the test on the export or in /var/tmp.
 */
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshPool, type SshEndpoint } from '../../../lib/backends/ssh/index.js';
import { stagingFolderFor } from '../../../lib/backends/nfs/index.js';
import { workspaceToken } from '../../../lib/resources/context/workspace.js';
import { buildProvider, createTerraformWorkspace, type TerraformWorkspace } from '../../support/terraform.js';
import { useLab, type TestLab } from '../../support/lab.js';
import { exportFiles as exportFilesAsSeen, labExportUrl } from '../../support/nfsExport.js';
import { hclString, platformHcl } from '../../support/platformHcl.js';

const run = promisify(execFile);
const tag = Math.random().toString(16).slice(2, 8);
const names = { domain: `nfsl-${tag}`, image: `etc-${tag}`, template: `sealed-${tag}` };
const templateFile = `${names.template}.template`;
const work = join('/tmp', `virtplane-leftovers-${tag}`);
const imageFile = join(work, 'etc.qcow2');
const ssh = new SshPool();
let lab: TestLab;
let tf: TerraformWorkspace;
let exportUrl: string;
let imageSha256 = '';

function config(withTemplate: boolean): string {
  const storage = lab.lab.storage;
  return `${tf.requiredProviders()}${platformHcl(lab.lab, { inventory: join(tf.root, 'inventory') })}
resource "virtplane_storage_domain" "nfs" {
  name          = ${hclString(names.domain)}
  datacenter_id = virtplane_datacenter.dc.id
  type          = "nfs"
  server        = ${hclString(storage.address)}
  export        = ${hclString(storage.nfsExport ?? '')}
  depends_on    = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_image" "etc" {
  name              = ${hclString(names.image)}
  storage_domain_id = virtplane_storage_domain.nfs.id
  source            = ${hclString(imageFile)}
  sha256            = ${hclString(imageSha256)}
}

resource "virtplane_disk" "source" {
  name              = "src-${tag}"
  storage_domain_id = virtplane_storage_domain.nfs.id
  source_image_id   = virtplane_image.etc.id
}
${
  withTemplate
    ? `
resource "virtplane_template" "sealed" {
  name          = ${hclString(names.template)}
  datacenter_id = virtplane_datacenter.dc.id
  disk_id       = virtplane_disk.source.id
}
`
    : ''
}`;
}

function host(name: string): SshEndpoint {
  const found = lab.hosts.find((endpoint) => endpoint.name === name);
  if (!found) throw new Error(`no lab host ${name}`);
  return found;
}

async function onHost(name: string, argv: readonly string[]): Promise<string> {
  return (await ssh.exec(host(name), argv)).stdout;
}

function exportFiles(): Promise<string[]> {
  return exportFilesAsSeen((argv) => onHost('kvm2', argv), exportUrl);
}

/** Puts a small local file onto the export under `name` (from a host: nfs-cp). */
async function putOnExport(name: string, content: string): Promise<void> {
  const local = join(work, `put-${name.replace(/^\./, '')}`);
  await writeFile(local, content);
  await onHost('kvm1', ['nfs-cp', local, `${exportUrl}${name}`]);
}

function staging(): string {
  return stagingFolderFor({ server: lab.lab.storage.address, exportPath: lab.lab.storage.nfsExport ?? '' }, templateFile);
}

beforeAll(async () => {
  lab = await useLab();
  exportUrl = labExportUrl(lab.lab);
  // A 16 MiB disk whose file system has /etc: what a seal looks for, without a guest's image.
  await mkdir(join(work, 'root', 'etc'), { recursive: true });
  await writeFile(join(work, 'root', 'etc', 'machine-id'), 'f00df00df00df00df00df00df00df00d\n');
  await run('truncate', ['-s', '16M', join(work, 'etc.raw')]);
  await run('mkfs.ext4', ['-q', '-F', '-d', join(work, 'root'), join(work, 'etc.raw')]);
  await run('qemu-img', ['convert', '-O', 'qcow2', join(work, 'etc.raw'), imageFile]);
  imageSha256 = (await run('sha256sum', [imageFile])).stdout.split(/\s/)[0] ?? '';
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  await tf.writeConfig(config(false));
  await tf.init();
}, 300_000);

afterAll(async () => {
  await tf?.writeConfig(config(true));
  await tf?.destroy({ allowFailure: true });
  await tf?.cleanup();
  await onHost('kvm1', [
    'sh',
    '-c',
    `umount "${staging()}"/.seal-k/root 2>/dev/null; losetup -j "${staging()}/.seal-k/disk.raw" | cut -d: -f1 | xargs -r -n1 losetup -d; rm -rf "${staging()}"`,
  ]).catch(() => undefined);
  await rm(work, { recursive: true, force: true });
  await ssh.close();
}, 300_000);

describe("an NFS template's seal killed mid-way", () => {
  it('applies the storage domain, the image and the disk the template is sealed from', async () => {
    await tf.apply([], { timeoutMs: 300_000 });
    expect(await exportFiles()).toContain(`src-${tag}.qcow2`);
  }, 400_000);

  it('the next apply of the workspace makes the template and removes the partial copies and the staging folder (its mount, its loop device)', async () => {
    // As a kill leaves it: the record (with this workspace's mark) is written first, then the seal runs
    // in the staging folder (a copy on a loop device, mounted), then the copy goes onto the export.
    const record = {
      vcpus: 1,
      memory_mib: 512,
      graphics: 'vnc',
      description: '',
      workspace: workspaceToken({ directory: realpathSync(tf.dir), workspace: 'default' }),
    };
    await putOnExport(`${templateFile}.json`, `${JSON.stringify(record)}\n`);
    await putOnExport(`.${templateFile}.part`, 'half a copy');
    await putOnExport(`.${templateFile}.json.part`, '{"vcpus"');
    const folder = staging();
    await onHost('kvm1', [
      'sh',
      '-ec',
      `mkdir -m 0700 "$1" "$1/.seal-k" "$1/.seal-k/root"; cp --sparse=always "$2" "$1/.seal-k/disk.raw"; l=$(losetup -f --show "$1/.seal-k/disk.raw"); mount "$l" "$1/.seal-k/root"`,
      'sh',
      folder,
      join(work, 'etc.raw'),
    ]);
    expect(await onHost('kvm1', ['cat', '/proc/mounts'])).toContain(folder);
    const before = await exportFiles();
    expect(before).toEqual(expect.arrayContaining([`.${templateFile}.part`, `.${templateFile}.json.part`, `${templateFile}.json`]));

    await tf.writeConfig(config(true));
    await tf.apply([], { timeoutMs: 300_000 });
    const after = await exportFiles();
    expect(after).toContain(templateFile);
    expect(after).not.toContain(`.${templateFile}.part`);
    expect(after).not.toContain(`.${templateFile}.json.part`);
    expect(existsSync(folder)).toBe(false);
    expect(await onHost('kvm1', ['cat', '/proc/mounts'])).not.toContain(folder);
    expect(await onHost('kvm1', ['losetup', '-a'])).not.toContain(folder);
    expect(await tf.stateAttributes('virtplane_template', 'sealed')).toMatchObject({ name: names.template, virtual_size_mib: 16 });
    await tf.expectEmptyPlan();
  }, 400_000);

  it('destroys everything, leftovers included: no file of the test on the export, no staging folder', async () => {
    // Left beside the template (as a copy killed on another host would): the destroy removes them too.
    await putOnExport(`.${templateFile}.part`, 'half a copy');
    await onHost('kvm2', ['sh', '-ec', 'mkdir -m 0700 "$1" && echo x > "$1/x"', 'sh', staging()]);
    await tf.destroy();
    expect((await exportFiles()).filter((file) => file.includes(tag))).toEqual([]);
    expect(existsSync(staging())).toBe(false);
  }, 300_000);
});

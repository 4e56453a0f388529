/**
 * A disk moved to another storage domain in place (issue 18), through real Terraform on the lab: a disk
 * on a LUN of the lab's iSCSI target, attached to a running VM (a 32 MiB guest at the BIOS: its disk is
 * written through its own QEMU, HMP qemu-io, while the copy runs), moved onto an NFS domain with
 * blockcopy and a pivot. Proves: same QEMU process (no restart), data written before and during the
 * copy read back from the NFS file, the LUN let go (still on its target), the VM's disk an NFS network
 * disk, empty plan, the domain still stops and starts (no lockd lease left behind). A move that fails
 * (NFS blocked from the VM's host) leaves the VM on its LUN, nothing lost, the move still planned.
 * A move onto a LUN smaller than the disk and a thin clone's move are refused at plan with the attribute
 * path (the other refusals onto a LUN: move.test.ts). A second VM's disk on the sata bus moves while the VM
 * is stopped (qemu-img; its definition switched, same data, the old file gone), then back while it runs: the
 * plan announces no restart and the apply makes none (the block copy's pivot switches a sata disk as it does
 * a virtio one). Then onto LUNs: the running VM's dir disk onto a LUN of its size (block copy, data written
 * during it read back from the LUN's backing file on the storage server), and in the same apply a qcow2 disk
 * no VM uses onto another (qemu-img, converted to raw); the old files gone, empty plan, import gives the
 * same state.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshPool, type SshEndpoint } from '../../../lib/backends/ssh/index.js';
import { buildProvider, createTerraformWorkspace, type TerraformWorkspace } from '../../support/terraform.js';
import { useLab, type TestLab } from '../../support/lab.js';
import { blockNfs as blockNfsFrom, exportFiles as exportFilesAsSeen, labExportUrl } from '../../support/nfsExport.js';
import { hclString, platformHcl } from '../../support/platformHcl.js';
import { managedFileOf } from '../../../lib/backends/iscsi/index.js';
import { childrenOf, stragglersAfter } from '../../support/processes.js';

const tag = randomBytes(3).toString('hex');
const names = { nfs: `mvn-${tag}`, iscsi: `mvi-${tag}`, dir: `mvd-${tag}`, vm: `mv-${tag}`, image: `mvimg-${tag}`, sataVm: `mvs-${tag}` };
const dirPath = `/tmp/vpmove-${tag}`;
const iqn = `iqn.2025-01.dev.virtplane.test:move-${tag}`;
const imageFile = join('/tmp', `virtplane-move-test-${tag}.qcow2`);
const ssh = new SshPool();
const MIB = 1024 * 1024;
let lab: TestLab;
let tf: TerraformWorkspace;
let exportUrl: string;
let imageSha256 = '';

interface Scenario {
  /** Where disk "data" lives. */
  readonly data?: 'iscsi' | 'nfs' | 'dir';
  readonly spare?: 'dir' | 'iscsi' | 'nfs';
  readonly clone?: 'dir' | 'nfs';
  /** The LUNs of the data and spare disks when on the iscsi domain. */
  readonly dataLun?: number;
  readonly spareLun?: number;
  /** A second VM, its disk on the sata bus in this domain. */
  readonly sata?: { readonly domain: 'dir' | 'nfs'; readonly running: boolean };
}

function sataVmHcl(sata: Scenario['sata']): string {
  if (sata === undefined) return '';
  return `
resource "virtplane_disk" "sata" {
  name              = "sata-${tag}"
  storage_domain_id = virtplane_storage_domain.${sata.domain}.id
  format            = "raw"
  size_mib          = 8
}

resource "virtplane_vm" "sata" {
  name                     = ${hclString(names.sataVm)}
  cluster_id               = virtplane_cluster.main.id
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 0
  host_id                  = virtplane_host.kvm1.id
  running                  = ${sata.running}
  disk {
    disk_id = virtplane_disk.sata.id
    bus     = "sata"
  }
}
`;
}

function config(scenario: Scenario = {}): string {
  const storage = lab.lab.storage;
  const data = scenario.data ?? 'iscsi';
  return `${tf.requiredProviders()}${platformHcl(lab.lab, { inventory: join(tf.root, 'inventory') })}
resource "virtplane_iscsi_target" "t" {
  server_address  = ${hclString(storage.address)}
  server_host_key = ${hclString(storage.hostKey)}
  iqn             = ${hclString(iqn)}
  lun {
    lun      = 1
    size_mib = 16
  }
  lun {
    lun      = 2
    size_mib = 16
  }
  lun {
    lun      = 3
    size_mib = 8
  }
  lun {
    lun      = 4
    size_mib = 4
  }
}

resource "virtplane_storage_domain" "iscsi" {
  name            = ${hclString(names.iscsi)}
  datacenter_id   = virtplane_datacenter.dc.id
  type            = "iscsi"
  iscsi_target_id = virtplane_iscsi_target.t.id
  depends_on      = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_storage_domain" "nfs" {
  name          = ${hclString(names.nfs)}
  datacenter_id = virtplane_datacenter.dc.id
  type          = "nfs"
  server        = ${hclString(storage.address)}
  export        = ${hclString(storage.nfsExport ?? '')}
  depends_on    = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_storage_domain" "dir" {
  name          = ${hclString(names.dir)}
  datacenter_id = virtplane_datacenter.dc.id
  type          = "dir"
  path          = ${hclString(dirPath)}
  shared        = true # /tmp: every lab host sees it
  depends_on    = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_disk" "data" {
  name              = "data-${tag}"
  storage_domain_id = virtplane_storage_domain.${data}.id
${data === 'iscsi' ? `  lun               = ${scenario.dataLun ?? 1}\n` : '  format            = "raw"\n'}}

resource "virtplane_disk" "spare" {
  name              = "spare-${tag}"
  storage_domain_id = virtplane_storage_domain.${scenario.spare ?? 'dir'}.id
  size_mib          = 8
${scenario.spare === 'iscsi' ? `  lun               = ${scenario.spareLun ?? 3}\n` : ''}}

resource "virtplane_image" "base" {
  name              = ${hclString(names.image)}
  storage_domain_id = virtplane_storage_domain.dir.id
  source            = ${hclString(imageFile)}
  sha256            = ${hclString(imageSha256)}
}

resource "virtplane_disk" "clone" {
  name              = "clone-${tag}"
  storage_domain_id = virtplane_storage_domain.${scenario.clone ?? 'dir'}.id
  source_image_id   = virtplane_image.base.id
  size_mib          = 24
}

resource "virtplane_vm" "vm" {
  name                     = ${hclString(names.vm)}
  cluster_id               = virtplane_cluster.main.id
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 0
  host_id                  = virtplane_host.kvm1.id
  disk {
    disk_id = virtplane_disk.data.id
  }
}
${sataVmHcl(scenario.sata)}`;
}

function host(name: string): SshEndpoint {
  const found = lab.hosts.find((endpoint) => endpoint.name === name);
  if (!found) throw new Error(`no lab host ${name}`);
  return found;
}

async function run(name: string, argv: readonly string[]): Promise<string> {
  return (await ssh.exec(host(name), argv, { allowExitCodes: [0, 1, 2] })).stdout;
}

/**
 * A qemu-io command run by the VM's own QEMU on its first disk (HMP, through the device's block backend:
 * what the guest would write). It prints nothing when it worked.
 */
async function guestIo(command: string): Promise<string> {
  return (
    await run('kvm1', ['virsh', 'qemu-monitor-command', names.vm, '--hmp', `qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend "${command}"`])
  ).trim();
}

/**
 * Whether guestIo's answer says the write was done: nothing, or only QEMU's report of an iSCSI unit
 * attention (a new session's first answer after a reconnect), which its iSCSI driver retries by itself.
 * The data read back afterwards is the proof.
 */
function wrote(answer: string): boolean {
  return answer.split('\n').every((line) => line.trim() === '' || /^iSCSI CheckCondition: SENSE KEY:UNIT_ATTENTION/.test(line.trim()));
}

/**
 * `terraform apply` while the VM's QEMU writes 64 KiB blocks of `pattern` from `offset` on (at most 64, one
 * every 200 ms, through guestIo) until the apply ends; returns how many were written.
 */
async function applyWhileQemuWrites(pattern: number, offset: number, label: string): Promise<number> {
  let writing = true;
  let written = 0;
  const writer = (async () => {
    while (writing && written < 64) {
      const out = await guestIo(`write -P 0x${pattern.toString(16)} ${offset + written * 65536} 64k`);
      if (wrote(out)) written++;
      else {
        process.stderr.write(`[diskMove] a write through the guest's QEMU answered: ${out}\n`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  const started = Date.now();
  await tf.apply([], { timeoutMs: 300_000 }).finally(() => {
    writing = false;
  });
  await writer;
  process.stderr.write(`[diskMove] ${label}: ${((Date.now() - started) / 1000).toFixed(1)} s, ${written} writes of 64 KiB during it\n`);
  return written;
}

/** Terraform's output with its box drawing and line wrapping undone. */
function flat(text: string): string {
  return text.replace(/│/g, ' ').replace(/\s+/g, ' ');
}

function blockNfs(name: string, blocked: boolean): Promise<void> {
  return blockNfsFrom((argv) => run(name, argv), lab.lab, blocked);
}

function exportFiles(): Promise<string[]> {
  return exportFilesAsSeen((argv) => run('kvm2', argv), exportUrl);
}

async function qemuPid(): Promise<string> {
  return (await run('kvm1', ['sh', '-c', `cat /run/libvirt/qemu/${names.vm}.pid 2>/dev/null || pgrep -f "guest=${names.vm},"`])).trim();
}

beforeAll(async () => {
  lab = await useLab();
  exportUrl = labExportUrl(lab.lab);
  const { execFileSync } = await import('node:child_process');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', imageFile, '16M']);
  imageSha256 = createHash('sha256')
    .update(await readFile(imageFile))
    .digest('hex');
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  await tf.writeConfig(config());
  await tf.init();
}, 600_000);

afterAll(async () => {
  for (const name of ['kvm1', 'kvm2']) await blockNfs(name, false).catch(() => undefined);
  await tf?.destroy({ allowFailure: true });
  await tf?.cleanup();
  await rm(imageFile, { force: true });
  await ssh.close();
}, 300_000);

describe('moving a disk to another storage domain', () => {
  it('applies: a VM running on a LUN disk, 4 MiB of data written through its QEMU', async () => {
    await tf.apply([], { timeoutMs: 600_000 });
    expect(await run('kvm1', ['virsh', 'domstate', names.vm])).toContain('running');
    expect(await run('kvm1', ['virsh', 'dumpxml', names.vm])).toContain("protocol='iscsi'");
    expect(await guestIo('write -P 0xab 0 4M')).toBe('');
  }, 700_000);

  it('refuses at plan a move onto a LUN smaller than the disk and a thin clone’s move, with the attribute path', async () => {
    await tf.writeConfig(config({ spare: 'iscsi', spareLun: 4, clone: 'nfs' }));
    const { result } = await tf.plan([], { allowFailure: true });
    expect(result.exitCode).toBe(1);
    const stderr = flat(result.stderr);
    expect(stderr).toMatch(/LUN smaller than the disk with virtplane_disk\.spare, on main\.tf line \d+, in resource "virtplane_disk" "spare": \d+: lun/);
    expect(stderr).toMatch(/spare-\w+ is 8 MiB; LUN 4 of mvi-\w+ is 4 MiB/);
    expect(stderr).toMatch(
      /A thin clone cannot move with virtplane_disk\.clone, on main\.tf line \d+, in resource "virtplane_disk" "clone": \d+: storage_domain_id/,
    );
  }, 300_000);

  it('a move that fails (NFS blocked from the VM’s host) leaves the VM on its LUN, nothing lost, the move still planned', async () => {
    await tf.writeConfig(config({ data: 'nfs' }));
    await blockNfs('kvm1', true);
    try {
      // Without a refresh: it would see kvm1 lose the export and fail the storage domain's update first.
      const failed = await tf.apply(['-refresh=false'], { allowFailure: true, timeoutMs: 300_000 });
      expect(failed.exitCode).not.toBe(0);
      expect(flat(failed.stderr)).toMatch(/Disk move failed .*VM mv-\w+ stays on the disk in mvi-\w+, which is untouched: nothing was lost/);
    } finally {
      await blockNfs('kvm1', false);
    }
    expect(await run('kvm1', ['virsh', 'domstate', names.vm])).toContain('running');
    expect(await run('kvm1', ['virsh', 'dumpxml', names.vm])).toContain("protocol='iscsi'");
    expect(await exportFiles()).not.toContain(`data-${tag}.img`);
    const { result, hasChanges } = await tf.plan();
    expect(hasChanges).toBe(true);
    expect(result.stdout).toMatch(/virtplane_disk\.data will be updated in-place/);
  }, 400_000);

  it('moves the LUN disk onto NFS while its QEMU writes: no restart, data equal, the LUN let go, empty plan after', async () => {
    const pid = await qemuPid();
    const { result } = await tf.plan();
    expect(flat(result.stdout)).toMatch(
      /Disk data-\w+ moves from storage domain mvi-\w+ to mvn-\w+ \(copied while VM mv-\w+ runs on kvm1, then switched; the LUN is let go, not deleted\)/,
    );
    // Writes through the running QEMU during the apply: 64 KiB blocks after the first 4 MiB.
    const written = await applyWhileQemuWrites(0xcd, 4 * MIB, 'apply of the move');
    expect(written).toBeGreaterThan(0);
    expect(await qemuPid()).toBe(pid);
    const xml = await run('kvm1', ['virsh', 'dumpxml', names.vm]);
    expect(xml).toMatch(new RegExp(`<source protocol='nfs' name='${lab.lab.storage.nfsExport}/data-${tag}\\.img'`));
    expect(xml).not.toContain("protocol='iscsi'");
    const inactive = await run('kvm1', ['virsh', 'dumpxml', '--inactive', names.vm]);
    expect(inactive).toMatch(new RegExp(`<source protocol='nfs' name='${lab.lab.storage.nfsExport}/data-${tag}\\.img'`));
    const data = await tf.stateAttributes('virtplane_disk', 'data');
    expect(data).toMatchObject({ path: `${exportUrl}data-${tag}.img`, format: 'raw', size_mib: 16, lun: null });
    // Read back from the NFS file itself (another host, without the guest's QEMU).
    const file = `${exportUrl}data-${tag}.img`;
    const before = await run('kvm2', ['qemu-io', '-r', '-U', '-f', 'raw', '-c', 'read -P 0xab 0 4M', file]);
    expect(before).toMatch(/read 4194304\/4194304 bytes/);
    expect(before).not.toContain('Pattern verification failed');
    const during = await run('kvm2', ['qemu-io', '-r', '-U', '-f', 'raw', '-c', `read -P 0xcd ${4 * MIB} ${written * 65536}`, file]);
    expect(during).toMatch(new RegExp(`read ${written * 65536}/${written * 65536} bytes`));
    expect(during).not.toContain('Pattern verification failed');
    // The LUN is let go, not deleted: still served by the target.
    expect(await run('kvm2', ['iscsi-ls', '-s', `iscsi://${lab.lab.storage.address}/`])).toBeDefined();
    expect(await (await ssh.exec(lab.storage, ['tgtadm', '--lld', 'iscsi', '--mode', 'target', '--op', 'show'])).stdout).toMatch(/LUN: 1/);
    await tf.expectEmptyPlan();
    // No lock lease left on either disk: the domain stops and starts again on its new disk.
    await run('kvm1', ['virsh', 'destroy', names.vm]);
    const restarted = await ssh.exec(host('kvm1'), ['virsh', 'start', names.vm], { allowExitCodes: [0, 1] });
    expect(restarted.stderr).toBe('');
    expect(await guestIo('write -P 0xef 8M 64k')).toBe('');
    await tf.expectEmptyPlan();
  }, 600_000);

  it('moves a dir disk no VM uses onto NFS with qemu-img: its data there, the old file deleted', async () => {
    const spareFile = `${dirPath}/spare-${tag}.qcow2`;
    await run('kvm2', ['qemu-io', '-f', 'qcow2', '-c', 'write -P 0x5a 1M 2M', spareFile]);
    await tf.writeConfig(config({ data: 'nfs', spare: 'nfs' }));
    await tf.apply([], { timeoutMs: 300_000 });
    expect(await run('kvm1', ['ls', dirPath])).not.toContain(`spare-${tag}`);
    expect(await exportFiles()).toContain(`spare-${tag}.qcow2`);
    const read = await run('kvm2', ['qemu-io', '-r', '-U', '-f', 'qcow2', '-c', 'read -P 0x5a 1M 2M', `${exportUrl}spare-${tag}.qcow2`]);
    expect(read).toMatch(/read 2097152\/2097152 bytes/);
    expect(read).not.toContain('Pattern verification failed');
    expect(await tf.stateAttributes('virtplane_disk', 'spare')).toMatchObject({ path: `${exportUrl}spare-${tag}.qcow2`, format: 'qcow2', size_mib: 8 });
    await tf.expectEmptyPlan();
  }, 300_000);

  it('a live move killed (SIGKILL to terraform) once its destination exists is finished by the next apply', async () => {
    const pid = await qemuPid();
    const destination = `${dirPath}/data-${tag}.img`;
    await tf.writeConfig(config({ data: 'dir', spare: 'nfs' }));
    const running = tf.start(['apply', '-auto-approve', '-input=false', '-no-color']);
    const deadline = Date.now() + 120_000;
    while (!existsSync(destination) && Date.now() < deadline && running.child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 20));
    const providers = childrenOf(running.child.pid!);
    running.child.kill('SIGKILL');
    const killed = await running.done;
    if (!existsSync(destination)) process.stderr.write(`[diskMove] apply ended before its destination existed:\n${killed.stdout}\n${killed.stderr}\n`);
    expect(await stragglersAfter(providers, 10_000), 'providers still running 10 s after terraform was killed').toEqual([]);
    const left = `job: ${(await run('kvm1', ['virsh', 'blockjob', names.vm, 'vda', '--raw'])).trim().replace(/\s+/g, ' ') || 'none'}, source: ${(await run('kvm1', ['virsh', 'domblklist', names.vm])).includes(destination) ? 'destination' : 'old'}`;
    process.stderr.write(`[diskMove] killed with ${left}\n`);
    expect(existsSync(destination)).toBe(true);

    await tf.apply([], { timeoutMs: 300_000 });
    expect(await qemuPid()).toBe(pid);
    expect(await run('kvm1', ['virsh', 'domblklist', names.vm])).toContain(destination);
    expect(await exportFiles()).not.toContain(`data-${tag}.img`);
    const read = await run('kvm1', ['qemu-io', '-r', '-U', '-f', 'raw', '-c', 'read -P 0xab 0 4M', destination]);
    expect(read).toMatch(/read 4194304\/4194304 bytes/);
    expect(read).not.toContain('Pattern verification failed');
    expect((await run('kvm1', ['virsh', 'blockjob', names.vm, 'vda', '--raw'])).trim()).toBe('');
    await tf.expectEmptyPlan();
  }, 600_000);

  it('moves a stopped VM’s sata disk onto NFS with qemu-img: same data, its definition on the NFS file, the old file gone', async () => {
    const dirFile = `${dirPath}/sata-${tag}.img`;
    const nfsFile = `${exportUrl}sata-${tag}.img`;
    await tf.writeConfig(config({ data: 'dir', spare: 'nfs', sata: { domain: 'dir', running: false } }));
    await tf.apply([], { timeoutMs: 300_000 });
    await run('kvm1', ['dd', 'if=/dev/urandom', `of=${dirFile}`, 'bs=1M', 'count=8', 'conv=notrunc', 'status=none']);
    const sum = (await run('kvm1', ['sha256sum', dirFile])).split(' ')[0];
    expect(sum).toMatch(/^[0-9a-f]{64}$/);

    await tf.writeConfig(config({ data: 'dir', spare: 'nfs', sata: { domain: 'nfs', running: false } }));
    const { result } = await tf.plan();
    expect(flat(result.stdout)).toMatch(
      new RegExp(
        `Disk sata-${tag} moves from storage domain mvd-\\w+ to mvn-\\w+ \\(copied while VM ${names.sataVm} is stopped, then its definition switched; the old file is deleted after the switch\\)`,
      ),
    );
    const started = Date.now();
    await tf.apply([], { timeoutMs: 300_000 });
    process.stderr.write(`[diskMove] apply of the stopped VM's move: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    expect(await run('kvm1', ['virsh', 'domstate', names.sataVm])).toContain('shut off');
    const xml = await run('kvm1', ['virsh', 'dumpxml', '--inactive', names.sataVm]);
    expect(xml).toMatch(new RegExp(`<source protocol='nfs' name='${lab.lab.storage.nfsExport}/sata-${tag}\\.img'`));
    expect(xml).toContain("bus='sata'");
    expect(xml).not.toContain(dirFile);
    expect((await run('kvm2', ['sh', '-c', `nfs-cat ${nfsFile} | sha256sum`])).split(' ')[0]).toBe(sum);
    expect(existsSync(dirFile)).toBe(false);
    expect(await tf.stateAttributes('virtplane_disk', 'sata')).toMatchObject({ path: nfsFile, format: 'raw', size_mib: 8 });
    await tf.expectEmptyPlan();
  }, 600_000);

  it('moves a running VM’s sata disk back to the dir domain live: no restart announced, none made, same data', async () => {
    const dirFile = `${dirPath}/sata-${tag}.img`;
    await tf.writeConfig(config({ data: 'dir', spare: 'nfs', sata: { domain: 'nfs', running: true } }));
    await tf.apply([], { timeoutMs: 300_000 });
    const pid = (await run('kvm1', ['cat', `/run/libvirt/qemu/${names.sataVm}.pid`])).trim();
    expect(pid).toMatch(/^\d+$/);
    const sum = (await run('kvm2', ['sh', '-c', `nfs-cat ${exportUrl}sata-${tag}.img | sha256sum`])).split(' ')[0];

    await tf.writeConfig(config({ data: 'dir', spare: 'nfs', sata: { domain: 'dir', running: true } }));
    const { result } = await tf.plan();
    expect(flat(result.stdout)).toMatch(new RegExp(`Disk sata-${tag} moves .*\\(copied while VM ${names.sataVm} runs on kvm1, then switched;`));
    expect(flat(result.stdout)).not.toContain('will be restarted');
    await tf.apply([], { timeoutMs: 300_000 });
    expect((await run('kvm1', ['cat', `/run/libvirt/qemu/${names.sataVm}.pid`])).trim()).toBe(pid);
    const live = await run('kvm1', ['virsh', 'dumpxml', names.sataVm]);
    expect(live).toContain(`<source file='${dirFile}'`);
    expect(live).toContain("bus='sata'");
    expect((await run('kvm1', ['sha256sum', dirFile])).split(' ')[0]).toBe(sum);
    expect(await exportFiles()).not.toContain(`sata-${tag}.img`);
    await tf.expectEmptyPlan();
  }, 600_000);

  it('moves the running VM’s dir disk onto a LUN (block copy) and an unused qcow2 disk onto another (raw): data on the LUNs, old files gone, empty plan, same import', async () => {
    const pid = await qemuPid();
    await tf.writeConfig(config({ data: 'iscsi', dataLun: 2, spare: 'iscsi', spareLun: 3 }));
    const { result } = await tf.plan();
    expect(flat(result.stdout)).toMatch(
      /Disk data-\w+ moves from storage domain mvd-\w+ to mvi-\w+ \(copied while VM mv-\w+ runs on kvm1, then switched; the old file is deleted after the switch\)/,
    );
    // The plan shows the new ids: the LUNs.
    expect(flat(result.stdout)).toMatch(/~ id += "[0-9a-f-]+\/data-\w+\.img" -> "[0-9a-f-]+\/lun\/2"/);
    expect(flat(result.stdout)).toMatch(/~ id += "[0-9a-f-]+\/spare-\w+\.qcow2" -> "[0-9a-f-]+\/lun\/3"/);
    const written = await applyWhileQemuWrites(0x3c, 8 * MIB, 'apply of the moves onto LUNs');
    expect(await qemuPid()).toBe(pid);
    const xml = await run('kvm1', ['virsh', 'dumpxml', names.vm]);
    expect(xml).toMatch(new RegExp(`<source protocol='iscsi' name='${iqn}/2'`));
    expect(await run('kvm1', ['virsh', 'dumpxml', '--inactive', names.vm])).toMatch(new RegExp(`<source protocol='iscsi' name='${iqn}/2'`));
    expect(existsSync(`${dirPath}/data-${tag}.img`)).toBe(false);
    expect(await exportFiles()).not.toContain(`spare-${tag}.qcow2`);
    expect(await tf.stateAttributes('virtplane_disk', 'data')).toMatchObject({ format: 'raw', size_mib: 16, lun: 2 });
    expect(await tf.stateAttributes('virtplane_disk', 'spare')).toMatchObject({ format: 'raw', size_mib: 8, lun: 3 });
    // Read back from the LUNs' backing files on the storage server (raw bytes: the qcow2 disk converted).
    const readLun = async (lun: number, command: string): Promise<string> =>
      (await ssh.exec(lab.storage, ['qemu-io', '-r', '-U', '-f', 'raw', '-c', command, managedFileOf(iqn, lun)])).stdout;
    const before = await readLun(2, 'read -P 0xab 0 4M');
    expect(before).toMatch(/read 4194304\/4194304 bytes/);
    expect(before).not.toContain('Pattern verification failed');
    if (written > 0) {
      const during = await readLun(2, `read -P 0x3c ${8 * MIB} ${written * 65536}`);
      expect(during).toMatch(new RegExp(`read ${written * 65536}/${written * 65536} bytes`));
      expect(during).not.toContain('Pattern verification failed');
    }
    const spare = await readLun(3, 'read -P 0x5a 1M 2M');
    expect(spare).toMatch(/read 2097152\/2097152 bytes/);
    expect(spare).not.toContain('Pattern verification failed');
    await tf.expectEmptyPlan();

    const addresses = ['virtplane_disk.data', 'virtplane_disk.spare'];
    const before2: Record<string, Record<string, unknown>> = {};
    for (const address of addresses) before2[address] = await tf.stateAttributes('virtplane_disk', address.split('.')[1]!);
    await tf.run(['state', 'rm', ...addresses]);
    await tf.writeConfig(
      addresses.map((address) => `import {\n  to = ${address}\n  id = ${hclString(String(before2[address]!.id))}\n}\n`).join(''),
      'imports.tf',
    );
    const plan = await tf.planJson();
    for (const address of addresses) {
      const change = plan.resource_changes?.find((candidate) => candidate.address === address);
      expect({ address, ...change?.change.before }).toEqual({ address, ...before2[address] });
    }
    await tf.apply();
    await rm(join(tf.dir, 'imports.tf'));
    await tf.expectEmptyPlan();
  }, 600_000);
});

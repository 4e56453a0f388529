/**
 * virtplane_snapshot of a VM whose disks are on an NFS storage domain (a network disk, protocol nfs),
 * with a second disk on a dir domain, through real Terraform on the lab. No guest boots: a 32 MiB VM at
 * its BIOS, its disks written and read through its own QEMU (HMP qemu-io, what the guest would do).
 * Proves, on the NFS disk:
 * - a snapshot of the running VM puts an overlay beside the disk's file on the export (same QEMU);
 *   import gives the same state; a description changed on the host shows in the plan; empty plans;
 * - a revert brings the data of the snapshot back, the writes after it gone;
 * - snapshots survive a live migration (the chain as libvirt sees it on the new host), and deleting
 *   them there merges them (active block commits by layer index), the VM still running;
 * - an older snapshot deleted while the VM runs waits (merge-pending); on the stopped VM qemu-img merges
 *   it and makes the next snapshot's overlays, the definition carrying the chain libvirt cannot read from
 *   NFS; started again, libvirt commits through that chain; every write is still there;
 * - an apply of several snapshots killed (SIGKILL) once an overlay is on the export is finished by the
 *   next one or two (a snapshot cut off after the switch is adopted first, none goes on top of it before);
 *   destroy leaves nothing on the export.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSnapshotRecords } from '../../../lib/backends/libvirt/index.js';
import { buildProvider, createTerraformWorkspace, type TerraformWorkspace } from '../../support/terraform.js';
import { useLab, virshOnLabHost, type TestLab } from '../../support/lab.js';
import { hclString, platformHcl } from '../../support/platformHcl.js';
import { childrenOf, stragglersAfter } from '../../support/processes.js';

const tag = Math.random().toString(16).slice(2, 8);
const dirPath = `/tmp/vpsnapn-${tag}`;
const vmName = `snapn-${tag}`;
const dataFile = `data-${tag}.img`;
const SNAPSHOTS_NS = 'https://virtplane.dev/xmlns/snapshots/1';
const prefix = process.env.VIRTPLANE_LAB_PREFIX ?? 'vp';
const run = promisify(execFile);

let lab: TestLab;
let tf: TerraformWorkspace;
let exportPath = '';
let exportFolder = '';
const timings: Record<string, number> = {};

interface Options {
  readonly snapshots?: readonly string[];
  readonly host?: 'kvm1' | 'kvm2';
  readonly running?: boolean;
  readonly revertTo?: string;
  readonly description?: string;
}

function hcl(options: Options = {}): string {
  const storage = lab.lab.storage;
  return `${tf.requiredProviders()}${platformHcl(lab.lab, { inventory: join(tf.root, 'inventory'), hosts: ['kvm1', 'kvm2'] })}
resource "virtplane_storage_domain" "nfs" {
  name          = "vpsnapn-${tag}"
  datacenter_id = virtplane_datacenter.dc.id
  type          = "nfs"
  server        = ${hclString(storage.address)}
  export        = ${hclString(exportPath)}
  depends_on    = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_storage_domain" "dir" {
  name          = "vpsnapd-${tag}"
  datacenter_id = virtplane_datacenter.dc.id
  type          = "dir"
  path          = ${hclString(dirPath)}
  shared        = true # /tmp: every lab host sees it
  depends_on    = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_disk" "data" {
  name              = "data-${tag}"
  storage_domain_id = virtplane_storage_domain.nfs.id
  format            = "raw"
  size_mib          = 16
}

resource "virtplane_disk" "small" {
  name              = "small-${tag}"
  storage_domain_id = virtplane_storage_domain.dir.id
  size_mib          = 8
}

resource "virtplane_vm" "tiny" {
  name                     = ${hclString(vmName)}
  cluster_id               = virtplane_cluster.main.id
  host_id                  = virtplane_host.${options.host ?? 'kvm1'}.id
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 0
${options.running === false ? '  running                  = false\n' : ''}${options.revertTo === undefined ? '' : `  revert_to_snapshot       = ${hclString(options.revertTo)}\n`}  disk {
    disk_id = virtplane_disk.data.id
  }
  disk {
    disk_id = virtplane_disk.small.id
  }
}
${(options.snapshots ?? [])
  .map(
    (name) => `
resource "virtplane_snapshot" "${name}" {
  vm_id       = virtplane_vm.tiny.id
  name        = "${name}"
  description = ${hclString(options.description ?? `taken by the test ${tag}`)}
}
`,
  )
  .join('')}`;
}

function virsh(host: 'kvm1' | 'kvm2', args: readonly string[]): Promise<string> {
  return virshOnLabHost(lab, host, args);
}

/**
 * A qemu-io command run by the VM's own QEMU on disk `disk` (0: the NFS disk vda, 1: the dir disk vdb),
 * through the device's block backend: what the guest would write. It prints nothing when it worked.
 */
async function guestIo(host: 'kvm1' | 'kvm2', disk: 0 | 1, command: string): Promise<string> {
  return (await virsh(host, ['qemu-monitor-command', vmName, '--hmp', `qemu-io -d /machine/peripheral/virtio-disk${disk}/virtio-backend "${command}"`])).trim();
}

/**
 * Reads `length` bytes at `offset` of disk `disk` as the VM sees it (its top layer, through its chain,
 * from the VM's host: qemu-io over NFS for the NFS disk) and checks each is `pattern`.
 */
async function expectData(host: 'kvm1' | 'kvm2', disk: 0 | 1, pattern: string, offset: string, length: string): Promise<void> {
  // The qcow2 metadata QEMU caches reaches the file on a flush, as a guest's sync does.
  expect(await guestIo(host, disk, 'flush')).toBe('');
  let image: string;
  let format: string;
  if (disk === 0) {
    const top = (await nfsChain(host))[0]!;
    image = `nfs://${lab.lab.storage.address}${exportPath}/${top}`;
    format = top.endsWith('.overlay') ? 'qcow2' : 'raw';
  } else {
    image = /<source file='([^']+)'/.exec(await virsh(host, ['dumpxml', vmName]))?.[1] ?? '';
    format = 'qcow2';
  }
  const { stdout } = await run(
    'ip',
    ['netns', 'exec', `${prefix}-${host}`, 'qemu-io', '-r', '-U', '-f', format, '-c', `read -P ${pattern} ${offset} ${length}`, image],
    {
      timeout: 120_000,
    },
  );
  expect(stdout).not.toContain('Pattern verification failed');
  expect(stdout).toMatch(/^read \d+\/\d+ bytes/);
}

/** The running domain's id on its host: a new one after every start (the same QEMU keeps it). */
async function domainId(host: 'kvm1' | 'kvm2'): Promise<string> {
  return (await virsh(host, ['domid', vmName])).trim();
}

/** The NFS disk's layers, top first, as the domain's XML shows them (its source, then <backingStore>). */
async function nfsChain(host: 'kvm1' | 'kvm2', inactive = false): Promise<string[]> {
  const xml = await virsh(host, ['dumpxml', ...(inactive ? ['--inactive'] : []), vmName]);
  return [...xml.matchAll(/<source protocol='nfs' name='([^']+)'/g)].map((match) => match[1]!.slice(match[1]!.lastIndexOf('/') + 1));
}

/** This test's files on the export (the storage machine's folder ganesha serves). */
function exportFiles(): string[] {
  return readdirSync(exportFolder)
    .filter((file) => file.includes(tag))
    .sort();
}

const overlay = (name: string): string => `${dataFile}.${name}.overlay`;

describe('virtplane_snapshot of a VM on an NFS storage domain', () => {
  beforeAll(async () => {
    lab = await useLab();
    exportPath = lab.lab.storage.nfsExport ?? '';
    exportFolder = join(dirname(lab.labFile), 'machines', 'storage', 'nfs-export');
    tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
    await mkdir(dirPath, { recursive: true });
    await tf.writeConfig(hcl());
    await tf.init();
    await tf.apply();
    expect(await guestIo('kvm1', 0, 'write -P 0xab 0 1M')).toBe('');
    expect(await guestIo('kvm1', 1, 'write -P 0x5a 0 1M')).toBe('');
  }, 300_000);

  afterAll(async () => {
    if (tf) {
      await tf.destroy({ allowFailure: true });
      await tf.cleanup();
    }
    await rm(dirPath, { recursive: true, force: true });
    process.stderr.write(`[figures] ${JSON.stringify(timings)}\n`);
  }, 300_000);

  it('snapshots the running VM: an overlay beside each disk, on the export for the NFS disk; import and a change on the host', async () => {
    const pid = await domainId('kvm1');
    await tf.writeConfig(hcl({ snapshots: ['s1'] }));
    const started = Date.now();
    await tf.apply();
    timings.snapshotApplySeconds = (Date.now() - started) / 1000;
    expect(await domainId('kvm1')).toBe(pid);
    expect(exportFiles()).toEqual([dataFile, overlay('s1')]);
    expect(existsSync(join(dirPath, `small-${tag}.qcow2.s1.overlay`))).toBe(true);
    expect(await nfsChain('kvm1')).toEqual([overlay('s1'), dataFile]);
    expect(await nfsChain('kvm1', true)).toEqual([overlay('s1'), dataFile]);
    const state = await tf.stateAttributes('virtplane_snapshot', 's1');
    expect(state.disk_ids).toEqual([(await tf.stateAttributes('virtplane_disk', 'data')).id, (await tf.stateAttributes('virtplane_disk', 'small')).id]);
    await tf.expectEmptyPlan();

    await tf.run(['state', 'rm', 'virtplane_snapshot.s1']);
    await tf.import('virtplane_snapshot.s1', String(state.id));
    expect(await tf.stateAttributes('virtplane_snapshot', 's1')).toEqual(state);
    await tf.expectEmptyPlan();

    const records = await virsh('kvm1', ['metadata', vmName, '--uri', SNAPSHOTS_NS, '--config']);
    const edited = records.replace(/description="[^"]*"/, 'description="edited by hand"').trim();
    await virsh('kvm1', ['metadata', vmName, '--uri', SNAPSHOTS_NS, '--key', 'vpsnap', '--set', edited, '--config', '--live']);
    const { result, hasChanges } = await tf.plan();
    expect(hasChanges).toBe(true);
    expect(result.stdout).toMatch(/~ description\s+= "edited by hand" -> "taken by the test/);
    await tf.apply();
    await tf.expectEmptyPlan();
  }, 300_000);

  it('reverts: the writes made after the snapshot are gone, its data back', async () => {
    expect(await guestIo('kvm1', 0, 'write -P 0xcd 0 1M')).toBe('');
    expect(await guestIo('kvm1', 1, 'write -P 0x77 0 1M')).toBe('');
    const pid = await domainId('kvm1');
    await tf.writeConfig(hcl({ snapshots: ['s1'], revertTo: 's1' }));
    const started = Date.now();
    await tf.apply();
    timings.revertApplySeconds = (Date.now() - started) / 1000;
    expect(await domainId('kvm1')).not.toBe(pid);
    await expectData('kvm1', 0, '0xab', '0', '1M');
    await expectData('kvm1', 1, '0x5a', '0', '1M');
    expect(await nfsChain('kvm1')).toEqual([overlay('s1'), dataFile]);
    await tf.expectEmptyPlan();
  }, 300_000);

  it('keeps the snapshots through a live migration, then merges both while the VM runs there', async () => {
    const on = { revertTo: 's1' } as const;
    await tf.writeConfig(hcl({ ...on, snapshots: ['s1', 's2'] }));
    await tf.apply();
    expect(await guestIo('kvm1', 0, 'write -P 0xee 1M 1M')).toBe('');

    await tf.writeConfig(hcl({ ...on, snapshots: ['s1', 's2'], host: 'kvm2' }));
    let started = Date.now();
    await tf.apply();
    timings.migrationApplySeconds = (Date.now() - started) / 1000;
    expect((await virsh('kvm1', ['list', '--all', '--name'])).includes(vmName)).toBe(false);
    expect(await nfsChain('kvm2')).toEqual([overlay('s2'), overlay('s1'), dataFile]);
    await tf.expectEmptyPlan();
    const pid = await domainId('kvm2');

    await tf.writeConfig(hcl({ ...on, host: 'kvm2' }));
    started = Date.now();
    const applied = await tf.apply();
    timings.mergeTwoApplySeconds = (Date.now() - started) / 1000;
    expect(applied.stdout).toContain('virtplane_snapshot.s1: Destruction complete');
    expect(await domainId('kvm2')).toBe(pid);
    expect(await nfsChain('kvm2')).toEqual([dataFile]);
    expect(await nfsChain('kvm2', true)).toEqual([dataFile]);
    expect(exportFiles()).toEqual([dataFile]);
    expect(readdirSync(dirPath).filter((file) => file.endsWith('.overlay'))).toEqual([]);
    await expectData('kvm2', 0, '0xab', '0', '1M');
    await expectData('kvm2', 0, '0xee', '1M', '1M');
    await expectData('kvm2', 1, '0x5a', '0', '1M');
    await tf.expectEmptyPlan();
  }, 400_000);

  it('defers an older snapshot’s merge while the VM runs; stopped, qemu-img merges it and makes the next snapshot; started, libvirt merges through that chain', async () => {
    const on = { revertTo: 's1', host: 'kvm2' } as const;
    await tf.writeConfig(hcl({ ...on, snapshots: ['s3'] }));
    await tf.apply();
    expect(await guestIo('kvm2', 0, 'write -P 0x33 2M 64k')).toBe('');
    await tf.writeConfig(hcl({ ...on, snapshots: ['s3', 's4'] }));
    await tf.apply();
    expect(await guestIo('kvm2', 0, 'write -P 0x44 3M 64k')).toBe('');

    await tf.writeConfig(hcl({ ...on, snapshots: ['s4'] }));
    const planned = await tf.plan();
    expect(planned.result.stdout + planned.result.stderr).toContain('Snapshot merge deferred');
    await tf.apply();
    expect(await nfsChain('kvm2')).toEqual([overlay('s4'), overlay('s3'), dataFile]);
    expect(await virsh('kvm2', ['metadata', vmName, '--uri', SNAPSHOTS_NS, '--config'])).toMatch(/name="s3"[^>]*pending="merge"/);
    await tf.expectEmptyPlan();

    await tf.writeConfig(hcl({ ...on, snapshots: ['s4'], running: false }));
    await tf.apply();
    await tf.writeConfig(hcl({ ...on, snapshots: ['s4', 's5'], running: false }));
    let started = Date.now();
    await tf.apply();
    timings.stoppedMergeAndSnapshotApplySeconds = (Date.now() - started) / 1000;
    // s3 merged into the disk's file (qemu-img commit, s4 rebased onto it), s5's overlays made by qemu-img.
    expect(exportFiles()).toEqual([dataFile, overlay('s4'), overlay('s5')]);
    expect(await nfsChain('kvm2', true)).toEqual([overlay('s5'), overlay('s4'), dataFile]);
    const records = parseSnapshotRecords(await virsh('kvm2', ['dumpxml', '--inactive', vmName]));
    expect(records.map((record) => record.name)).toEqual(['s4', 's5']);
    await tf.expectEmptyPlan();

    await tf.writeConfig(hcl({ ...on, snapshots: ['s4', 's5'] }));
    await tf.apply();
    expect(await nfsChain('kvm2')).toEqual([overlay('s5'), overlay('s4'), dataFile]);
    expect(await guestIo('kvm2', 0, 'write -P 0x55 4M 64k')).toBe('');
    await tf.writeConfig(hcl(on));
    started = Date.now();
    await tf.apply();
    timings.mergeTwoAfterRestartApplySeconds = (Date.now() - started) / 1000;
    expect((await virsh('kvm2', ['domstate', vmName])).trim()).toBe('running');
    expect(await nfsChain('kvm2')).toEqual([dataFile]);
    expect(exportFiles()).toEqual([dataFile]);
    await expectData('kvm2', 0, '0xab', '0', '1M');
    await expectData('kvm2', 0, '0xee', '1M', '1M');
    await expectData('kvm2', 0, '0x33', '2M', '64k');
    await expectData('kvm2', 0, '0x44', '3M', '64k');
    await expectData('kvm2', 0, '0x55', '4M', '64k');
    await tf.expectEmptyPlan();
  }, 600_000);

  it('an apply of three snapshots killed (SIGKILL) once an overlay is on the export is finished by the next apply', async () => {
    const on = { revertTo: 's1', host: 'kvm2' } as const;
    const names = ['k1', 'k2', 'k3'];
    await tf.writeConfig(hcl({ ...on, snapshots: names }));
    const running = tf.start(['apply', '-auto-approve', '-input=false', '-no-color']);
    const deadline = Date.now() + 120_000;
    while (exportFiles().length < 2 && Date.now() < deadline && running.child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 20));
    const providers = childrenOf(running.child.pid!);
    running.child.kill('SIGKILL');
    await running.done;
    expect(await stragglersAfter(providers, 10_000), 'providers still running 10 s after terraform was killed').toEqual([]);
    process.stderr.write(`[nfs snapshots] killed with ${exportFiles().join(', ')} on the export\n`);
    expect(exportFiles().length).toBeGreaterThan(1);

    // A snapshot whose create was cut off after libvirt switched the disks onto its overlays is adopted by
    // its own create; until then the others refuse to go on top of it (and remove nothing): a second
    // apply finishes those.
    const first = await tf.apply([], { allowFailure: true });
    if (first.exitCode !== 0) {
      expect(first.stderr).toContain('Interrupted snapshot first');
      await tf.apply();
    }
    expect(exportFiles()).toEqual([dataFile, ...names.map(overlay)].sort());
    const records = parseSnapshotRecords(await virsh('kvm2', ['dumpxml', '--inactive', vmName]));
    expect(records.map((record) => record.name).sort()).toEqual(names);
    expect((await nfsChain('kvm2')).sort()).toEqual([dataFile, ...names.map(overlay)].sort());
    await tf.expectEmptyPlan();
  }, 400_000);

  it('destroys the VM with its snapshots (merged first) and leaves nothing on the export', async () => {
    const started = Date.now();
    await tf.destroy();
    timings.destroySeconds = (Date.now() - started) / 1000;
    expect(exportFiles()).toEqual([]);
    expect(readdirSync(dirPath).filter((file) => !file.startsWith('.'))).toEqual([]);
    for (const host of ['kvm1', 'kvm2'] as const) expect(await virsh(host, ['list', '--all', '--name'])).not.toContain(vmName);
  }, 300_000);
});

/**
 * virtplane_snapshot against the lab with the real terraform binary and ONE booted Debian guest
 * (TCG), shared by every test of the file:
 * - a snapshot of the running guest (it keeps running: same boot_id), an overlay on its disk; the
 *   guest writes; revert_to_snapshot brings the old data back (checksum), the plan having warned;
 * - a revert to an unknown snapshot is refused at plan, on the attribute;
 * - import gives the same state; a description changed on the host shows in the plan;
 * - a snapshot with memory (include_memory) of the running guest, taken on kvm1, survives a live
 *   migration and is reverted to on kvm2: the guest resumes where it was (same boot, a file in its RAM
 *   back, one written since gone, the disk as at the snapshot); import reads include_memory back; the
 *   memory file goes with the snapshot; include_memory on the stopped VM is refused at plan;
 * - snapshots survive a live migration (kvm1 -> kvm2); deleting two snapshots of the running guest in
 *   one apply merges them (active block commits only, in whichever order Terraform deletes them), the
 *   guest keeps running, its data intact, and the disk is its own file again (a chain of one);
 * - an older snapshot deleted alone while the guest runs is gone from the state but merge-pending (its
 *   layer still in the chain, the plan warned and is empty afterwards); a new snapshot of the same name
 *   gets its own overlay; once the VM is stopped the next snapshot deletion merges the pending layer
 *   too (qemu-img), the last one leaves the disk its own file, and the guest boots with every write;
 * - destroy leaves no file and no domain.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProvider, createTerraformWorkspace, type TerraformWorkspace } from '../../support/terraform.js';
import { useLab, virshOnLabHost, type TestLab } from '../../support/lab.js';
import { hclString, providerBlock } from '../../support/platformHcl.js';
import { sshToGuestArgv, untilItWorks } from '../../support/guests.js';
import { labGuestImageEntry } from '../../../lib/lab/guestImage.js';

const run = promisify(execFile);
const tag = Math.random().toString(16).slice(2, 8);
const dirPath = `/tmp/vpsnap-${tag}`;
const names = { dir: `vpsnap-${tag}`, net: `vpsnap-${tag}-nat`, vm: `snap-${tag}` };
const prefix = process.env.VIRTPLANE_LAB_PREFIX ?? 'vp';
const SNAPSHOTS_NS = 'https://virtplane.dev/xmlns/snapshots/1';

let lab: TestLab;
let tf: TerraformWorkspace;
let image: { path: string; sha256: string };
let keyFile: string;
let publicKey: string;
const timings: Record<string, number> = {};

interface Options {
  readonly snapshots?: readonly { readonly name: string; readonly description?: string; readonly includeMemory?: boolean }[];
  readonly revertTo?: string;
  readonly host?: 'kvm1' | 'kvm2';
  readonly running?: boolean;
}

function hcl(options: Options): string {
  const hosts = lab.lab.hosts
    .slice(0, 2)
    .map(
      (host) => `
resource "virtplane_host" "${host.name}" {
  name       = ${hclString(host.name)}
  cluster_id = virtplane_cluster.main.id
  address    = ${hclString(host.address)}
  host_key   = ${hclString(host.hostKey)}
}
`,
    )
    .join('');
  const snapshots = (options.snapshots ?? [])
    .map(
      (snapshot) => `
resource "virtplane_snapshot" "${snapshot.name}" {
  vm_id       = virtplane_vm.guest.id
  name        = "${snapshot.name}"
  description = ${hclString(snapshot.description ?? `taken by the test ${tag}`)}
${snapshot.includeMemory ? '  include_memory = true\n' : ''}}
`,
    )
    .join('');
  return `${tf.requiredProviders()}${providerBlock(lab.lab, join(tf.root, 'inventory'))}
resource "virtplane_datacenter" "dc" {
  name = "Default"
}

resource "virtplane_cluster" "main" {
  name          = "main"
  datacenter_id = virtplane_datacenter.dc.id
}
${hosts}
resource "virtplane_storage_domain" "dir" {
  name          = ${hclString(names.dir)}
  datacenter_id = virtplane_datacenter.dc.id
  type          = "dir"
  path          = ${hclString(dirPath)}
  shared        = true # one directory both lab hosts see
  depends_on    = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_network" "nat" {
  name          = ${hclString(names.net)}
  datacenter_id = virtplane_datacenter.dc.id
  mode          = "nat"
  cidr          = "10.232.${parseInt(tag.slice(0, 2), 16) % 200}.0/24"
  depends_on    = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_image" "debian" {
  name              = "debian-12"
  storage_domain_id = virtplane_storage_domain.dir.id
  source            = ${hclString(image.path)}
  sha256            = "${image.sha256}"
}

resource "virtplane_disk" "root" {
  name              = "root-${tag}"
  storage_domain_id = virtplane_storage_domain.dir.id
  source_image_id   = virtplane_image.debian.id
  size_mib          = 2048
}

resource "virtplane_vm" "guest" {
  name        = ${hclString(names.vm)}
  cluster_id  = virtplane_cluster.main.id
  host_id     = virtplane_host.${options.host ?? 'kvm1'}.id
  memory_mib  = 320
  graphics    = "none"
  wait_for_ip = 300
  shutdown_timeout_seconds = 30
${options.running === false ? '  running     = false\n' : ''}${options.revertTo === undefined ? '' : `  revert_to_snapshot = ${hclString(options.revertTo)}\n`}  disk {
    disk_id = virtplane_disk.root.id
  }
  nic {
    network_id = virtplane_network.nat.id
  }
  cloud_init {
    user {
      name                = "tester"
      ssh_authorized_keys = [${hclString(publicKey)}]
      sudo                = true
    }
  }
}
${snapshots}`;
}

async function onLabHost(host: 'kvm1' | 'kvm2', argv: readonly string[]): Promise<string> {
  const { stdout } = await run('ip', ['netns', 'exec', `${prefix}-${host}`, ...argv], { timeout: 180_000 });
  return stdout;
}

function virshOn(host: 'kvm1' | 'kvm2', args: readonly string[]): Promise<string> {
  return virshOnLabHost(lab, host, args);
}

let guestHost: 'kvm1' | 'kvm2' = 'kvm1';

let lastAddress = '';

/** The guest's address from the state; a stopped VM's state has none, and its DHCP lease keeps the last one. */
async function guestAddress(): Promise<string> {
  const address = String(((await tf.stateAttributes('virtplane_vm', 'guest')).ip_addresses as string[])[0] ?? '');
  if (address !== '') lastAddress = address;
  return lastAddress;
}

/** A command in the guest as root, over SSH from its host's namespace; retried while the guest boots. */
async function inGuest(command: string, timeoutMs = 300_000): Promise<string> {
  const address = await guestAddress();
  return untilItWorks(() => onLabHost(guestHost, sshToGuestArgv(keyFile, `tester@${address}`, `sudo -n sh -c ${JSON.stringify(command)}`)), timeoutMs);
}

/** 8 MiB of fresh random data in /var/tmp/NAME, on the disk (sync), and its checksum. */
async function writeData(name: string): Promise<string> {
  const out = await inGuest(`dd if=/dev/urandom of=/var/tmp/${name} bs=1M count=8 status=none && sync && sha256sum /var/tmp/${name}`);
  return out.split(' ')[0] ?? '';
}

async function checksum(name: string): Promise<string> {
  return (await inGuest(`sha256sum /var/tmp/${name}`)).split(' ')[0] ?? '';
}

async function bootId(): Promise<string> {
  return (await inGuest('cat /proc/sys/kernel/random/boot_id')).trim();
}

/** The files the running root disk reads, top first (its live backing chain). */
async function liveChain(host: 'kvm1' | 'kvm2'): Promise<string[]> {
  const xml = await virshOn(host, ['dumpxml', names.vm]);
  return [...xml.matchAll(/<source file='([^']+)'/g)].map((match) => match[1]!).filter((file) => file.startsWith(join(dirPath, `root-${tag}.qcow2`)));
}

async function diskSourceOf(host: 'kvm1' | 'kvm2'): Promise<string> {
  const xml = await virshOn(host, ['dumpxml', names.vm]);
  return /<disk type='file' device='disk'>[\s\S]*?<source file='([^']+)'/.exec(xml)?.[1] ?? '';
}

const available = await labGuestImageEntry();

describe.skipIf(available === undefined)('virtplane_snapshot: snapshot, revert, merge while running, live migration', () => {
  let sumBefore = '';

  beforeAll(async () => {
    image = available!;
    lab = await useLab();
    tf = await createTerraformWorkspace({ entryPoint: await buildProvider(), timeoutMs: 900_000 });
    await mkdir(dirPath, { recursive: true });
    keyFile = join(tf.root, 'guest_key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
    publicKey = (await readFile(`${keyFile}.pub`, 'utf8')).trim();
    await tf.writeConfig(hcl({}));
    await tf.init();
  }, 300_000);

  afterAll(async () => {
    if (tf) {
      await tf.destroy({ allowFailure: true });
      await tf.cleanup();
    }
    await rm(dirPath, { recursive: true, force: true });
    process.stderr.write(`[figures] ${JSON.stringify(timings)}\n`);
  }, 600_000);

  it('snapshots the running guest, which keeps running; a revert brings the old data back', async () => {
    let started = Date.now();
    await tf.apply();
    sumBefore = await writeData('a');
    timings.bootToWrittenSeconds = (Date.now() - started) / 1000;
    const bootBefore = await bootId();

    await tf.writeConfig(hcl({ snapshots: [{ name: 's1' }] }));
    started = Date.now();
    await tf.apply();
    timings.snapshotApplySeconds = (Date.now() - started) / 1000;
    const snapshot = await tf.stateAttributes('virtplane_snapshot', 's1');
    const vmId = String((await tf.stateAttributes('virtplane_vm', 'guest')).id);
    const rootId = String((await tf.stateAttributes('virtplane_disk', 'root')).id);
    expect(snapshot).toMatchObject({ id: `${vmId}/snapshot/s1`, vm_id: vmId, name: 's1', include_memory: false, disk_ids: [rootId] });
    expect(String(snapshot.created_at)).toMatch(/^\d{4}-\d\d-\d\dT/);
    const overlay = join(dirPath, `root-${tag}.qcow2.s1.overlay`);
    expect(await diskSourceOf('kvm1')).toBe(overlay);
    const info = JSON.parse((await run('qemu-img', ['info', '-U', '--output=json', overlay])).stdout) as Record<string, unknown>;
    expect(info['backing-filename']).toBe(join(dirPath, `root-${tag}.qcow2`));
    expect(await bootId()).toBe(bootBefore);
    await tf.expectEmptyPlan();

    const sumAfter = await writeData('a');
    expect(sumAfter).not.toBe(sumBefore);

    await tf.writeConfig(hcl({ snapshots: [{ name: 's1' }], revertTo: 's1' }));
    const planned = await tf.plan();
    expect(planned.result.stdout).toMatch(/\+ revert_to_snapshot\s+= "s1"/);
    expect(planned.result.stdout + planned.result.stderr).toContain('Revert discards writes');
    started = Date.now();
    await tf.apply();
    expect(await checksum('a')).toBe(sumBefore);
    timings.revertToSshSeconds = (Date.now() - started) / 1000;
    expect(await bootId()).not.toBe(bootBefore);
    // The snapshot stays, the guest writes into a fresh overlay on it.
    expect(await diskSourceOf('kvm1')).toBe(overlay);
    await tf.expectEmptyPlan();
  }, 1_500_000);

  it('refuses at plan, on the attribute, a revert to an unknown snapshot', async () => {
    await tf.writeConfig(hcl({ snapshots: [{ name: 's1' }], revertTo: 'nope' }));
    const unknownSnapshot = await tf.plan([], { allowFailure: true });
    expect(unknownSnapshot.result.exitCode).toBe(1);
    expect(unknownSnapshot.result.stderr).toContain('No such snapshot');
    expect(unknownSnapshot.result.stderr).toMatch(/revert_to_snapshot\s+= "nope"/);
    await tf.writeConfig(hcl({ snapshots: [{ name: 's1' }], revertTo: 's1' }));
    await tf.expectEmptyPlan();
  }, 300_000);

  it('imports a snapshot to the same state and shows a description changed on the host', async () => {
    const before = await tf.stateAttributes('virtplane_snapshot', 's1');
    await tf.run(['state', 'rm', 'virtplane_snapshot.s1']);
    await tf.import('virtplane_snapshot.s1', String(before.id));
    expect(await tf.stateAttributes('virtplane_snapshot', 's1')).toEqual(before);
    await tf.expectEmptyPlan();

    const records = await virshOn('kvm1', ['metadata', names.vm, '--uri', SNAPSHOTS_NS, '--config']);
    const edited = records.replace(/description="[^"]*"/, 'description="edited by hand"').trim();
    await virshOn('kvm1', ['metadata', names.vm, '--uri', SNAPSHOTS_NS, '--key', 'vpsnap', '--set', edited, '--config', '--live']);
    const { result, hasChanges } = await tf.plan();
    expect(hasChanges).toBe(true);
    expect(result.stdout).toMatch(/~ description\s+= "edited by hand" -> "taken by the test/);
    await tf.apply();
    await tf.expectEmptyPlan();
  }, 300_000);

  it('keeps the snapshots through a live migration, resumes the guest from a memory snapshot there, then merges two of them while the guest runs', async () => {
    const bootBefore = await bootId();
    // In the guest's RAM only (tmpfs): back after the memory revert, or the guest did not resume.
    await inGuest('echo before > /dev/shm/before');
    const memorySnapshots = [{ name: 's1' }, { name: 's2', includeMemory: true }];
    await tf.writeConfig(hcl({ snapshots: memorySnapshots, revertTo: 's1' }));
    let started = Date.now();
    // Progress lines reach Terraform's log at INFO, with the provider's own measures.
    const taken = await tf.apply([], { env: { TF_LOG: 'INFO' } });
    timings.memorySnapshotApplySeconds = (Date.now() - started) / 1000;
    expect(taken.stderr).toMatch(/saving the memory of VM \S+ \(320 MiB\)/);
    timings.memorySaveSeconds = Number(/memory saved in ([\d.]+) s/.exec(taken.stderr)?.[1] ?? NaN);
    expect(timings.memorySaveSeconds).toBeGreaterThan(0);
    const vmId = String((await tf.stateAttributes('virtplane_vm', 'guest')).id);
    const memoryFile = join(dirPath, `${vmId}.s2.memory`);
    timings.memoryFileMiB = Math.round(statSync(memoryFile).size / 1048576);
    const s2 = await tf.stateAttributes('virtplane_snapshot', 's2');
    expect(s2.include_memory).toBe(true);
    expect(await bootId()).toBe(bootBefore);
    await tf.expectEmptyPlan();
    // Import reads include_memory back from the VM's records.
    await tf.run(['state', 'rm', 'virtplane_snapshot.s2']);
    await tf.import('virtplane_snapshot.s2', String(s2.id));
    expect(await tf.stateAttributes('virtplane_snapshot', 's2')).toEqual(s2);
    // After the snapshot: a disk file and a RAM file, both gone after the revert; the RAM file from before removed.
    await writeData('b');
    await inGuest('rm /dev/shm/before && echo after > /dev/shm/after');

    await tf.writeConfig(hcl({ snapshots: memorySnapshots, revertTo: 's1', host: 'kvm2' }));
    started = Date.now();
    await tf.apply();
    timings.migrationApplySeconds = (Date.now() - started) / 1000;
    guestHost = 'kvm2';
    expect(await bootId()).toBe(bootBefore);
    expect(await diskSourceOf('kvm2')).toBe(join(dirPath, `root-${tag}.qcow2.s2.overlay`));
    await tf.expectEmptyPlan();

    // The memory snapshot, taken on kvm1, reverted to on kvm2: the guest resumes where it was.
    await tf.writeConfig(hcl({ snapshots: memorySnapshots, revertTo: 's2', host: 'kvm2' }));
    const planned = await tf.plan();
    expect(planned.result.stdout + planned.result.stderr).toMatch(/resumes\s+from\s+the\s+snapshot's\s+memory/);
    started = Date.now();
    const reverted = await tf.apply([], { env: { TF_LOG: 'INFO' } });
    timings.memoryRevertApplySeconds = (Date.now() - started) / 1000;
    timings.memoryRestoreSeconds = Number(/memory restored in ([\d.]+) s/.exec(reverted.stderr)?.[1] ?? NaN);
    expect(timings.memoryRestoreSeconds).toBeGreaterThan(0);
    expect(await bootId()).toBe(bootBefore);
    // ls names only the files that exist: neither of those written after the snapshot.
    const inside = await inGuest('cat /dev/shm/before; ls /dev/shm/after /var/tmp/b 2>/dev/null; true');
    expect(inside.trim()).toBe('before');
    expect(await checksum('a')).toBe(sumBefore);
    expect(await diskSourceOf('kvm2')).toBe(join(dirPath, `root-${tag}.qcow2.s2.overlay`));
    await tf.expectEmptyPlan();

    await tf.writeConfig(hcl({ revertTo: 's2', host: 'kvm2' }));
    started = Date.now();
    const applied = await tf.apply();
    timings.mergeTwoApplySeconds = (Date.now() - started) / 1000;
    expect(applied.stdout).toContain('virtplane_snapshot.s1: Destruction complete');
    expect(applied.stdout).toContain('virtplane_snapshot.s2: Destruction complete');
    expect(await bootId()).toBe(bootBefore);
    expect((await virshOn('kvm2', ['domstate', names.vm])).trim()).toBe('running');
    expect(await checksum('a')).toBe(sumBefore);
    expect(await liveChain('kvm2')).toEqual([join(dirPath, `root-${tag}.qcow2`)]);
    expect(readdirSync(dirPath).filter((file) => file.endsWith('.overlay') || file.endsWith('.memory'))).toEqual([]);
    await tf.expectEmptyPlan();
  }, 1_200_000);

  it('defers the merge of an older snapshot of the running guest; the next deletion on the stopped VM finishes it', async () => {
    const base = join(dirPath, `root-${tag}.qcow2`);
    const overlay = (name: string): string => join(dirPath, `root-${tag}.qcow2.${name}.overlay`);
    const on = { revertTo: 's2', host: 'kvm2' } as const;
    await tf.writeConfig(hcl({ ...on, snapshots: [{ name: 's3' }] }));
    await tf.apply();
    const sumC = await writeData('c');
    await tf.writeConfig(hcl({ ...on, snapshots: [{ name: 's3' }, { name: 's4' }] }));
    await tf.apply();
    const bootBefore = await bootId();

    await tf.writeConfig(hcl({ ...on, snapshots: [{ name: 's4' }] }));
    const planned = await tf.plan();
    expect(planned.result.stdout + planned.result.stderr).toContain('Snapshot merge deferred');
    let started = Date.now();
    await tf.apply();
    timings.deferredDeleteApplySeconds = (Date.now() - started) / 1000;
    expect(await bootId()).toBe(bootBefore);
    // Nothing moved: s3's layer is still in the chain, its record pending, and it is no snapshot any more.
    expect(await liveChain('kvm2')).toEqual([overlay('s4'), overlay('s3'), base]);
    const records = await virshOn('kvm2', ['metadata', names.vm, '--uri', SNAPSHOTS_NS, '--config']);
    expect(records).toMatch(/name="s3"[^>]*pending="merge"/);
    await tf.expectEmptyPlan();
    const sumD = await writeData('d');

    // A new snapshot of the same name: its own overlay, the pending layer untouched.
    await tf.writeConfig(hcl({ ...on, snapshots: [{ name: 's4' }, { name: 's3' }] }));
    await tf.apply();
    const again = join(dirPath, `root-${tag}.qcow2.s3.2.overlay`);
    expect(await liveChain('kvm2')).toEqual([again, overlay('s4'), overlay('s3'), base]);
    await tf.expectEmptyPlan();

    await tf.writeConfig(hcl({ ...on, snapshots: [{ name: 's4' }, { name: 's3' }], running: false }));
    await tf.apply();
    // A stopped VM has no memory to snapshot: refused at plan, on the attribute.
    await tf.writeConfig(hcl({ ...on, snapshots: [{ name: 's4' }, { name: 's3' }, { name: 'mem', includeMemory: true }], running: false }));
    const memoryOfStopped = await tf.plan([], { allowFailure: true });
    expect(memoryOfStopped.result.exitCode).toBe(1);
    expect(memoryOfStopped.result.stderr).toContain('No memory to snapshot');
    expect(memoryOfStopped.result.stderr).toMatch(/include_memory\s+= true/);
    // The next operation on the stopped VM (deleting s4) merges s4, then the pending s3, with qemu-img.
    await tf.writeConfig(hcl({ ...on, snapshots: [{ name: 's3' }], running: false }));
    started = Date.now();
    await tf.apply();
    timings.stoppedMergeWithPendingApplySeconds = (Date.now() - started) / 1000;
    expect(await diskSourceOf('kvm2')).toBe(again);
    const info = JSON.parse((await run('qemu-img', ['info', '--output=json', again])).stdout) as Record<string, unknown>;
    expect(info['backing-filename']).toBe(base);
    expect(await virshOn('kvm2', ['metadata', names.vm, '--uri', SNAPSHOTS_NS, '--config'])).not.toContain('pending');
    await tf.expectEmptyPlan();

    await tf.writeConfig(hcl({ ...on, running: false }));
    await tf.apply();
    expect((await virshOn('kvm2', ['domstate', names.vm])).trim()).toBe('shut off');
    expect(await diskSourceOf('kvm2')).toBe(base);
    expect(await virshOn('kvm2', ['dumpxml', '--inactive', names.vm])).not.toContain('backingStore');
    expect(readdirSync(dirPath).filter((file) => file.endsWith('.overlay'))).toEqual([]);
    await tf.expectEmptyPlan();

    await tf.writeConfig(hcl(on));
    started = Date.now();
    await tf.apply();
    expect(await checksum('d')).toBe(sumD);
    timings.bootAfterStoppedMergeSeconds = (Date.now() - started) / 1000;
    expect(await checksum('c')).toBe(sumC);
    expect(await checksum('a')).toBe(sumBefore);
  }, 1_200_000);

  it('destroys everything it made on the hosts', async () => {
    await tf.destroy();
    expect(existsSync(dirPath) ? readdirSync(dirPath).filter((file) => !file.startsWith('.')) : []).toEqual([]);
    for (const host of ['kvm1', 'kvm2'] as const) expect(await virshOn(host, ['list', '--all', '--name'])).not.toContain(names.vm);
  }, 600_000);
});

/**
 * Templates and cloud-init seeds on an NFS storage domain (issue 18), with real Terraform and one real
 * Debian guest (TCG): the lab's image uploaded onto the export, a template copied from it on the same
 * export, the guest's root disk a thin clone of the template (an overlay whose backing file is the
 * template's nfs:// URL), and its NoCloud seed a file on the export attached as a read-only NFS network
 * disk. The guest boots with the hostname and the user cloud-init was given (SSH through its host); the
 * plan is empty; a template from the running guest's disk is refused on disk_id; the guest moves live
 * to the other host with nothing to carry; the template imports to the same state and its destroy is
 * refused while the guest's disk uses it (its users read over NFS); once the guest is stopped, a
 * template sealed from its disk (in the host's /var/tmp) lands on the export, with a full copy of it;
 * destroy leaves no file of the test on the export.
 * The same guest, booted, has a data disk on a LUN of the lab's iSCSI target hot-plugged, and a writer
 * in it puts 1 MiB blocks of random data with their checksums on that disk while the disk moves to the
 * NFS domain (virsh blockcopy and pivot under the guest): same boot, the writer went on, every block
 * reads back with its checksum inside the guest, the disk is the NFS network disk, the LUN's iSCSI
 * session is gone, empty plan.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProvider, createTerraformWorkspace, type TerraformWorkspace } from '../../support/terraform.js';
import { useLab, type TestLab } from '../../support/lab.js';
import { exportFiles as exportFilesAsSeen, labExportUrl } from '../../support/nfsExport.js';
import { hclString, platformHcl } from '../../support/platformHcl.js';
import { CLOUD_INIT_FINISHED, sshToGuestArgv, untilItWorks } from '../../support/guests.js';
import { labGuestImageEntry } from '../../../lib/lab/guestImage.js';
import { parseTgtShow } from '../../../lib/backends/iscsi/index.js';

const run = promisify(execFile);
const tag = Math.random().toString(16).slice(2, 8);
const prefix = process.env.VIRTPLANE_LAB_PREFIX ?? 'vp';
const names = { domain: `nfst-${tag}`, net: `nfst-${tag}-nat`, image: `debian-${tag}`, template: `base-${tag}`, vm: `web-${tag}`, iscsi: `nfsti-${tag}` };
const iqn = `iqn.2025-01.dev.virtplane.test:nfst-${tag}`;
/** The data disk's LUN: 32 slots of 1 MiB for the guest's writer. */
const DATA_MIB = 32;

let lab: TestLab;
let tf: TerraformWorkspace;
let exportUrl: string;
let keyFile: string;
let publicKey: string;
let vmId = '';
let guestAddress = '';
/** Where the guest's data disk lives from the test that attaches it on (none before). */
let dataDisk: 'iscsi' | 'nfs' | undefined;
const timings: Record<string, number> = {};

interface Options {
  readonly vmHost?: 'kvm1' | 'kvm2';
  readonly running?: boolean;
  /** A second template, sealed from the guest's disk (refused while the guest runs), and a full copy of it. */
  readonly sealed?: boolean;
  /** The template left out of the configuration, the disk and the VM naming it by this literal id. */
  readonly templateGone?: string;
}

/** The iSCSI target and domain of the data disk, and the disk (on its LUN, or moved to the NFS domain). */
function dataDiskHcl(): string {
  if (dataDisk === undefined) return '';
  const storage = lab.lab.storage;
  return `
resource "virtplane_iscsi_target" "t" {
  server_address  = ${hclString(storage.address)}
  server_host_key = ${hclString(storage.hostKey)}
  iqn             = ${hclString(iqn)}
  lun {
    lun      = 1
    size_mib = ${DATA_MIB}
  }
}

resource "virtplane_storage_domain" "iscsi" {
  name            = ${hclString(names.iscsi)}
  datacenter_id   = virtplane_datacenter.dc.id
  type            = "iscsi"
  iscsi_target_id = virtplane_iscsi_target.t.id
  depends_on      = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_disk" "data" {
  name              = "data-${tag}"
  storage_domain_id = virtplane_storage_domain.${dataDisk}.id
${dataDisk === 'iscsi' ? '  lun               = 1\n' : '  format            = "raw"\n'}}
`;
}

function hcl(options: Options = {}): string {
  const image = available!;
  const storage = lab.lab.storage;
  const baseId = options.templateGone === undefined ? 'virtplane_template.base.id' : hclString(options.templateGone);
  return `${tf.requiredProviders()}${platformHcl(lab.lab, { inventory: join(tf.root, 'inventory') })}
resource "virtplane_storage_domain" "nfs" {
  name          = ${hclString(names.domain)}
  datacenter_id = virtplane_datacenter.dc.id
  type          = "nfs"
  server        = ${hclString(storage.address)}
  export        = ${hclString(storage.nfsExport ?? '')}
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
  name              = ${hclString(names.image)}
  storage_domain_id = virtplane_storage_domain.nfs.id
  source            = ${hclString(image.path)}
  sha256            = "${image.sha256}"
}

${
  options.templateGone === undefined
    ? `resource "virtplane_template" "base" {
  name          = ${hclString(names.template)}
  datacenter_id = virtplane_datacenter.dc.id
  image_id      = virtplane_image.debian.id
  memory_mib    = 320
  graphics      = "none"
}`
    : ''
}

resource "virtplane_disk" "root" {
  name               = "root-${tag}"
  storage_domain_id  = virtplane_storage_domain.nfs.id
  source_template_id = ${baseId}
  size_mib           = 2048
}

resource "virtplane_vm" "web" {
  name        = ${hclString(names.vm)}
  cluster_id  = virtplane_cluster.main.id
  template_id = ${baseId}
  running     = ${options.running ?? true}
  host_id     = virtplane_host.${options.vmHost ?? 'kvm1'}.id
  wait_for_ip = 300
  shutdown_timeout_seconds = 5
  disk {
    disk_id = virtplane_disk.root.id
  }
${dataDisk === undefined ? '' : '  disk {\n    disk_id = virtplane_disk.data.id\n  }\n'}  nic {
    network_id = virtplane_network.nat.id
  }
  cloud_init {
    hostname = ${hclString(names.vm)}
    user {
      name                = "tester"
      ssh_authorized_keys = [${hclString(publicKey)}]
      sudo                = true
    }
  }
}
${
  options.sealed
    ? `
resource "virtplane_template" "sealed" {
  name          = "sealed-${tag}"
  datacenter_id = virtplane_datacenter.dc.id
  disk_id       = virtplane_disk.root.id
  depends_on    = [virtplane_vm.web] # sealed once the VM is stopped, in the same apply
}
${
  options.running === false
    ? `
resource "virtplane_disk" "copy" {
  name               = "copy-${tag}"
  storage_domain_id  = virtplane_storage_domain.nfs.id
  source_template_id = virtplane_template.sealed.id
  clone              = "full"
}
`
    : ''
}`
    : ''
}${dataDiskHcl()}`;
}

/** A command in a lab host's network namespace (where the guest's NAT network is). */
async function inNamespace(host: string, argv: readonly string[]): Promise<string> {
  const { stdout } = await run('ip', ['netns', 'exec', `${prefix}-${host}`, ...argv], { timeout: 120_000 });
  return stdout;
}

/** A command on a lab host over SSH (its own libvirtd answers there). */
async function onHost(host: string, command: string): Promise<string> {
  const address = lab.lab.hosts.find((candidate) => candidate.name === host)?.address ?? '';
  const { stdout } = await run(
    'ssh',
    ['-i', lab.lab.sshPrivateKeyFile, '-o', `UserKnownHostsFile=${lab.lab.knownHostsFile}`, '-o', 'BatchMode=yes', `root@${address}`, command],
    { timeout: 120_000 },
  );
  return stdout;
}

/** A command on the lab's storage server (tgtd's view of the targets). */
async function onStorage(argv: readonly string[]): Promise<string> {
  const { stdout } = await run(
    'ssh',
    ['-i', lab.lab.sshPrivateKeyFile, '-o', `UserKnownHostsFile=${lab.lab.knownHostsFile}`, '-o', 'BatchMode=yes', `root@${lab.lab.storage.address}`, ...argv],
    { timeout: 120_000 },
  );
  return stdout;
}

/** The initiators logged in to the data disk's target. */
async function targetSessions(): Promise<string[]> {
  const targets = parseTgtShow(await onStorage(['tgtadm', '--lld', 'iscsi', '--mode', 'target', '--op', 'show']));
  return (targets.find((target) => target.iqn === iqn)?.sessions ?? []).map((session) => session.initiator);
}

/**
 * A shell command in the guest as its user (sudo for root), through its host's NAT network. A login
 * that did not get through (a TCG guest under load can miss ssh's 5 s banner timeout) is tried again:
 * the command never ran then.
 */
async function inGuest(command: string): Promise<string> {
  for (const deadline = Date.now() + 120_000; ;) {
    try {
      return await inNamespace('kvm1', sshToGuestArgv(keyFile, `tester@${guestAddress}`, command));
    } catch (error) {
      if (!(error instanceof Error && /banner exchange|Connection (timed out|refused|reset)/.test(error.message)) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

/**
 * The guest's writer: 1 MiB blocks of random data round the data disk (slot i mod DATA_MIB), each
 * written with O_DIRECT and fsync, then logged with its checksum ("i slot sha256"); stops when told.
 */
const WRITER = `#!/bin/sh
dev=$1
echo $$ > /run/vp-writer.pid
i=0
while [ ! -e /run/vp-writer.stop ]; do
  slot=$((i % ${DATA_MIB}))
  head -c 1048576 /dev/urandom > /run/vp-chunk
  sum=$(sha256sum < /run/vp-chunk | cut -d' ' -f1)
  if ! dd if=/run/vp-chunk of="$dev" bs=1M seek=$slot count=1 oflag=direct conv=notrunc,fsync status=none; then
    echo "failed $i" >> /run/vp-writer.log
    exit 1
  fi
  echo "$i $slot $sum" >> /run/vp-writer.log
  i=$((i + 1))
  sleep 0.2
done
`;

/** Stops the writer, then reads back the last block written at each slot: "ok SLOT" or "bad SLOT" per slot. */
const VERIFY = `touch /run/vp-writer.stop
while kill -0 "$(cat /run/vp-writer.pid)" 2>/dev/null; do sleep 0.2; done
tac /run/vp-writer.log | awk '$1 != "failed" && !seen[$2]++' | while read -r i slot sum; do
  got=$(dd if="$1" bs=1M skip="$slot" count=1 iflag=direct status=none | sha256sum | cut -d' ' -f1)
  if [ "$got" = "$sum" ]; then echo "ok $slot"; else echo "bad $slot"; fi
done
`;

function exportFiles(): Promise<string[]> {
  return exportFilesAsSeen((argv) => inNamespace('kvm2', argv), exportUrl);
}

const available = await labGuestImageEntry();

describe.skipIf(available === undefined)('a template and a cloud-init seed on an NFS storage domain, one real guest', () => {
  beforeAll(async () => {
    lab = await useLab();
    exportUrl = labExportUrl(lab.lab);
    tf = await createTerraformWorkspace({ entryPoint: await buildProvider(), timeoutMs: 900_000 });
    keyFile = join(tf.root, 'guest_key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
    publicKey = (await readFile(`${keyFile}.pub`, 'utf8')).trim();
    await tf.writeConfig(hcl());
    await tf.init();
  }, 300_000);

  afterAll(async () => {
    if (tf) {
      await tf.writeConfig(hcl());
      await tf.destroy({ allowFailure: true });
      await tf.cleanup();
    }
    process.stderr.write(`[figures] ${JSON.stringify(timings)}\n`);
  }, 600_000);

  it('boots a guest from a thin clone of an NFS template, its seed a file on the export: hostname and user are there', async () => {
    const started = Date.now();
    const applied = await tf.apply([], { env: { TF_LOG: 'INFO' } });
    timings.applySeconds = (Date.now() - started) / 1000;
    timings.templateSeconds = Number(new RegExp(`template ${names.template}: made in ([\\d.]+) s`).exec(applied.stderr)?.[1] ?? NaN);
    const vm = await tf.stateAttributes('virtplane_vm', 'web');
    expect(vm).toMatchObject({ memory_mib: 320, graphics: 'none' });
    vmId = String(vm.id);
    const address = (vm.ip_addresses as string[])[0] ?? '';
    expect(address).toMatch(/^10\.232\./);
    guestAddress = address;

    const files = await exportFiles();
    expect(files).toEqual(
      expect.arrayContaining([
        `${names.image}.image`,
        `${names.template}.template`,
        `${names.template}.template.json`,
        `root-${tag}.qcow2`,
        `${vmId}.cidata.iso`,
      ]),
    );
    const info = JSON.parse(await inNamespace('kvm2', ['qemu-img', 'info', '-U', '--output=json', `${exportUrl}root-${tag}.qcow2`])) as Record<string, unknown>;
    expect(info['backing-filename']).toBe(`${exportUrl}${names.template}.template`);
    const record = JSON.parse(await inNamespace('kvm2', ['nfs-cat', `${exportUrl}${names.template}.template.json`])) as Record<string, unknown>;
    expect(record).toMatchObject({ memory_mib: 320, graphics: 'none', image_id: String((await tf.stateAttributes('virtplane_image', 'debian')).id) });
    // The seed: a read-only NFS network disk of the export, no file on any host.
    const xml = await onHost('kvm1', `virsh -c qemu:///system dumpxml ${names.vm}`);
    const seedDisk = /<disk type='network' device='disk'>(?:(?!<\/disk>)[\s\S])*virtplane-cidata[\s\S]*?<\/disk>/.exec(xml)?.[0] ?? '';
    expect(seedDisk).toContain(`<source protocol='nfs' name='${lab.lab.storage.nfsExport}/${vmId}.cidata.iso'`);
    expect(seedDisk).toContain('<readonly/>');

    const login = await untilItWorks(async () => {
      const answer = await inNamespace('kvm1', sshToGuestArgv(keyFile, `tester@${address}`, `${CLOUD_INIT_FINISHED} && hostname && id -un`));
      if (answer === '') throw new Error('no answer yet');
      return answer;
    }, 300_000);
    timings.bootToSshSeconds = (Date.now() - started) / 1000;
    expect(login.split('\n').slice(0, 2)).toEqual([names.vm, 'tester']);
    await tf.expectEmptyPlan();
  }, 900_000);

  it('refuses a template sealed from the running guest’s disk, on disk_id, making nothing', async () => {
    await tf.writeConfig(hcl({ sealed: true }));
    const refused = await tf.apply([], { allowFailure: true });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain('Source disk in use');
    expect(refused.stderr).toMatch(/virtplane_template\.sealed[\s\S]*disk_id/);
    expect((await exportFiles()).filter((file) => file.startsWith(`sealed-${tag}`))).toEqual([]);
    await tf.writeConfig(hcl());
    await tf.expectEmptyPlan();
  }, 300_000);

  it('moves a LUN data disk to the NFS domain while the booted guest writes to it: same boot, every block verifies', async () => {
    // The data disk on a LUN, hot-plugged into the running guest.
    dataDisk = 'iscsi';
    await tf.writeConfig(hcl());
    let started = Date.now();
    await tf.apply();
    timings.dataDiskAttachSeconds = (Date.now() - started) / 1000;
    expect(await onHost('kvm1', `virsh -c qemu:///system dumpxml ${names.vm}`)).toContain("protocol='iscsi'");
    expect((await targetSessions()).length).toBeGreaterThan(0);
    const bootId = (await inGuest('cat /proc/sys/kernel/random/boot_id')).trim();
    expect(bootId).toMatch(/^[0-9a-f-]{36}$/);
    const device = (
      await untilItWorks(async () => {
        const found = (await inGuest(`lsblk -dnbo NAME,SIZE | awk '$2 == ${DATA_MIB * 1024 * 1024} { print "/dev/" $1 }'`)).trim();
        if (found === '') throw new Error('the data disk is not in the guest yet');
        return found;
      }, 60_000)
    ).split('\n')[0]!;
    await inGuest(
      `echo ${Buffer.from(WRITER).toString('base64')} | base64 -d | sudo tee /run/vp-writer >/dev/null && sudo setsid -f nice -n 19 sh /run/vp-writer ${device} </dev/null >/dev/null 2>&1`,
    );
    const logged = async (): Promise<number> => Number((await inGuest('wc -l < /run/vp-writer.log 2>/dev/null || echo 0')).trim());
    await untilItWorks(
      async () => {
        if ((await logged()) < 3) throw new Error('the writer has not written yet');
      },
      60_000,
      1000,
    );

    // The move, while the writer runs.
    dataDisk = 'nfs';
    await tf.writeConfig(hcl());
    const { result } = await tf.plan();
    expect(result.stdout.replace(/│/g, ' ').replace(/\s+/g, ' ')).toMatch(
      new RegExp(
        `Disk data-${tag} moves from storage domain ${names.iscsi} to ${names.domain} \\(copied while VM ${names.vm} runs on kvm1, then switched; the LUN is let go, not deleted\\)`,
      ),
    );
    expect(result.stdout).not.toContain('will be restarted');
    const before = await logged();
    started = Date.now();
    await tf.apply();
    timings.dataDiskMoveApplySeconds = (Date.now() - started) / 1000;
    const after = await logged();
    timings.blocksWrittenDuringMove = after - before;
    expect(after).toBeGreaterThan(before);
    // The writer goes on, on the copy.
    await untilItWorks(
      async () => {
        if ((await logged()) <= after) throw new Error('the writer stopped');
      },
      60_000,
      1000,
    );

    const checked = (await inGuest(`echo ${Buffer.from(VERIFY).toString('base64')} | base64 -d | sudo sh -s ${device}`)).trim().split('\n');
    expect(checked.filter((line) => !line.startsWith('ok '))).toEqual([]);
    expect(checked).toHaveLength(Math.min(await logged(), DATA_MIB));
    expect(await inGuest('grep -c failed /run/vp-writer.log || true')).toMatch(/^0\s*$/);
    expect((await inGuest('cat /proc/sys/kernel/random/boot_id')).trim()).toBe(bootId);

    const xml = await onHost('kvm1', `virsh -c qemu:///system dumpxml ${names.vm}`);
    expect(xml).toContain(`<source protocol='nfs' name='${lab.lab.storage.nfsExport}/data-${tag}.img'`);
    expect(xml).not.toContain("protocol='iscsi'");
    expect(await targetSessions()).toEqual([]);
    expect(await exportFiles()).toContain(`data-${tag}.img`);
    await tf.expectEmptyPlan();
  }, 900_000);

  it('moves the guest live to the other host: the seed stays where it is, on the export', async () => {
    await tf.writeConfig(hcl({ vmHost: 'kvm2' }));
    const { result } = await tf.plan();
    expect(result.stdout).toMatch(/moves from kvm1 to kvm2 by live migration/);
    const started = Date.now();
    await tf.apply();
    timings.liveMigrationApplySeconds = (Date.now() - started) / 1000;
    expect(await onHost('kvm2', `virsh -c qemu:///system domstate ${names.vm}`)).toContain('running');
    expect(await onHost('kvm1', 'virsh -c qemu:///system -q list --all --name')).not.toContain(names.vm);
    expect(await exportFiles()).toContain(`${vmId}.cidata.iso`);
    await tf.expectEmptyPlan();
  }, 600_000);

  it('imports the NFS template to the same state, and refuses at plan to destroy it while the guest’s disk uses it', async () => {
    await tf.writeConfig(hcl({ vmHost: 'kvm2' }));
    const before = await tf.stateAttributes('virtplane_template', 'base');
    await tf.run(['state', 'rm', 'virtplane_template.base']);
    await tf.import('virtplane_template.base', String(before.id));
    expect(await tf.stateAttributes('virtplane_template', 'base')).toEqual(before);
    await tf.expectEmptyPlan();
    await tf.writeConfig(hcl({ vmHost: 'kvm2', templateGone: String(before.id) }));
    const refused = await tf.plan([], { allowFailure: true });
    expect(refused.result.exitCode).toBe(1);
    expect(refused.result.stderr).toContain('Template in use');
    expect(refused.result.stderr).toContain(`root-${tag}.qcow2`);
    expect(await exportFiles()).toContain(`${names.template}.template`);
    await tf.writeConfig(hcl({ vmHost: 'kvm2' }));
    await tf.expectEmptyPlan();
  }, 300_000);

  it('seals a template from the stopped guest’s disk onto the export, and makes a full copy of it there', async () => {
    await tf.writeConfig(hcl({ vmHost: 'kvm2', running: false, sealed: true }));
    const started = Date.now();
    const applied = await tf.apply([], { env: { TF_LOG: 'INFO' } });
    timings.sealApplySeconds = (Date.now() - started) / 1000;
    timings.sealSeconds = Number(new RegExp(`template sealed-${tag}: made in ([\\d.]+) s`).exec(applied.stderr)?.[1] ?? NaN);
    expect(await exportFiles()).toEqual(expect.arrayContaining([`sealed-${tag}.template`, `sealed-${tag}.template.json`, `copy-${tag}.qcow2`]));
    const sealed = JSON.parse(await inNamespace('kvm2', ['qemu-img', 'info', '-U', '--output=json', `${exportUrl}sealed-${tag}.template`])) as Record<
      string,
      unknown
    >;
    expect(sealed).toMatchObject({ format: 'qcow2', 'virtual-size': 2048 * 1024 * 1024 });
    expect(sealed['backing-filename']).toBeUndefined();
    const copy = JSON.parse(await inNamespace('kvm2', ['qemu-img', 'info', '-U', '--output=json', `${exportUrl}copy-${tag}.qcow2`])) as Record<string, unknown>;
    expect(copy['backing-filename']).toBeUndefined();
    expect((await tf.stateAttributes('virtplane_template', 'sealed')).virtual_size_mib).toBe(2048);
    await tf.expectEmptyPlan();
  }, 600_000);

  it('destroys everything: no domain on the hosts, no file of the test on the export', async () => {
    await tf.destroy();
    for (const host of ['kvm1', 'kvm2']) expect(await onHost(host, 'virsh -c qemu:///system -q list --all --name')).not.toContain(names.vm);
    expect((await exportFiles()).filter((file) => file.includes(tag) || (vmId !== '' && file.includes(vmId)))).toEqual([]);
  }, 600_000);
});

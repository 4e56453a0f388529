/**
 * Real guests against the lab, with the real terraform binary, booting one guest only (TCG: the lab's
 * hosts hide /dev/kvm, see lib/lab/machineRuntime.ts):
 * - a virtplane_image copied from the lab's cached Debian 12 image (checked by sha256), a template
 *   from it, a thin disk from the template, a VM with cloud_init and wait_for_ip: the test logs in over SSH (from the lab host's
 *   namespace) with the key cloud-init installed and reads back the hostname, the user and a
 *   write_file's content; ip_addresses equals what the guest reports;
 * - two thin clones of the template each write their own data; qemu-img shows the backing file;
 *   the template's and the image's checksums are unchanged; the plan is empty after apply;
 * - destroying the template while the clones exist is refused at plan, naming them;
 * - a wrong sha256 and a missing source: diagnostics with the attribute path, nothing copied;
 * - an image changed on the host shows in the plan;
 * - destroy leaves nothing on the hosts (domain, seed, clones, image).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProvider, createTerraformWorkspace, type TerraformWorkspace } from '../../support/terraform.js';
import { useLab, type TestLab } from '../../support/lab.js';
import { hclString, providerBlock } from '../../support/platformHcl.js';
import { CLOUD_INIT_FINISHED, sshToGuestArgv } from '../../support/guests.js';
import { labGuestImageEntry } from '../../../lib/lab/guestImage.js';

const run = promisify(execFile);
const tag = Math.random().toString(16).slice(2, 8);
const dirPath = `/tmp/vpimg-${tag}`;
const names = { dir: `vpimg-${tag}`, net: `vpimg-${tag}-nat` };
const prefix = process.env.VIRTPLANE_LAB_PREFIX ?? 'vp';

let lab: TestLab;
let tf: TerraformWorkspace;
let image: { path: string; sha256: string };
let keyFile: string;
let publicKey: string;
const timings: Record<string, number> = {};

interface Options {
  readonly vm?: boolean;
  readonly clone2?: boolean;
  readonly bad?: 'sha' | 'missing';
  /** The template left out of the configuration, its clones naming it by this literal id. */
  readonly templateGone?: string;
}

function hcl(options: Options): string {
  const kvm1 = lab.lab.hosts[0]!;
  const vm = options.vm
    ? `
resource "virtplane_vm" "web" {
  name        = "web-${tag}"
  cluster_id  = virtplane_cluster.main.id
  template_id = ${options.templateGone === undefined ? 'virtplane_template.base.id' : hclString(options.templateGone)}
  wait_for_ip = 300
  shutdown_timeout_seconds = 5
  depends_on  = [virtplane_host.kvm1]
  disk {
    disk_id = virtplane_disk.root.id
  }
  nic {
    network_id = virtplane_network.nat.id
  }
  cloud_init {
    hostname = "web-${tag}"
    user {
      name                = "tester"
      ssh_authorized_keys = [${hclString(publicKey)}]
      sudo                = true
    }
    write_file {
      path        = "/etc/virtplane-test"
      content     = "hello from ${tag}\\n"
      permissions = "0640"
    }
  }
}

output "web_ip" {
  value = virtplane_vm.web.ip_addresses[0]
}
`
    : '';
  const clone2 = options.clone2
    ? `
resource "virtplane_disk" "second" {
  name              = "second-${tag}"
  storage_domain_id = virtplane_storage_domain.dir.id
  source_template_id = ${options.templateGone === undefined ? 'virtplane_template.base.id' : hclString(options.templateGone)}
  clone              = "thin"
}
`
    : '';
  const bad = options.bad
    ? `
resource "virtplane_image" "bad" {
  name              = "bad-${tag}"
  storage_domain_id = virtplane_storage_domain.dir.id
  source            = ${hclString(options.bad === 'missing' ? `/nonexistent/${tag}.qcow2` : image.path)}
  sha256            = "${options.bad === 'sha' ? '0'.repeat(64) : image.sha256}"
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

resource "virtplane_host" "kvm1" {
  name       = ${hclString(kvm1.name)}
  cluster_id = virtplane_cluster.main.id
  address    = ${hclString(kvm1.address)}
  host_key   = ${hclString(kvm1.hostKey)}
}

resource "virtplane_storage_domain" "dir" {
  name          = ${hclString(names.dir)}
  datacenter_id = virtplane_datacenter.dc.id
  type          = "dir"
  path          = ${hclString(dirPath)}
  host_id       = virtplane_host.kvm1.id # a one-host data center: kvm1's own directory
  depends_on    = [virtplane_host.kvm1]
}

resource "virtplane_network" "nat" {
  name          = ${hclString(names.net)}
  datacenter_id = virtplane_datacenter.dc.id
  mode          = "nat"
  cidr          = "10.231.${parseInt(tag.slice(0, 2), 16) % 200}.0/24"
  depends_on    = [virtplane_host.kvm1]
}

resource "virtplane_image" "debian" {
  name              = "debian-12"
  storage_domain_id = virtplane_storage_domain.dir.id
  source            = ${hclString(image.path)}
  sha256            = "${image.sha256}"
}

${
  options.templateGone === undefined
    ? `resource "virtplane_template" "base" {
  name          = "base"
  datacenter_id = virtplane_datacenter.dc.id
  image_id      = virtplane_image.debian.id
  memory_mib    = 320
  graphics      = "none"
}`
    : ''
}

resource "virtplane_disk" "root" {
  name               = "root-${tag}"
  storage_domain_id  = virtplane_storage_domain.dir.id
  source_template_id = ${options.templateGone === undefined ? 'virtplane_template.base.id' : hclString(options.templateGone)}
  size_mib           = 2048
}
${clone2}${vm}${bad}`;
}

/** A command in kvm1's network namespace (where the guest's NAT network is). */
async function inHostNamespace(argv: readonly string[]): Promise<string> {
  const { stdout } = await run('ip', ['netns', 'exec', `${prefix}-kvm1`, ...argv], { timeout: 120_000 });
  return stdout;
}

async function guestSsh(address: string, command: string): Promise<string> {
  return inHostNamespace(sshToGuestArgv(keyFile, `tester@${address}`, command));
}

async function sha256OnHost(path: string): Promise<string> {
  return (await run('sha256sum', [path])).stdout.split(' ')[0] ?? '';
}

// The image of the current recipe (several may be cached on this machine); undefined until `virtplane lab image` built it.
const available = await labGuestImageEntry();

describe.skipIf(available === undefined)('real guests: image, template, thin disks, cloud-init, addresses', () => {
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

  it('refuses a wrong sha256 and a missing source at plan, on the attribute, copying nothing', async () => {
    await tf.writeConfig(hcl({ bad: 'sha' }));
    const wrong = await tf.plan([], { allowFailure: true });
    expect(wrong.result.exitCode).toBe(1);
    expect(wrong.result.stderr).toContain('Image checksum mismatch');
    expect(wrong.result.stderr).toMatch(/sha256\s+= "0{64}"/);
    await tf.writeConfig(hcl({ bad: 'missing' }));
    const missing = await tf.plan([], { allowFailure: true });
    expect(missing.result.exitCode).toBe(1);
    expect(missing.result.stderr).toContain('Image source not found');
    expect(missing.result.stderr).toMatch(/source\s+= "\/nonexistent\//);
    expect(existsSync(dirPath) ? readdirSync(dirPath) : []).toEqual([]);
  }, 120_000);

  it('copies the image, makes a thin disk (the template as its backing file, nothing copied), and boots a guest with cloud-init', async () => {
    await tf.writeConfig(hcl({}));
    let started = Date.now();
    const applied = await tf.apply([], { env: { TF_LOG: 'INFO' } });
    timings.platformImageDiskApplySeconds = (Date.now() - started) / 1000;
    const logged = (pattern: RegExp): number => Number(pattern.exec(applied.stderr)?.[1] ?? NaN);
    timings.imageCopySeconds = logged(/image debian-12: copied and verified in ([\d.]+) s/);
    timings.templateSeconds = logged(/template base: made in ([\d.]+) s/);
    timings.thinCloneSeconds = logged(/disk root-\w+: thin clone of image \S+ made in ([\d.]+) s/);
    // The provider's progress lines reach Terraform's log at INFO (go-plugin parsed them), with its own measures.
    expect(timings.imageCopySeconds).toBeGreaterThan(0);
    expect(timings.thinCloneSeconds).toBeGreaterThanOrEqual(0);
    const imageState = await tf.stateAttributes('virtplane_image', 'debian');
    expect(imageState).toMatchObject({ format: 'qcow2', sha256: image.sha256, id: expect.stringMatching(/\/image\/debian-12$/) });
    expect(imageState.virtual_size_mib).toBe(1024);
    timings.imageMiB = Number(imageState.size_mib);
    const rootPath = join(dirPath, `root-${tag}.qcow2`);
    const info = JSON.parse((await run('qemu-img', ['info', '-U', '--output=json', rootPath])).stdout) as Record<string, unknown>;
    expect(info['backing-filename']).toBe(join(dirPath, 'base.template'));
    expect(info['virtual-size']).toBe(2048 * 1024 * 1024);
    // Thin whatever the template's size: before any guest wrote to it, the clone holds only qcow2's
    // metadata (about 0.2 MiB) against the template's hundreds. Its size, not its time, says so: the
    // time (printed with the figures) is three SSH round trips and grows with the machine's load.
    expect(Number(info['actual-size'])).toBeLessThan(4 * 1024 * 1024);

    await tf.writeConfig(hcl({ vm: true }));
    started = Date.now();
    await tf.apply();
    timings.bootToIpSeconds = (Date.now() - started) / 1000;
    const vm = await tf.stateAttributes('virtplane_vm', 'web');
    // Inherited from the template: memory_mib and graphics are not set on the VM.
    expect(vm).toMatchObject({ memory_mib: 320, graphics: 'none', vcpus: 1 });
    const address = (vm.ip_addresses as string[])[0] ?? '';
    expect(address).toMatch(/^10\.231\./);
    const output = JSON.parse((await tf.run(['output', '-json'])).stdout) as { web_ip: { value: string } };
    expect(output.web_ip.value).toBe(address);

    // SSH answers once cloud-init has installed the key (a little after DHCP); the guest is used on once
    // cloud-init has finished (it restarts sshd on the way).
    let login = '';
    const deadline = Date.now() + 300_000;
    while (Date.now() < deadline) {
      login = await guestSsh(address, `${CLOUD_INIT_FINISHED} && hostname && id -un && sudo -n cat /etc/virtplane-test && ip -4 -o addr show dev eth0`).catch(
        () => '',
      );
      if (login !== '') break;
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
    timings.bootToSshSeconds = (Date.now() - started) / 1000;
    const [hostname, user, content, addr] = login.split('\n');
    expect(hostname).toBe(`web-${tag}`);
    expect(user).toBe('tester');
    expect(content).toBe(`hello from ${tag}`);
    expect(addr).toContain(` ${address}/`);
    await tf.expectEmptyPlan();
  }, 900_000);

  it('keeps two thin clones apart and the image unchanged', async () => {
    await tf.writeConfig(hcl({ vm: true, clone2: true }));
    const before = await sha256OnHost(join(dirPath, 'debian-12.image'));
    expect(before).toBe(image.sha256);
    const started = Date.now();
    const applied = await tf.apply();
    timings.secondCloneApplySeconds = (Date.now() - started) / 1000;
    process.stderr.write(`[second clone apply]\n${applied.stdout}\n`);
    expect(applied.stdout).not.toContain('virtplane_vm.web: Modifying');
    const second = join(dirPath, `second-${tag}.qcow2`);
    const info = JSON.parse((await run('qemu-img', ['info', '-U', '--output=json', second])).stdout) as Record<string, unknown>;
    expect(info['backing-filename']).toBe(join(dirPath, 'base.template'));
    const templateSum = await sha256OnHost(join(dirPath, 'base.template'));
    // The guest writes into its clone (root); the test writes into the other one: each sees only its own.
    const first = join(dirPath, `root-${tag}.qcow2`);
    await guestSsh(
      String(((await tf.stateAttributes('virtplane_vm', 'web')).ip_addresses as string[])[0]),
      'echo mine | sudo -n tee /root/mine >/dev/null && sync',
    );
    await run('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5a 512M 1M', second]);
    const readSecond = (await run('qemu-io', ['-f', 'qcow2', '-c', 'read -P 0x5a 512M 1M', second])).stdout;
    expect(readSecond).not.toContain('Pattern verification failed');
    // qemu-io exits 1 when the pattern does not match: what this clone must say of the other's data.
    const readFirst = await run('qemu-io', ['-U', '-r', '-f', 'qcow2', '-c', 'read -P 0x5a 512M 1M', first], { timeout: 60_000 }).then(
      (result) => result.stdout,
      (error: { stdout?: string }) => error.stdout ?? '',
    );
    expect(readFirst).toContain('Pattern verification failed');
    expect(await sha256OnHost(join(dirPath, 'debian-12.image'))).toBe(image.sha256);
    expect(await sha256OnHost(join(dirPath, 'base.template'))).toBe(templateSum);
    await tf.expectEmptyPlan();
  }, 600_000);

  it('imports the image and the template to the same state, and shows a template setting changed on the host', async () => {
    const imageBefore = await tf.stateAttributes('virtplane_image', 'debian');
    const templateBefore = await tf.stateAttributes('virtplane_template', 'base');
    await tf.run(['state', 'rm', 'virtplane_image.debian', 'virtplane_template.base']);
    await tf.import('virtplane_image.debian', String(imageBefore.id));
    await tf.import('virtplane_template.base', String(templateBefore.id));
    expect(await tf.stateAttributes('virtplane_image', 'debian')).toEqual(imageBefore);
    expect(await tf.stateAttributes('virtplane_template', 'base')).toEqual(templateBefore);
    await tf.expectEmptyPlan();

    // Out of band: the template's VM settings edited on the host.
    const record = join(dirPath, 'base.template.json');
    const original = await readFile(record, 'utf8');
    await writeFile(record, JSON.stringify({ ...JSON.parse(original), vcpus: 3 }));
    const { result, hasChanges } = await tf.plan();
    expect(hasChanges).toBe(true);
    expect(result.stdout).toMatch(/~ vcpus\s+= 3 -> 1/);
    await tf.apply();
    expect(JSON.parse(await readFile(record, 'utf8')).vcpus).toBe(1);
    await tf.expectEmptyPlan();
  }, 300_000);

  it('refuses at plan to destroy the template while clones use it, naming them', async () => {
    const templateId = String((await tf.stateAttributes('virtplane_template', 'base')).id);
    await tf.writeConfig(hcl({ vm: true, clone2: true, templateGone: templateId }));
    const refused = await tf.plan([], { allowFailure: true });
    expect(refused.result.exitCode).toBe(1);
    expect(refused.result.stderr).toContain('Template in use');
    expect(refused.result.stderr).toContain(`root-${tag}.qcow2`);
    expect(refused.result.stderr).toContain(`second-${tag}.qcow2`);
    expect(existsSync(join(dirPath, 'base.template'))).toBe(true);
    await tf.writeConfig(hcl({ vm: true, clone2: true }));
    await tf.expectEmptyPlan();
  }, 300_000);

  it('notices an image changed on the host', async () => {
    const path = join(dirPath, 'debian-12.image');
    const copy = join(tf.root, 'image.bak');
    await run('cp', ['--preserve=all', path, copy]);
    await run('chmod', ['u+w', path]);
    await run('sh', ['-c', 'printf x >> "$1"', 'sh', path]);
    try {
      const { result, hasChanges } = await tf.plan();
      expect(hasChanges).toBe(true);
      expect(result.stdout).toMatch(/virtplane_image\.debian must be replaced/);
    } finally {
      await run('mv', ['-f', copy, path]);
    }
    await tf.expectEmptyPlan();
  }, 300_000);

  it('destroys everything it made on the hosts', async () => {
    await tf.destroy();
    expect(readdirSync(dirPath).filter((file) => !file.startsWith('.'))).toEqual([]);
    const kvm1 = lab.lab.hosts[0]!;
    const { stdout: domains } = await run('ssh', [
      '-i',
      lab.lab.sshPrivateKeyFile,
      '-o',
      `UserKnownHostsFile=${lab.lab.knownHostsFile}`,
      '-o',
      'BatchMode=yes',
      `root@${kvm1.address}`,
      'virsh -c qemu:///system list --all --name',
    ]);
    expect(domains).not.toContain(`web-${tag}`);
  }, 600_000);
});

#!/usr/bin/env node
// Real guests through the provider against the same work done by hand, measured in one run on the lab's
// kvm1 (one guest at a time, so that the two never share the CPU):
//   1. template to SSH-ready guest: `terraform apply` of a thin disk from the template plus a VM with
//      cloud_init and wait_for_ip, then SSH polled until it answers, beside the same by hand over SSH:
//      qemu-img create -b (the template as backing file), the same NoCloud seed written with dd, virsh
//      define + start of a hand-written domain, the address from the DHCP lease, SSH polled;
//   2. a thin clone of a small (the 1 GiB template) and of a large (200 GiB, sparse) base through the
//      libvirt backend (what virtplane_disk runs), beside `qemu-img create -b` alone in one SSH call;
//   3. with --baseline-image PATH (an image of an older recipe, e.g. the previous debian-12-*.qcow2 in
//      /var/cache/virtplane/images; `auto` picks the newest such file there, and skips this part if none): the lab's current image and that one booted by hand the same way,
//      side by side (same load), --boots N rounds: seconds to SSH and to cloud-init's end, and the qemu process's
//      CPU-s (utime+stime from /proc) at cloud-init's end. --inspect prints systemd-analyze and
//      cloud-init's own timings from the last boot of each. --only-images skips parts 1 and 2.
// Under TCG (the lab's hosts hide /dev/kvm) a boot takes about a minute: the ratio is the figure to read.
// Needs the lab up (`virtplane lab up`, which also builds the guest image) and the compiled code:
//   npx tsc -p tsconfig.json && npx tsc -p test/provider/tsconfig.fixtures.json
// Run: node scripts/bench-guest.mjs [--clones N] [--baseline-image PATH [--boots N] [--inspect] [--only-images]]
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { benchLab, dist, requireBuilt } from './benchLab.mjs';

requireBuilt(
  [dist('lib/provider/main.js'), dist('test/support/terraform.js'), dist('test/support/platformHcl.js'), dist('test/support/guests.js')],
  'npx tsc -p tsconfig.json && npx tsc -p test/provider/tsconfig.fixtures.json',
);
const { lab } = await benchLab();
if (lab.guestImage === undefined) {
  process.stderr.write('the lab file names no guest image: run `node dist/lib/cli/main.js lab up`\n');
  process.exit(2);
}

const { createTerraformWorkspace } = await import(dist('test/support/terraform.js'));
const { platformHcl, hclString } = await import(dist('test/support/platformHcl.js'));
const { sshToGuestArgv } = await import(dist('test/support/guests.js'));
const { labEndpoints } = await import(dist('lib/lab/endpoints.js'));
const { SshPool } = await import(dist('lib/backends/ssh/index.js'));
const { createThinClone, sshLibvirtHost } = await import(dist('lib/backends/libvirt/index.js'));
const { buildNoCloudSeed, instanceIdOf } = await import(dist('lib/backends/cloudinit/index.js'));

const option = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const CLONES = option('--clones', 5);
const textOption = (name) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
/**
 * `auto`: the newest other image of the same recipe name in the lab image's cache folder (the one the
 * recipe before the current one built), if there is one.
 */
function baselineImage(chosen) {
  if (chosen !== 'auto') return chosen;
  const current = lab.guestImage.path;
  const folder = dirname(current);
  const stem = current
    .split('/')
    .pop()
    .replace(/-[0-9a-f]{12}\.qcow2$/, '');
  const older = readdirSync(folder)
    .filter((name) => name.startsWith(`${stem}-`) && name.endsWith('.qcow2') && join(folder, name) !== current)
    .map((name) => join(folder, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (older.length === 0) process.stderr.write(`no older ${stem} image in ${folder}: part 3 (current image beside an older recipe's) skipped\n`);
  return older[0];
}
const BASELINE_IMAGE = baselineImage(textOption('--baseline-image'));
const BOOTS = option('--boots', 2);
const INSPECT = process.argv.includes('--inspect');
const ONLY_IMAGES = process.argv.includes('--only-images');
if (BASELINE_IMAGE !== undefined && !existsSync(BASELINE_IMAGE)) {
  process.stderr.write(`no baseline image at ${BASELINE_IMAGE}\n`);
  process.exit(2);
}
const tag = randomBytes(3).toString('hex');
const dir = `/var/lib/virtplane/bench-${tag}`;
const network = `bench-${tag}-nat`;
const publicKey = readFileSync(`${lab.sshPrivateKeyFile}.pub`, 'utf8').trim();

const { hosts } = labEndpoints(lab);
const kvm1 = hosts[0];
const pool = new SshPool();
const host = sshLibvirtHost(pool, kvm1);
const exec = (argv, options = {}) => pool.exec(kvm1, argv, options);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** ssh's argv, run on kvm1 (where the guest's NAT network is), that runs `command` in the guest. */
const sshToGuest = (address, command) => sshToGuestArgv(lab.sshPrivateKeyFile, `lab@${address}`, command);

/** Polls SSH to the guest until `command` succeeds in it. */
async function waitForSsh(address, command = 'true') {
  for (;;) {
    const attempt = await exec(sshToGuest(address, command), { allowExitCodes: [255, 1] });
    if (attempt.exitCode === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** CPU seconds (user + system) the domain's qemu process has used so far, from /proc on its host. */
async function qemuCpuSeconds(name) {
  const stat = (await exec(['sh', '-c', 'cat "/proc/$(cat "/run/libvirt/qemu/$1.pid")/stat"', 'sh', name])).stdout;
  // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Boots a guest by hand on kvm1 from `backingFile` (a qcow2 overlay on it, a NoCloud seed as vdb, the
 * domain XML below on `network`) and waits for SSH, then for cloud-init's end. Returns the seconds to
 * each and qemu's CPU-s at the end; the domain is left running (`inspect` may look inside) for the caller
 * to destroy.
 */
async function bootByHand(name, backingFile, network) {
  const started = performance.now();
  const overlay = `${dir}/${name}-root.qcow2`;
  const seedPath = `${dir}/${name}-seed.iso`;
  await exec(['qemu-img', 'create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', backingFile, overlay]);
  const uuid = randomUUID();
  const config = { users: [{ name: 'lab', sshAuthorizedKeys: [publicKey], sudo: false }], writeFiles: [], runcmd: [] };
  await exec(['dd', `of=${seedPath}`, 'status=none'], { stdin: await buildNoCloudSeed(instanceIdOf(uuid, config), config) });
  const mac = `52:54:00:${randomBytes(3).toString('hex').match(/../g).join(':')}`;
  const xml = `<domain type='qemu'>
  <name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>384</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <features><acpi/></features>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${overlay}'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${seedPath}'/><target dev='vdb' bus='virtio'/><readonly/></disk>
    <interface type='network'><source network='${network}'/><mac address='${mac}'/><model type='virtio'/></interface>
    <serial type='pty'/><console type='pty'/>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
  </devices>
</domain>`;
  await exec(['sh', '-c', 'cat > "$1" && virsh -q define "$1" && virsh -q start "$2"', 'sh', `${dir}/${name}.xml`, name], { stdin: xml });
  let address = '';
  while (address === '') {
    const leases = await exec(['virsh', '-q', 'domifaddr', name, '--source', 'lease'], { allowExitCodes: [1] });
    address = /ipv4\s+(\d+\.\d+\.\d+\.\d+)/.exec(leases.stdout)?.[1] ?? '';
    if (address === '') await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  await waitForSsh(address);
  const sshMs = performance.now() - started;
  await waitForSsh(address, 'test -e /var/lib/cloud/instance/boot-finished');
  const finishedMs = performance.now() - started;
  return { name, address, sshMs, finishedMs, cpuSeconds: await qemuCpuSeconds(name) };
}

/** Removes a domain bootByHand made, with its overlay, seed and XML. */
async function removeHandGuest(name) {
  await exec(['sh', '-c', 'virsh -q destroy "$1"; virsh -q undefine "$1"; rm -f "$2/$1"-root.qcow2 "$2/$1"-seed.iso "$2/$1".xml', 'sh', name, dir], {
    allowExitCodes: [0, 1],
  });
}

/** What a guest spent its boot on: systemd's and cloud-init's own accounts (slow under TCG: minutes allowed). */
async function inspectGuest(address) {
  const commands = [
    'systemd-analyze',
    'systemd-analyze blame | head -25',
    'systemd-analyze critical-chain',
    'cloud-init analyze show | grep -v "^\\s*$" | head -90',
    'cloud-init analyze blame | head -30',
  ];
  let report = '';
  for (const command of commands) {
    const answer = await exec(sshToGuest(address, command), { allowExitCodes: [0, 1, 2, 255], timeoutMs: 600_000 });
    report += `$ ${command}\n${answer.stdout}${answer.stderr}\n`;
  }
  return report;
}

/**
 * Part 3: the current image beside the baseline one. Each round boots one guest of each at the same
 * time, so that both see the same load (this machine is shared); the CPU-s figure is the one that does
 * not depend on the load.
 */
async function compareImages() {
  const imageNetwork = `bench-${tag}-img`;
  const networkXml = `<network><name>${imageNetwork}</name><forward mode='nat'/><ip address='10.219.0.1' netmask='255.255.255.0'><dhcp><range start='10.219.0.10' end='10.219.0.250'/></dhcp></ip></network>`;
  await exec(['mkdir', '-p', dir]);
  await exec(['sh', '-c', 'cat > "$1" && virsh -q net-create "$1"', 'sh', `${dir}/${imageNetwork}.xml`], { stdin: networkXml });
  const images = [
    ['baseline', BASELINE_IMAGE],
    ['current', lab.guestImage.path],
  ];
  const results = { baseline: [], current: [] };
  const reports = {};
  try {
    for (let round = 0; round < BOOTS; round++) {
      await Promise.all(
        images.map(async ([label, image]) => {
          const name = `bench-${tag}-${label}-${round}`;
          try {
            const boot = await bootByHand(name, image, imageNetwork);
            results[label].push(boot);
            console.log(
              `  ${label} boot ${round + 1}: SSH ${seconds(boot.sshMs)}, cloud-init done ${seconds(boot.finishedMs)}, qemu ${boot.cpuSeconds.toFixed(1)} CPU-s`,
            );
            if (INSPECT && round === BOOTS - 1) reports[label] = await inspectGuest(boot.address);
          } finally {
            await removeHandGuest(name);
          }
        }),
      );
    }
  } finally {
    await exec(['virsh', '-q', 'net-destroy', imageNetwork], { allowExitCodes: [0, 1] });
  }
  console.log(`image boot (by hand on kvm1, TCG, 384 MiB, 1 vCPU; ${BOOTS} round(s), both images booting at once in each; medians):`);
  for (const [label, image] of images) {
    const boots = results[label];
    console.log(
      `  ${label.padEnd(8)} ${image.split('/').pop()}: SSH ${seconds(median(boots.map((boot) => boot.sshMs)))}, cloud-init done ${seconds(median(boots.map((boot) => boot.finishedMs)))}, qemu ${median(boots.map((boot) => boot.cpuSeconds)).toFixed(1)} CPU-s`,
    );
  }
  const ratio = (pick) => (median(results.current.map(pick)) / median(results.baseline.map(pick))).toFixed(2);
  console.log(
    `  current/baseline: SSH ${ratio((boot) => boot.sshMs)}x, cloud-init done ${ratio((boot) => boot.finishedMs)}x, qemu CPU-s ${ratio((boot) => boot.cpuSeconds)}x`,
  );
  for (const [label, report] of Object.entries(reports)) console.log(`--- inside the ${label} guest (last boot) ---\n${report}`);
}

if (ONLY_IMAGES) {
  if (BASELINE_IMAGE === undefined) {
    process.stderr.write('--only-images needs --baseline-image PATH\n');
    process.exit(2);
  }
  try {
    await compareImages();
  } finally {
    await exec(['rm', '-rf', dir], { allowExitCodes: [0, 1] }).catch(() => undefined);
    await pool.close();
  }
  process.exit(0);
}

const tf = await createTerraformWorkspace({ entryPoint: dist('lib/provider/main.js') });
const inventory = join(tf.root, 'inventory');
const cloudInit = `
  cloud_init {
    user {
      name                = "lab"
      ssh_authorized_keys = [${hclString(publicKey)}]
    }
  }`;
const base = `${platformHcl(lab, { inventory, hosts: ['kvm1'], datacenter: `bench-${tag}`, cluster: `bench-${tag}` })}
resource "virtplane_storage_domain" "images" {
  name          = "bench-${tag}"
  datacenter_id = virtplane_datacenter.dc.id
  type          = "dir"
  path          = "${dir}"
  host_id       = virtplane_host.kvm1.id
  depends_on    = [virtplane_host.kvm1]
}
resource "virtplane_network" "nat" {
  name          = "${network}"
  datacenter_id = virtplane_datacenter.dc.id
  mode          = "nat"
  cidr          = "10.209.0.0/24"
  depends_on    = [virtplane_host.kvm1]
}
resource "virtplane_image" "debian" {
  name              = "debian-12"
  storage_domain_id = virtplane_storage_domain.images.id
  source            = ${hclString(lab.guestImage.path)}
  sha256            = "${lab.guestImage.sha256}"
}
resource "virtplane_template" "debian" {
  name          = "debian-12"
  datacenter_id = virtplane_datacenter.dc.id
  image_id      = virtplane_image.debian.id
  vcpus         = 1
  memory_mib    = 384
  graphics      = "none"
}
`;
const guest = `
resource "virtplane_disk" "root" {
  name               = "tf-root"
  storage_domain_id  = virtplane_storage_domain.images.id
  source_template_id = virtplane_template.debian.id
}
resource "virtplane_vm" "guest" {
  name        = "bench-${tag}-tf"
  cluster_id  = virtplane_cluster.main.id
  template_id = virtplane_template.debian.id
  wait_for_ip = 600
  shutdown_timeout_seconds = 0
  disk {
    disk_id = virtplane_disk.root.id
  }
  nic {
    network_id = virtplane_network.nat.id
  }${cloudInit}
}
output "address" {
  value = virtplane_vm.guest.ip_addresses[0]
}
`;

const handName = `bench-${tag}-hand`;
const template = `${dir}/debian-12.template`;
try {
  await tf.writeConfig(tf.requiredProviders() + base);
  await tf.init();
  await tf.apply();

  // 1a. By hand.
  const hand = await bootByHand(handName, template, network);
  const handMs = hand.sshMs;
  await removeHandGuest(handName);

  // 1b. Through terraform.
  await tf.writeConfig(tf.requiredProviders() + base + guest);
  const tfStarted = performance.now();
  await tf.apply();
  const address = JSON.parse((await tf.run(['output', '-json'])).stdout).address.value;
  await waitForSsh(address);
  const tfMs = performance.now() - tfStarted;

  console.log(`template -> SSH-ready guest (TCG on kvm1), one boot each:`);
  console.log(`  by hand (qemu-img -b, seed, virsh define/start, lease, ssh):  ${seconds(handMs)}`);
  console.log(`  terraform apply (thin disk + VM with cloud_init, wait_for_ip) + ssh:  ${seconds(tfMs)}  (${(tfMs / handMs).toFixed(2)}x by hand)`);

  // 2. Thin clones of a small and a large base.
  const large = `${dir}/large.qcow2`;
  await exec(['qemu-img', 'create', '-q', '-f', 'qcow2', large, '200G']);
  const info = JSON.parse((await exec(['qemu-img', 'info', '-U', '--output=json', template])).stdout);
  const rows = [];
  for (const [label, path] of [
    [`small base (${Math.round(info['virtual-size'] / 2 ** 20)} MiB virtual)`, template],
    ['large base (200 GiB virtual)', large],
  ]) {
    const backend = [];
    const raw = [];
    for (let index = 0; index < CLONES; index++) {
      const target = `${dir}/clone-${index}.qcow2`;
      let started = performance.now();
      await createThinClone(host, path, 'qcow2', target);
      backend.push(performance.now() - started);
      await exec(['rm', '-f', target]);
      started = performance.now();
      await exec(['qemu-img', 'create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', path, target]);
      raw.push(performance.now() - started);
      await exec(['rm', '-f', target]);
    }
    rows.push(`  ${label}: backend median ${median(backend).toFixed(0)} ms, qemu-img over SSH median ${median(raw).toFixed(0)} ms (n=${CLONES})`);
  }
  console.log('thin clone:');
  for (const row of rows) console.log(row);

  // 3. The current image beside an older recipe's.
  if (BASELINE_IMAGE !== undefined) await compareImages();
} finally {
  await removeHandGuest(handName).catch(() => undefined);
  await exec(['sh', '-c', 'rm -f "$1"/large.qcow2 "$1"/clone-*.qcow2', 'sh', dir], { allowExitCodes: [0, 1] }).catch(() => undefined);
  await tf.run(['destroy', '-auto-approve', '-input=false', '-no-color'], { allowFailure: true });
  await tf.cleanup();
  await pool.close();
}

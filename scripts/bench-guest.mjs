#!/usr/bin/env node
// Real guests through the provider against the same work done by hand, measured in one run on the lab's
// kvm1 (one guest at a time, so that the two never share the CPU):
//   1. template to SSH-ready guest: `terraform apply` of a thin disk from the template plus a VM with
//      cloud_init and wait_for_ip, then SSH polled until it answers, beside the same by hand over SSH:
//      qemu-img create -b (the template as backing file), the same NoCloud seed written with dd, virsh
//      define + start of a hand-written domain, the address from the DHCP lease, SSH polled;
//   2. a thin clone of a small (the 1 GiB template) and of a large (200 GiB, sparse) base through the
//      libvirt backend (what virtplane_disk runs), beside `qemu-img create -b` alone in one SSH call.
// Under TCG (the lab's hosts hide /dev/kvm) a boot takes about a minute: the ratio is the figure to read.
// Needs the lab up (`virtplane lab up`, which also builds the guest image) and the compiled code:
//   npx tsc -p tsconfig.json && npx tsc -p test/provider/tsconfig.fixtures.json
// Run: node scripts/bench-guest.mjs [--clones N]
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchLab, dist, requireBuilt } from './benchLab.mjs';

requireBuilt(
  [dist('lib/provider/main.js'), dist('test/support/terraform.js'), dist('test/support/platformHcl.js')],
  'npx tsc -p tsconfig.json && npx tsc -p test/provider/tsconfig.fixtures.json',
);
const { lab } = await benchLab();
if (lab.guestImage === undefined) {
  process.stderr.write('the lab file names no guest image: run `node dist/lib/cli/main.js lab up`\n');
  process.exit(2);
}

const { createTerraformWorkspace } = await import(dist('test/support/terraform.js'));
const { platformHcl, hclString } = await import(dist('test/support/platformHcl.js'));
const { labEndpoints } = await import(dist('lib/lab/endpoints.js'));
const { SshPool } = await import(dist('lib/backends/ssh/index.js'));
const { createThinClone, sshLibvirtHost } = await import(dist('lib/backends/libvirt/index.js'));
const { buildNoCloudSeed, instanceIdOf } = await import(dist('lib/backends/cloudinit/index.js'));

const option = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const CLONES = option('--clones', 5);
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

/** Polls SSH to the guest from kvm1 (where its NAT network is) until it runs a command. */
async function waitForSsh(address) {
  for (;;) {
    const attempt = await exec(
      [
        'ssh',
        '-i',
        lab.sshPrivateKeyFile,
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'BatchMode=yes',
        '-o',
        'ConnectTimeout=3',
        `lab@${address}`,
        'true',
      ],
      { allowExitCodes: [255, 1] },
    );
    if (attempt.exitCode === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
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
  const handStarted = performance.now();
  const overlay = `${dir}/hand-root.qcow2`;
  const seedPath = `${dir}/hand-seed.iso`;
  await exec(['qemu-img', 'create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', template, overlay]);
  const handUuid = randomUUID();
  const config = { users: [{ name: 'lab', sshAuthorizedKeys: [publicKey], sudo: false }], writeFiles: [], runcmd: [] };
  await exec(['dd', `of=${seedPath}`, 'status=none'], { stdin: await buildNoCloudSeed(instanceIdOf(handUuid, config), config) });
  const mac = `52:54:00:${randomBytes(3).toString('hex').match(/../g).join(':')}`;
  const xml = `<domain type='qemu'>
  <name>${handName}</name><uuid>${handUuid}</uuid><memory unit='MiB'>384</memory><vcpu>1</vcpu>
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
  await exec(['sh', '-c', 'cat > "$1" && virsh -q define "$1" && virsh -q start "$2"', 'sh', `${dir}/hand.xml`, handName], { stdin: xml });
  let handAddress = '';
  while (handAddress === '') {
    const leases = await exec(['virsh', '-q', 'domifaddr', handName, '--source', 'lease'], { allowExitCodes: [1] });
    handAddress = /ipv4\s+(\d+\.\d+\.\d+\.\d+)/.exec(leases.stdout)?.[1] ?? '';
    if (handAddress === '') await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  await waitForSsh(handAddress);
  const handMs = performance.now() - handStarted;
  await exec(['virsh', '-q', 'destroy', handName], { allowExitCodes: [1] });

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
} finally {
  await exec(
    ['sh', '-c', 'virsh -q destroy "$1"; virsh -q undefine "$1"; rm -f "$2"/hand-* "$2"/hand.xml "$2"/large.qcow2 "$2"/clone-*.qcow2', 'sh', handName, dir],
    {
      allowExitCodes: [0, 1],
    },
  ).catch(() => undefined);
  await tf.run(['destroy', '-auto-approve', '-input=false', '-no-color'], { allowFailure: true });
  await tf.cleanup();
  await pool.close();
}

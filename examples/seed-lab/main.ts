/**
 * The reference lab of the oVirt course as a cdktf app: this machine is the engine (Terraform and the
 * inventory), the KVM hosts kvm1 and kvm2 and the storage server come from .virtplane/lab.json
 * (written by `virtplane lab up`). Data center "Default", one cluster, an iSCSI storage domain on the
 * storage server, a dir storage domain for images (in a directory all hosts share), a NAT network, the lab's Debian 12 cloud image, a
 * template from it, and three VMs (web, db, cache) booted from the template: each has its own copy of
 * the template's disk on a LUN of the shared storage (so it migrates live), and cloud-init gives it a
 * user "lab" with the lab's SSH key; web serves a small page on port 80.
 *
 *   cdktf deploy     (or: npm run demo, from the repository root)
 *   cdktf diff       nothing to change after a deploy
 *   change WEB_HOST below to "kvm2" (or VIRTPLANE_WEB_HOST=kvm2) and cdktf deploy: web migrates live
 *
 * The environment can point it elsewhere (the tests do, to run beside a deployed demo):
 * VIRTPLANE_LAB_FILE, VIRTPLANE_INVENTORY, VIRTPLANE_NAME_PREFIX (prefixes every name on the machines)
 * and VIRTPLANE_LAN_CIDR.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Fn, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { DataCenter, Image, IscsiTarget, Template, VirtplaneProvider, type Host } from 'virtplane';

/** The parts of .virtplane/lab.json this app reads. */
interface LabFile {
  readonly sshUser: string;
  readonly sshPrivateKeyFile: string;
  readonly hosts: readonly { readonly name: string; readonly address: string; readonly port: number; readonly hostKey: string }[];
  readonly storage: { readonly address: string; readonly port: number; readonly hostKey: string };
  /** The guest image `virtplane lab up` built (or found cached): Debian 12 with cloud-init. */
  readonly guestImage?: { readonly path: string; readonly sha256: string };
  /** A directory every host of the lab sees (a stand-in for an NFS export mounted on all of them). */
  readonly sharedDirectory?: string;
}

export interface SeedLabOptions {
  readonly lab: LabFile;
  /** The inventory: a folder for the embedded database, or a postgres:// URL. */
  readonly inventory: string;
  /** The host the web VM is pinned to: changing it live-migrates the VM. */
  readonly webHost: string;
  /** Put before every name the machines see (VMs, pool, network, target), so two copies can share a lab. */
  readonly namePrefix: string;
  /** The NAT network's subnet. */
  readonly lanCidr: string;
}

/** A guest's disk is the whole template (1 GiB), written onto its LUN. */
const GUEST_DISK_MIB = 1024;

/** web's page, and the unit that serves it (python3 is in every cloud-init guest). */
const WEB_PAGE = '<h1>web</h1><p>A Debian guest of the virtplane lab, deployed from a template with cloud-init.</p>\n';
const WEB_UNIT = `[Unit]
Description=The lab's web page
After=network-online.target

[Service]
ExecStart=/usr/bin/python3 -m http.server 80 --directory /srv/www

[Install]
WantedBy=multi-user.target
`;

export class SeedLab extends TerraformStack {
  constructor(scope: Construct, id: string, options: SeedLabOptions) {
    super(scope, id);
    const { lab, namePrefix: prefix } = options;
    const { guestImage, sharedDirectory } = lab;
    if (guestImage === undefined || sharedDirectory === undefined)
      throw new Error('The lab file names no guest image or shared directory: run `virtplane lab up` (it builds the image once, then reuses it).');
    const publicKey = readFileSync(`${lab.sshPrivateKeyFile}.pub`, 'utf8').trim();
    new VirtplaneProvider(this, 'virtplane', { inventory: options.inventory, sshUser: lab.sshUser, sshPrivateKeyFile: lab.sshPrivateKeyFile });

    const dataCenter = new DataCenter(this, 'default', { name: 'Default', description: "The lab's data center" });
    const cluster = dataCenter.addCluster('main', { name: 'main', schedulingPolicy: 'evenly_distributed' });
    const hosts = new Map<string, Host>();
    for (const host of lab.hosts) {
      hosts.set(host.name, cluster.addHost(host.name, { name: host.name, address: host.address, port: host.port, hostKey: host.hostKey }));
    }

    const target = new IscsiTarget(this, 'san-target', {
      serverAddress: lab.storage.address,
      serverPort: lab.storage.port,
      serverHostKey: lab.storage.hostKey,
      iqn: `iqn.2025-01.dev.virtplane.lab:${prefix}seed`,
      luns: [1, 2, 3].map((lun) => ({ lun, sizeMib: GUEST_DISK_MIB })),
    });
    const san = dataCenter.addStorageDomain('san', { name: `${prefix}seed-san`, type: 'iscsi', iscsiTarget: target });
    // Images, templates and the guests' cloud-init seeds live in a directory all hosts share (shared: true;
    // without it a dir domain is one host's own directory, given as `host`).
    const images = dataCenter.addStorageDomain('images', {
      name: `${prefix}seed-images`,
      type: 'dir',
      path: `${sharedDirectory}/${prefix}seed-images`,
      shared: true,
    });
    const lan = dataCenter.addNetwork('lan', { name: `${prefix}seed-lan`, mode: 'nat', cidr: options.lanCidr });

    const debian = new Image(this, 'debian-12', { name: 'debian-12', storageDomain: images, source: guestImage.path, sha256: guestImage.sha256 });
    const template = new Template(this, 'debian-12-template', {
      name: 'debian-12',
      dataCenter,
      image: debian,
      vcpus: 1,
      memoryMib: 384,
      graphics: 'none',
      description: 'Debian 12 with cloud-init and the guest agent',
    });

    const webHost = hosts.get(options.webHost);
    if (webHost === undefined) throw new Error(`webHost ${options.webHost} is not a host of the lab (${[...hosts.keys()].join(', ')})`);
    const vms = [
      { id: 'web', host: webHost },
      { id: 'db', host: undefined },
      { id: 'cache', host: undefined },
    ].map(({ id, host }, index) => {
      const disk = san.addDisk(`${id}-disk`, { name: `${prefix}${id}-system`, lun: index + 1, sourceTemplate: template });
      return cluster.addVm(id, {
        name: `${prefix}${id}`,
        template,
        host,
        disks: [{ disk, bootOrder: 1 }],
        nics: [{ network: lan }],
        // Outputs show each guest's address as soon as the apply ends.
        waitForIp: 600,
        cloudInit: {
          hostname: id,
          user: [{ name: 'lab', sshAuthorizedKeys: [publicKey], sudo: true }],
          ...(id === 'web'
            ? {
                writeFile: [
                  { path: '/srv/www/index.html', content: WEB_PAGE },
                  { path: '/etc/systemd/system/web.service', content: WEB_UNIT },
                ],
                runcmd: ['systemctl daemon-reload', 'systemctl enable --now web.service'],
              }
            : {}),
        },
      });
    });

    // Where each VM runs, by host name (Terraform maps the host id back to its name).
    const hostNames = Fn.zipmap(
      [...hosts.values()].map((host) => host.id),
      [...hosts.keys()],
    );
    new TerraformOutput(this, 'vms', {
      value: Object.fromEntries(
        vms.map((vm) => [
          vm.node.id,
          { id: vm.id, host: Fn.lookup(hostNames, vm.currentHostId, 'unknown'), state: vm.state, address: Fn.element(vm.ipAddresses, 0) },
        ]),
      ),
    });
  }
}

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const labFile = process.env.VIRTPLANE_LAB_FILE ?? resolve(repositoryRoot, '.virtplane/lab.json');
/** The web VM's host: change it and deploy to migrate the VM live. */
const WEB_HOST = 'kvm1';

const app = new App();
new SeedLab(app, 'seed-lab', {
  lab: JSON.parse(readFileSync(labFile, 'utf8')) as LabFile,
  inventory: process.env.VIRTPLANE_INVENTORY ?? resolve(repositoryRoot, '.virtplane/inventory'),
  webHost: process.env.VIRTPLANE_WEB_HOST ?? WEB_HOST,
  namePrefix: process.env.VIRTPLANE_NAME_PREFIX ?? '',
  lanCidr: process.env.VIRTPLANE_LAN_CIDR ?? '10.201.0.0/24',
});
app.synth();

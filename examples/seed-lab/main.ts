/**
 * The reference lab of the oVirt course as a cdktf app: this machine is the engine (Terraform and the
 * inventory), the KVM hosts kvm1 and kvm2 and the storage server come from .virtplane/lab.json
 * (written by `virtplane lab up`). Data center "Default", one cluster, an iSCSI storage domain on the
 * storage server, a NAT network, and three VMs whose disks are LUNs on the shared storage.
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
import { DataCenter, IscsiTarget, VirtplaneProvider, type Host } from 'virtplane';

/** The parts of .virtplane/lab.json this app reads. */
interface LabFile {
  readonly sshUser: string;
  readonly sshPrivateKeyFile: string;
  readonly hosts: readonly { readonly name: string; readonly address: string; readonly port: number; readonly hostKey: string }[];
  readonly storage: { readonly address: string; readonly port: number; readonly hostKey: string };
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

export class SeedLab extends TerraformStack {
  constructor(scope: Construct, id: string, options: SeedLabOptions) {
    super(scope, id);
    const { lab, namePrefix: prefix } = options;
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
      luns: [
        { lun: 1, sizeMib: 64 },
        { lun: 2, sizeMib: 64 },
        { lun: 3, sizeMib: 64 },
      ],
    });
    const san = dataCenter.addStorageDomain('san', { name: `${prefix}seed-san`, type: 'iscsi', iscsiTarget: target });
    const lan = dataCenter.addNetwork('lan', { name: `${prefix}seed-lan`, mode: 'nat', cidr: options.lanCidr });

    const webHost = hosts.get(options.webHost);
    if (webHost === undefined) throw new Error(`webHost ${options.webHost} is not a host of the lab (${[...hosts.keys()].join(', ')})`);
    const vms = [
      { id: 'web', host: webHost },
      { id: 'db', host: undefined },
      { id: 'cache', host: undefined },
    ].map(({ id, host }, index) => {
      const disk = san.addDisk(`${id}-disk`, { name: `${prefix}${id}-system`, lun: index + 1 });
      return cluster.addVm(id, {
        name: `${prefix}${id}`,
        memoryMib: 64,
        vcpus: 1,
        graphics: 'none',
        // The lab's disks hold no operating system to answer ACPI: power off at once instead of waiting 60 s.
        shutdownTimeoutSeconds: 0,
        host,
        disks: [{ disk, bootOrder: 1 }],
        nics: [{ network: lan }],
      });
    });

    // Where each VM runs, by host name (Terraform maps the host id back to its name).
    const hostNames = Fn.zipmap(
      [...hosts.values()].map((host) => host.id),
      [...hosts.keys()],
    );
    new TerraformOutput(this, 'vms', {
      value: Object.fromEntries(vms.map((vm) => [vm.node.id, { id: vm.id, host: Fn.lookup(hostNames, vm.currentHostId, 'unknown'), state: vm.state }])),
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

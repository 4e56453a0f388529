/**
 * Helpers shared by the VM acceptance tests: what is on the lab's hosts (domains a cluster owns, QEMU's
 * command line), the inventory between terraform runs, and clean-up of exactly what a test made.
 */
import { randomBytes } from 'node:crypto';
import { IscsiTargetManager } from '../../../lib/backends/iscsi/index.js';
import {
  destroyDomain,
  destroyNetwork,
  destroyPool,
  parseVmSettings,
  readHostInventory,
  sshLibvirtHost,
  undefineDomain,
  undefineNetwork,
  undefinePool,
  type BulkDomain,
  type LibvirtHost,
  type VmSettings,
} from '../../../lib/backends/libvirt/index.js';
import { SshPool, type SshEndpoint } from '../../../lib/backends/ssh/index.js';
import { openInventory, type Inventory } from '../../../lib/inventory/index.js';
import type { TestLab } from '../../support/lab.js';

export interface LabDomain extends BulkDomain {
  readonly host: string;
  readonly settings: VmSettings | undefined;
}

export class VmTestLab {
  readonly pool = new SshPool();
  readonly hosts: readonly LibvirtHost[];
  /** A tag unique to this run, for names of things the test makes. */
  readonly run = randomBytes(3).toString('hex');

  constructor(
    readonly lab: TestLab,
    readonly inventoryDir: string,
  ) {
    this.hosts = lab.hosts.map((endpoint) => sshLibvirtHost(this.pool, endpoint));
  }

  endpoint(hostName: string): SshEndpoint {
    const endpoint = this.lab.hosts.find((candidate) => candidate.name === hostName);
    if (!endpoint) throw new Error(`no lab host ${hostName}`);
    return endpoint;
  }

  libvirt(hostName: string): LibvirtHost {
    const host = this.hosts.find((candidate) => candidate.name === hostName);
    if (!host) throw new Error(`no lab host ${hostName}`);
    return host;
  }

  /** The inventory between terraform commands (no provider process holds it then). */
  async withInventory<T>(work: (inventory: Inventory) => Promise<T>): Promise<T> {
    const inventory = await openInventory(this.inventoryDir);
    try {
      return await work(inventory);
    } finally {
      await inventory.close();
    }
  }

  /** Every domain on the lab's hypervisors whose virtplane owner names this cluster. */
  async domainsOf(clusterId: string): Promise<LabDomain[]> {
    const found: LabDomain[] = [];
    for (const host of this.hosts) {
      const inventory = await readHostInventory(host);
      for (const domain of inventory.domains) {
        if (domain.model?.owner?.cluster !== clusterId) continue;
        found.push({ ...domain, host: host.name, settings: parseVmSettings(domain.xml) });
      }
    }
    return found;
  }

  async domainNamed(clusterId: string, name: string): Promise<LabDomain> {
    const domain = (await this.domainsOf(clusterId)).find((candidate) => candidate.name === name);
    if (!domain) throw new Error(`no domain ${name} of cluster ${clusterId} on the lab's hosts`);
    return domain;
  }

  /** The PID and command line of the QEMU process running the domain on the host. */
  async qemuProcess(hostName: string, domainName: string): Promise<{ readonly pid: number; readonly cmdline: string }> {
    const result = await this.pool.exec(this.endpoint(hostName), [
      'sh',
      '-c',
      'pid=$(cat /run/libvirt/qemu/"$1".pid) && echo "$pid" && tr "\\0" " " < /proc/"$pid"/cmdline',
      'sh',
      domainName,
    ]);
    const [pid = '', ...rest] = result.stdout.split('\n');
    return { pid: Number(pid), cmdline: rest.join('\n') };
  }

  async virsh(hostName: string, args: readonly string[], allowFailure = false): Promise<string> {
    const result = await this.pool.exec(this.endpoint(hostName), ['virsh', '-q', ...args], allowFailure ? { allowExitCodes: [1] } : {});
    return result.stdout;
  }

  /**
   * Removes what a test made, in case a failure left the state short of it: the domains the cluster
   * still owns, then libvirt networks and pools of the given names, the iSCSI target of the given IQN.
   */
  async cleanup(
    clusterId: string | undefined,
    leftovers: { readonly networks?: readonly string[]; readonly pools?: readonly string[]; readonly targetIqn?: string } = {},
  ): Promise<void> {
    if (clusterId !== undefined) {
      for (const domain of await this.domainsOf(clusterId).catch(() => [])) {
        const host = this.libvirt(domain.host);
        await destroyDomain(host, domain.uuid).catch(() => undefined);
        await undefineDomain(host, domain.uuid).catch(() => undefined);
      }
    }
    for (const host of this.hosts) {
      for (const name of leftovers.networks ?? []) {
        await destroyNetwork(host, name).catch(() => undefined);
        await undefineNetwork(host, name).catch(() => undefined);
      }
      for (const name of leftovers.pools ?? []) {
        await destroyPool(host, name).catch(() => undefined);
        await undefinePool(host, name).catch(() => undefined);
      }
    }
    if (leftovers.targetIqn !== undefined)
      await new IscsiTargetManager(this.pool, this.lab.storage).delete(leftovers.targetIqn, { force: true }).catch(() => undefined);
    await this.pool.close();
  }
}

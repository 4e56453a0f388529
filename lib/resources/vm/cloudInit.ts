/**
 * A VM's cloud-init: its NoCloud seed (a small ISO labelled cidata) kept as a file next to the VM's
 * first dir disk, or on the NFS export of its first nfs disk, so a migration or a restart on another
 * host of the data center finds it where the disk is; and the guest's addresses (guest agent, else DHCP leases), waited for after create when
 * wait_for_ip asks for it.
 */
import {
  copySmallFileToHost,
  domainAddresses,
  removeImageFile,
  writeSmallFile,
  type DomainModel,
  type FileDiskSource,
  type HostInventory,
  type NfsDiskSource,
  type LibvirtHost,
} from '../../backends/libvirt/index.js';
import { buildNoCloudSeed, instanceIdOf, type CloudInitConfig } from '../../backends/cloudinit/index.js';
import { exportFileOf, removeFile, writeSmallFile as writeNfsFile } from '../../backends/nfs/index.js';
import { DiagnosticError } from '../../framework/index.js';
import { onHost, progress } from '../shared/index.js';
import type { StorageDomain } from '../../inventory/index.js';
import { isSeedDisk } from './model.js';
import type { VmState } from './schema.js';

/** The cloud-init configuration of the plan, or undefined when it has no cloud_init block. */
export function cloudInitConfigOf(planned: Pick<VmState, 'cloud_init' | 'name'>): CloudInitConfig | undefined {
  const block = planned.cloud_init[0];
  if (block === undefined) return undefined;
  return {
    hostname: block.hostname ?? planned.name,
    users: block.user.map((user) => ({ name: user.name, sshAuthorizedKeys: user.ssh_authorized_keys ?? [], sudo: user.sudo ?? false })),
    writeFiles: block.write_file.map((file) => ({ path: file.path, content: file.content, permissions: file.permissions ?? '0644' })),
    runcmd: block.runcmd ?? [],
    ...(block.user_data === null ? {} : { userData: block.user_data }),
    ...(block.network_config === null ? {} : { networkConfig: block.network_config }),
  };
}

/** Where a seed lives: a file of a directory the VM's hosts share, or a file of an NFS export. */
export type SeedSource = FileDiskSource | NfsDiskSource;

type SeedDomain = Pick<StorageDomain, 'type' | 'path' | 'nfsServer'>;

function seedIn(domain: SeedDomain, vmId: string): SeedSource {
  const file = `${(domain.path ?? '').replace(/\/+$/, '')}/${vmId}.cidata.iso`;
  return domain.type === 'nfs' ? { kind: 'nfs', host: domain.nfsServer ?? '', path: file } : { kind: 'file', path: file };
}

/**
 * Where the seed lives: beside the VM's first disk on a dir storage domain, else beside its template on
 * a dir storage domain (where seeds were before nfs domains had them: a VM made then keeps its seed),
 * else on the export of its first disk on an nfs storage domain, else beside its template there. A VM
 * whose disks are all LUNs and whose template is not on a file domain has no place (a LUN has no room
 * for a file). Each is a place the VM's hosts share, so a migration or a restart elsewhere finds it.
 */
export function seedSourceOf(vmId: string, disks: readonly { readonly domain: SeedDomain }[], templateDomain?: SeedDomain): SeedSource {
  const template = templateDomain !== undefined && templateDomain.type !== 'iscsi' && templateDomain.path ? templateDomain : undefined;
  const domain =
    disks.find((candidate) => candidate.domain.type === 'dir' && candidate.domain.path)?.domain ??
    (template?.type === 'dir' ? template : undefined) ??
    disks.find((candidate) => candidate.domain.type === 'nfs' && candidate.domain.path && candidate.domain.nfsServer)?.domain ??
    template;
  if (domain === undefined) {
    throw new DiagnosticError(
      'No place for the cloud-init seed',
      "virtplane writes the cloud-init seed as a small file next to the VM's first disk on a dir or nfs storage domain, or next to its template, and this VM has neither. Attach a disk from a dir or nfs storage domain, set template_id, or remove cloud_init.",
      ['cloud_init'],
    );
  }
  return seedIn(domain, vmId);
}

export async function writeSeed(host: LibvirtHost, source: SeedSource, vmId: string, config: CloudInitConfig): Promise<void> {
  const seed = await buildNoCloudSeed(instanceIdOf(vmId, config), config);
  await onHost(
    host.name,
    'writing the cloud-init seed',
    async () => {
      if (source.kind === 'file') return writeSmallFile(host, source.path, seed);
      const { target, name } = exportFileOf(source.host, source.path);
      return writeNfsFile(host, target, name, seed);
    },
    ['cloud_init'],
  );
}

/**
 * Before a VM moves: its seed where the target host finds it. A seed in a directory both hosts share is
 * there already; one in a host's own directory is copied (the guest reads it again at its next boot
 * there), and the copy's path is returned so that the move removes the side the VM left.
 */
export async function carrySeed(from: LibvirtHost, to: LibvirtHost, model: Pick<DomainModel, 'disks'>): Promise<string | undefined> {
  const seed = model.disks.find(isSeedDisk);
  if (seed === undefined || seed.source.kind !== 'file') return undefined;
  const path = seed.source.path;
  const outcome = await onHost(to.name, 'copying the cloud-init seed', () => copySmallFileToHost(from, to, path));
  return outcome === 'copied' ? path : undefined;
}

/** Removes the seed a domain's disk names (a file, or a file of an NFS export); best effort: it is the VM's own, no one else's. */
export async function removeSeed(host: LibvirtHost, source: DomainModel['disks'][number]['source']): Promise<void> {
  if (source.kind === 'file') await removeImageFile(host, source.path).catch(() => undefined);
  if (source.kind === 'nfs') {
    const { target, name } = exportFileOf(source.host, source.path);
    await removeFile(host, target, name).catch(() => undefined);
  }
}

/**
 * Each NIC's first IPv4 address in nic order ("" when unknown). A VM without NICs costs no round trip; one
 * 'just started' is looked up in the leases only (a lease its MAC kept from before), as its guest agent
 * cannot answer yet.
 */
export async function addressesOf(host: LibvirtHost, vmId: string, macs: readonly string[], guest: 'up' | 'just started' = 'up'): Promise<string[]> {
  if (macs.length === 0) return [];
  const found = await domainAddresses(host, vmId, guest === 'up' ? ['agent', 'lease'] : ['lease']).catch(() => ({ source: 'none' as const, interfaces: [] }));
  const byMac = new Map(found.interfaces.map((entry) => [entry.mac, entry.ipv4]));
  return macs.map((mac) => byMac.get(mac.toLowerCase())?.[0] ?? '');
}

/**
 * Each NIC's first IPv4 address for a refresh: from the DHCP leases in the refresh's bulk reads of the
 * VM's hosts (no extra round trip; a lease stays with the host whose network handed it out, so it is
 * still found after a migration), else, for a NIC no lease knows (a static address), the guest agent.
 */
export async function refreshAddressesOf(hostReads: readonly HostInventory[], host: LibvirtHost, vmId: string, macs: readonly string[]): Promise<string[]> {
  const leased = new Map<string, string>();
  for (const read of hostReads)
    for (const network of read.networks) for (const lease of network.leases) if (!leased.has(lease.mac)) leased.set(lease.mac, lease.ipv4);
  const fromLeases = macs.map((mac) => leased.get(mac.toLowerCase()) ?? '');
  if (fromLeases.every((address) => address !== '')) return fromLeases;
  const asked = await addressesOf(host, vmId, macs);
  return fromLeases.map((address, index) => address || (asked[index] ?? ''));
}

/** Waits until every NIC has an address, with a progress line now and then; a timeout says what was seen. */
export async function waitForAddresses(host: LibvirtHost, vmId: string, name: string, macs: readonly string[], seconds: number): Promise<string[]> {
  const started = Date.now();
  let seen: string[] = macs.map(() => '');
  let lastReport = 0;
  while (true) {
    seen = await addressesOf(host, vmId, macs);
    const elapsed = (Date.now() - started) / 1000;
    if (seen.every((address) => address !== '')) {
      progress(`vm ${name}: addresses ${seen.join(', ')} after ${elapsed.toFixed(1)} s`);
      return seen;
    }
    if (elapsed >= seconds) break;
    if (elapsed - lastReport >= 10) {
      lastReport = elapsed;
      progress(`vm ${name}: waiting for its address (${elapsed.toFixed(0)} s of ${seconds} s; seen: ${describe(macs, seen)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  throw new DiagnosticError(
    'No address within wait_for_ip',
    `VM ${name} is running, but after ${seconds} s not every NIC has an IPv4 address (seen: ${describe(macs, seen)}). Neither qemu-guest-agent in the guest nor the DHCP leases of its networks knew more. Check that the guest boots (virsh console) and gets DHCP, or raise wait_for_ip.`,
    ['wait_for_ip'],
  );
}

function describe(macs: readonly string[], seen: readonly string[]): string {
  return macs.map((mac, index) => `${mac} ${seen[index] || 'none'}`).join('; ') || 'no NICs';
}

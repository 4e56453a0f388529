/**
 * vCPU and memory changes: the definition is always updated (so the next start has them), and a
 * running guest is changed live where libvirt allows: vCPU hot-plug up to the running guest's
 * maximum, memory ballooning up to its `<memory>`. Beyond that the caller restarts the guest
 * (graceful shutdown, then start) and the result says so.
 */
import type { DomainModel } from './domainModel.js';
import { parseDomainXml } from './domainXml.js';
import { defineDomain, isActive, requireDomain } from './domains.js';
import type { LibvirtHost } from './host.js';
import { mibToKiB } from './units.js';
import { virsh } from './virsh.js';
import { VirshError } from './virshErrors.js';

export interface ResourceChangeResult {
  /** The running guest now has the new value. */
  readonly live: boolean;
  /** The guest runs with the old value until it is restarted. */
  readonly restartNeeded: boolean;
  /** Why a running guest could not be changed live. */
  readonly reason?: string;
}

async function liveModel(host: LibvirtHost, uuid: string): Promise<DomainModel> {
  return parseDomainXml(await virsh(host, ['dumpxml', '--domain', uuid])).model;
}

/**
 * libvirt or QEMU refusing the live change (e.g. "device unplug request for not supported device
 * type" when removing a vCPU from a pc guest) means "restart"; an unreachable or busy libvirtd throws.
 */
async function tryLive(change: () => Promise<unknown>): Promise<ResourceChangeResult> {
  try {
    await change();
    return { live: true, restartNeeded: false };
  } catch (error) {
    if (error instanceof VirshError && error.kind !== 'connection' && error.kind !== 'busy') {
      return { live: false, restartNeeded: true, reason: error.detail };
    }
    throw error;
  }
}

/**
 * Sets the number of online vCPUs to `count`. `maxVcpus` raises the hot-plug ceiling (`<vcpu>`) in the
 * definition; it only takes effect at the next start.
 */
export async function setDomainVcpus(host: LibvirtHost, ref: string, count: number, options: { readonly maxVcpus?: number } = {}): Promise<ResourceChangeResult> {
  const domain = await requireDomain(host, ref);
  const max = Math.max(domain.model.vcpu.max, count, options.maxVcpus ?? 0);
  await defineDomain(host, { ...domain.model, vcpu: { current: count, max } });
  if (!isActive(domain.state)) return { live: false, restartNeeded: false };
  const live = await liveModel(host, domain.uuid);
  if (live.vcpu.current === count) return { live: true, restartNeeded: false };
  if (count > live.vcpu.max) {
    return { live: false, restartNeeded: true, reason: `the running guest can have at most ${live.vcpu.max} vCPUs` };
  }
  return tryLive(() => virsh(host, ['setvcpus', '--domain', domain.uuid, '--count', String(count), '--live']));
}

/**
 * Sets the guest's memory to `mib`: the definition gets `<currentMemory>` = mib and `<memory>` =
 * `maxMiB` (default mib); a running guest is ballooned to mib when that fits under its `<memory>`
 * (the guest's balloon driver does the rest).
 */
export async function setDomainMemory(host: LibvirtHost, ref: string, mib: number, options: { readonly maxMiB?: number } = {}): Promise<ResourceChangeResult> {
  const domain = await requireDomain(host, ref);
  const memoryMiB = Math.max(options.maxMiB ?? mib, mib);
  const hotplug = domain.model.memoryHotplug;
  const memoryHotplug = hotplug === undefined ? undefined : { ...hotplug, maxMiB: Math.max(hotplug.maxMiB, memoryMiB) };
  await defineDomain(host, { ...domain.model, memoryMiB, currentMemoryMiB: mib, memoryHotplug });
  if (!isActive(domain.state)) return { live: false, restartNeeded: false };
  const live = await liveModel(host, domain.uuid);
  if (mib > live.memoryMiB) {
    return { live: false, restartNeeded: true, reason: `the running guest can balloon up to ${live.memoryMiB} MiB` };
  }
  return tryLive(() => virsh(host, ['setmem', '--domain', domain.uuid, '--size', String(mibToKiB(mib)), '--live']));
}

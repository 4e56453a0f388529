/**
 * vCPU and memory changes to a running guest, made live where libvirt allows it: vCPU hot-plug up to
 * the guest's maximum (the `<vcpu>` it started with), memory by balloon up to its `<memory>`. QEMU
 * cannot unplug a vCPU from a pc guest, so fewer vCPUs are never tried live.
 *
 * Only the running guest is changed here: its persistent definition gets the new values with the rest
 * of its model (writeDomainDefinition), so the next start has them whatever happened live. What cannot
 * be done live comes back as reasons, and the caller restarts the guest (graceful shutdown, then start).
 */
import { liveDomainModel, tryLiveChange } from './domains.js';
import type { LibvirtHost } from './host.js';
import { mibToKiB } from './units.js';
import { virsh } from './virsh.js';

/** What the running guest should have. */
interface RunningResources {
  readonly vcpus: number;
  readonly memoryMiB: number;
}

/**
 * Brings the running guest `ref` to `wanted` where libvirt allows it live. Returns why a restart is
 * still needed (empty: the running guest has the wanted vCPUs and balloon target now).
 */
export async function resizeRunningDomain(host: LibvirtHost, ref: string, wanted: RunningResources): Promise<string[]> {
  const live = await liveDomainModel(host, ref);
  const reasons: string[] = [];
  if (wanted.vcpus !== live.vcpu.current) {
    if (wanted.vcpus > live.vcpu.max) {
      reasons.push(`${wanted.vcpus} vCPUs exceed the running guest's maximum of ${live.vcpu.max}`);
    } else if (wanted.vcpus < live.vcpu.current) {
      reasons.push('QEMU cannot unplug vCPUs from a running guest');
    } else {
      const hotplug = await tryLiveChange(() => virsh(host, ['setvcpus', '--domain', ref, '--count', String(wanted.vcpus), '--live']));
      if (!hotplug.done) reasons.push(`libvirt refused the vCPU hot-plug: ${hotplug.refusal}`);
    }
  }
  if (wanted.memoryMiB !== live.currentMemoryMiB) {
    if (wanted.memoryMiB > live.memoryMiB) {
      reasons.push(`${wanted.memoryMiB} MiB exceed the ${live.memoryMiB} MiB the running guest was started with`);
    } else {
      const balloon = await tryLiveChange(() => virsh(host, ['setmem', '--domain', ref, '--size', String(mibToKiB(wanted.memoryMiB)), '--live']));
      if (!balloon.done) reasons.push(`libvirt refused the balloon change: ${balloon.refusal}`);
    }
  }
  return reasons;
}

/**
 * Drift read from what runs. A running guest's vCPUs and memory are read from the guest as it is now
 * (a live change made outside virtplane, virsh setvcpus/setmem --live, shows as drift, and the plan's
 * "restart" or "live" verdict is made against what really runs). The persistent definition can differ
 * (a change made with --config only, for the next boot): then the plan updates the VM to write the
 * definition back, says so, and promises no restart it would not make.
 */
import { isActive } from '../../backends/libvirt/index.js';
import { isUnknown, unknown, warningDiagnostic, type Diagnostic, type PrivateData } from '../../framework/index.js';
import type { FoundDomain } from './hosts.js';
import type { VmPlanned, VmState } from './schema.js';

/** Private data: what the persistent definition says for the next boot, when it differs from the running guest. */
const PRIVATE_PENDING = 'pendingDefinition';

interface Pending {
  readonly vcpus: number;
  readonly memoryMib: number;
}

export function withLiveFigures(read: VmState, found: Pick<FoundDomain, 'state' | 'live' | 'model'>, privateData: PrivateData): VmState {
  privateData.delete(PRIVATE_PENDING);
  if (!isActive(found.state) || found.live === undefined) return read;
  const persistent: Pending = { vcpus: found.model.vcpu.current, memoryMib: found.model.currentMemoryMiB };
  const live = { vcpus: found.live.vcpus, memoryMib: found.live.memoryMiB };
  if (persistent.vcpus !== live.vcpus || persistent.memoryMib !== live.memoryMib) privateData.set(PRIVATE_PENDING, { ...persistent });
  return { ...read, vcpus: live.vcpus, memory_mib: live.memoryMib };
}

/** After an apply the definition is what the plan said: nothing pending until a read finds otherwise. */
export function forgetPendingDefinition(privateData: PrivateData): void {
  privateData.delete(PRIVATE_PENDING);
}

function pendingOf(privateData: PrivateData): Pending | undefined {
  const value = privateData.get(PRIVATE_PENDING);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { vcpus, memoryMib } = value as Record<string, unknown>;
  return typeof vcpus === 'number' && typeof memoryMib === 'number' ? { vcpus, memoryMib } : undefined;
}

/**
 * A running VM whose definition for the next boot differs from the plan while what runs matches it: an
 * update that rewrites the definition (its `state` is then known after apply, which is what makes
 * Terraform apply it), said as a warning. Nothing to mark when the plan changes the VM anyway (a stop
 * included: every update defines the VM from the plan), only said.
 */
export function planPendingDefinition(
  prior: VmState | null,
  result: { readonly planned: VmPlanned; readonly diagnostics: Diagnostic[] },
  privateData: PrivateData,
): { planned: VmPlanned; diagnostics: Diagnostic[] } {
  const pending = pendingOf(privateData);
  const { planned } = result;
  if (prior === null || pending === undefined || result.diagnostics.some((d) => d.severity === 'error')) return { ...result };
  if (isUnknown(planned.vcpus) || isUnknown(planned.memory_mib)) return { ...result };
  if (pending.vcpus === planned.vcpus && pending.memoryMib === planned.memory_mib) return { ...result };
  // Stopping the VM is an update too (and its next boot is the definition's): said, nothing more to mark.
  const alreadyChanges = planned.vcpus !== prior.vcpus || planned.memory_mib !== prior.memory_mib || planned.running !== prior.running;
  const warning = warningDiagnostic(
    "The VM's next boot differs from what runs",
    `VM ${JSON.stringify(prior.name)} runs with ${prior.vcpus} vCPU(s) and ${prior.memory_mib} MiB, but its definition (changed outside virtplane) would boot it with ${pending.vcpus} vCPU(s) and ${pending.memoryMib} MiB. The apply writes the definition back to ${String(planned.vcpus)} vCPU(s) and ${String(planned.memory_mib)} MiB${alreadyChanges ? '' : '; the running guest is not restarted'}.`,
    ['vcpus'],
  );
  return { planned: alreadyChanges ? planned : { ...planned, state: unknown }, diagnostics: [...result.diagnostics, warning] };
}

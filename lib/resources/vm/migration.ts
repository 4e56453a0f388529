/**
 * Moving a VM to another host of its cluster: a live migration when it runs (QEMU on the target is
 * started as an incoming migration; the guest never stops), a cold move of its definition when it is
 * shut off. Used by host_id changes, host maintenance and affinity enforcement.
 *
 * The target's memory is taken in the inventory first (atomic capacity check), so a move never
 * overfills a host; if the move fails, the placement is put back where the domain really is.
 */
import { isActive, migrateDomainLive, moveDomainCold } from '../../backends/libvirt/index.js';
import type { Cluster, Host } from '../../inventory/index.js';
import { DiagnosticError, type AttributePath } from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import { assertOwned } from './domain.js';
import { lookupVmOn, migrationTargetOf, vmHost, type FoundDomain } from './hosts.js';
import { changePlacement } from './placement.js';
import { carrySeed, removeSeed } from './cloudInit.js';
import { diskIdsOf, domainsOfDisks, filesAreShared, storageLimitOf, storageRefusal } from './storagePlacement.js';

type MoveKind = 'live' | 'cold';

interface VmMoveRequest {
  readonly vmId: string;
  readonly from: Host;
  readonly to: Host;
  readonly cluster: Cluster;
  /** The attribute a refusal is reported on (host_id for a VM's own move). */
  readonly path?: AttributePath;
  /** Default 5 minutes. */
  readonly timeoutMs?: number;
}

async function registerWhereItIs(provider: ProviderContext, found: FoundDomain, clusterId: string): Promise<void> {
  await provider.inventory.use((inventory) =>
    inventory.vmPlacements.register({
      vmId: found.uuid,
      name: found.name,
      clusterId,
      hostId: found.host.row.id,
      vcpus: found.model.vcpu.current,
      memoryMib: found.model.currentMemoryMiB,
    }),
  );
}

export async function moveVm(provider: ProviderContext, request: VmMoveRequest): Promise<MoveKind> {
  const { vmId, from, to, cluster } = request;
  const path = request.path ?? ['host_id'];
  const source = vmHost(provider, from);
  const target = vmHost(provider, to);
  const found = await lookupVmOn(source, vmId);
  if (found === null) {
    throw new DiagnosticError(
      'VM not on its host',
      `VM ${vmId} is not on ${from.name} any more (moved or deleted outside virtplane). Run plan again to see where it is.`,
      path,
    );
  }
  assertOwned(found, vmId);
  // Its disks decide first: a VM with a host-local disk stays on that host (refused before anything moves).
  const disks = await provider.inventory.use((inventory) => domainsOfDisks(inventory, diskIdsOf(found)));
  const refusal = storageRefusal(storageLimitOf(disks, [from, to]), to.id, [from, to], found.name, 'move to');
  if (refusal !== undefined) throw new DiagnosticError("The VM's disks are not on that host", `${refusal} Nothing was moved.`, path);
  if (!(await provider.inventory.use((inventory) => inventory.vmPlacements.get(vmId)))) await registerWhereItIs(provider, found, cluster.id);
  await provider.inventory.use((inventory) => changePlacement(inventory, vmId, { hostId: to.id }, path));
  let carriedSeed: string | undefined;
  try {
    carriedSeed = await carrySeed(source.libvirt, target.libvirt, found.model);
    let kind: MoveKind;
    if (isActive(found.state)) {
      await migrateDomainLive(source.libvirt, vmId, migrationTargetOf(provider, to), {
        timeoutMs: request.timeoutMs ?? 300_000,
        targetHost: target.libvirt,
        filesShared: filesAreShared(disks),
        ...(cluster.migrationBandwidthMbps === null ? {} : { bandwidthMiBps: cluster.migrationBandwidthMbps }),
      });
      kind = 'live';
    } else {
      await moveDomainCold(source.libvirt, target.libvirt, vmId);
      kind = 'cold';
    }
    // A seed copied into the target's own directory: the source's copy belongs to nothing now.
    if (carriedSeed !== undefined) await removeSeed(source.libvirt, { kind: 'file', path: carriedSeed });
    return kind;
  } catch (error) {
    // Reality wins: record the VM where its domain is now, whichever side that is.
    const stillThere = (await lookupVmOn(source, vmId).catch(() => null)) ?? (await lookupVmOn(target, vmId).catch(() => null));
    if (stillThere) await registerWhereItIs(provider, stillThere, cluster.id).catch(() => undefined);
    if (carriedSeed !== undefined && stillThere?.host.row.id === from.id) await removeSeed(target.libvirt, { kind: 'file', path: carriedSeed });
    throw new DiagnosticError(
      'Migration failed',
      `Moving VM ${found.name} from ${from.name} to ${to.name} failed: ${(error as Error).message}${stillThere ? ` It is still on ${stillThere.host.row.name}.` : ''}`,
      path,
      { cause: error },
    );
  } finally {
    provider.hostReads.forget(source.endpoint);
    provider.hostReads.forget(target.endpoint);
  }
}

/**
 * Failures in words a person can act on: which cluster, which VM and its size, what each host lacks
 * or which rule refused it, and how much memory is missing.
 */
import { describeGroup } from './affinity.js';
import type { HostRejection, HostRejectionReason, PlacementRequest, SchedulingAffinityGroup } from './types.js';

function describeReason(reason: HostRejectionReason): string {
  switch (reason.kind) {
    case 'maintenance':
      return 'is in maintenance';
    case 'unreachable':
      return 'is unreachable';
    case 'no_facts':
      return 'has no known memory (its facts were never collected)';
    case 'affinity': {
      const kind = `enforcing ${reason.positive ? 'positive' : 'negative'} affinity group ${JSON.stringify(reason.groupName)}`;
      return `is excluded by ${kind} (${reason.detail})`;
    }
    case 'storage':
      return `lacks the VM's disks (${reason.detail})`;
    case 'memory':
      return reason.freeMib < 0 ? `has no memory free (already ${-reason.freeMib} MiB over)` : `has ${reason.freeMib} MiB free`;
  }
}

export function describeRejection(rejection: HostRejection): string {
  return `${rejection.hostName} ${rejection.reasons.map(describeReason).join(' and ')}`;
}

/**
 * Memory missing on the best host that nothing but memory kept out; null when every host was refused
 * for another reason too (more memory would not help).
 */
export function shortfallMib(rejections: readonly HostRejection[]): number | null {
  let short: number | null = null;
  for (const rejection of rejections) {
    const [only, ...others] = rejection.reasons;
    if (only?.kind !== 'memory' || others.length > 0) continue;
    short = short === null ? only.shortMib : Math.min(short, only.shortMib);
  }
  return short;
}

function vmLabel(request: Pick<PlacementRequest, 'name' | 'memoryMib'>): string {
  return `VM ${JSON.stringify(request.name)} (${request.memoryMib} MiB)`;
}

function withShortfall(text: string, shortMib: number | null): string {
  return shortMib === null ? text : `${text}; ${shortMib} MiB short`;
}

export function noHostMessage(
  clusterName: string,
  request: Pick<PlacementRequest, 'name' | 'memoryMib'>,
  rejections: readonly HostRejection[],
  shortMib: number | null,
): string {
  const why = rejections.length === 0 ? 'the cluster has no hosts' : rejections.map(describeRejection).join(', ');
  return withShortfall(`no host in cluster ${JSON.stringify(clusterName)} can take ${vmLabel(request)}: ${why}`, shortMib);
}

export function pinnedHostMessage(
  clusterName: string,
  request: Pick<PlacementRequest, 'name' | 'memoryMib'>,
  rejection: HostRejection,
  shortMib: number | null,
): string {
  return withShortfall(
    `${vmLabel(request)} is pinned to host ${rejection.hostName} in cluster ${JSON.stringify(clusterName)}, which cannot take it: ` +
      describeRejection(rejection),
    shortMib,
  );
}

export function unknownHostMessage(clusterName: string, request: Pick<PlacementRequest, 'name' | 'memoryMib'>, hostId: string): string {
  return `${vmLabel(request)} is pinned to host ${hostId}, which is not a host of cluster ${JSON.stringify(clusterName)}`;
}

/** Why a running VM cannot stay where it is. */
export function moveReason(clusterName: string, currentHostId: string, rejection: HostRejection | undefined): string {
  if (!rejection) return `its host ${currentHostId} is not a host of cluster ${JSON.stringify(clusterName)}`;
  return `its host ${describeRejection(rejection)}`;
}

export function brokenPreference(hostName: string, breach: { readonly group: SchedulingAffinityGroup; readonly detail: string }): string {
  return `${hostName} breaks the preference of ${describeGroup(breach.group)}: ${breach.detail}`;
}

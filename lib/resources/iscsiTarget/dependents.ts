/**
 * What stands on a target, from the inventory every workspace shares: the storage domains on it (by
 * iscsi_target_id, or by portal and iqn) and the disks of those domains that refuse deletion.
 */
import type { DiskRecord, InventoryRepositories, StorageDomain } from '../../inventory/index.js';
import { portalOf } from './location.js';

export interface TargetDependents {
  readonly domains: readonly StorageDomain[];
  readonly protectedDisks: readonly (DiskRecord & { readonly domainName: string })[];
}

export async function dependentsOfTarget(
  inventory: Pick<InventoryRepositories, 'storageDomains' | 'disks'>,
  target: { readonly server_address: string; readonly iqn: string },
): Promise<TargetDependents> {
  const portal = portalOf(target.server_address);
  const domains = (await inventory.storageDomains.list()).filter((domain) => domain.type === 'iscsi' && domain.iqn === target.iqn && domain.portal === portal);
  const names = new Map(domains.map((domain) => [domain.id, domain.name]));
  const disks = await inventory.disks.list(domains.map((domain) => domain.id));
  return {
    domains,
    protectedDisks: disks.filter((disk) => disk.deletionProtection).map((disk) => ({ ...disk, domainName: names.get(disk.storageDomainId) ?? '' })),
  };
}

/** "disk data (LUN 1 of storage domain san), storage domain san". */
export function describeDependents(dependents: TargetDependents): string {
  const disks = dependents.protectedDisks.map((disk) => {
    const lun = /\/lun\/(\d+)$/.exec(disk.id)?.[1];
    return `disk ${disk.name} (${lun === undefined ? disk.id : `LUN ${lun}`} of storage domain ${disk.domainName})`;
  });
  const domains = dependents.domains.map((domain) => `storage domain ${domain.name}`);
  return [...disks, ...domains].join(', ');
}

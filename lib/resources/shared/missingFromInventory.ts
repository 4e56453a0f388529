/**
 * A read whose object the inventory does not have. Two cases look alike and must not be confused:
 * - the object was deleted (outside this configuration): the inventory knew it, its audit log has its
 *   entries, and the read reports it gone (Terraform plans to create it again);
 * - the provider points at another inventory, or a new or emptied one: the inventory never knew the id
 *   the state names. Reporting it gone would plan to recreate the whole platform over what the hosts
 *   still run; the read is refused instead, with the remedy (point `inventory` at the right one, or
 *   `virtplane inventory rebuild` from the state and the hosts).
 * The audit log (every applied change, with the object's id) tells them apart.
 */
import { DiagnosticError, type AttributePath } from '../../framework/index.js';
import type { InventoryAccess } from '../context/index.js';

interface Missing {
  readonly resourceType: string;
  readonly id: string;
  readonly name: string;
  readonly path?: AttributePath;
}

export function unknownToInventoryError(inventory: InventoryAccess, missing: Missing): DiagnosticError {
  return new DiagnosticError(
    'The inventory does not know this object (wrong inventory?)',
    `The Terraform state names ${missing.resourceType} ${JSON.stringify(missing.name)} with id ${missing.id}, but the inventory at ${inventory.describe()} has never had it (no row, no audit entry). The provider is probably pointed at the wrong inventory, or the inventory was lost or emptied: nothing was planned, so nothing on the hosts is recreated. Point the provider's inventory setting at the inventory this state was applied with, or rebuild this one from the state and the hosts: virtplane inventory rebuild --state terraform.tfstate --inventory INVENTORY (then run plan again). If the object was really deleted, remove it from the state: terraform state rm ADDRESS.`,
    missing.path ?? ['id'],
  );
}

/**
 * True when the newest audit entry of the object is its deletion by virtplane: gone for certain, whatever
 * the hosts can tell now (a destroy killed after deleting it, before Terraform saved its state, leaves
 * it in the state while what it stood on, a storage domain's pools or a cluster, may be gone as well).
 */
export async function deletedByVirtplane(inventory: InventoryAccess, id: string): Promise<boolean> {
  const [newest] = await inventory.use((db) => db.audit.list({ resourceId: id, limit: 1 }));
  return newest?.action === 'delete';
}

/** null (gone: Terraform recreates it) when the inventory once had the object; the refusal otherwise. */
export async function goneOrUnknown(inventory: InventoryAccess, missing: Missing): Promise<null> {
  const history = await inventory.use((db) => db.audit.list({ resourceId: missing.id, limit: 1 }));
  if (history.length > 0) return null;
  throw unknownToInventoryError(inventory, missing);
}

import { userInfo } from 'node:os';
import type { Inventory, InventoryScope } from '../../inventory/index.js';
import type { AttributePath } from '../../framework/index.js';
import type { InventoryAccess } from '../context/index.js';
import { withInventoryDiagnostics } from './inventoryDiagnostics.js';

interface InventoryChange<Row> {
  /** virtplane_datacenter ... */
  readonly resourceType: string;
  /** adopt: a create that took over what an interrupted apply of this workspace left (adoption.ts). */
  readonly action: 'create' | 'adopt' | 'update' | 'delete';
  /** What the audit log keeps about the change (sensitive attributes are left out by the caller). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Which attribute names a referenced object, for diagnostics when it is not found. */
  readonly references?: Readonly<Record<string, AttributePath>>;
  readonly apply: (tx: InventoryScope) => Promise<Row>;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

/**
 * Who the audit entry names: on PostgreSQL the database login (the acting virtplane user; the database
 * refuses any other name from a user that is not the administrator); embedded, the account running
 * Terraform (the embedded inventory has one local administrator).
 */
async function actorOf(inventory: Inventory, tx: InventoryScope): Promise<string> {
  return inventory.backend === 'postgres' ? (await tx.access.identity()).login : osUser();
}

/**
 * One change to the inventory and its audit entry, all or nothing, with the inventory's typed errors
 * turned into diagnostics.
 */
export function changeInventory<Row extends { readonly id: string; readonly name: string }>(
  access: InventoryAccess,
  change: InventoryChange<Row>,
): Promise<Row> {
  return access.use((inventory) =>
    withInventoryDiagnostics(
      () =>
        inventory.transaction(async (tx) => {
          const row = await change.apply(tx);
          await tx.audit.record({
            actor: await actorOf(inventory, tx),
            source: 'terraform-provider-virtplane',
            resourceType: change.resourceType,
            resourceId: row.id,
            resourceName: row.name,
            action: change.action,
            details: change.details,
          });
          return row;
        }),
      change.references,
    ),
  );
}

/** Removes an object's row and records that in the audit log, all or nothing. */
export async function removeFromInventory(
  access: InventoryAccess,
  resourceType: string,
  object: { readonly id: string; readonly name: string },
  remove: (tx: InventoryScope) => Promise<unknown>,
): Promise<void> {
  await changeInventory(access, {
    resourceType,
    action: 'delete',
    apply: async (tx) => {
      await remove(tx);
      return object;
    },
  });
}

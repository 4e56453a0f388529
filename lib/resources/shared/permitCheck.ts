/**
 * The plan-time side of RBAC: before anything is planned, the acting login's permits are asked of the
 * inventory (the same database function its row-level security uses), and what is missing is named
 * exactly: who, which permit, on what, and the roles they do hold. The apply is enforced by the
 * database itself; this check is what makes a refusal a plan error instead of a failed apply.
 */
import type { AttributePath, Diagnostic } from '../../framework/index.js';
import { errorDiagnostic, isUnknown } from '../../framework/index.js';
import { objectLabel, type HeldRole, type Permit, type PermissionObjectType } from '../../inventory/index.js';
import type { ProviderContext } from '../context/index.js';

/** One permit an operation needs on one object; an id not known yet (made by the same apply) is not checked at plan. */
export interface PermitNeed {
  readonly permit: Permit;
  readonly type: PermissionObjectType;
  /** The object's id (null for the system); unknown or missing: skipped. */
  readonly id: unknown;
  /** The attribute that names the object, for the diagnostic. */
  readonly path?: AttributePath;
}

function heldText(held: readonly HeldRole[]): string {
  if (held.length === 0) return 'they hold no role';
  const roles = held.map(
    (role) =>
      `${role.roleName} on ${objectLabel(role.objectType, role.objectName ?? role.objectId)}${role.viaGroup ? ` (through group ${role.viaGroup})` : ''}`,
  );
  return `their roles are ${roles.join(', ')}`;
}

/** The diagnostics for every need the acting login lacks; none for the administrator (or the embedded inventory). */
export async function missingPermits(provider: Pick<ProviderContext, 'inventory'>, needs: readonly PermitNeed[]): Promise<Diagnostic[]> {
  const checkable = needs.filter((need) => need.type === 'system' || (typeof need.id === 'string' && !isUnknown(need.id)));
  if (checkable.length === 0) return [];
  return provider.inventory.use(async (inventory) => {
    // The embedded inventory's one user is its administrator (docs/rbac.md): no round trip to be told so,
    // once per planned change.
    if (inventory.backend === 'embedded') return [];
    const me = await inventory.access.identity();
    if (me.administrator) return [];
    const diagnostics: Diagnostic[] = [];
    const seen = new Set<string>();
    let held: readonly HeldRole[] | undefined;
    for (const need of checkable) {
      const object = need.type === 'system' ? { type: need.type } : { type: need.type, id: need.id as string };
      const key = `${need.permit} ${object.type} ${object.id ?? ''}`;
      if (seen.has(key) || (await inventory.access.permitted(me.login, need.permit, object))) continue;
      seen.add(key);
      held ??= await inventory.access.heldRoles(me.login);
      const where = await inventory.access.describe(object);
      diagnostics.push(
        errorDiagnostic(
          'Permission denied',
          `${me.login} lacks ${need.permit} on ${where}: ${heldText(held)}. Ask an administrator of the inventory (or a holder of role.grant there) for a role with ${need.permit} on ${where} or on what contains it.`,
          need.path,
        ),
      );
    }
    return diagnostics;
  });
}

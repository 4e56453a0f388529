/**
 * Adoption: finishing what an interrupted apply of this same Terraform workspace left.
 *
 * Terraform 1.11 saves its state only now and then during an apply: an apply killed after a create
 * returned, but before the next save, leaves an object the state does not know. The next apply plans
 * to create it again; its create finds the object (by name, or by the identity the plan computes) and,
 * when the object carries this workspace's token (context/workspace.ts: a hash of the working directory
 * and the workspace name, written with the object when it was made), adopts it: brings it to the plan
 * and returns it as created. Anything else is refused and stays untouched: an object another workspace
 * made (another token), one nobody marked (made before virtplane recorded workspaces, or registered
 * again by a refresh or an inventory rebuild), and one this very apply made for another resource (two
 * resources of one configuration with the same name).
 *
 * Where the token lives, per kind of object:
 * - inventory rows (data centers, clusters, hosts, networks, storage domains, affinity groups, disks):
 *   the row's created_by_workspace (migration 0003), written in the transaction that inserts the row;
 *   a dir disk's row is written before its volume, so no volume exists without its mark;
 * - iSCSI targets: a `# virtplane-workspace TOKEN` line in the target's block of virtplane.conf, written
 *   before anything else of the target exists;
 * - images and templates: the record virtplane keeps beside the file on the hosts (NAME.image.json,
 *   NAME.template.json), written before the file is moved into place;
 * - VMs: the domain's virtplane settings (vm/).
 *
 * What the provider cannot see: Terraform tells it nothing of the state, so an object the state does
 * know looks like a leftover too. A replacement that creates before it destroys (create_before_destroy)
 * under the same name would adopt the object it then destroys (the next apply creates it again); the
 * iSCSI target, whose replacement deletes data, tells the two apart by the plan of the same command.
 */
import type { InventoryRepositories, InventoryScope } from '../../inventory/index.js';
import { DiagnosticError, type AttributePath } from '../../framework/index.js';
import type { ProviderContext } from '../context/index.js';
import { changeInventory } from './inventoryChange.js';
import { progress } from './progress.js';

/** What a create decides about an object it finds in its way. */
export type LeftoverVerdict =
  /** Made by an interrupted apply of this workspace: adopt it. */
  | 'adopt'
  /** Made by an apply of another workspace (another directory, or another workspace of it). */
  | 'other-workspace'
  /** Nobody marked it: made before virtplane recorded workspaces, by hand, or registered by a refresh or rebuild. */
  | 'unmarked'
  /** Made (or adopted) by this very apply for another resource: two resources with one name. */
  | 'this-apply';

type AdoptionContext = Pick<ProviderContext, 'workspaceToken' | 'madeByThisApply'>;

function keyOf(resourceType: string, id: string): string {
  return `${resourceType} ${id}`;
}

/** Whether an object found where a create would make one may be adopted, from its workspace mark. */
export function leftoverVerdict(provider: AdoptionContext, resourceType: string, id: string, mark: string | null | undefined): LeftoverVerdict {
  if (mark === null || mark === undefined || mark === '') return 'unmarked';
  if (mark !== provider.workspaceToken) return 'other-workspace';
  if (isMadeByThisApply(provider, resourceType, id)) return 'this-apply';
  return 'adopt';
}

/** Whether this apply (this provider process) made or adopted the object (recordMadeByThisApply). */
export function isMadeByThisApply(provider: AdoptionContext, resourceType: string, id: string): boolean {
  return provider.madeByThisApply.has(keyOf(resourceType, id));
}

/** Records that this apply made or adopted the object: no other resource of this apply adopts it. */
export function recordMadeByThisApply(provider: AdoptionContext, resourceType: string, id: string): void {
  provider.madeByThisApply.add(keyOf(resourceType, id));
}

export interface TakenObject {
  /** "data center", "iSCSI target" ... */
  readonly kind: string;
  readonly name: string;
  /** Its id in the inventory (what `terraform import` takes). */
  readonly id: string;
  /** Where it is, e.g. `in data center "dc"`, `on storage server 10.0.0.2`. */
  readonly where: string;
  /** The attribute to change; default ["name"]. */
  readonly path?: AttributePath;
  /** The diagnostic's summary; default "<Kind> name already taken". */
  readonly title?: string;
}

/** Who created an object, from the audit log, as "user alice on 2025-01-31 10:00 UTC". */
export async function creatorOf(provider: Pick<ProviderContext, 'inventory'>, id: string): Promise<string | undefined> {
  try {
    const entries = await provider.inventory.use((inventory) => inventory.audit.list({ resourceId: id, limit: 20 }));
    const created = [...entries].reverse().find((entry) => entry.action === 'create') ?? entries[entries.length - 1];
    if (created === undefined) return undefined;
    return `user ${created.actor} on ${created.at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  } catch {
    return undefined;
  }
}

/**
 * The refusal of an object in the way of a create: what it is, where, by whom, and what to do. Never
 * for 'adopt'.
 */
export function takenError(object: TakenObject, verdict: Exclude<LeftoverVerdict, 'adopt'>, creator?: string): DiagnosticError {
  const what = `A ${object.kind} named ${JSON.stringify(object.name)} already exists ${object.where} (id ${object.id})`;
  const by = creator === undefined ? '' : `, ${creator}`;
  const importHint = `to manage it from this configuration, import it (terraform import ADDRESS ${JSON.stringify(object.id)})`;
  const detail =
    verdict === 'other-workspace'
      ? `${what}, created by another Terraform workspace (another working directory, or another workspace of it${by}): virtplane never takes over another workspace's object. Choose another name; or, ${importHint} after removing it from the other workspace's state (terraform state rm).`
      : verdict === 'unmarked'
        ? `${what}${by}, and nothing marks it as made by an apply of this workspace (made before virtplane recorded workspaces, by another tool, or registered again by a refresh or an inventory rebuild): virtplane never takes it over on its own. Choose another name; or, ${importHint}.`
        : `${what}: this same apply has just made it for another resource, so two resources of this configuration have the same name. Give each its own name.`;
  const title = object.title ?? `${object.kind.charAt(0).toUpperCase()}${object.kind.slice(1)} name already taken`;
  return new DiagnosticError(title, detail, object.path ?? ['name']);
}

/** takenError with the creator looked up in the audit log. */
export async function refuseTaken(
  provider: Pick<ProviderContext, 'inventory'>,
  object: TakenObject,
  verdict: Exclude<LeftoverVerdict, 'adopt'>,
): Promise<never> {
  throw takenError(object, verdict, verdict === 'this-apply' ? undefined : await creatorOf(provider, object.id));
}

interface RowWithMark {
  readonly id: string;
  readonly name: string;
  readonly createdByWorkspace: string | null;
}

interface RowCreation<Row extends RowWithMark> {
  /** virtplane_datacenter ... */
  readonly resourceType: string;
  /** "data center" ... */
  readonly kind: string;
  readonly name: string;
  /** Where the name is unique, for the refusal: `in data center "dc"`. */
  readonly where: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly references?: Readonly<Record<string, AttributePath>>;
  /** The row a create would collide with (same name in the same scope), if any. */
  readonly find: (inventory: InventoryRepositories) => Promise<Row | undefined>;
  /** Inserts the row, with `mark` (this workspace's token) as its createdByWorkspace. */
  readonly create: (tx: InventoryScope, mark: string) => Promise<Row>;
  /** Brings an adopted row to the plan. */
  readonly adopt: (tx: InventoryScope, row: Row) => Promise<Row>;
}

/**
 * The row a create would collide with (same name in the same scope) when it is what an interrupted
 * apply of this workspace left: to adopt. Undefined when there is none. Any other row of that name is
 * refused here, saying whose it is, before the create changes anything anywhere.
 */
export async function adoptableRow<Row extends RowWithMark>(
  provider: Pick<ProviderContext, 'inventory' | 'workspaceToken' | 'madeByThisApply'>,
  creation: Pick<RowCreation<Row>, 'resourceType' | 'kind' | 'name' | 'where' | 'find'>,
): Promise<Row | undefined> {
  const existing = await provider.inventory.use((inventory) => creation.find(inventory));
  if (existing === undefined) return undefined;
  const verdict = leftoverVerdict(provider, creation.resourceType, existing.id, existing.createdByWorkspace);
  if (verdict !== 'adopt') return refuseTaken(provider, { kind: creation.kind, name: creation.name, id: existing.id, where: creation.where }, verdict);
  return existing;
}

/**
 * Creates an inventory row marked with this workspace's token, or adopts the row an interrupted apply
 * of this workspace left under that name (brought to the plan, audited as "adopt"); any other row of
 * that name is refused, saying whose it is. `adopted` tells the caller to finish what the interrupted
 * apply may not have done on the hosts. `leftover`: what adoptableRow already found (else it is looked up).
 */
export async function createOrAdoptRow<Row extends RowWithMark>(
  provider: Pick<ProviderContext, 'inventory' | 'workspaceToken' | 'madeByThisApply'>,
  creation: RowCreation<Row>,
  leftover?: { readonly row: Row | undefined },
): Promise<{ readonly row: Row; readonly adopted: boolean }> {
  const existing = leftover === undefined ? await adoptableRow(provider, creation) : leftover.row;
  const change = { resourceType: creation.resourceType, details: creation.details, references: creation.references };
  if (existing !== undefined) {
    progress(`adopting ${creation.kind} ${creation.name} (${existing.id}), left by an interrupted apply of this workspace`);
    const row = await changeInventory(provider.inventory, { ...change, action: 'adopt', apply: (tx) => creation.adopt(tx, existing) });
    recordMadeByThisApply(provider, creation.resourceType, row.id);
    return { row, adopted: true };
  }
  const row = await changeInventory(provider.inventory, { ...change, action: 'create', apply: (tx) => creation.create(tx, provider.workspaceToken) });
  recordMadeByThisApply(provider, creation.resourceType, row.id);
  return { row, adopted: false };
}

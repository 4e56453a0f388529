/** PostgreSQL errors (same SQLSTATEs from PGlite and from a server) turned into the inventory's typed errors. */
import { AccessDeniedError, ConflictError, InUseError, InvalidValueError, NameTakenError, NotFoundError, kindLabel } from './errors.js';
import type { EntityKind } from './types.js';

interface DatabaseErrorShape {
  readonly code: string;
  readonly message: string;
  readonly constraint?: string;
  readonly table?: string;
  readonly detail?: string;
}

function asDatabaseError(error: unknown): DatabaseErrorShape | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  // SQLSTATEs are five characters; Node's own errors (ECONNREFUSED...) are not database errors.
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? (error as DatabaseErrorShape) : undefined;
}

/** Where a name must be unique, per unique constraint on a name. */
const NAME_SCOPES: Readonly<Record<string, string>> = {
  datacenters_name_unique: '',
  clusters_name_unique: 'in this data center',
  hosts_name_unique: '',
  networks_name_unique: 'in this data center',
  storage_domains_name_unique: 'in this data center',
  vm_placements_name_unique: 'in this cluster',
  affinity_groups_name_unique: 'in this cluster',
  users_name_unique: '',
  groups_name_unique: '',
  roles_name_unique: '',
};

const OTHER_UNIQUE_MESSAGES: Readonly<Record<string, string>> = {
  hosts_address_unique: 'Another host is already registered at this address and port',
  permissions_grant_unique: 'This user or group already has this role on this object',
};

/** The kind a foreign key points at, and what the rows that reference it are called. */
const FOREIGN_KEYS: Readonly<Record<string, { readonly parent: EntityKind; readonly children: string }>> = {
  clusters_datacenter_fk: { parent: 'datacenter', children: 'clusters' },
  networks_datacenter_fk: { parent: 'datacenter', children: 'networks' },
  storage_domains_datacenter_fk: { parent: 'datacenter', children: 'storage domains' },
  storage_domains_host_fk: { parent: 'host', children: 'local storage domains' },
  hosts_cluster_fk: { parent: 'cluster', children: 'hosts' },
  vm_placements_cluster_fk: { parent: 'cluster', children: 'VMs' },
  vm_placements_host_fk: { parent: 'host', children: 'VMs' },
  affinity_groups_cluster_fk: { parent: 'cluster', children: 'affinity groups' },
  affinity_group_hosts_host_fk: { parent: 'host', children: 'affinity groups' },
  affinity_group_vms_group_fk: { parent: 'affinity_group', children: 'VM memberships' },
  affinity_group_hosts_group_fk: { parent: 'affinity_group', children: 'host memberships' },
  permissions_user_fk: { parent: 'user', children: 'permissions' },
  permissions_role_fk: { parent: 'role', children: 'permissions' },
  permissions_group_fk: { parent: 'group', children: 'permissions' },
  group_members_group_fk: { parent: 'group', children: 'members' },
  group_members_user_fk: { parent: 'user', children: 'group memberships' },
  host_statistics_host_fk: { parent: 'host', children: 'statistics' },
  vm_statistics_host_fk: { parent: 'host', children: 'statistics' },
};

interface ErrorContext {
  readonly kind: EntityKind;
  readonly operation: 'write' | 'delete';
  /** The row's id (deletes) and name (writes), for messages. */
  readonly id?: string;
  readonly name?: string;
}

/** The key value PostgreSQL names in "Key (col)=(value) ..." details. */
function keyValue(detail: string | undefined): string {
  const match = detail?.match(/\)=\((.*)\)/);
  return match?.[1] ?? '(unknown)';
}

function translateDatabaseError(error: unknown, context: ErrorContext): unknown {
  const db = asDatabaseError(error);
  if (!db) return error;
  const constraint = db.constraint ?? '';
  const options = { cause: error };
  switch (db.code) {
    case '23505': {
      const scope = NAME_SCOPES[constraint];
      if (scope !== undefined) return new NameTakenError(context.kind, context.name ?? keyValue(db.detail), scope, constraint, options);
      if (constraint.endsWith('_pkey')) {
        return new ConflictError(context.kind, constraint, `A ${kindLabel(context.kind)} with id ${keyValue(db.detail)} already exists`, options);
      }
      const message = OTHER_UNIQUE_MESSAGES[constraint] ?? `Already exists: ${db.detail ?? db.message}`;
      return new ConflictError(context.kind, constraint, `${message} (${db.detail ?? constraint})`, options);
    }
    case '23503': {
      const foreignKey = FOREIGN_KEYS[constraint];
      if (context.operation === 'delete') {
        return new InUseError(context.kind, context.id ?? keyValue(db.detail), foreignKey?.children ?? `rows of ${db.table ?? 'another table'}`, options);
      }
      return foreignKey ? new NotFoundError(foreignKey.parent, keyValue(db.detail)) : new InvalidValueError(db.message, options);
    }
    case '42501':
      return new AccessDeniedError(`${db.message}: the inventory's permissions do not allow this ${kindLabel(context.kind)} change`, options);
    case '23514':
      return new InvalidValueError(`Invalid ${kindLabel(context.kind)}: the value breaks rule ${constraint} (${db.message})`, options);
    case '23502':
      return new InvalidValueError(`Invalid ${kindLabel(context.kind)}: ${db.message}`, options);
    case '22P02':
    case '22003':
    case '22001':
      return new InvalidValueError(`Invalid ${kindLabel(context.kind)}: ${db.message}`, options);
    default:
      return error;
  }
}

/** Runs `fn`, rethrowing database errors as typed inventory errors. */
export async function translated<T>(context: ErrorContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw translateDatabaseError(error, context);
  }
}

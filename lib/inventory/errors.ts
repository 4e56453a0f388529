import { hostname } from 'node:os';
import type { EntityKind } from './types.js';

const KIND_LABELS: Readonly<Record<EntityKind, string>> = {
  datacenter: 'data center',
  cluster: 'cluster',
  host: 'host',
  network: 'network',
  storage_domain: 'storage domain',
  disk: 'disk',
  vm: 'VM',
  affinity_group: 'affinity group',
  user: 'user',
  group: 'group',
  role: 'role',
  permission: 'permission',
};

export function kindLabel(kind: EntityKind): string {
  return KIND_LABELS[kind];
}

/** Base of every error the inventory throws on purpose; `code` is stable for programs to test. */
export class InventoryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NotFoundError extends InventoryError {
  constructor(
    readonly kind: EntityKind,
    readonly key: string,
  ) {
    super('not_found', `No ${kindLabel(kind)} ${JSON.stringify(key)} in the inventory`);
  }
}

/** A uniqueness rule was broken (something other than a name, e.g. a host's address and port). */
export class ConflictError extends InventoryError {
  constructor(
    readonly kind: EntityKind,
    readonly constraint: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('conflict', message, options);
  }
}

export class NameTakenError extends ConflictError {
  constructor(
    kind: EntityKind,
    readonly takenName: string,
    /** Where names must be unique, e.g. "in this data center"; empty when names are global. */
    readonly scope: string,
    constraint: string,
    options?: { cause?: unknown },
  ) {
    super(kind, constraint, `A ${kindLabel(kind)} named ${JSON.stringify(takenName)} already exists${scope ? ` ${scope}` : ''}: choose another name`, options);
  }
}

/** Deleting something still referenced, e.g. a cluster that has hosts. */
export class InUseError extends InventoryError {
  constructor(
    readonly kind: EntityKind,
    readonly id: string,
    readonly usedBy: string,
    options?: { cause?: unknown },
  ) {
    super('in_use', `The ${kindLabel(kind)} ${id} is still used by ${usedBy}: remove or move those first`, options);
  }
}

/** A value the schema rejects (check constraint, malformed UUID, missing required value). */
export class InvalidValueError extends InventoryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_value', message, options);
  }
}

export class InsufficientCapacityError extends InventoryError {
  constructor(
    readonly hostId: string,
    readonly hostName: string,
    readonly requestedMib: number,
    readonly freeMib: number,
    readonly capacityMib: number,
  ) {
    super(
      'insufficient_capacity',
      `Host ${hostName} cannot take ${requestedMib} MiB more: ${freeMib} MiB free of ${capacityMib} MiB schedulable ` +
        '(memory of placed VMs and pending reservations counts against it)',
    );
  }
}

export type HostUnavailableReason = 'maintenance' | 'no_facts' | 'other_cluster';

export class HostUnavailableError extends InventoryError {
  constructor(
    readonly hostId: string,
    readonly hostName: string,
    readonly reason: HostUnavailableReason,
  ) {
    const why: Record<HostUnavailableReason, string> = {
      maintenance: 'is in maintenance',
      no_facts: 'has no known memory yet (its facts were never collected)',
      other_cluster: 'belongs to another cluster',
    };
    super('host_unavailable', `Host ${hostName} cannot take new VMs: it ${why[reason]}`);
  }
}

export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
}

/**
 * The embedded inventory is open in another process and did not become free in time: found by the lock
 * file (`through` 'lock-file'), or told by the folder's inventory server, which queued this process
 * behind the holder's session ('server': the server sees a dead holder's socket close, so there is no
 * file to delete by hand).
 */
export class InventoryLockedError extends InventoryError {
  constructor(
    readonly folder: string,
    readonly lockFile: string,
    readonly holder: LockHolder | undefined,
    readonly waitedMs: number,
    readonly through: 'lock-file' | 'server' = 'lock-file',
  ) {
    const itself = holder?.pid === process.pid && holder.hostname === hostname() ? ', this very process' : '';
    const who = holder
      ? `process ${holder.pid} on ${holder.hostname}${itself} (since ${holder.startedAt})`
      : through === 'server'
        ? 'another process'
        : 'another process (its lock file is still being written)';
    const advice =
      through === 'server'
        ? 'Wait for the other run to finish: the inventory server of that folder lets one process at a time in (`virtplane inventory status` shows it).'
        : `Wait for the other run to finish, or delete ${lockFile} if that process is gone.`;
    super('inventory_locked', `The inventory at ${folder} is in use by ${who}; gave up after waiting ${Math.round(waitedMs / 1000)} s. ${advice}`);
  }
}

/**
 * The embedded folder's inventory server ended this process's session (it was stopped, or died):
 * whatever was not committed is gone. Closing the inventory and opening it again starts a new server.
 */
export class InventorySessionLostError extends InventoryError {
  constructor(
    readonly location: string,
    cause: unknown,
  ) {
    super(
      'session_lost',
      `The inventory server of ${location} closed this process's session (${(cause as Error | null)?.message ?? String(cause)}): ` +
        'it was stopped or died, and what was not committed is gone; the next open of the inventory starts a new one',
      { cause },
    );
  }
}

/** The database was migrated by a newer virtplane than this one. */
export class SchemaVersionError extends InventoryError {
  constructor(
    readonly databaseVersion: number,
    readonly knownVersion: number,
  ) {
    super('schema_too_new', `The inventory's schema is at version ${databaseVersion} but this virtplane knows only up to ${knownVersion}: upgrade virtplane`);
  }
}

export class InventoryClosedError extends InventoryError {
  constructor(location: string) {
    super('closed', `The inventory at ${location} is closed`);
  }
}

/**
 * PostgreSQL gave up on a statement: a row or lock it needed was held by another connection for longer
 * than the lock timeout ('lock'), the statement ran longer than the statement timeout ('statement'), or
 * it was cancelled because Terraform stopped the provider ('cancelled').
 */
export class InventoryTimeoutError extends InventoryError {
  constructor(
    readonly reason: 'lock' | 'statement' | 'cancelled',
    readonly location: string,
    readonly limitMs: number | undefined,
    options?: ErrorOptions,
  ) {
    const limit = limitMs === undefined ? '' : ` (${Math.round(limitMs / 100) / 10} s)`;
    const messages = {
      lock: `The inventory database at ${location} did not grant a lock in time${limit}: a row this step needs is locked by another connection (another Terraform run or virtplane command on the same inventory, or a session left open). Nothing was changed by this step. Wait for the other run to finish and run again; if none is running, look for the blocking session in pg_stat_activity / pg_locks.`,
      statement: `A statement on the inventory database at ${location} ran longer than the statement timeout${limit} and was cancelled. Nothing was changed by this step. Check the database server's load, then run again.`,
      cancelled: `The statement on the inventory database at ${location} was cancelled: Terraform stopped the provider (Ctrl-C). Nothing was changed by this step.`,
    } as const;
    super(`inventory_${reason}_timeout`, messages[reason], options);
  }
}

/**
 * PostgreSQL refused the change (SQLSTATE 42501): the acting login lacks a permit there (row-level
 * security, 0006_rbac) or the privilege on the table.
 */
export class AccessDeniedError extends InventoryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('access_denied', message, options);
  }
}

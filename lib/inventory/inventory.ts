/** The typed repositories over one backend, and transactions that span several of them. */
import { InventoryClosedError } from './errors.js';
import { accessRepository, type AccessRepository } from './repositories/access.js';
import { affinityGroupRepository, type AffinityGroupRepository } from './repositories/affinityGroups.js';
import { auditRepository, type AuditRepository } from './repositories/audit.js';
import { clusterRepository, type ClusterRepository } from './repositories/clusters.js';
import { diskRepository, type DiskRepository } from './repositories/disks.js';
import { datacenterRepository, type DatacenterRepository } from './repositories/datacenters.js';
import { highAvailabilityRepository, type HighAvailabilityRepository } from './repositories/highAvailability.js';
import { groupRepository, type GroupRepository } from './repositories/groups.js';
import { hostRepository, type HostRepository } from './repositories/hosts.js';
import { networkRepository, type NetworkRepository } from './repositories/networks.js';
import { permissionRepository, type PermissionRepository } from './repositories/permissions.js';
import { roleRepository, type RoleRepository } from './repositories/roles.js';
import { statisticsRepository, type StatisticsRepository } from './repositories/statistics.js';
import { storageDomainRepository, type StorageDomainRepository } from './repositories/storageDomains.js';
import { userRepository, type UserRepository } from './repositories/users.js';
import { vmPlacementRepository, type VmPlacementRepository } from './repositories/vmPlacements.js';
import type { Backend, InventoryDriver, SessionSharing, SqlExecutor } from './sqlExecutor.js';

export interface InventoryRepositories {
  readonly datacenters: DatacenterRepository;
  readonly clusters: ClusterRepository;
  readonly hosts: HostRepository;
  readonly networks: NetworkRepository;
  readonly storageDomains: StorageDomainRepository;
  readonly disks: DiskRepository;
  readonly vmPlacements: VmPlacementRepository;
  readonly affinityGroups: AffinityGroupRepository;
  readonly users: UserRepository;
  readonly groups: GroupRepository;
  readonly roles: RoleRepository;
  readonly permissions: PermissionRepository;
  /** Who this connection acts as and what it may do (RBAC, enforced by the database). */
  readonly access: AccessRepository;
  readonly audit: AuditRepository;
  readonly statistics: StatisticsRepository;
  readonly highAvailability: HighAvailabilityRepository;
}

export interface InventoryScope extends InventoryRepositories {
  /**
   * All or nothing: `fn`'s changes commit together, or none do if it throws. Inside a transaction,
   * a nested call is a savepoint. Run the steps of one transaction one after another, not in parallel,
   * and only through the `tx` it is given: on the embedded backend every other query waits for the
   * transaction to end, so using the outer inventory inside `fn` would wait forever.
   */
  transaction<T>(fn: (tx: InventoryScope) => Promise<T>): Promise<T>;
}

export interface Inventory extends InventoryScope {
  readonly backend: Backend;
  /** The embedded folder, or the PostgreSQL URL without its password. */
  readonly location: string;
  readonly schemaVersion: number;
  /**
   * Runs `fn` while no other process sharing this inventory runs work under the same key: PostgreSQL
   * advisory lock (waits up to waitMs, default 2 min, then InventoryTimeoutError); embedded: the folder
   * is one process's at a time already, so fn simply runs.
   */
  withAdvisoryLock<T>(key: string, fn: () => Promise<T>, waitMs?: number): Promise<T>;
  /** Cancels the statements in flight (PostgreSQL: Terraform stopped the provider); embedded: nothing to do. */
  cancel(): Promise<number>;
  /** Embedded through the folder's server: whether other processes wait for this one's session (sqlExecutor.ts). */
  readonly sessionSharing?: SessionSharing;
  /** Closes the database (and, embedded, releases the folder for other processes). */
  close(): Promise<void>;
}

function scope(executor: SqlExecutor, backend: Backend): InventoryScope {
  return {
    datacenters: datacenterRepository(executor),
    clusters: clusterRepository(executor),
    hosts: hostRepository(executor),
    networks: networkRepository(executor),
    storageDomains: storageDomainRepository(executor),
    disks: diskRepository(executor),
    vmPlacements: vmPlacementRepository(executor),
    affinityGroups: affinityGroupRepository(executor),
    users: userRepository(executor),
    groups: groupRepository(executor),
    roles: roleRepository(executor),
    permissions: permissionRepository(executor),
    access: accessRepository(executor, backend),
    audit: auditRepository(executor),
    statistics: statisticsRepository(executor),
    highAvailability: highAvailabilityRepository(executor),
    transaction: (fn) => executor.transaction((tx) => fn(scope(tx, backend))),
  };
}

export function createInventory(driver: InventoryDriver, schemaVersion: number): Inventory {
  let closed = false;
  const ensureOpen = (): void => {
    if (closed) throw new InventoryClosedError(driver.location);
  };
  const guarded: SqlExecutor = {
    query: (text, params) => {
      ensureOpen();
      return driver.query(text, params);
    },
    script: (text) => {
      ensureOpen();
      return driver.script(text);
    },
    transaction: (fn) => {
      ensureOpen();
      return driver.transaction(fn);
    },
  };
  return {
    ...scope(guarded, driver.backend),
    backend: driver.backend,
    location: driver.location,
    schemaVersion,
    cancel: async () => (driver.cancel ? driver.cancel() : 0),
    ...(driver.sessionSharing ? { sessionSharing: driver.sessionSharing } : {}),
    withAdvisoryLock: (key, fn, waitMs) => {
      ensureOpen();
      return driver.withAdvisoryLock ? driver.withAdvisoryLock(key, fn, waitMs) : fn();
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await driver.close();
    },
  };
}

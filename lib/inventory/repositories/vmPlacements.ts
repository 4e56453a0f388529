/**
 * Where VMs run, and memory reserved on a host for a VM being created. Every capacity check runs in a
 * transaction holding the host's row lock (SELECT ... FOR UPDATE), so reservations made at the same
 * time by several Terraform runs queue on that host and can never overfill it.
 */
import { randomUUID } from 'node:crypto';
import { translated } from '../dbErrors.js';
import { HostUnavailableError, InsufficientCapacityError, NotFoundError, type HostUnavailableReason } from '../errors.js';
import type { SqlExecutor, SqlParam } from '../sqlExecutor.js';
import type { HostCapacity, PlacementChange, PlacementRegistration, PlacementStatus, ReservationInput, Uuid, VmPlacement } from '../types.js';
import { isUuid, mapRow, type Column } from './table.js';

export const DEFAULT_RESERVATION_TTL_SECONDS = 15 * 60;

const PLACEMENT_COLUMNS: { readonly columns: readonly Column[] } = {
  columns: [
    { field: 'vmId', column: 'vm_id' },
    { field: 'name', column: 'name' },
    { field: 'clusterId', column: 'cluster_id' },
    { field: 'hostId', column: 'host_id' },
    { field: 'vcpus', column: 'vcpus' },
    { field: 'memoryMib', column: 'memory_mib' },
    { field: 'status', column: 'status' },
    { field: 'reservedAt', column: 'reserved_at' },
    { field: 'expiresAt', column: 'expires_at' },
    { field: 'confirmedAt', column: 'confirmed_at' },
    { field: 'updatedAt', column: 'updated_at' },
  ],
};

/**
 * A placement counts against its host while placed, or while its reservation has not expired. Migration 11's
 * virtplane_reserve_vm holds a copy of this rule and of freeMemorySql (a released migration never changes):
 * a change to either here needs a new migration that replaces the function.
 */
const COUNTS = "(p.status = 'placed' OR p.expires_at > now())";

const CAPACITY_SELECT = `
  SELECT h.id AS host_id, h.name AS host_name, h.cluster_id, h.maintenance, h.memory_mib,
         c.memory_overcommit_percent,
         COALESCE(h.memory_mib::bigint * c.memory_overcommit_percent / 100, 0)::int AS capacity_mib,
         COALESCE(SUM(p.memory_mib) FILTER (WHERE p.status = 'placed'), 0)::int AS placed_mib,
         COALESCE(SUM(p.memory_mib) FILTER (WHERE p.status = 'reserved' AND p.expires_at > now()), 0)::int AS reserved_mib,
         (COUNT(p.vm_id) FILTER (WHERE ${COUNTS}))::int AS vm_count
  FROM hosts h
  JOIN clusters c ON c.id = h.cluster_id
  LEFT JOIN vm_placements p ON p.host_id = h.id`;

/** Memory still free on host $hostParam, not counting VM $vmParam (the one being resized or moved). */
function freeMemorySql(hostParam: string, vmParam: string): string {
  return `(
    SELECT h.memory_mib::bigint * c.memory_overcommit_percent / 100
           - COALESCE((SELECT SUM(p.memory_mib) FROM vm_placements p
                       WHERE p.host_id = h.id AND p.vm_id <> ${vmParam} AND ${COUNTS}), 0)
    FROM hosts h JOIN clusters c ON c.id = h.cluster_id
    WHERE h.id = ${hostParam})`;
}

function toCapacity(row: Readonly<Record<string, unknown>>): HostCapacity {
  const capacityMib = Number(row.capacity_mib);
  const placedMib = Number(row.placed_mib);
  const reservedMib = Number(row.reserved_mib);
  return {
    hostId: String(row.host_id),
    hostName: String(row.host_name),
    clusterId: String(row.cluster_id),
    maintenance: Boolean(row.maintenance),
    memoryMib: row.memory_mib === null ? null : Number(row.memory_mib),
    overcommitPercent: Number(row.memory_overcommit_percent),
    capacityMib,
    placedMib,
    reservedMib,
    // Negative when reality (VMs registered by a refresh) exceeds what the scheduler would allow.
    freeMib: capacityMib - placedMib - reservedMib,
    vmCount: Number(row.vm_count),
  };
}

const toPlacement = (row: Readonly<Record<string, unknown>>): VmPlacement => mapRow<VmPlacement>(PLACEMENT_COLUMNS, row);

export interface PlacementQuery {
  readonly clusterId?: Uuid;
  readonly hostId?: Uuid;
  readonly status?: PlacementStatus;
  /** Expired reservations too (every row, as get() finds them); default false. */
  readonly includeExpired?: boolean;
}

export interface VmPlacementRepository {
  /**
   * Holds memory on a host for a VM about to be created. InsufficientCapacityError when the host's
   * schedulable memory (facts x cluster overcommit) minus placed VMs and live reservations is short;
   * HostUnavailableError when the host is in maintenance, unknown in size, or in another cluster.
   */
  reserve(input: ReservationInput): Promise<VmPlacement>;
  /** The VM now exists on its host: the reservation becomes a placement and no longer expires. */
  confirm(vmId: Uuid): Promise<VmPlacement>;
  /** Forgets a VM or its reservation; false if there was none (already released or expired). */
  release(vmId: Uuid): Promise<boolean>;
  /** A migration (new host) and/or resize, checked against the target host's capacity. */
  change(vmId: Uuid, change: PlacementChange): Promise<VmPlacement>;
  /** Records a VM a refresh found on a host, as placed, without capacity checks (reality wins). */
  register(registration: PlacementRegistration): Promise<VmPlacement>;
  get(vmId: Uuid): Promise<VmPlacement | undefined>;
  getByName(clusterId: Uuid, name: string): Promise<VmPlacement | undefined>;
  /** Placements and live reservations (expired reservations are left out unless the query includes them). */
  list(query?: PlacementQuery): Promise<readonly VmPlacement[]>;
  capacity(hostId: Uuid): Promise<HostCapacity>;
  /** Every host's capacity, optionally in one cluster, by host name. */
  capacities(clusterId?: Uuid): Promise<readonly HostCapacity[]>;
  /** Deletes expired reservations; returns how many. */
  releaseExpired(): Promise<number>;
}

interface LockedHost {
  readonly id: string;
  readonly name: string;
  readonly cluster_id: string;
  readonly maintenance: boolean;
  readonly memory_mib: number | null;
  readonly [column: string]: unknown;
}

async function lockHost(tx: SqlExecutor, hostId: Uuid): Promise<LockedHost> {
  if (!isUuid(hostId)) throw new NotFoundError('host', hostId);
  const { rows } = await tx.query<LockedHost>('SELECT id, name, cluster_id, maintenance, memory_mib FROM virtplane_lock_host($1)', [hostId]);
  if (!rows[0]) throw new NotFoundError('host', hostId);
  return rows[0];
}

/** Why a host takes no new VM of `clusterId`, or undefined when it may (virtplane_reserve_vm asks the same). */
function unschedulable(
  host: { readonly clusterId: string; readonly maintenance: boolean; readonly memoryMib: number | null },
  clusterId: Uuid,
): HostUnavailableReason | undefined {
  if (host.clusterId !== clusterId) return 'other_cluster';
  if (host.maintenance) return 'maintenance';
  if (host.memoryMib === null) return 'no_facts';
  return undefined;
}

function assertSchedulable(host: LockedHost, clusterId: Uuid): void {
  const reason = unschedulable({ clusterId: host.cluster_id, maintenance: host.maintenance, memoryMib: host.memory_mib }, clusterId);
  if (reason !== undefined) throw new HostUnavailableError(host.id, host.name, reason);
}

async function capacityOf(db: SqlExecutor, hostId: Uuid): Promise<HostCapacity> {
  if (!isUuid(hostId)) throw new NotFoundError('host', hostId);
  const { rows } = await db.query(`${CAPACITY_SELECT} WHERE h.id = $1 GROUP BY h.id, c.memory_overcommit_percent`, [hostId]);
  if (!rows[0]) throw new NotFoundError('host', hostId);
  return toCapacity(rows[0]);
}

async function insufficient(tx: SqlExecutor, host: LockedHost, requestedMib: number, excludeMib: number): Promise<never> {
  const capacity = await capacityOf(tx, host.id);
  throw new InsufficientCapacityError(host.id, host.name, requestedMib, capacity.freeMib + excludeMib, capacity.capacityMib);
}

/** Why a reservation made nothing, read after it: the host is missing, unschedulable here, or full. */
async function refusal(db: SqlExecutor, hostId: Uuid, clusterId: Uuid, requestedMib: number): Promise<Error> {
  const capacity = await capacityOf(db, hostId);
  const reason = unschedulable(capacity, clusterId);
  if (reason !== undefined) return new HostUnavailableError(hostId, capacity.hostName, reason);
  return new InsufficientCapacityError(hostId, capacity.hostName, requestedMib, capacity.freeMib, capacity.capacityMib);
}

export function vmPlacementRepository(db: SqlExecutor): VmPlacementRepository {
  const repository: VmPlacementRepository = {
    reserve(input) {
      const vmId = input.vmId ?? randomUUID();
      const ttl = input.ttlSeconds ?? DEFAULT_RESERVATION_TTL_SECONDS;
      return translated({ kind: 'vm', operation: 'write', name: input.name }, async () => {
        if (!isUuid(input.hostId)) throw new NotFoundError('host', input.hostId);
        // One statement (migration 0011): the host's row lock, then the capacity check in a new snapshot.
        const { rows } = await db.query('SELECT * FROM virtplane_reserve_vm($1::uuid, $2::text, $3::uuid, $4::uuid, $5::int, $6::int, $7::double precision)', [
          vmId,
          input.name,
          input.clusterId,
          input.hostId,
          input.vcpus,
          input.memoryMib,
          ttl,
        ]);
        if (rows[0]) return toPlacement(rows[0]);
        throw await refusal(db, input.hostId, input.clusterId, input.memoryMib);
      });
    },

    async confirm(vmId) {
      if (!isUuid(vmId)) throw new NotFoundError('vm', vmId);
      const { rows } = await db.query(
        `UPDATE vm_placements SET status = 'placed', expires_at = NULL, confirmed_at = now(), updated_at = now()
         WHERE vm_id = $1 RETURNING *`,
        [vmId],
      );
      if (!rows[0]) throw new NotFoundError('vm', vmId);
      return toPlacement(rows[0]);
    },

    async release(vmId) {
      if (!isUuid(vmId)) return false;
      const { rows } = await db.query('DELETE FROM vm_placements WHERE vm_id = $1 RETURNING vm_id', [vmId]);
      return rows.length > 0;
    },

    change(vmId, change) {
      return translated({ kind: 'vm', operation: 'write' }, () =>
        db.transaction(async (tx) => {
          if (!isUuid(vmId)) throw new NotFoundError('vm', vmId);
          const current = (await tx.query('SELECT * FROM vm_placements WHERE vm_id = $1 FOR UPDATE', [vmId])).rows[0];
          if (!current) throw new NotFoundError('vm', vmId);
          const placement = toPlacement(current);
          const hostId = change.hostId ?? placement.hostId;
          const memoryMib = change.memoryMib ?? placement.memoryMib;
          const vcpus = change.vcpus ?? placement.vcpus;
          const host = await lockHost(tx, hostId);
          const moving = hostId !== placement.hostId;
          if (moving) assertSchedulable(host, placement.clusterId);
          const { rows } = await tx.query(
            `UPDATE vm_placements SET host_id = $2::uuid, memory_mib = $3::int, vcpus = $4::int, updated_at = now()
             WHERE vm_id = $1::uuid AND ($5::boolean OR $3::int <= ${freeMemorySql('$2::uuid', '$1::uuid')})
             RETURNING *`,
            [vmId, hostId, memoryMib, vcpus, !moving && memoryMib <= placement.memoryMib],
          );
          if (!rows[0]) return insufficient(tx, host, memoryMib, moving ? 0 : placement.memoryMib);
          return toPlacement(rows[0]);
        }),
      );
    },

    register(registration) {
      return translated({ kind: 'vm', operation: 'write', name: registration.name }, async () => {
        const { rows } = await db.query(
          `INSERT INTO vm_placements (vm_id, name, cluster_id, host_id, vcpus, memory_mib, status, confirmed_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'placed', now())
           ON CONFLICT (vm_id) DO UPDATE SET
             name = EXCLUDED.name, cluster_id = EXCLUDED.cluster_id, host_id = EXCLUDED.host_id,
             vcpus = EXCLUDED.vcpus, memory_mib = EXCLUDED.memory_mib, status = 'placed', expires_at = NULL,
             confirmed_at = COALESCE(vm_placements.confirmed_at, now()), updated_at = now()
           RETURNING *`,
          [registration.vmId, registration.name, registration.clusterId, registration.hostId, registration.vcpus, registration.memoryMib],
        );
        return toPlacement(rows[0] as Readonly<Record<string, unknown>>);
      });
    },

    async get(vmId) {
      if (!isUuid(vmId)) return undefined;
      const { rows } = await db.query('SELECT * FROM vm_placements WHERE vm_id = $1', [vmId]);
      return rows[0] ? toPlacement(rows[0]) : undefined;
    },

    async getByName(clusterId, name) {
      if (!isUuid(clusterId)) return undefined;
      const { rows } = await db.query('SELECT * FROM vm_placements WHERE cluster_id = $1 AND name = $2', [clusterId, name]);
      return rows[0] ? toPlacement(rows[0]) : undefined;
    },

    async list(query = {}) {
      const conditions = query.includeExpired === true ? ['TRUE'] : [COUNTS];
      const params: SqlParam[] = [];
      for (const [column, value] of [
        ['cluster_id', query.clusterId],
        ['host_id', query.hostId],
        ['status', query.status],
      ] as const) {
        if (value === undefined) continue;
        if (column !== 'status' && !isUuid(value)) return [];
        params.push(value);
        conditions.push(`p.${column} = $${params.length}`);
      }
      const { rows } = await db.query(`SELECT * FROM vm_placements p WHERE ${conditions.join(' AND ')} ORDER BY p.name, p.vm_id`, params);
      return rows.map(toPlacement);
    },

    capacity: (hostId) => capacityOf(db, hostId),

    async capacities(clusterId) {
      if (clusterId !== undefined && !isUuid(clusterId)) return [];
      const where = clusterId === undefined ? '' : ' WHERE h.cluster_id = $1';
      const { rows } = await db.query(
        `${CAPACITY_SELECT}${where} GROUP BY h.id, c.memory_overcommit_percent ORDER BY h.name`,
        clusterId === undefined ? [] : [clusterId],
      );
      return rows.map(toCapacity);
    },

    async releaseExpired() {
      const { rows } = await db.query("DELETE FROM vm_placements WHERE status = 'reserved' AND expires_at <= now() RETURNING vm_id");
      return rows.length;
    },
  };
  return repository;
}

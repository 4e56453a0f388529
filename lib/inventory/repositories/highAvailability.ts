/**
 * What the HA engine keeps in the inventory: each host's health as the engine last judged it, the
 * events of every step it took (read by `virtplane status`), the lease that lets one engine act at a
 * time (with a fencing token that grows each time the lease changes hands), and the last definition
 * of every HA VM it read, to start the VM elsewhere when its host is dead and cannot be asked.
 */
import type { SqlExecutor, SqlParam } from '../sqlExecutor.js';
import type { EngineLease, HaEvent, HaEventInput, HaVmDefinition, HostHealth, HostHealthInput, Uuid } from '../types.js';
import { mapRow, type Column } from './table.js';

const HEALTH: { readonly columns: readonly Column[] } = {
  columns: [
    { field: 'hostId', column: 'host_id' },
    { field: 'status', column: 'status' },
    { field: 'misses', column: 'misses' },
    { field: 'reason', column: 'reason' },
    { field: 'lastAnswerAt', column: 'last_answer_at' },
    { field: 'changedAt', column: 'changed_at' },
  ],
};

const EVENTS: { readonly columns: readonly Column[] } = {
  columns: [
    { field: 'id', column: 'id', int8: true },
    { field: 'at', column: 'at' },
    { field: 'engine', column: 'engine' },
    { field: 'kind', column: 'kind' },
    { field: 'hostId', column: 'host_id' },
    { field: 'hostName', column: 'host_name' },
    { field: 'vmId', column: 'vm_id' },
    { field: 'vmName', column: 'vm_name' },
    { field: 'message', column: 'message' },
  ],
};

const LEASES: { readonly columns: readonly Column[] } = {
  columns: [
    { field: 'name', column: 'name' },
    { field: 'holder', column: 'holder' },
    { field: 'token', column: 'token', int8: true },
    { field: 'expiresAt', column: 'expires_at' },
  ],
};

const DEFINITIONS: { readonly columns: readonly Column[] } = {
  columns: [
    { field: 'vmId', column: 'vm_id' },
    { field: 'name', column: 'name' },
    { field: 'hostId', column: 'host_id' },
    { field: 'clusterId', column: 'cluster_id' },
    { field: 'xml', column: 'xml' },
    { field: 'haPriority', column: 'ha_priority' },
    { field: 'seenAt', column: 'seen_at' },
  ],
};

export interface HighAvailabilityRepository {
  hostHealth(): Promise<readonly HostHealth[]>;
  /** Records the engine's judgement of a host; `changed_at` moves only when the status changes. */
  setHostHealth(input: HostHealthInput): Promise<HostHealth>;
  recordEvent(input: HaEventInput): Promise<HaEvent>;
  /** Newest first. */
  events(query?: { readonly limit?: number; readonly hostId?: Uuid; readonly vmId?: Uuid }): Promise<readonly HaEvent[]>;
  /**
   * Takes or renews the lease `name` for `holder` until `ttlSeconds` from now: granted when free,
   * expired or already the holder's. The token goes up by one each time the lease changes hands, so a
   * former holder's token no longer matches (checkLease). Undefined when another holder has it.
   */
  acquireLease(name: string, holder: string, ttlSeconds: number): Promise<EngineLease | undefined>;
  /** True while `holder` holds the lease with exactly this token and it has not expired. */
  checkLease(name: string, holder: string, token: number): Promise<boolean>;
  lease(name: string): Promise<EngineLease | undefined>;
  releaseLease(name: string, holder: string): Promise<void>;
  saveDefinition(definition: Omit<HaVmDefinition, 'seenAt'>): Promise<void>;
  definitions(hostId?: Uuid): Promise<readonly HaVmDefinition[]>;
  deleteDefinition(vmId: Uuid): Promise<void>;
}

export function highAvailabilityRepository(db: SqlExecutor): HighAvailabilityRepository {
  return {
    async hostHealth() {
      const { rows } = await db.query('SELECT * FROM host_health ORDER BY host_id');
      return rows.map((row) => mapRow<HostHealth>(HEALTH, row));
    },

    async setHostHealth(input) {
      const { rows } = await db.query(
        `INSERT INTO host_health (host_id, status, misses, reason, last_answer_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (host_id) DO UPDATE SET status = EXCLUDED.status, misses = EXCLUDED.misses, reason = EXCLUDED.reason,
           last_answer_at = COALESCE(EXCLUDED.last_answer_at, host_health.last_answer_at),
           changed_at = CASE WHEN host_health.status = EXCLUDED.status THEN host_health.changed_at ELSE now() END
         RETURNING *`,
        [input.hostId, input.status, input.misses, input.reason ?? null, input.lastAnswerAt ?? null],
      );
      return mapRow<HostHealth>(HEALTH, rows[0]!);
    },

    async recordEvent(input) {
      const { rows } = await db.query(
        `INSERT INTO ha_events (engine, kind, host_id, host_name, vm_id, vm_name, message) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [input.engine, input.kind, input.hostId ?? null, input.hostName ?? null, input.vmId ?? null, input.vmName ?? null, input.message],
      );
      return mapRow<HaEvent>(EVENTS, rows[0]!);
    },

    async events(query = {}) {
      const conditions: string[] = [];
      const params: SqlParam[] = [];
      for (const [condition, value] of [
        ['host_id = $', query.hostId],
        ['vm_id = $', query.vmId],
      ] as const) {
        if (value === undefined) continue;
        params.push(value);
        conditions.push(`${condition}${params.length}`);
      }
      params.push(query.limit ?? 20);
      const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
      const { rows } = await db.query(`SELECT * FROM ha_events${where} ORDER BY id DESC LIMIT $${params.length}`, params);
      return rows.map((row) => mapRow<HaEvent>(EVENTS, row));
    },

    async acquireLease(name, holder, ttlSeconds) {
      const { rows } = await db.query(
        `INSERT INTO engine_leases (name, holder, token, expires_at) VALUES ($1, $2, 1, now() + $3 * interval '1 second')
         ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at,
           token = CASE WHEN engine_leases.holder = EXCLUDED.holder THEN engine_leases.token ELSE engine_leases.token + 1 END
         WHERE engine_leases.holder = EXCLUDED.holder OR engine_leases.expires_at < now()
         RETURNING *`,
        [name, holder, ttlSeconds],
      );
      return rows[0] ? mapRow<EngineLease>(LEASES, rows[0]) : undefined;
    },

    async checkLease(name, holder, token) {
      const { rows } = await db.query('SELECT 1 FROM engine_leases WHERE name = $1 AND holder = $2 AND token = $3 AND expires_at > now()', [
        name,
        holder,
        token,
      ]);
      return rows.length > 0;
    },

    async lease(name) {
      const { rows } = await db.query('SELECT * FROM engine_leases WHERE name = $1', [name]);
      return rows[0] ? mapRow<EngineLease>(LEASES, rows[0]) : undefined;
    },

    async releaseLease(name, holder) {
      await db.query('DELETE FROM engine_leases WHERE name = $1 AND holder = $2', [name, holder]);
    },

    async saveDefinition(definition) {
      await db.query(
        `INSERT INTO ha_vm_definitions (vm_id, name, host_id, cluster_id, xml, ha_priority) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (vm_id) DO UPDATE SET name = EXCLUDED.name, host_id = EXCLUDED.host_id, cluster_id = EXCLUDED.cluster_id,
           xml = EXCLUDED.xml, ha_priority = EXCLUDED.ha_priority, seen_at = now()`,
        [definition.vmId, definition.name, definition.hostId, definition.clusterId, definition.xml, definition.haPriority],
      );
    },

    async definitions(hostId) {
      const { rows } = await db.query(
        `SELECT * FROM ha_vm_definitions${hostId === undefined ? '' : ' WHERE host_id = $1'} ORDER BY ha_priority DESC, name`,
        hostId === undefined ? [] : [hostId],
      );
      return rows.map((row) => mapRow<HaVmDefinition>(DEFINITIONS, row));
    },

    async deleteDefinition(vmId) {
      await db.query('DELETE FROM ha_vm_definitions WHERE vm_id = $1', [vmId]);
    },
  };
}

/**
 * Monitoring history: raw samples of hosts, VMs, storage domains and LUNs as the engine's collector
 * reads them, rolled up into hourly and daily averages and maxima (oVirt's data warehouse), each level
 * pruned after its own retention. Rollups are recomputed from the start of the newest period already
 * rolled, so rolling up again is harmless and a partial hour is completed by the next run.
 */
import { translated } from '../dbErrors.js';
import type { DbRow, SqlExecutor, SqlParam } from '../sqlExecutor.js';
import type {
  HistoryQuery,
  HostStatistics,
  HostStatisticsSample,
  LunStatisticsSample,
  RollupResolution,
  StatisticsKind,
  StatisticsRetention,
  StatisticsRollup,
  StorageDomainStatisticsSample,
  Uuid,
  VmStatistics,
  VmStatisticsSample,
} from '../types.js';
import { isUuid, mapRow, type Column } from './table.js';

interface SampleTable {
  readonly table: string;
  readonly key: readonly string[];
  readonly columns: readonly Column[];
}

const HOST_TABLE: SampleTable = {
  table: 'host_statistics',
  key: ['host_id', 'collected_at'],
  columns: [
    { field: 'hostId', column: 'host_id' },
    { field: 'collectedAt', column: 'collected_at' },
    { field: 'cpuPercent', column: 'cpu_percent' },
    { field: 'memoryUsedMib', column: 'memory_used_mib' },
    { field: 'memoryTotalMib', column: 'memory_total_mib' },
    { field: 'loadAverage', column: 'load_average' },
    { field: 'vmCount', column: 'vm_count' },
    { field: 'cpus', column: 'cpus' },
    { field: 'memoryFreeMib', column: 'memory_free_mib' },
    { field: 'ksmSharedPages', column: 'ksm_shared_pages', int8: true },
    { field: 'cpuBusyTicks', column: 'cpu_busy_ticks', int8: true },
    { field: 'cpuTotalTicks', column: 'cpu_total_ticks', int8: true },
    { field: 'vcpusAllocated', column: 'vcpus_allocated' },
    { field: 'memoryAllocatedMib', column: 'memory_allocated_mib' },
  ],
};

const VM_TABLE: SampleTable = {
  table: 'vm_statistics',
  key: ['vm_id', 'collected_at'],
  columns: [
    { field: 'vmId', column: 'vm_id' },
    { field: 'hostId', column: 'host_id' },
    { field: 'collectedAt', column: 'collected_at' },
    { field: 'cpuPercent', column: 'cpu_percent' },
    { field: 'memoryUsedMib', column: 'memory_used_mib' },
    { field: 'diskReadBytes', column: 'disk_read_bytes', int8: true },
    { field: 'diskWriteBytes', column: 'disk_write_bytes', int8: true },
    { field: 'netRxBytes', column: 'net_rx_bytes', int8: true },
    { field: 'netTxBytes', column: 'net_tx_bytes', int8: true },
    { field: 'vmName', column: 'vm_name' },
    { field: 'vcpus', column: 'vcpus' },
    { field: 'cpuTimeNs', column: 'cpu_time_ns', int8: true },
    { field: 'memoryResidentMib', column: 'memory_resident_mib' },
    { field: 'diskReadRequests', column: 'disk_read_requests', int8: true },
    { field: 'diskWriteRequests', column: 'disk_write_requests', int8: true },
  ],
};

const STORAGE_TABLE: SampleTable = {
  table: 'storage_domain_statistics',
  key: ['storage_domain_id', 'collected_at'],
  columns: [
    { field: 'storageDomainId', column: 'storage_domain_id' },
    { field: 'collectedAt', column: 'collected_at' },
    { field: 'capacityBytes', column: 'capacity_bytes', int8: true },
    { field: 'allocationBytes', column: 'allocation_bytes', int8: true },
    { field: 'availableBytes', column: 'available_bytes', int8: true },
  ],
};

const LUN_TABLE: SampleTable = {
  table: 'lun_statistics',
  key: ['storage_domain_id', 'lun', 'collected_at'],
  columns: [
    { field: 'storageDomainId', column: 'storage_domain_id' },
    { field: 'lun', column: 'lun' },
    { field: 'collectedAt', column: 'collected_at' },
    { field: 'sizeBytes', column: 'size_bytes', int8: true },
  ],
};

/**
 * What is rolled up, per kind: the gauges (cumulative counters are not averaged: their rates are).
 * The SQL expression of each metric over the raw table's row `s`.
 */
const ROLLED_UP: readonly {
  readonly kind: StatisticsKind;
  readonly table: string;
  readonly objectId: string;
  readonly metrics: Readonly<Record<string, string>>;
}[] = [
  {
    kind: 'host',
    table: 'host_statistics',
    objectId: 's.host_id::text',
    metrics: {
      cpu_percent: 's.cpu_percent',
      memory_used_mib: 's.memory_used_mib',
      memory_total_mib: 's.memory_total_mib',
      memory_free_mib: 's.memory_free_mib',
      load_average: 's.load_average',
      ksm_shared_pages: 's.ksm_shared_pages',
      vm_count: 's.vm_count',
      cpus: 's.cpus',
      vcpus_allocated: 's.vcpus_allocated',
      memory_allocated_mib: 's.memory_allocated_mib',
    },
  },
  {
    kind: 'vm',
    table: 'vm_statistics',
    objectId: 's.vm_id::text',
    metrics: { cpu_percent: 's.cpu_percent', memory_used_mib: 's.memory_used_mib', memory_resident_mib: 's.memory_resident_mib', vcpus: 's.vcpus' },
  },
  {
    kind: 'storage_domain',
    table: 'storage_domain_statistics',
    objectId: 's.storage_domain_id::text',
    metrics: { capacity_bytes: 's.capacity_bytes', allocation_bytes: 's.allocation_bytes', available_bytes: 's.available_bytes' },
  },
  { kind: 'lun', table: 'lun_statistics', objectId: "s.storage_domain_id::text || '/' || s.lun", metrics: { size_bytes: 's.size_bytes' } },
];

const RAW_TABLES = [HOST_TABLE, VM_TABLE, STORAGE_TABLE, LUN_TABLE].map((table) => table.table);

/** Periods are cut in UTC, whatever the database session's time zone. */
function periodStart(resolution: RollupResolution, expression: string): string {
  return `(date_trunc('${resolution}', ${expression} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;
}

const ROLLUP_COLUMNS: { readonly columns: readonly Column[] } = {
  columns: [
    { field: 'kind', column: 'kind' },
    { field: 'objectId', column: 'object_id' },
    { field: 'metric', column: 'metric' },
    { field: 'resolution', column: 'resolution' },
    { field: 'periodStart', column: 'period_start' },
    { field: 'samples', column: 'samples' },
    { field: 'average', column: 'average' },
    { field: 'maximum', column: 'maximum' },
  ],
};

export interface RollupQuery {
  readonly kind: StatisticsKind;
  readonly resolution: RollupResolution;
  /** Default: every object of the kind. */
  readonly objectIds?: readonly string[];
  readonly metrics?: readonly string[];
  readonly since?: Date;
  readonly until?: Date;
}

export interface PruneResult {
  readonly raw: number;
  readonly hourly: number;
  readonly daily: number;
}

export interface StatisticsRepository {
  /** A sample for the same host and instant replaces the earlier one. */
  recordHost(sample: HostStatisticsSample): Promise<HostStatistics>;
  recordVm(sample: VmStatisticsSample): Promise<VmStatistics>;
  recordStorageDomain(sample: StorageDomainStatisticsSample): Promise<void>;
  recordLun(sample: LunStatisticsSample): Promise<void>;
  /** Newest first. */
  hostHistory(hostId: Uuid, query?: HistoryQuery): Promise<readonly HostStatistics[]>;
  vmHistory(vmId: Uuid, query?: HistoryQuery): Promise<readonly VmStatistics[]>;
  storageDomainHistory(storageDomainId: Uuid, query?: HistoryQuery): Promise<readonly StorageDomainStatisticsSample[]>;
  /** Each host's newest sample, optionally for one cluster. */
  latestHosts(clusterId?: Uuid): Promise<readonly HostStatistics[]>;
  /** Each VM's newest sample taken in the newest sample of its host (VMs that stopped since drop out). */
  latestVms(): Promise<readonly VmStatistics[]>;
  /** The name each VM had in its newest sample. */
  vmNames(): Promise<ReadonlyMap<string, string>>;
  /** Each storage domain's newest sample, and each LUN's. */
  latestStorageDomains(): Promise<readonly StorageDomainStatisticsSample[]>;
  latestLuns(): Promise<readonly LunStatisticsSample[]>;
  /**
   * Rolls raw samples into hourly rollups and hourly into daily ones, from the start of the newest
   * period rolled so far (or from the oldest sample). Returns how many rollup rows were written.
   */
  rollUp(): Promise<{ readonly hourly: number; readonly daily: number }>;
  rollups(query: RollupQuery): Promise<readonly StatisticsRollup[]>;
  /** Deletes raw samples collected before `before` (all four raw tables); returns how many. */
  prune(before: Date): Promise<number>;
  /** Applies each level's retention, counted back from `now`. Roll up first: raw rows go for good. */
  applyRetention(retention: StatisticsRetention, now?: Date): Promise<PruneResult>;
}

async function insertSample<T>(db: SqlExecutor, spec: SampleTable, values: Readonly<Record<string, unknown>>): Promise<T> {
  const present = spec.columns.filter((column) => values[column.field] !== undefined);
  const keys = new Set(spec.key);
  const updates = present.filter((column) => !keys.has(column.column)).map((column) => `${column.column} = EXCLUDED.${column.column}`);
  const { rows } = await db.query(
    `INSERT INTO ${spec.table} (${present.map((column) => column.column).join(', ')})
     VALUES (${present.map((_, index) => `$${index + 1}`).join(', ')})
     ON CONFLICT (${spec.key.join(', ')}) DO ${updates.length === 0 ? 'NOTHING' : `UPDATE SET ${updates.join(', ')}`}
     RETURNING *`,
    present.map((column) => values[column.field] as SqlParam),
  );
  return mapRow<T>(spec, rows[0] as DbRow);
}

async function history<T>(db: SqlExecutor, spec: SampleTable, id: Uuid, query: HistoryQuery): Promise<T[]> {
  if (!isUuid(id)) return [];
  const params: SqlParam[] = [id];
  let since = '';
  if (query.since) {
    params.push(query.since);
    since = ` AND collected_at >= $${params.length}`;
  }
  params.push(query.limit ?? 100);
  const { rows } = await db.query(`SELECT * FROM ${spec.table} WHERE ${spec.key[0]} = $1${since} ORDER BY collected_at DESC LIMIT $${params.length}`, params);
  return rows.map((row) => mapRow<T>(spec, row));
}

/** The hourly rollup of one raw table, from `$1` on. */
function hourlySql(entry: (typeof ROLLED_UP)[number]): string {
  const values = Object.entries(entry.metrics)
    .map(([metric, expression]) => `('${metric}', (${expression})::double precision)`)
    .join(', ');
  const period = periodStart('hour', 's.collected_at');
  return `INSERT INTO statistics_rollups (kind, object_id, metric, resolution, period_start, samples, average, maximum)
    SELECT '${entry.kind}', ${entry.objectId}, m.metric, 'hour', ${period}, count(*), avg(m.value), max(m.value)
    FROM ${entry.table} s CROSS JOIN LATERAL (VALUES ${values}) AS m(metric, value)
    WHERE s.collected_at >= $1 AND m.value IS NOT NULL
    GROUP BY ${entry.objectId}, m.metric, ${period}
    ON CONFLICT (kind, object_id, metric, resolution, period_start)
    DO UPDATE SET samples = EXCLUDED.samples, average = EXCLUDED.average, maximum = EXCLUDED.maximum
    RETURNING 1`;
}

/** Daily from hourly: the average weighted by each hour's sample count, the maximum of the maxima. */
const DAILY_SQL = `INSERT INTO statistics_rollups (kind, object_id, metric, resolution, period_start, samples, average, maximum)
  SELECT kind, object_id, metric, 'day', ${periodStart('day', 'period_start')}, sum(samples), sum(average * samples) / sum(samples), max(maximum)
  FROM statistics_rollups
  WHERE resolution = 'hour' AND period_start >= $1
  GROUP BY kind, object_id, metric, ${periodStart('day', 'period_start')}
  ON CONFLICT (kind, object_id, metric, resolution, period_start)
  DO UPDATE SET samples = EXCLUDED.samples, average = EXCLUDED.average, maximum = EXCLUDED.maximum
  RETURNING 1`;

export function statisticsRepository(db: SqlExecutor): StatisticsRepository {
  const repository: StatisticsRepository = {
    recordHost(sample) {
      return translated({ kind: 'host', operation: 'write' }, () =>
        insertSample<HostStatistics>(db, HOST_TABLE, { ...sample, collectedAt: sample.collectedAt ?? new Date() }),
      );
    },

    recordVm(sample) {
      return translated({ kind: 'vm', operation: 'write' }, () =>
        insertSample<VmStatistics>(db, VM_TABLE, { ...sample, hostId: sample.hostId ?? null, collectedAt: sample.collectedAt ?? new Date() }),
      );
    },

    async recordStorageDomain(sample) {
      await translated({ kind: 'storage_domain', operation: 'write' }, () => insertSample(db, STORAGE_TABLE, { ...sample }));
    },

    async recordLun(sample) {
      await translated({ kind: 'storage_domain', operation: 'write' }, () => insertSample(db, LUN_TABLE, { ...sample }));
    },

    hostHistory: (hostId, query = {}) => history<HostStatistics>(db, HOST_TABLE, hostId, query),
    vmHistory: (vmId, query = {}) => history<VmStatistics>(db, VM_TABLE, vmId, query),
    storageDomainHistory: (storageDomainId, query = {}) => history<StorageDomainStatisticsSample>(db, STORAGE_TABLE, storageDomainId, query),

    async latestHosts(clusterId) {
      if (clusterId !== undefined && !isUuid(clusterId)) return [];
      const { rows } = await db.query(
        `SELECT DISTINCT ON (s.host_id) s.* FROM host_statistics s
         ${clusterId === undefined ? '' : 'JOIN hosts h ON h.id = s.host_id WHERE h.cluster_id = $1'}
         ORDER BY s.host_id, s.collected_at DESC`,
        clusterId === undefined ? [] : [clusterId],
      );
      return rows.map((row) => mapRow<HostStatistics>(HOST_TABLE, row));
    },

    async latestVms() {
      const { rows } = await db.query(
        `SELECT v.* FROM vm_statistics v
         JOIN (SELECT host_id, max(collected_at) AS at FROM host_statistics GROUP BY host_id) h
           ON h.host_id = v.host_id AND h.at = v.collected_at
         ORDER BY v.vm_name, v.vm_id`,
      );
      return rows.map((row) => mapRow<VmStatistics>(VM_TABLE, row));
    },

    async vmNames() {
      const { rows } = await db.query(
        'SELECT DISTINCT ON (vm_id) vm_id, vm_name FROM vm_statistics WHERE vm_name IS NOT NULL ORDER BY vm_id, collected_at DESC',
      );
      return new Map(rows.map((row) => [String(row.vm_id), String(row.vm_name)]));
    },

    async latestStorageDomains() {
      const { rows } = await db.query('SELECT DISTINCT ON (storage_domain_id) * FROM storage_domain_statistics ORDER BY storage_domain_id, collected_at DESC');
      return rows.map((row) => mapRow<StorageDomainStatisticsSample>(STORAGE_TABLE, row));
    },

    async latestLuns() {
      const { rows } = await db.query('SELECT DISTINCT ON (storage_domain_id, lun) * FROM lun_statistics ORDER BY storage_domain_id, lun, collected_at DESC');
      return rows.map((row) => mapRow<LunStatisticsSample>(LUN_TABLE, row));
    },

    rollUp() {
      return db.transaction(async (tx) => {
        const newest = async (resolution: RollupResolution): Promise<Date> => {
          const { rows } = await tx.query(`SELECT max(period_start) AS at FROM statistics_rollups WHERE resolution = $1`, [resolution]);
          const at = rows[0]?.at;
          return at === null || at === undefined ? new Date(0) : new Date(at as string | Date);
        };
        const hourFrom = await newest('hour');
        let hourly = 0;
        for (const entry of ROLLED_UP) hourly += (await tx.query(hourlySql(entry), [hourFrom])).rows.length;
        const dayFrom = await newest('day');
        const daily = (await tx.query(DAILY_SQL, [dayFrom])).rows.length;
        return { hourly, daily };
      });
    },

    async rollups(query) {
      const params: SqlParam[] = [query.kind, query.resolution];
      const conditions = ['kind = $1', 'resolution = $2'];
      if (query.objectIds !== undefined) {
        params.push(query.objectIds);
        conditions.push(`object_id = ANY($${params.length}::text[])`);
      }
      if (query.metrics !== undefined) {
        params.push(query.metrics);
        conditions.push(`metric = ANY($${params.length}::text[])`);
      }
      if (query.since !== undefined) {
        params.push(query.since);
        conditions.push(`period_start >= $${params.length}`);
      }
      if (query.until !== undefined) {
        params.push(query.until);
        conditions.push(`period_start < $${params.length}`);
      }
      const { rows } = await db.query(`SELECT * FROM statistics_rollups WHERE ${conditions.join(' AND ')} ORDER BY object_id, metric, period_start`, params);
      return rows.map((row) => {
        const rollup = mapRow<StatisticsRollup>(ROLLUP_COLUMNS, row);
        return {
          ...rollup,
          periodStart: new Date(rollup.periodStart),
          samples: Number(rollup.samples),
          average: Number(rollup.average),
          maximum: Number(rollup.maximum),
        };
      });
    },

    async prune(before) {
      return db.transaction(async (tx) => {
        let deleted = 0;
        for (const table of RAW_TABLES) deleted += (await tx.query(`DELETE FROM ${table} WHERE collected_at < $1 RETURNING 1`, [before])).rows.length;
        return deleted;
      });
    },

    async applyRetention(retention, now = new Date()) {
      const hoursBack = (hours: number): Date => new Date(now.getTime() - hours * 3_600_000);
      const raw = await repository.prune(hoursBack(retention.rawHours));
      const dropRollups = async (resolution: RollupResolution, days: number): Promise<number> =>
        (await db.query(`DELETE FROM statistics_rollups WHERE resolution = $1 AND period_start < $2 RETURNING 1`, [resolution, hoursBack(days * 24)])).rows
          .length;
      return { raw, hourly: await dropRollups('hour', retention.hourlyDays), daily: await dropRollups('day', retention.dailyDays) };
    },
  };
  return repository;
}

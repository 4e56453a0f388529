/** Host and VM samples collected from the hosts (CPU, memory, I/O), kept as time series. */
import { translated } from '../dbErrors.js';
import type { SqlExecutor, SqlParam } from '../sqlExecutor.js';
import type { HistoryQuery, HostStatistics, HostStatisticsSample, Uuid, VmStatistics, VmStatisticsSample } from '../types.js';
import { isUuid, mapRow, type Column } from './table.js';

const HOST_COLUMNS: { readonly columns: readonly Column[] } = {
  columns: [
    { field: 'hostId', column: 'host_id' },
    { field: 'collectedAt', column: 'collected_at' },
    { field: 'cpuPercent', column: 'cpu_percent' },
    { field: 'memoryUsedMib', column: 'memory_used_mib' },
    { field: 'memoryTotalMib', column: 'memory_total_mib' },
    { field: 'loadAverage', column: 'load_average' },
    { field: 'vmCount', column: 'vm_count' },
  ],
};

const VM_COLUMNS: { readonly columns: readonly Column[] } = {
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
  ],
};

export interface StatisticsRepository {
  /** A sample for the same host and instant replaces the earlier one. */
  recordHost(sample: HostStatisticsSample): Promise<HostStatistics>;
  recordVm(sample: VmStatisticsSample): Promise<VmStatistics>;
  /** Newest first. */
  hostHistory(hostId: Uuid, query?: HistoryQuery): Promise<readonly HostStatistics[]>;
  vmHistory(vmId: Uuid, query?: HistoryQuery): Promise<readonly VmStatistics[]>;
  /** Each host's newest sample, optionally for one cluster. */
  latestHosts(clusterId?: Uuid): Promise<readonly HostStatistics[]>;
  /** Deletes samples collected before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

async function history<T>(db: SqlExecutor, table: string, key: string, id: Uuid, query: HistoryQuery, columns: typeof HOST_COLUMNS): Promise<T[]> {
  if (!isUuid(id)) return [];
  const params: SqlParam[] = [id];
  let since = '';
  if (query.since) {
    params.push(query.since);
    since = ` AND collected_at >= $${params.length}`;
  }
  params.push(query.limit ?? 100);
  const { rows } = await db.query(`SELECT * FROM ${table} WHERE ${key} = $1${since} ORDER BY collected_at DESC LIMIT $${params.length}`, params);
  return rows.map((row) => mapRow<T>(columns, row));
}

export function statisticsRepository(db: SqlExecutor): StatisticsRepository {
  return {
    recordHost(sample) {
      return translated({ kind: 'host', operation: 'write' }, async () => {
        const { rows } = await db.query(
          `INSERT INTO host_statistics (host_id, collected_at, cpu_percent, memory_used_mib, memory_total_mib, load_average, vm_count)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (host_id, collected_at) DO UPDATE SET cpu_percent = EXCLUDED.cpu_percent,
             memory_used_mib = EXCLUDED.memory_used_mib, memory_total_mib = EXCLUDED.memory_total_mib,
             load_average = EXCLUDED.load_average, vm_count = EXCLUDED.vm_count
           RETURNING *`,
          [sample.hostId, sample.collectedAt ?? new Date(), sample.cpuPercent, sample.memoryUsedMib, sample.memoryTotalMib, sample.loadAverage, sample.vmCount],
        );
        return mapRow<HostStatistics>(HOST_COLUMNS, rows[0] as Readonly<Record<string, unknown>>);
      });
    },

    recordVm(sample) {
      return translated({ kind: 'vm', operation: 'write' }, async () => {
        const { rows } = await db.query(
          `INSERT INTO vm_statistics (vm_id, host_id, collected_at, cpu_percent, memory_used_mib,
             disk_read_bytes, disk_write_bytes, net_rx_bytes, net_tx_bytes)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (vm_id, collected_at) DO UPDATE SET host_id = EXCLUDED.host_id, cpu_percent = EXCLUDED.cpu_percent,
             memory_used_mib = EXCLUDED.memory_used_mib, disk_read_bytes = EXCLUDED.disk_read_bytes,
             disk_write_bytes = EXCLUDED.disk_write_bytes, net_rx_bytes = EXCLUDED.net_rx_bytes, net_tx_bytes = EXCLUDED.net_tx_bytes
           RETURNING *`,
          [
            sample.vmId,
            sample.hostId ?? null,
            sample.collectedAt ?? new Date(),
            sample.cpuPercent,
            sample.memoryUsedMib,
            sample.diskReadBytes,
            sample.diskWriteBytes,
            sample.netRxBytes,
            sample.netTxBytes,
          ],
        );
        return mapRow<VmStatistics>(VM_COLUMNS, rows[0] as Readonly<Record<string, unknown>>);
      });
    },

    hostHistory: (hostId, query = {}) => history<HostStatistics>(db, 'host_statistics', 'host_id', hostId, query, HOST_COLUMNS),
    vmHistory: (vmId, query = {}) => history<VmStatistics>(db, 'vm_statistics', 'vm_id', vmId, query, VM_COLUMNS),

    async latestHosts(clusterId) {
      if (clusterId !== undefined && !isUuid(clusterId)) return [];
      const { rows } = await db.query(
        `SELECT DISTINCT ON (s.host_id) s.* FROM host_statistics s
         ${clusterId === undefined ? '' : 'JOIN hosts h ON h.id = s.host_id WHERE h.cluster_id = $1'}
         ORDER BY s.host_id, s.collected_at DESC`,
        clusterId === undefined ? [] : [clusterId],
      );
      return rows.map((row) => mapRow<HostStatistics>(HOST_COLUMNS, row));
    },

    async prune(before) {
      return db.transaction(async (tx) => {
        const hosts = await tx.query('DELETE FROM host_statistics WHERE collected_at < $1 RETURNING 1', [before]);
        const vms = await tx.query('DELETE FROM vm_statistics WHERE collected_at < $1 RETURNING 1', [before]);
        return hosts.rows.length + vms.rows.length;
      });
    },
  };
}

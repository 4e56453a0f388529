/**
 * Monitoring history, as oVirt's data warehouse keeps it: the raw samples gain what the engine's
 * collector reads in its bulk read (cumulative CPU counters, free memory, KSM, what the running VMs
 * hold; per VM its CPU time, balloon and resident memory, disk requests), storage domains and LUNs get
 * their own samples, and hourly and daily rollups (average, maximum) live in one table keyed by what
 * was measured. A rate needs the previous sample, so the first sample of a host or VM has no CPU percent.
 */
export const version = 7;
export const name = 'statistics';

export const sql = `
ALTER TABLE host_statistics ALTER COLUMN cpu_percent DROP NOT NULL;
ALTER TABLE host_statistics ADD COLUMN cpus integer;
ALTER TABLE host_statistics ADD COLUMN memory_free_mib integer;
ALTER TABLE host_statistics ADD COLUMN ksm_shared_pages bigint;
ALTER TABLE host_statistics ADD COLUMN cpu_busy_ticks bigint;
ALTER TABLE host_statistics ADD COLUMN cpu_total_ticks bigint;
ALTER TABLE host_statistics ADD COLUMN vcpus_allocated integer;
ALTER TABLE host_statistics ADD COLUMN memory_allocated_mib integer;

ALTER TABLE vm_statistics ALTER COLUMN cpu_percent DROP NOT NULL;
ALTER TABLE vm_statistics ADD COLUMN vm_name text;
ALTER TABLE vm_statistics ADD COLUMN vcpus integer;
ALTER TABLE vm_statistics ADD COLUMN cpu_time_ns bigint;
ALTER TABLE vm_statistics ADD COLUMN memory_resident_mib integer;
ALTER TABLE vm_statistics ADD COLUMN disk_read_requests bigint;
ALTER TABLE vm_statistics ADD COLUMN disk_write_requests bigint;

CREATE TABLE storage_domain_statistics (
  storage_domain_id uuid NOT NULL CONSTRAINT storage_domain_statistics_domain_fk REFERENCES storage_domains (id) ON DELETE CASCADE,
  collected_at timestamptz NOT NULL,
  capacity_bytes bigint NOT NULL,
  allocation_bytes bigint NOT NULL,
  available_bytes bigint NOT NULL,
  PRIMARY KEY (storage_domain_id, collected_at)
);
CREATE INDEX storage_domain_statistics_collected_idx ON storage_domain_statistics (collected_at);

CREATE TABLE lun_statistics (
  storage_domain_id uuid NOT NULL CONSTRAINT lun_statistics_domain_fk REFERENCES storage_domains (id) ON DELETE CASCADE,
  lun text NOT NULL,
  collected_at timestamptz NOT NULL,
  size_bytes bigint NOT NULL,
  PRIMARY KEY (storage_domain_id, lun, collected_at)
);
CREATE INDEX lun_statistics_collected_idx ON lun_statistics (collected_at);

CREATE TABLE statistics_rollups (
  kind text NOT NULL CONSTRAINT statistics_rollups_kind_valid CHECK (kind IN ('host', 'vm', 'storage_domain', 'lun')),
  object_id text NOT NULL,
  metric text NOT NULL,
  resolution text NOT NULL CONSTRAINT statistics_rollups_resolution_valid CHECK (resolution IN ('hour', 'day')),
  period_start timestamptz NOT NULL,
  samples integer NOT NULL,
  average double precision NOT NULL,
  maximum double precision NOT NULL,
  PRIMARY KEY (kind, object_id, metric, resolution, period_start)
);
CREATE INDEX statistics_rollups_period_idx ON statistics_rollups (resolution, period_start);
`;

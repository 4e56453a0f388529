/**
 * The first schema. Plain PostgreSQL 15 SQL, run unchanged by PGlite (PostgreSQL 18 in WASM) and by
 * a PostgreSQL server. Constraint names are part of the contract: the repositories turn them into
 * typed errors (NameTakenError, InUseError, ...), so rename them only together with dbErrors.ts.
 */
export const version = 1;
export const name = 'initial';

export const sql = `
CREATE TABLE datacenters (
  id uuid PRIMARY KEY,
  name text NOT NULL CONSTRAINT datacenters_name_not_blank CHECK (btrim(name) <> ''),
  description text NOT NULL DEFAULT '',
  storage_type text NOT NULL DEFAULT 'shared'
    CONSTRAINT datacenters_storage_type_valid CHECK (storage_type IN ('shared', 'local')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT datacenters_name_unique UNIQUE (name)
);

CREATE TABLE clusters (
  id uuid PRIMARY KEY,
  datacenter_id uuid NOT NULL CONSTRAINT clusters_datacenter_fk REFERENCES datacenters (id),
  name text NOT NULL CONSTRAINT clusters_name_not_blank CHECK (btrim(name) <> ''),
  description text NOT NULL DEFAULT '',
  cpu_model text,
  memory_overcommit_percent integer NOT NULL DEFAULT 100
    CONSTRAINT clusters_memory_overcommit_range CHECK (memory_overcommit_percent BETWEEN 1 AND 1000),
  scheduling_policy text NOT NULL DEFAULT 'evenly_distributed'
    CONSTRAINT clusters_scheduling_policy_valid CHECK (scheduling_policy IN ('evenly_distributed', 'power_saving', 'none')),
  migration_bandwidth_mbps integer
    CONSTRAINT clusters_migration_bandwidth_positive CHECK (migration_bandwidth_mbps > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT clusters_name_unique UNIQUE (datacenter_id, name)
);

CREATE TABLE hosts (
  id uuid PRIMARY KEY,
  cluster_id uuid NOT NULL CONSTRAINT hosts_cluster_fk REFERENCES clusters (id),
  name text NOT NULL CONSTRAINT hosts_name_not_blank CHECK (btrim(name) <> ''),
  address text NOT NULL CONSTRAINT hosts_address_not_blank CHECK (btrim(address) <> ''),
  port integer NOT NULL DEFAULT 22 CONSTRAINT hosts_port_range CHECK (port BETWEEN 1 AND 65535),
  host_key text NOT NULL CONSTRAINT hosts_host_key_not_blank CHECK (btrim(host_key) <> ''),
  maintenance boolean NOT NULL DEFAULT false,
  cpus integer CONSTRAINT hosts_cpus_positive CHECK (cpus > 0),
  memory_mib integer CONSTRAINT hosts_memory_positive CHECK (memory_mib > 0),
  kvm boolean,
  libvirt_version text,
  facts_collected_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT hosts_name_unique UNIQUE (name),
  CONSTRAINT hosts_address_unique UNIQUE (address, port)
);
CREATE INDEX hosts_cluster_idx ON hosts (cluster_id);

CREATE TABLE networks (
  id uuid PRIMARY KEY,
  datacenter_id uuid NOT NULL CONSTRAINT networks_datacenter_fk REFERENCES datacenters (id),
  name text NOT NULL CONSTRAINT networks_name_not_blank CHECK (btrim(name) <> ''),
  mode text NOT NULL CONSTRAINT networks_mode_valid CHECK (mode IN ('nat', 'isolated', 'bridge')),
  cidr cidr,
  bridge text,
  vlan_id integer CONSTRAINT networks_vlan_range CHECK (vlan_id BETWEEN 1 AND 4094),
  mtu integer CONSTRAINT networks_mtu_range CHECK (mtu BETWEEN 68 AND 65535),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT networks_bridge_mode_needs_bridge CHECK (mode <> 'bridge' OR bridge IS NOT NULL),
  CONSTRAINT networks_name_unique UNIQUE (datacenter_id, name)
);

CREATE TABLE storage_domains (
  id uuid PRIMARY KEY,
  datacenter_id uuid NOT NULL CONSTRAINT storage_domains_datacenter_fk REFERENCES datacenters (id),
  name text NOT NULL CONSTRAINT storage_domains_name_not_blank CHECK (btrim(name) <> ''),
  type text NOT NULL CONSTRAINT storage_domains_type_valid CHECK (type IN ('iscsi', 'dir')),
  iscsi_target_id text,
  portal text,
  iqn text,
  path text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT storage_domains_iscsi_needs_target
    CHECK (type <> 'iscsi' OR iscsi_target_id IS NOT NULL OR (portal IS NOT NULL AND iqn IS NOT NULL)),
  CONSTRAINT storage_domains_dir_needs_path CHECK (type <> 'dir' OR path IS NOT NULL),
  CONSTRAINT storage_domains_name_unique UNIQUE (datacenter_id, name)
);

-- One row per VM: where it runs (placed) or where memory is held for it while it is created (reserved).
CREATE TABLE vm_placements (
  vm_id uuid PRIMARY KEY,
  name text NOT NULL CONSTRAINT vm_placements_name_not_blank CHECK (btrim(name) <> ''),
  cluster_id uuid NOT NULL CONSTRAINT vm_placements_cluster_fk REFERENCES clusters (id),
  host_id uuid NOT NULL CONSTRAINT vm_placements_host_fk REFERENCES hosts (id),
  vcpus integer NOT NULL CONSTRAINT vm_placements_vcpus_positive CHECK (vcpus > 0),
  memory_mib integer NOT NULL CONSTRAINT vm_placements_memory_positive CHECK (memory_mib > 0),
  status text NOT NULL CONSTRAINT vm_placements_status_valid CHECK (status IN ('reserved', 'placed')),
  reserved_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  confirmed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT vm_placements_reservation_expires CHECK ((status = 'reserved') = (expires_at IS NOT NULL)),
  CONSTRAINT vm_placements_name_unique UNIQUE (cluster_id, name)
);
CREATE INDEX vm_placements_host_idx ON vm_placements (host_id);

CREATE TABLE affinity_groups (
  id uuid PRIMARY KEY,
  cluster_id uuid NOT NULL CONSTRAINT affinity_groups_cluster_fk REFERENCES clusters (id),
  name text NOT NULL CONSTRAINT affinity_groups_name_not_blank CHECK (btrim(name) <> ''),
  positive boolean NOT NULL DEFAULT true,
  enforcing boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT affinity_groups_name_unique UNIQUE (cluster_id, name)
);

-- VMs may live in another Terraform state, and a group may name a VM before it exists: no foreign key.
CREATE TABLE affinity_group_vms (
  group_id uuid NOT NULL CONSTRAINT affinity_group_vms_group_fk REFERENCES affinity_groups (id) ON DELETE CASCADE,
  vm_id uuid NOT NULL,
  PRIMARY KEY (group_id, vm_id)
);

CREATE TABLE affinity_group_hosts (
  group_id uuid NOT NULL CONSTRAINT affinity_group_hosts_group_fk REFERENCES affinity_groups (id) ON DELETE CASCADE,
  host_id uuid NOT NULL CONSTRAINT affinity_group_hosts_host_fk REFERENCES hosts (id),
  PRIMARY KEY (group_id, host_id)
);
CREATE INDEX affinity_group_hosts_host_idx ON affinity_group_hosts (host_id);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  name text NOT NULL CONSTRAINT users_name_not_blank CHECK (btrim(name) <> ''),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_name_unique UNIQUE (name)
);

CREATE TABLE roles (
  id uuid PRIMARY KEY,
  name text NOT NULL CONSTRAINT roles_name_not_blank CHECK (btrim(name) <> ''),
  actions text[] NOT NULL,
  builtin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT roles_name_unique UNIQUE (name)
);

-- object_id has no foreign key: it names a row of one of several tables (object_type says which).
CREATE TABLE permissions (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL CONSTRAINT permissions_user_fk REFERENCES users (id) ON DELETE CASCADE,
  role_id uuid NOT NULL CONSTRAINT permissions_role_fk REFERENCES roles (id),
  object_type text NOT NULL CONSTRAINT permissions_object_type_valid
    CHECK (object_type IN ('system', 'datacenter', 'cluster', 'host', 'network', 'storage_domain', 'vm')),
  object_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT permissions_object_id_matches_type CHECK ((object_type = 'system') = (object_id IS NULL)),
  CONSTRAINT permissions_grant_unique UNIQUE NULLS NOT DISTINCT (user_id, role_id, object_type, object_id)
);
CREATE INDEX permissions_object_idx ON permissions (object_type, object_id);

INSERT INTO roles (id, name, actions, builtin) VALUES
  (gen_random_uuid(), 'SuperUser', ARRAY['*'], true),
  (gen_random_uuid(), 'DataCenterAdmin', ARRAY['datacenter.*', 'cluster.*', 'host.*', 'network.*', 'storage_domain.*', 'disk.*', 'vm.*', 'affinity_group.*'], true),
  (gen_random_uuid(), 'ClusterAdmin', ARRAY['cluster.*', 'host.*', 'vm.*', 'affinity_group.*', '*.read'], true),
  (gen_random_uuid(), 'HostAdmin', ARRAY['host.*', '*.read'], true),
  (gen_random_uuid(), 'UserVmManager', ARRAY['vm.*', 'disk.*', '*.read'], true),
  (gen_random_uuid(), 'ReadOnlyAdmin', ARRAY['*.read'], true);

-- Who applied what, when; details never hold secrets (the repository redacts them before insert).
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor text NOT NULL,
  source text NOT NULL DEFAULT '',
  resource_type text NOT NULL,
  resource_id text,
  resource_name text,
  action text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_resource_idx ON audit_log (resource_type, resource_id);
CREATE INDEX audit_log_at_idx ON audit_log (at);

CREATE TABLE host_statistics (
  host_id uuid NOT NULL CONSTRAINT host_statistics_host_fk REFERENCES hosts (id) ON DELETE CASCADE,
  collected_at timestamptz NOT NULL,
  cpu_percent double precision NOT NULL,
  memory_used_mib integer NOT NULL,
  memory_total_mib integer NOT NULL,
  load_average double precision NOT NULL,
  vm_count integer NOT NULL,
  PRIMARY KEY (host_id, collected_at)
);
CREATE INDEX host_statistics_collected_idx ON host_statistics (collected_at);

CREATE TABLE vm_statistics (
  vm_id uuid NOT NULL,
  host_id uuid CONSTRAINT vm_statistics_host_fk REFERENCES hosts (id) ON DELETE SET NULL,
  collected_at timestamptz NOT NULL,
  cpu_percent double precision NOT NULL,
  memory_used_mib integer NOT NULL,
  disk_read_bytes bigint NOT NULL,
  disk_write_bytes bigint NOT NULL,
  net_rx_bytes bigint NOT NULL,
  net_tx_bytes bigint NOT NULL,
  PRIMARY KEY (vm_id, collected_at)
);
CREATE INDEX vm_statistics_collected_idx ON vm_statistics (collected_at);
`;

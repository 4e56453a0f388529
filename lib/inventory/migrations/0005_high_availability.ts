/**
 * High availability: how to fence each host (its power controller), what the engine knows of each
 * host's health, the HA events it records, the lease that lets one engine act at a time, and the last
 * definition of each HA VM the engine read (so it can start the VM elsewhere when its host is dead).
 */
export const version = 5;
export const name = 'high_availability';

export const sql = `
ALTER TABLE hosts ADD COLUMN power_management jsonb;

CREATE TABLE host_health (
  host_id uuid PRIMARY KEY CONSTRAINT host_health_host_fk REFERENCES hosts (id) ON DELETE CASCADE,
  status text NOT NULL CONSTRAINT host_health_status_valid CHECK (status IN ('up', 'non_responsive', 'fenced', 'fence_failed')),
  misses integer NOT NULL DEFAULT 0,
  reason text,
  last_answer_at timestamptz,
  changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ha_events (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  engine text NOT NULL,
  kind text NOT NULL,
  host_id uuid,
  host_name text,
  vm_id uuid,
  vm_name text,
  message text NOT NULL
);
CREATE INDEX ha_events_at_idx ON ha_events (at);

CREATE TABLE engine_leases (
  name text PRIMARY KEY,
  holder text NOT NULL,
  token bigint NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE TABLE ha_vm_definitions (
  vm_id uuid PRIMARY KEY,
  name text NOT NULL,
  host_id uuid NOT NULL,
  cluster_id uuid NOT NULL,
  xml text NOT NULL,
  ha_priority integer NOT NULL DEFAULT 0,
  seen_at timestamptz NOT NULL DEFAULT now()
);
`;

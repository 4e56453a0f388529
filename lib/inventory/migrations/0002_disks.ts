/**
 * Disks in the inventory: what a VM (in any workspace sharing the inventory) must know of a disk it
 * attaches (may several VMs use it at once?), and what a target or storage domain must know of the
 * disks on it before it goes (which ones refuse deletion).
 */
export const version = 2;
export const name = 'disks';

export const sql = `
CREATE TABLE disks (
  id text PRIMARY KEY,
  storage_domain_id uuid NOT NULL CONSTRAINT disks_storage_domain_fk REFERENCES storage_domains (id) ON DELETE CASCADE,
  name text NOT NULL CONSTRAINT disks_name_not_blank CHECK (btrim(name) <> ''),
  shareable boolean NOT NULL DEFAULT false,
  deletion_protection boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disks_storage_domain_idx ON disks (storage_domain_id);
`;

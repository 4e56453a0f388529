/**
 * NFS storage domains: a storage domain of type nfs is an export (nfs_server, and the export's path in
 * path) that every host of its data center reaches in user space (QEMU's libnfs client), so it is
 * always shared. nfs_version: the protocol version the hosts speak to it.
 */
export const version = 8;
export const name = 'nfs_storage';

export const sql = `
ALTER TABLE storage_domains DROP CONSTRAINT storage_domains_type_valid;
ALTER TABLE storage_domains ADD CONSTRAINT storage_domains_type_valid CHECK (type IN ('iscsi', 'dir', 'nfs'));
ALTER TABLE storage_domains ADD COLUMN nfs_server text;
ALTER TABLE storage_domains ADD COLUMN nfs_version integer;
ALTER TABLE storage_domains ADD CONSTRAINT storage_domains_nfs_needs_export
  CHECK (type <> 'nfs' OR (nfs_server IS NOT NULL AND path IS NOT NULL AND nfs_version IS NOT NULL AND shared AND host_id IS NULL));
`;

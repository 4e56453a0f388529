/**
 * Where a dir storage domain's files live: on every host of its data center (shared: a directory all of
 * them see, NFS-mounted say) or on one host only (local: that host's own directory). Domains registered
 * before this version behaved as shared (their pool was put on every host) and stay so. iSCSI domains
 * are always shared. (Version 3 is another change's number: the versions only need to be distinct.)
 */
export const version = 4;
export const name = 'local_storage';

export const sql = `
ALTER TABLE storage_domains ADD COLUMN shared boolean NOT NULL DEFAULT true;
ALTER TABLE storage_domains ADD COLUMN host_id uuid CONSTRAINT storage_domains_host_fk REFERENCES hosts (id);
ALTER TABLE storage_domains ADD CONSTRAINT storage_domains_local_needs_host CHECK (shared OR host_id IS NOT NULL);
ALTER TABLE storage_domains ADD CONSTRAINT storage_domains_iscsi_shared CHECK (type <> 'iscsi' OR (shared AND host_id IS NULL));
CREATE INDEX storage_domains_host_idx ON storage_domains (host_id);
`;

/**
 * High availability's second guard and its secrets: each cluster may name the directory, on storage all
 * its hosts share, where libvirt's lock manager keeps a lease per HA VM (a VM whose lease is held on one
 * host cannot start on another). And power controller passwords leave the inventory: like every other
 * secret (CHAP secrets, SSH keys) they are kept by Terraform's state and by the engine's own credentials
 * file, never in the inventory, which the audit log, dumps and backups copy in clear.
 */
export const version = 10;
export const name = 'ha_leases';

export const sql = `
ALTER TABLE clusters ADD COLUMN ha_lease_directory text;

UPDATE hosts SET power_management = power_management - 'password' WHERE power_management ? 'password';
`;

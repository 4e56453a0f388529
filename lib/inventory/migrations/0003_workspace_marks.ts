/**
 * Which Terraform workspace created a row: the token of the workspace whose apply inserted it (see
 * lib/resources/context/workspace.ts), written in the same transaction as the row. An apply killed
 * after the insert but before Terraform saved its state leaves a row the state does not know; the next
 * apply of the same workspace finds its own token on it and adopts the row instead of failing "name
 * taken", while another workspace's rows (another token) and rows nobody marked (NULL: written before
 * this migration, or re-registered by a refresh or a rebuild) stay refused.
 */
export const version = 3;
export const name = 'workspace_marks';

export const sql = `
ALTER TABLE datacenters ADD COLUMN created_by_workspace text;
ALTER TABLE clusters ADD COLUMN created_by_workspace text;
ALTER TABLE hosts ADD COLUMN created_by_workspace text;
ALTER TABLE networks ADD COLUMN created_by_workspace text;
ALTER TABLE storage_domains ADD COLUMN created_by_workspace text;
ALTER TABLE affinity_groups ADD COLUMN created_by_workspace text;
ALTER TABLE disks ADD COLUMN created_by_workspace text;
`;

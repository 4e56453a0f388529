/** Rebuilding the inventory from a Terraform state and the hosts (`virtplane inventory rebuild`). */
export { rebuildInventory, type RebuildReport, type TerraformStateFile } from './rebuild.js';

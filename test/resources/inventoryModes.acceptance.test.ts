/**
 * The provider's inventory setting end to end: a shared PostgreSQL server (as a team would use), and
 * two Terraform runs at once on one embedded inventory folder (they wait for each other, nothing lost).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInventory } from '../../lib/inventory/index.js';
import { buildProvider, createTerraformWorkspace, type TerraformWorkspace } from '../support/terraform.js';
import { useLab, type TestLab } from '../support/lab.js';
import { platformHcl, providerBlock } from '../support/platformHcl.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { removeWithInventoryServers } from '../support/inventoryFolders.js';

let lab: TestLab;
const workspaces: TerraformWorkspace[] = [];

async function workspace(hcl: string): Promise<TerraformWorkspace> {
  const tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  workspaces.push(tf);
  await tf.writeConfig(tf.requiredProviders() + hcl);
  await tf.init();
  return tf;
}

beforeAll(async () => {
  lab = await useLab();
});

afterAll(async () => {
  for (const tf of workspaces) {
    await tf.destroy({ allowFailure: true });
    await tf.cleanup();
  }
});

describe('inventory on PostgreSQL', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('applies, plans empty and destroys with the inventory in a PostgreSQL database', async () => {
    const url = server.url();
    const tf = await workspace(platformHcl(lab.lab, { inventory: url, hosts: ['kvm1'] }));
    await tf.apply();
    await tf.expectEmptyPlan();
    const inventory = await openInventory(url);
    try {
      expect(inventory.backend).toBe('postgres');
      expect((await inventory.hosts.list()).map((host) => host.name)).toEqual(['kvm1']);
      await tf.destroy();
      expect(await inventory.datacenters.list()).toEqual([]);
    } finally {
      await inventory.close();
    }
  });
});

describe('two Terraform runs at once on one embedded inventory', () => {
  it('both apply: the second waits for the first, and the inventory holds both', async () => {
    const shared = await mkdtemp(join(tmpdir(), 'virtplane-shared-inventory-'));
    try {
      const datacenter = (name: string): string => `${providerBlock(lab.lab, shared)}resource "virtplane_datacenter" "dc" { name = "${name}" }\n`;
      const [east, west] = await Promise.all([workspace(datacenter('east')), workspace(datacenter('west'))]);
      const results = await Promise.all([east.apply(), west.apply()]);
      expect(results.map((result) => result.exitCode)).toEqual([0, 0]);
      const inventory = await openInventory(shared);
      try {
        expect((await inventory.datacenters.list()).map((row) => row.name).sort()).toEqual(['east', 'west']);
      } finally {
        await inventory.close();
      }
      await Promise.all([east.destroy(), west.destroy()]);
    } finally {
      await removeWithInventoryServers(shared);
    }
  });
});

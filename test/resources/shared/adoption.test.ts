/**
 * Adoption vs refusal (issue 12, item 5): a create adopts only what an interrupted apply of this same
 * workspace left (its token on the row), never another workspace's object, an unmarked one, nor one
 * this very apply made for another resource; and the refusal says whose the object is and where.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticError } from '../../../lib/framework/index.js';
import type { Datacenter, InventoryRepositories, InventoryScope } from '../../../lib/inventory/index.js';
import { InventoryAccess } from '../../../lib/resources/context/inventoryAccess.js';
import { createOrAdoptRow, leftoverVerdict, recordMadeByThisApply, takenError } from '../../../lib/resources/shared/index.js';
import { removeWithInventoryServers } from '../../support/inventoryFolders.js';

const MINE = '11111111111111111111111111111111';
const THEIRS = '22222222222222222222222222222222';

function workspace(token: string, inventory: InventoryAccess) {
  return { workspaceToken: token, madeByThisApply: new Set<string>(), inventory };
}

describe('leftoverVerdict', () => {
  const provider = { workspaceToken: MINE, madeByThisApply: new Set<string>() };

  it('adopts only what carries this workspace’s token and this apply did not make', () => {
    expect(leftoverVerdict(provider, 'virtplane_network', 'n-1', MINE)).toBe('adopt');
    expect(leftoverVerdict(provider, 'virtplane_network', 'n-1', THEIRS)).toBe('other-workspace');
    expect(leftoverVerdict(provider, 'virtplane_network', 'n-1', null)).toBe('unmarked');
    expect(leftoverVerdict(provider, 'virtplane_network', 'n-1', undefined)).toBe('unmarked');
    recordMadeByThisApply(provider, 'virtplane_network', 'n-1');
    expect(leftoverVerdict(provider, 'virtplane_network', 'n-1', MINE)).toBe('this-apply');
    // Another type with the same id is another object.
    expect(leftoverVerdict(provider, 'virtplane_cluster', 'n-1', MINE)).toBe('adopt');
  });

  it('words each refusal: what, where, whose, and what to do', () => {
    const object = { kind: 'network', name: 'lan', id: 'n-1', where: 'in data center "dc"' };
    const other = takenError(object, 'other-workspace', 'user alice on 2025-01-31 10:00 UTC');
    expect(other.summary).toBe('Network name already taken');
    expect(other.path).toEqual(['name']);
    expect(other.detail).toContain('A network named "lan" already exists in data center "dc" (id n-1), created by another Terraform workspace');
    expect(other.detail).toContain('user alice on 2025-01-31 10:00 UTC');
    expect(other.detail).toContain('terraform import ADDRESS "n-1"');
    expect(takenError(object, 'unmarked').detail).toMatch(/nothing marks it as made by an apply of this workspace/);
    expect(takenError(object, 'this-apply').detail).toMatch(/two resources of this configuration have the same name/);
    expect(takenError({ ...object, kind: 'iSCSI target', title: 'Target already managed', path: ['iqn'] }, 'unmarked')).toMatchObject({
      summary: 'Target already managed',
      path: ['iqn'],
    });
  });
});

describe('createOrAdoptRow (embedded inventory)', () => {
  let folder: string;
  let inventory: InventoryAccess;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'vp-adoption-'));
    inventory = new InventoryAccess(join(folder, 'inventory'));
  });

  afterAll(async () => {
    await inventory.close();
    await removeWithInventoryServers(folder);
  });

  function creation(name: string, description: string) {
    return {
      resourceType: 'virtplane_datacenter',
      kind: 'data center',
      name,
      where: 'in the inventory',
      details: { name, description },
      find: (repositories: InventoryRepositories) => repositories.datacenters.getByName(name),
      create: (tx: InventoryScope, mark: string) => tx.datacenters.create({ name, description, createdByWorkspace: mark }),
      adopt: (tx: InventoryScope, row: Datacenter) => tx.datacenters.update(row.id, { description }),
    };
  }

  it('marks what it creates; the same workspace’s next apply adopts it (brought to the plan, audited "adopt")', async () => {
    const killed = await createOrAdoptRow(workspace(MINE, inventory), creation('dc-a', 'first'));
    expect(killed.adopted).toBe(false);
    expect(killed.row.createdByWorkspace).toBe(MINE);
    const next = await createOrAdoptRow(workspace(MINE, inventory), creation('dc-a', 'second'));
    expect(next).toMatchObject({ adopted: true, row: { id: killed.row.id, description: 'second', createdByWorkspace: MINE } });
    const actions = await inventory.use((db) => db.audit.list({ resourceId: killed.row.id }));
    expect(actions.map((entry) => entry.action).reverse()).toEqual(['create', 'adopt']);
  });

  it('refuses another workspace’s row and leaves it as it was', async () => {
    const theirs = await createOrAdoptRow(workspace(THEIRS, inventory), creation('dc-b', 'theirs'));
    const refused = await createOrAdoptRow(workspace(MINE, inventory), creation('dc-b', 'mine')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DiagnosticError);
    expect((refused as DiagnosticError).summary).toBe('Data center name already taken');
    expect((refused as DiagnosticError).detail).toMatch(
      /created by another Terraform workspace \(another working directory, or another workspace of it, user \S+ on \d{4}-/,
    );
    expect(await inventory.use((db) => db.datacenters.get(theirs.row.id))).toMatchObject({ description: 'theirs', createdByWorkspace: THEIRS });
  });

  it('refuses a row nobody marked (made before workspaces were recorded, or re-registered by a rebuild)', async () => {
    const row = await inventory.use((db) => db.datacenters.create({ name: 'dc-c' }));
    await expect(createOrAdoptRow(workspace(MINE, inventory), creation('dc-c', 'mine'))).rejects.toThrow(
      /nothing marks it as made by an apply of this workspace/,
    );
    expect(await inventory.use((db) => db.datacenters.get(row.id))).toMatchObject({ description: '', createdByWorkspace: null });
  });

  it('refuses, within one apply, a second resource of the same name', async () => {
    const apply = workspace(MINE, inventory);
    await createOrAdoptRow(apply, creation('dc-d', 'one'));
    await expect(createOrAdoptRow(apply, creation('dc-d', 'two'))).rejects.toThrow(/two resources of this configuration have the same name/);
  });
});

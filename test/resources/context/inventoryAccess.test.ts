/**
 * The provider's door to an embedded inventory (lib/resources/context/inventoryAccess.ts): it keeps the
 * folder's session while nobody else wants it (no reopening between the waves of an apply), and gives
 * it up as soon as it idles once another process queues for it. Real inventory servers and processes.
 */
import { describe, expect, it } from 'vitest';
import { InventoryAccess } from '../../../lib/resources/context/inventoryAccess.js';
import { inventoryFoldersOfFile, killFixturesAfterAll, startHolder } from '../../inventory/holderProcess.js';

killFixturesAfterAll();

const newFolder = inventoryFoldersOfFile('virtplane-access-');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('InventoryAccess on an embedded folder', () => {
  it('keeps the session while idle when nobody waits, and gives it up at once when another process queues', async () => {
    const folder = newFolder('kept');
    // A short fallback: were the session closed when idle (as where nobody says who waits), it would be by now.
    const access = new InventoryAccess(folder, { idleCloseMs: 50 });
    try {
      const first = await access.use(async (inventory) => {
        await inventory.datacenters.create({ name: 'provider' });
        return inventory;
      });
      await sleep(500);
      expect(await access.use(async (inventory) => inventory)).toBe(first);

      // Idle now: another process queues, and gets in without this one closing anything itself.
      const other = startHolder(folder, 'other', 60_000);
      expect(await other.waitFor('DATACENTERS')).toBe('DATACENTERS other,provider');
      other.send('close');
      expect(await other.exited).toBe(0);
      // The next use opens the folder again.
      const again = await access.use(async (inventory) => {
        expect((await inventory.datacenters.list()).map((row) => row.name)).toEqual(['other', 'provider']);
        return inventory;
      });
      expect(again).not.toBe(first);
    } finally {
      await access.close();
    }
  });
});

/** Every row of every table of an embedded inventory, in a stable order: to show that something wrote nothing. */
import { openEmbedded } from '../../lib/inventory/embedded.js';

export async function inventoryDump(dir: string): Promise<Record<string, unknown[]>> {
  const driver = await openEmbedded(dir);
  try {
    const tables = await driver.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    const dump: Record<string, unknown[]> = {};
    for (const { table_name: table } of tables.rows) {
      const rows = await driver.query(`SELECT to_jsonb(t)::text AS row FROM ${String(table)} t ORDER BY 1`);
      dump[String(table)] = rows.rows.map((row) => row.row);
    }
    return dump;
  } finally {
    await driver.close();
  }
}

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, openInventory } from '../../lib/inventory/index.js';
import { templatePath } from '../../lib/inventory/embeddedTemplate.js';

const folders: string[] = [];
async function newFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'virtplane-template-'));
  folders.push(folder);
  return folder;
}

afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

describe('new embedded inventories start from a template of an empty, migrated one', () => {
  it('leaves a template after the first, and a later one from it is empty, current and independent', async () => {
    await rm(templatePath(), { force: true });
    const first = await openInventory(await newFolder());
    try {
      expect(existsSync(templatePath())).toBe(true);
      await first.datacenters.create({ name: 'only-in-first' });
    } finally {
      await first.close();
    }
    const second = await openInventory(await newFolder());
    try {
      expect(second.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect(await second.datacenters.list()).toEqual([]);
      await second.datacenters.create({ name: 'only-in-second' });
      expect((await second.datacenters.list()).map((row) => row.name)).toEqual(['only-in-second']);
    } finally {
      await second.close();
    }
  });

  it('names the schema in the template, so changed migrations never load an old one', () => {
    expect(templatePath('0.5.16')).toMatch(/inventory-template-pglite-0\.5\.16-[0-9a-f]{16}\.tar$/);
    expect(templatePath('0.5.16')).not.toBe(templatePath('0.6.0'));
  });
});

import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { REDACTED, openInventory, secret, type Inventory } from '../../lib/inventory/index.js';
import { BACKENDS, useBackendLocations } from './backends.js';

const locations = useBackendLocations();

async function filesContain(folder: string, needle: string): Promise<boolean> {
  const bytes = Buffer.from(needle);
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const content = await readFile(join(entry.parentPath, entry.name));
    if (content.includes(bytes)) return true;
  }
  return false;
}

describe('secret values', () => {
  it('print and serialize as (sensitive), and reveal only on request', () => {
    const value = secret('hunter2');
    expect(JSON.stringify({ value })).toBe(`{"value":"${REDACTED}"}`);
    expect(inspect({ value })).not.toContain('hunter2');
    expect(`${value}`).toBe(REDACTED);
    expect(value.reveal()).toBe('hunter2');
  });
});

describe.each(BACKENDS)('audit log on %s', (backend) => {
  let inventory: Inventory;
  let location: string;
  beforeAll(async () => {
    location = await locations.fresh(backend);
    inventory = await openInventory(location);
    return () => inventory.close();
  });

  it('records who changed what, newest first, with filters', async () => {
    const first = await inventory.audit.record({
      actor: 'alice',
      source: 'terraform apply',
      resourceType: 'virtplane_host',
      resourceId: 'h1',
      resourceName: 'kvm1',
      action: 'create',
      details: { address: '10.0.0.1', port: 22 },
    });
    const second = await inventory.audit.record({
      actor: 'bob',
      source: 'refresh',
      resourceType: 'virtplane_vm',
      resourceId: 'v1',
      action: 'update',
      details: { memory_mib: { before: 64, after: 128 } },
    });
    expect(first).toMatchObject({
      actor: 'alice',
      source: 'terraform apply',
      resourceType: 'virtplane_host',
      resourceName: 'kvm1',
      action: 'create',
      details: { address: '10.0.0.1', port: 22 },
    });
    expect(first.at).toBeInstanceOf(Date);
    expect(typeof first.id).toBe('number');
    expect(second.id).toBeGreaterThan(first.id);

    expect((await inventory.audit.list()).slice(0, 2).map((entry) => entry.id)).toEqual([second.id, first.id]);
    expect((await inventory.audit.list({ actor: 'alice' })).map((entry) => entry.id)).toEqual([first.id]);
    expect((await inventory.audit.list({ resourceType: 'virtplane_vm', resourceId: 'v1' }))[0]?.details).toEqual({ memory_mib: { before: 64, after: 128 } });
    expect(await inventory.audit.list({ limit: 1 })).toHaveLength(1);
    expect(await inventory.audit.list({ since: new Date(Date.now() + 60_000) })).toEqual([]);
  });

  it('never stores a value marked secret, nor one under a secret-named or declared key', async () => {
    const secrets = Array.from({ length: 4 }, () => `s3cr3t-${randomBytes(12).toString('hex')}`);
    const visible = `visible-${randomBytes(12).toString('hex')}`;
    const [marked, chap, key, declared] = secrets as [string, string, string, string];
    const entry = await inventory.audit.record({
      actor: 'alice',
      source: 'terraform apply',
      resourceType: 'virtplane_iscsi_target',
      action: 'create',
      details: {
        iqn: visible,
        luns: [{ lun: 1, size_mib: 64, label: secret(marked) }],
        chap_password: chap,
        sshPrivateKey: key,
        initiator_token_ref: declared,
        custom_field: declared,
      },
      sensitiveKeys: ['custom_field'],
    });
    expect(entry.details).toEqual({
      iqn: visible,
      luns: [{ lun: 1, size_mib: 64, label: REDACTED }],
      chap_password: REDACTED,
      sshPrivateKey: REDACTED,
      initiator_token_ref: REDACTED,
      custom_field: REDACTED,
    });

    // Look at what is really stored, bypassing the repository.
    if (backend === 'postgres') {
      const client = new pg.Client({ connectionString: location });
      await client.connect();
      try {
        const { rows } = await client.query('SELECT a::text AS row FROM audit_log a');
        const everything = rows.map((row: { row: string }) => row.row).join('\n');
        expect(everything).toContain(visible);
        for (const value of secrets) expect(everything).not.toContain(value);
      } finally {
        await client.end();
      }
    } else {
      await inventory.close();
      expect(await filesContain(location, visible)).toBe(true);
      for (const value of secrets) expect(await filesContain(location, value)).toBe(false);
      inventory = await openInventory(location);
    }
  });
});

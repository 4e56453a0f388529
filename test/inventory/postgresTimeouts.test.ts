/**
 * PostgreSQL never hangs a run: a host row locked by another connection fails a placement fast with a
 * typed timeout (not a wait without end), a statement in flight is cancelled when the provider is
 * stopped, and the URL's secrets never appear in what the inventory says.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { InventoryTimeoutError, openInventory, redactInventoryUrl, scrubInventoryUrl, type Inventory } from '../../lib/inventory/index.js';
import { SecretScrubber } from '../../lib/provider/secretScrubber.js';
import { unique, useBackendLocations } from './backends.js';

const locations = useBackendLocations();

async function hostIn(inventory: Inventory): Promise<{ clusterId: string; hostId: string }> {
  const dc = await inventory.datacenters.create({ name: unique('dc') });
  const cluster = await inventory.clusters.create({ datacenterId: dc.id, name: 'c' });
  const host = await inventory.hosts.create({ clusterId: cluster.id, name: unique('kvm'), address: unique('10.9'), hostKey: 'k' });
  await inventory.hosts.recordFacts(host.id, { cpus: 2, memoryMib: 4096, kvm: true, libvirtVersion: '9.0.0' });
  return { clusterId: cluster.id, hostId: host.id };
}

/** Another connection holding the host's row lock (another run in the middle of a placement, a stuck session). */
async function lockRow(url: string, hostId: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT id FROM hosts WHERE id = $1 FOR UPDATE', [hostId]);
  return client;
}

/** Resolves once another backend waits on a lock `holder` holds; fails after 30 s. */
async function untilWaitingOnLock(holder: pg.Client): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { rows } = await holder.query<{ waiting: number }>(
      "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pg_backend_pid() = ANY (pg_blocking_pids(pid))",
    );
    if ((rows[0]?.waiting ?? 0) > 0) return;
    if (Date.now() > deadline) throw new Error('nothing waited on the held lock within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('PostgreSQL timeouts and cancellation', () => {
  it('a host row locked by another connection fails a reservation fast with a lock timeout, not a hang', async () => {
    const url = await locations.fresh('postgres');
    const inventory = await openInventory(url, { rowLockTimeoutMs: 1000 });
    const { clusterId, hostId } = await hostIn(inventory);
    const holder = await lockRow(url, hostId);
    try {
      const started = Date.now();
      const error = await Promise.race([
        inventory.vmPlacements.reserve({ name: 'vm1', clusterId, hostId, vcpus: 1, memoryMib: 64 }).then(
          () => 'reserved',
          (caught: unknown) => caught,
        ),
        new Promise((resolve) => setTimeout(() => resolve('still waiting after 8 s'), 8000)),
      ]);
      expect(error).toBeInstanceOf(InventoryTimeoutError);
      expect((error as InventoryTimeoutError).reason).toBe('lock');
      expect((error as Error).message).toMatch(/locked by another connection/);
      expect((error as Error).message).not.toMatch(/password|secret/i);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    // The lock gone, the same reservation goes through.
    expect((await inventory.vmPlacements.reserve({ name: 'vm1', clusterId, hostId, vcpus: 1, memoryMib: 64 })).status).toBe('reserved');
    await inventory.close();
  });

  it('cancel() (Terraform stopped the provider) ends a statement waiting on a lock at once', async () => {
    const url = await locations.fresh('postgres');
    const inventory = await openInventory(url, { rowLockTimeoutMs: 60_000 });
    const { clusterId, hostId } = await hostIn(inventory);
    const holder = await lockRow(url, hostId);
    try {
      const waiting = inventory.vmPlacements.reserve({ name: 'vm2', clusterId, hostId, vcpus: 1, memoryMib: 64 }).catch((caught: unknown) => caught);
      // Cancel once the reservation waits on the row lock (a fixed pause could come before its statement does, under load).
      await untilWaitingOnLock(holder);
      const started = Date.now();
      expect(await inventory.cancel()).toBeGreaterThanOrEqual(1);
      const error = await waiting;
      expect(error).toBeInstanceOf(InventoryTimeoutError);
      expect((error as InventoryTimeoutError).reason).toBe('cancelled');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    await inventory.close();
  });
});

describe('advisory locks across processes', () => {
  it("two inventories on one PostgreSQL never lose each other's read-modify-write under the same key", async () => {
    const url = await locations.fresh('postgres');
    const first = await openInventory(url);
    const second = await openInventory(url);
    let shared: string[] = [];
    const change = (inventory: Inventory, item: string) =>
      inventory.withAdvisoryLock('virtplane.test.acl', async () => {
        const read = [...shared];
        await new Promise((resolve) => setTimeout(resolve, 300));
        shared = [...read, item];
      });
    await Promise.all([change(first, 'kvm1'), change(second, 'kvm2'), change(first, 'kvm3')]);
    expect(shared.sort()).toEqual(['kvm1', 'kvm2', 'kvm3']);
    // A holder that keeps the lock makes a waiter give up after its wait, with a lock timeout.
    let held!: () => void;
    const holds = new Promise<void>((resolve) => (held = resolve));
    const holding = first.withAdvisoryLock('virtplane.test.held', async () => {
      held();
      await new Promise((resolve) => setTimeout(resolve, 3000));
    });
    await holds;
    await expect(second.withAdvisoryLock('virtplane.test.held', async () => 'got it', 500)).rejects.toBeInstanceOf(InventoryTimeoutError);
    await holding;
    expect(await second.withAdvisoryLock('virtplane.test.held', async () => 'got it', 500)).toBe('got it');
    await first.close();
    await second.close();
  });
});

describe('inventory URL redaction', () => {
  const url = 'postgres://virtplane:UserS3cret@db.example:5432/inv?sslmode=require&password=QueryS3cret&sslpassword=KeyS3cret';

  it('redacts the user part and every secret query parameter', () => {
    const shown = redactInventoryUrl(url);
    expect(shown).not.toMatch(/UserS3cret|QueryS3cret|KeyS3cret/);
    expect(shown).toMatch(/^postgres:\/\/virtplane:\*\*\*@db\.example:5432\/inv\?/);
    expect(shown).toMatch(/sslmode=require/);
    expect(redactInventoryUrl('/var/lib/virtplane/inventory')).toBe('/var/lib/virtplane/inventory');
    expect(redactInventoryUrl('postgres://%%bad@:x')).not.toMatch(/bad/);
  });

  it('scrubs the URL and its secrets out of any message', () => {
    const message = `connect to ${url} failed; password "QueryS3cret" rejected, and UserS3cret too`;
    expect(scrubInventoryUrl(message, url)).not.toMatch(/UserS3cret|QueryS3cret|KeyS3cret/);
  });

  it("the provider's scrubber removes a sensitive URL's password and ?password= from diagnostics", () => {
    const scrubber = new SecretScrubber();
    scrubber.add(url);
    const [diagnostic] = scrubber.scrubDiagnostics([
      { severity: 'error', summary: 'Cannot open UserS3cret', detail: `at ${url}: QueryS3cret / ${encodeURIComponent('KeyS3cret')}` },
    ]);
    expect(JSON.stringify(diagnostic)).not.toMatch(/UserS3cret|QueryS3cret|KeyS3cret/);
  });
});

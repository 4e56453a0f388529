/**
 * The HA engine's rows on both real backends: one lease holder at a time, a token that changes when
 * the lease changes hands (so a former holder's check fails), host health that keeps when its status
 * changed, events newest first, and a host's power controller kept as written.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../lib/inventory/index.js';
import { BACKENDS, unique, useBackendLocations } from './backends.js';

const locations = useBackendLocations();

describe.each(BACKENDS)('HA engine rows on %s', (backend) => {
  let inventory: Inventory;
  beforeAll(async () => {
    inventory = await locations.open(backend);
  });

  it('grants the lease to one holder at a time, and a new token when it changes hands', async () => {
    const name = unique('lease');
    const first = await inventory.highAvailability.acquireLease(name, 'engine-A', 30);
    expect(first?.token).toBe(1);
    expect(await inventory.highAvailability.acquireLease(name, 'engine-B', 30)).toBeUndefined();
    // Renewal by the holder keeps the token.
    expect((await inventory.highAvailability.acquireLease(name, 'engine-A', 30))?.token).toBe(1);
    expect(await inventory.highAvailability.checkLease(name, 'engine-A', 1)).toBe(true);
    // Expired (a holder that stopped renewing): the next one takes it with a new token; the old token no longer passes.
    await inventory.highAvailability.acquireLease(name, 'engine-A', -1);
    const taken = await inventory.highAvailability.acquireLease(name, 'engine-B', 30);
    expect(taken).toMatchObject({ holder: 'engine-B', token: 2 });
    expect(await inventory.highAvailability.checkLease(name, 'engine-A', 1)).toBe(false);
    expect(await inventory.highAvailability.checkLease(name, 'engine-B', 2)).toBe(true);
    // Given up: free at once.
    await inventory.highAvailability.releaseLease(name, 'engine-B');
    expect((await inventory.highAvailability.acquireLease(name, 'engine-C', 30))?.token).toBe(1);
  });

  it('keeps host health, its power controller, and events newest first', async () => {
    const datacenter = await inventory.datacenters.create({ name: unique('dc') });
    const cluster = await inventory.clusters.create({ datacenterId: datacenter.id, name: unique('cluster') });
    const power = { agent: 'ipmilan', address: '10.0.0.2', port: 6231, username: 'admin' } as const;
    const host = await inventory.hosts.create({
      clusterId: cluster.id,
      name: unique('kvm'),
      address: '10.0.0.11',
      hostKey: 'SHA256:x',
      powerManagement: power,
    });
    expect((await inventory.hosts.require(host.id)).powerManagement).toEqual(power);
    expect((await inventory.hosts.update(host.id, { powerManagement: null })).powerManagement).toBeNull();

    const up = await inventory.highAvailability.setHostHealth({ hostId: host.id, status: 'up', misses: 0, lastAnswerAt: new Date() });
    const missed = await inventory.highAvailability.setHostHealth({ hostId: host.id, status: 'up', misses: 1, reason: 'connection refused' });
    expect(missed.changedAt).toEqual(up.changedAt);
    expect(missed.lastAnswerAt).toEqual(up.lastAnswerAt);
    const fenced = await inventory.highAvailability.setHostHealth({ hostId: host.id, status: 'fenced', misses: 3 });
    expect(fenced.status).toBe('fenced');

    const vmId = randomUUID();
    await inventory.highAvailability.recordEvent({ engine: 'e', kind: 'fenced', hostId: host.id, hostName: host.name, message: 'power off' });
    await inventory.highAvailability.recordEvent({ engine: 'e', kind: 'restarted', vmId, vmName: 'web', message: 'on kvm2' });
    const events = await inventory.highAvailability.events({ limit: 2 });
    expect(events.map((event) => event.kind)).toEqual(['restarted', 'fenced']);
    expect((await inventory.highAvailability.events({ vmId })).map((event) => event.vmName)).toEqual(['web']);
  });
});

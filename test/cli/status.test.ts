import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInventory } from '../../lib/inventory/index.js';
import { runCli } from '../support/cli.js';

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'virtplane-status-'));
  const inventory = await openInventory(folder);
  try {
    const datacenter = await inventory.datacenters.create({ name: 'Default' });
    const cluster = await inventory.clusters.create({ datacenterId: datacenter.id, name: 'main', memoryOvercommitPercent: 150 });
    const host = await inventory.hosts.create({ clusterId: cluster.id, name: 'kvm1', address: '10.0.0.1', hostKey: 'SHA256:' + 'A'.repeat(43), maintenance: true });
    await inventory.hosts.recordFacts(host.id, { cpus: 4, memoryMib: 2048, kvm: false, libvirtVersion: '9.0.0' });
    await inventory.vmPlacements.register({ vmId: randomUUID(), name: 'web1', clusterId: cluster.id, hostId: host.id, vcpus: 2, memoryMib: 512 });
  } finally {
    await inventory.close();
  }
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('virtplane status', () => {
  it('shows data center -> cluster -> host -> VM with memory placed / total', () => {
    const result = runCli(['status', '--inventory', folder]);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([
      'data center Default (shared storage)',
      '  cluster main: evenly_distributed, memory overcommit 150%',
      '    host kvm1 10.0.0.1: 4 CPUs, memory 512 MiB placed / 2048 MiB, libvirt 9.0.0 [MAINTENANCE, TCG]',
      '      vm web1: 2 vCPU, 512 MiB (placed)',
    ]);
  });
});

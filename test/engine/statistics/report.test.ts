/**
 * `virtplane report` on a synthetic history (three days of hourly samples in a real embedded
 * inventory, rolled up as the engine does): averages and peaks per cluster and host, VMs ranked by CPU,
 * the memory forecast where the fitted line crosses the hosts' memory, a flat vCPU series that is not
 * growing, and a storage domain with too little history.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../lib/engine/statistics/report.js';
import { useBackendLocations } from '../../inventory/backends.js';

const locations = useBackendLocations();
const START = Date.parse('2026-11-20T00:30:00Z');
const HOURS = 72;

describe('virtplane report', () => {
  it('shows use, top VMs and the capacity forecast from the hourly history', async () => {
    const inventory = await locations.open('embedded');
    const datacenter = await inventory.datacenters.create({ name: 'Default' });
    const cluster = await inventory.clusters.create({ datacenterId: datacenter.id, name: 'main' });
    const kvm1 = await inventory.hosts.create({ clusterId: cluster.id, name: 'kvm1', address: '10.0.0.11', hostKey: 'k' });
    const kvm2 = await inventory.hosts.create({ clusterId: cluster.id, name: 'kvm2', address: '10.0.0.12', hostKey: 'k' });
    const san = await inventory.storageDomains.create({ datacenterId: datacenter.id, name: 'san', type: 'dir', path: '/srv/san' });
    const [web, db] = [randomUUID(), randomUUID()];
    for (let hour = 0; hour < HOURS; hour += 1) {
      const collectedAt = new Date(START + hour * 3_600_000);
      for (const [host, base, cpuPercent, vcpus] of [
        [kvm1, 1000, 20, 2],
        [kvm2, 2000, 40, 1],
      ] as const)
        await inventory.statistics.recordHost({
          hostId: host.id,
          collectedAt,
          cpuPercent: hour === HOURS - 1 && host === kvm2 ? 95 : cpuPercent,
          memoryUsedMib: base + 10 * hour,
          memoryTotalMib: 4096,
          loadAverage: 0.5,
          vmCount: vcpus,
          cpus: 2,
          vcpusAllocated: vcpus,
        });
      for (const [vmId, name, cpuPercent] of [
        [web, 'web', 12],
        [db, 'db', 55],
      ] as const)
        await inventory.statistics.recordVm({
          vmId,
          vmName: name,
          hostId: kvm1.id,
          collectedAt,
          cpuPercent,
          memoryUsedMib: 512,
          diskReadBytes: 0,
          diskWriteBytes: 0,
          netRxBytes: 0,
          netTxBytes: 0,
        });
    }
    await inventory.statistics.recordStorageDomain({
      storageDomainId: san.id,
      collectedAt: new Date(START),
      capacityBytes: 10 * 2 ** 30,
      allocationBytes: 2 ** 30,
      availableBytes: 9 * 2 ** 30,
    });
    await inventory.statistics.rollUp();

    const report = await buildReport(inventory, { windowDays: 7, trendDays: 7, topVms: 5, now: new Date(START + (HOURS - 1) * 3_600_000) });
    const lines = report.split('\n');
    // Memory: 3000 + 20 MiB an hour summed over both hosts = +480 MiB a day; at the last hour 4420 of 8192: (8192 - 4420) / 480 = 7.9 days.
    expect(lines).toContain(
      "    forecast memory of cluster main: runs out in 7 days at the last 7 days' rate (4.3 GiB of 8.0 GiB; +480 MiB/day, fit R² 1.00 over 72 points)",
    );
    expect(lines).toContain(
      "    forecast vCPUs of cluster main (against 4 host CPUs, no overcommit): not growing at the last 7 days' rate (3.0 of 4.0; +0.0/day, fit R² 1.00 over 72 points)",
    );
    // kvm2's last hour peaks at 95 %: the cluster's CPU average is (20 * 72 + 40 * 71 + 95) / 144.
    expect(lines).toContain(
      `  cluster main: CPU avg ${((20 * 72 + 40 * 71 + 95) / 144).toFixed(1)} %, peak 95.0 %; memory avg 3.6 GiB, peak 4.3 GiB of 8.0 GiB`,
    );
    expect(lines.find((line) => line.startsWith('    host kvm1:'))).toBe(
      '    host kvm1: CPU avg 20.0 %, peak 20.0 %; memory avg 1.3 GiB, peak 1.7 GiB of 4.0 GiB; load avg 0.50',
    );
    expect(lines).toContain('    top VMs by CPU: db 55.0 % (peak 55.0 %), web 12.0 % (peak 12.0 %)');
    expect(lines).toContain('  storage domain san (dir): allocated avg 1.0 GiB, peak 1.0 GiB of 10.0 GiB');
    expect(lines).toContain('    forecast storage of san: not enough history (1 points over 0 h; a forecast needs 12 over 24 h)');
  });
});

/**
 * The monitoring history's levels, exact on synthetic samples, on both real backends: hourly rollups
 * (average and maximum of the gauges; a null CPU percent, the first sample's, is not a zero), daily
 * rollups weighted by each hour's samples, a second roll-up that changes nothing, a partial hour
 * completed by the next one, and each level's retention.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Inventory, StatisticsRollup } from '../../lib/inventory/index.js';
import { BACKENDS, unique, useBackendLocations } from './backends.js';

const locations = useBackendLocations();
const DAY = Date.parse('2026-01-10T00:00:00Z');
const at = (hours: number, minutes = 0): Date => new Date(DAY + hours * 3_600_000 + minutes * 60_000);

function figures(rollups: readonly StatisticsRollup[], metric: string): Array<[string, number, number, number]> {
  return rollups
    .filter((rollup) => rollup.metric === metric)
    .map((rollup) => [rollup.periodStart.toISOString(), rollup.samples, Number(rollup.average.toFixed(6)), rollup.maximum]);
}

describe.each(BACKENDS)('statistics rollups and retention on %s', (backend) => {
  async function platform(inventory: Inventory): Promise<{ hostId: string; storageDomainId: string }> {
    const datacenter = await inventory.datacenters.create({ name: unique('dc') });
    const cluster = await inventory.clusters.create({ datacenterId: datacenter.id, name: unique('cluster') });
    const host = await inventory.hosts.create({ clusterId: cluster.id, name: unique('kvm'), address: '10.0.0.11', hostKey: 'k' });
    const domain = await inventory.storageDomains.create({ datacenterId: datacenter.id, name: unique('san'), type: 'dir', path: '/srv/san' });
    return { hostId: host.id, storageDomainId: domain.id };
  }

  async function hostSample(inventory: Inventory, hostId: string, when: Date, cpuPercent: number | null, memoryUsedMib: number): Promise<void> {
    await inventory.statistics.recordHost({ hostId, collectedAt: when, cpuPercent, memoryUsedMib, memoryTotalMib: 4096, loadAverage: 1, vmCount: 2 });
  }

  it('rolls raw samples into hours and hours into days, exactly, and again without change', async () => {
    const inventory = await locations.open(backend);
    const { hostId, storageDomainId } = await platform(inventory);
    await hostSample(inventory, hostId, at(10, 0), null, 1000); // the first sample: no rate yet
    await hostSample(inventory, hostId, at(10, 20), 10, 1100);
    await hostSample(inventory, hostId, at(10, 40), 20, 1200);
    await hostSample(inventory, hostId, at(10, 59), 60, 1300);
    await hostSample(inventory, hostId, at(11, 10), 40, 1500);
    await hostSample(inventory, hostId, at(24 + 0, 30), 90, 2000); // the next day
    const vmId = randomUUID();
    for (const [minutes, cpuPercent, resident] of [
      [5, 100, 50],
      [35, 50, 70],
    ] as const)
      await inventory.statistics.recordVm({
        vmId,
        hostId,
        collectedAt: at(10, minutes),
        cpuPercent,
        memoryUsedMib: 64,
        memoryResidentMib: resident,
        diskReadBytes: 0,
        diskWriteBytes: 0,
        netRxBytes: 0,
        netTxBytes: 0,
      });
    await inventory.statistics.recordStorageDomain({ storageDomainId, collectedAt: at(10, 0), capacityBytes: 1000, allocationBytes: 100, availableBytes: 900 });
    await inventory.statistics.recordStorageDomain({
      storageDomainId,
      collectedAt: at(10, 30),
      capacityBytes: 1000,
      allocationBytes: 300,
      availableBytes: 700,
    });
    await inventory.statistics.recordLun({ storageDomainId, lun: 'unit:0:0:1', collectedAt: at(10, 30), sizeBytes: 67_108_864 });

    const first = await inventory.statistics.rollUp();
    expect(first.hourly).toBeGreaterThan(0);
    const hourly = await inventory.statistics.rollups({ kind: 'host', resolution: 'hour', objectIds: [hostId] });
    expect(figures(hourly, 'cpu_percent')).toEqual([
      ['2026-01-10T10:00:00.000Z', 3, 30, 60],
      ['2026-01-10T11:00:00.000Z', 1, 40, 40],
      ['2026-01-11T00:00:00.000Z', 1, 90, 90],
    ]);
    expect(figures(hourly, 'memory_used_mib')).toEqual([
      ['2026-01-10T10:00:00.000Z', 4, 1150, 1300],
      ['2026-01-10T11:00:00.000Z', 1, 1500, 1500],
      ['2026-01-11T00:00:00.000Z', 1, 2000, 2000],
    ]);
    const daily = await inventory.statistics.rollups({ kind: 'host', resolution: 'day', objectIds: [hostId], metrics: ['cpu_percent', 'memory_used_mib'] });
    // (10 + 20 + 60 + 40) / 4, weighted by samples, not the average of the hours' averages (35).
    expect(figures(daily, 'cpu_percent')).toEqual([
      ['2026-01-10T00:00:00.000Z', 4, 32.5, 60],
      ['2026-01-11T00:00:00.000Z', 1, 90, 90],
    ]);
    expect(figures(daily, 'memory_used_mib')).toEqual([
      ['2026-01-10T00:00:00.000Z', 5, 1220, 1500],
      ['2026-01-11T00:00:00.000Z', 1, 2000, 2000],
    ]);
    const vm = await inventory.statistics.rollups({ kind: 'vm', resolution: 'hour', objectIds: [vmId] });
    expect(figures(vm, 'cpu_percent')).toEqual([['2026-01-10T10:00:00.000Z', 2, 75, 100]]);
    expect(figures(vm, 'memory_resident_mib')).toEqual([['2026-01-10T10:00:00.000Z', 2, 60, 70]]);
    const storage = await inventory.statistics.rollups({ kind: 'storage_domain', resolution: 'day', objectIds: [storageDomainId] });
    expect(figures(storage, 'allocation_bytes')).toEqual([['2026-01-10T00:00:00.000Z', 2, 200, 300]]);
    const lun = await inventory.statistics.rollups({ kind: 'lun', resolution: 'hour', objectIds: [`${storageDomainId}/unit:0:0:1`] });
    expect(figures(lun, 'size_bytes')).toEqual([['2026-01-10T10:00:00.000Z', 1, 67_108_864, 67_108_864]]);

    // Again: the same rows, the same figures.
    const everything = async (): Promise<StatisticsRollup[]> => [
      ...(await inventory.statistics.rollups({ kind: 'host', resolution: 'hour' })),
      ...(await inventory.statistics.rollups({ kind: 'host', resolution: 'day' })),
    ];
    const before = await everything();
    await inventory.statistics.rollUp();
    expect(await everything()).toEqual(before);

    // The newest hour was partial: a later sample in it completes it, and its day.
    await hostSample(inventory, hostId, at(24 + 0, 50), 30, 2200);
    await inventory.statistics.rollUp();
    expect(figures(await inventory.statistics.rollups({ kind: 'host', resolution: 'hour', objectIds: [hostId], since: at(24) }), 'cpu_percent')).toEqual([
      ['2026-01-11T00:00:00.000Z', 2, 60, 90],
    ]);
    expect(figures(await inventory.statistics.rollups({ kind: 'host', resolution: 'day', objectIds: [hostId], since: at(24) }), 'cpu_percent')).toEqual([
      ['2026-01-11T00:00:00.000Z', 2, 60, 90],
    ]);
  });

  it('keeps each level for its own retention', async () => {
    const inventory = await locations.open(backend);
    const { hostId, storageDomainId } = await platform(inventory);
    // Three days of one sample an hour at :30.
    for (let hour = 0; hour < 72; hour += 1) await hostSample(inventory, hostId, at(hour, 30), hour, 1000 + hour);
    await inventory.statistics.recordStorageDomain({ storageDomainId, collectedAt: at(0, 30), capacityBytes: 10, allocationBytes: 1, availableBytes: 9 });
    await inventory.statistics.rollUp();
    const now = at(72); // 2026-01-13T00:00Z
    const pruned = await inventory.statistics.applyRetention({ rawHours: 24, hourlyDays: 2, dailyDays: 1 }, now);
    // Raw: the 48 host samples before 2026-01-12T00:00 and the storage sample. Hourly: the first day's
    // 24 hours of each of the host's 6 non-null metrics (cpus, memory_free... are null here) and the
    // storage domain's 3. Daily: the days that began before 2026-01-12.
    expect(pruned.raw).toBe(48 + 1);
    const hostMetrics = new Set((await inventory.statistics.rollups({ kind: 'host', resolution: 'hour' })).map((rollup) => rollup.metric));
    expect([...hostMetrics].sort()).toEqual(['cpu_percent', 'load_average', 'memory_total_mib', 'memory_used_mib', 'vm_count']);
    expect(pruned.hourly).toBe(24 * hostMetrics.size + 3);
    expect(pruned.daily).toBe(2 * hostMetrics.size + 3);
    const raw = await inventory.statistics.hostHistory(hostId, { limit: 1000 });
    expect(raw.length).toBe(24);
    expect(raw.at(-1)?.collectedAt.toISOString()).toBe('2026-01-12T00:30:00.000Z');
    const hours = (await inventory.statistics.rollups({ kind: 'host', resolution: 'hour', metrics: ['cpu_percent'] })).map((rollup) =>
      rollup.periodStart.toISOString(),
    );
    expect(hours.length).toBe(48);
    expect(hours[0]).toBe('2026-01-11T00:00:00.000Z');
    const days = (await inventory.statistics.rollups({ kind: 'host', resolution: 'day', metrics: ['cpu_percent'] })).map((rollup) =>
      rollup.periodStart.toISOString(),
    );
    expect(days).toEqual(['2026-01-12T00:00:00.000Z']);
  });
});

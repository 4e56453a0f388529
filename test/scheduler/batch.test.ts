/** planBatch: many VMs at once, each seeing the ones before it; examples, then seeded random clusters. */
import { describe, expect, it } from 'vitest';
import {
  batchOrder,
  hostUsage,
  planBatch,
  planDrain,
  schedulableMib,
  SchedulerInputError,
  type BatchPlan,
  type PlacementRequest,
  type SchedulingAffinityGroup,
  type SchedulingHost,
  type SchedulingPlacement,
  type SchedulingSnapshot,
} from '../../lib/scheduler/index.js';
import { group, host, hostId, request, shuffled, snapshot, vm, vmId } from './support/builders.js';
import { seededRandom, type Random } from './support/prng.js';

function hostsOf(plan: BatchPlan): Record<string, string> {
  return Object.fromEntries(plan.placements.map((placement) => [placement.name, placement.hostName]));
}

describe('planBatch', () => {
  it('places each VM seeing the ones before it, and reports those that fit nowhere', () => {
    const cluster = snapshot({ hosts: [host('kvm1', 1000), host('kvm2', 1000)] });
    const plan = planBatch([request('web1', 600), request('web2', 600), request('web3', 600)], cluster);
    expect(plan.ok).toBe(false);
    expect(hostsOf(plan)).toEqual({ web1: 'kvm1', web2: 'kvm2' });
    expect(plan.failures.map((failure) => failure.name)).toEqual(['web3']);
    expect(plan.message).toBe(
      '1 of 3 VMs fit nowhere in cluster "main":\n' +
        '- no host in cluster "main" can take VM "web3" (600 MiB): kvm1 has 400 MiB free, kvm2 has 400 MiB free; 200 MiB short',
    );
    expect(hostUsage(plan.snapshot).map((usage) => usage.freeMib)).toEqual([400, 400]);
  });

  it('places bigger VMs first so that a set that can fit does fit', () => {
    const cluster = snapshot({ policy: 'power_saving', hosts: [host('kvm1', 1024), host('kvm2', 1024)] });
    // In the given order, power_saving would put the 300s on one host and leave no room for 800.
    const plan = planBatch([request('s1', 300), request('s2', 300), request('big', 800)], cluster);
    expect(plan.ok).toBe(true);
    expect(plan.placements.map((placement) => placement.name)).toEqual(['big', 's1', 's2']);
    expect(hostsOf(plan)).toEqual({ big: 'kvm1', s1: 'kvm2', s2: 'kvm2' });
    expect(plan.message).toBeNull();
  });

  it('honours pins before choosing hosts for the others', () => {
    const cluster = snapshot({ hosts: [host('kvm1', 1000), host('kvm2', 800)] });
    const plan = planBatch([request('free', 700), request('pinned', 400, { pinnedHostId: hostId('kvm1') })], cluster);
    expect(plan.ok).toBe(true);
    expect(hostsOf(plan)).toEqual({ pinned: 'kvm1', free: 'kvm2' });
  });

  it('keeps a running VM where it is without counting it twice', () => {
    const cluster = snapshot({ hosts: [host('kvm1', 1024), host('kvm2', 1024)], placements: [vm('old', 'kvm1', 768)] });
    const plan = planBatch([request('old', 1024, { currentHostId: hostId('kvm1') }), request('new', 512)], cluster);
    expect(plan.ok).toBe(true);
    expect(plan.placements.map((placement) => [placement.name, placement.hostName, placement.decision])).toEqual([
      ['old', 'kvm1', 'stays'],
      ['new', 'kvm2', 'scheduled'],
    ]);
    expect(plan.snapshot.placements.filter((placement) => placement.name === 'old')).toHaveLength(1);
  });

  it('applies affinity between VMs of the same batch', () => {
    const cluster = snapshot({
      hosts: [host('kvm1', 4096), host('kvm2', 4096), host('kvm3', 4096)],
      groups: [
        group('spread', { positive: false, enforcing: true, vms: ['db1', 'db2', 'db3'] }),
        group('together', { positive: true, enforcing: true, vms: ['app', 'cache'] }),
      ],
    });
    const plan = planBatch([request('db1', 512), request('db2', 512), request('db3', 512), request('app', 256), request('cache', 128)], cluster);
    const where = hostsOf(plan);
    expect(new Set([where.db1, where.db2, where.db3]).size).toBe(3);
    expect(where.cache).toBe(where.app);
  });

  it('depends on the set of requests, not their order', () => {
    const random = seededRandom(99);
    const requests = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((name, index) => request(name, 128 * (((index * 5) % 7) + 1)));
    const cluster = snapshot({ hosts: [host('kvm1', 2048), host('kvm2', 1536), host('kvm3', 1024)], placements: [vm('x', 'kvm2', 512)] });
    const expected = planBatch(requests, cluster);
    for (let round = 0; round < 10; round += 1) {
      const plan = planBatch(random.shuffle(requests), shuffled(cluster, random));
      expect(plan.placements).toEqual(expected.placements);
      expect(plan.failures).toEqual(expected.failures);
    }
  });

  it('refuses a batch naming one VM twice', () => {
    const cluster = snapshot({ hosts: [host('kvm1', 4096)] });
    expect(() => planBatch([request('web', 64), request('web', 128, { vmId: 'other' })], cluster)).toThrow(SchedulerInputError);
    expect(() => batchOrder([request('a', 64, { vmId: 'same' }), request('b', 64, { vmId: 'same' })])).toThrow(/appears twice/);
  });
});

// ---- seeded random clusters ----------------------------------------------------------------------

interface Scenario {
  readonly snapshot: SchedulingSnapshot;
  readonly requests: readonly PlacementRequest[];
}

function randomHost(random: Random, index: number): SchedulingHost {
  return host(`h${index}`, random.chance(0.05) ? null : random.int(2, 32) * 256, {
    cpus: random.int(1, 8),
    maintenance: random.chance(0.15),
    reachable: !random.chance(0.1),
  });
}

function randomGroups(random: Random, vmIds: readonly string[], hosts: readonly SchedulingHost[]): SchedulingAffinityGroup[] {
  return Array.from({ length: random.int(0, 3) }, (_, index) => ({
    id: `g${index}`,
    name: `group-${index}`,
    positive: random.chance(0.5),
    enforcing: random.chance(0.6),
    vmIds: random.shuffle(vmIds).slice(0, random.int(2, 4)),
    hostIds: random.chance(0.3) ? random.shuffle(hosts.map((entry) => entry.id)).slice(0, random.int(1, 2)) : [],
  }));
}

function randomScenario(random: Random): Scenario {
  const hosts = Array.from({ length: random.int(1, 6) }, (_, index) => randomHost(random, index));
  // Existing VMs may already overfill a host: a refresh records what it finds.
  const existing: SchedulingPlacement[] = Array.from({ length: random.int(0, 8) }, (_, index) =>
    vm(`old${index}`, random.pick(hosts).name, random.int(1, 16) * 128, { vcpus: random.int(1, 4), status: random.chance(0.2) ? 'reserved' : 'placed' }),
  );
  const requests: PlacementRequest[] = [];
  for (const placement of existing) {
    if (random.chance(0.3)) requests.push(request(placement.name, random.int(1, 16) * 128, { currentHostId: placement.hostId }));
  }
  for (let index = 0; index < random.int(1, 15); index += 1) {
    const pin = random.chance(0.1) ? { pinnedHostId: random.pick(hosts).id } : {};
    requests.push(request(`new${index}`, random.int(1, 24) * 128, { vcpus: random.int(1, 8), ...pin }));
  }
  const ids = [...existing.map((placement) => placement.vmId ?? ''), ...requests.map((entry) => entry.vmId ?? '')];
  return {
    snapshot: snapshot({
      policy: random.pick(['evenly_distributed', 'power_saving', 'none'] as const),
      overcommit: random.pick([100, 120, 150, 200]),
      hosts,
      placements: existing,
      groups: randomGroups(random, [...new Set(ids)], hosts),
    }),
    requests,
  };
}

function usedByHost(placements: readonly SchedulingPlacement[]): Map<string, number> {
  const used = new Map<string, number>();
  for (const placement of placements) used.set(placement.hostId, (used.get(placement.hostId) ?? 0) + placement.memoryMib);
  return used;
}

function schedulable(entry: SchedulingHost): boolean {
  return !entry.maintenance && entry.reachable && entry.memoryMib !== null;
}

function checkBatchInvariants(scenario: Scenario, plan: BatchPlan): void {
  const { snapshot: before, requests } = scenario;
  const hosts = new Map(before.hosts.map((entry) => [entry.id, entry]));
  const capacity = (id: string): number => schedulableMib(hosts.get(id) as SchedulingHost, before.cluster.memoryOvercommitPercent);

  const outcomes = [...plan.placements.map((entry) => entry.name), ...plan.failures.map((entry) => entry.name)].sort();
  expect(outcomes).toEqual(requests.map((entry) => entry.name).sort());

  const usedAfter = usedByHost(plan.snapshot.placements);
  const usedBefore = usedByHost(before.placements);
  const receiving = new Set(plan.placements.map((entry) => entry.hostId));
  for (const id of hosts.keys()) {
    // Never overfill: a host that took a VM of the batch is within capacity; the others did not grow.
    if (receiving.has(id)) expect(usedAfter.get(id) ?? 0).toBeLessThanOrEqual(capacity(id));
    else expect(usedAfter.get(id) ?? 0).toBeLessThanOrEqual(usedBefore.get(id) ?? 0);
  }
  for (const placement of plan.placements) {
    expect(schedulable(hosts.get(placement.hostId) as SchedulingHost)).toBe(true);
    const asked = requests.find((entry) => entry.name === placement.name) as PlacementRequest;
    if (asked.pinnedHostId !== undefined) expect(placement.hostId).toBe(asked.pinnedHostId);
  }

  const enforcedVms = new Set(before.affinityGroups.filter((entry) => entry.enforcing).flatMap((entry) => entry.vmIds));
  for (const failure of plan.failures) {
    const asked = requests.find((entry) => entry.name === failure.name) as PlacementRequest;
    if (asked.pinnedHostId !== undefined || asked.currentHostId !== undefined || enforcedVms.has(vmId(asked.name))) continue;
    // Memory only shrinks during a batch: a VM refused then still fits on no usable host at the end.
    for (const entry of before.hosts.filter(schedulable)) {
      expect(capacity(entry.id) - (usedAfter.get(entry.id) ?? 0)).toBeLessThan(asked.memoryMib);
    }
  }

  const batchPlaced = new Set(plan.placements.map((entry) => entry.vmId));
  const hostOfVm = new Map(plan.snapshot.placements.map((entry) => [entry.vmId, entry.hostId]));
  for (const rule of before.affinityGroups.filter((entry) => entry.enforcing)) {
    const members = rule.vmIds.filter((id) => hostOfVm.has(id));
    for (const member of members.filter((id) => batchPlaced.has(id))) {
      const where = hostOfVm.get(member) as string;
      if (rule.positive && rule.hostIds.length > 0) expect(rule.hostIds).toContain(where);
      if (!rule.positive) expect(rule.hostIds).not.toContain(where);
      for (const other of members.filter((id) => id !== member)) {
        if (rule.positive) expect(hostOfVm.get(other), `${rule.name}: ${member} with ${other}`).toBe(where);
        else expect(hostOfVm.get(other), `${rule.name}: ${member} apart from ${other}`).not.toBe(where);
      }
    }
  }
}

describe('planBatch and planDrain on seeded random clusters', () => {
  const SCENARIOS = 400;

  it(`never overfill a host, honour hard rules, and depend only on the set of inputs (${SCENARIOS} clusters)`, () => {
    const random = seededRandom(0x5eed);
    let placed = 0;
    let failed = 0;
    for (let index = 0; index < SCENARIOS; index += 1) {
      const scenario = randomScenario(random);
      const plan = planBatch(scenario.requests, scenario.snapshot);
      checkBatchInvariants(scenario, plan);
      const again = planBatch(random.shuffle(scenario.requests), shuffled(scenario.snapshot, random));
      expect(again.placements).toEqual(plan.placements);
      expect(again.failures).toEqual(plan.failures);
      placed += plan.placements.length;
      failed += plan.failures.length;
    }
    // The generator must exercise both outcomes, or the invariants above prove little.
    expect(placed).toBeGreaterThan(SCENARIOS);
    expect(failed).toBeGreaterThan(SCENARIOS / 10);
  });

  it(`drain every host of random clusters all or nothing, within capacity (${SCENARIOS} clusters)`, () => {
    const random = seededRandom(0xd7a1);
    let succeeded = 0;
    let refused = 0;
    for (let index = 0; index < SCENARIOS; index += 1) {
      const { snapshot: before } = randomScenario(random);
      const target = random.pick(before.hosts);
      const leaving = before.placements.filter((placement) => placement.hostId === target.id);
      const result = planDrain(target.id, before);
      expect(planDrain(target.id, shuffled(before, random))).toEqual(result.ok ? { ...result, snapshot: expect.anything() } : result);
      if (!result.ok) {
        refused += 1;
        expect(result.stranded.length).toBeGreaterThan(0);
        for (const failure of result.stranded) expect(leaving.map((placement) => placement.name)).toContain(failure.name);
        continue;
      }
      succeeded += 1;
      expect(result.moves.map((move) => move.name).sort()).toEqual(leaving.map((placement) => placement.name).sort());
      const usedAfter = usedByHost(result.snapshot.placements);
      expect(usedAfter.get(target.id) ?? 0).toBe(0);
      for (const move of result.moves) {
        const destination = before.hosts.find((entry) => entry.id === move.toHostId) as SchedulingHost;
        expect(schedulable(destination)).toBe(true);
        expect(destination.id).not.toBe(target.id);
        expect(usedAfter.get(destination.id) ?? 0).toBeLessThanOrEqual(schedulableMib(destination, before.cluster.memoryOvercommitPercent));
      }
    }
    expect(succeeded).toBeGreaterThan(SCENARIOS / 4);
    expect(refused).toBeGreaterThan(SCENARIOS / 20);
  });
});

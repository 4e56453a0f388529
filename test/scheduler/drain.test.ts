/** planDrain: where each VM of a host entering maintenance migrates, all or nothing. */
import { describe, expect, it } from 'vitest';
import { hostUsage, planDrain, type DrainPlan, type DrainResult, type SchedulingSnapshot } from '../../lib/scheduler/index.js';
import { group, host, hostId, shuffled, snapshot, vm } from './support/builders.js';
import { seededRandom } from './support/prng.js';

function drained(result: DrainResult): DrainPlan {
  if (!result.ok) throw new Error(`expected a drain plan, got: ${result.message}`);
  return result;
}

function targets(plan: DrainPlan): Record<string, string> {
  return Object.fromEntries(plan.moves.map((move) => [move.name, move.toHostName]));
}

describe('planDrain', () => {
  it('moves every VM, each placement seeing the ones before it, biggest first', () => {
    const cluster = snapshot({
      hosts: [host('kvm1', 4096), host('kvm2', 1024), host('kvm3', 1024)],
      placements: [vm('a', 'kvm1', 512), vm('b', 'kvm1', 512), vm('c', 'kvm1', 768), vm('d', 'kvm1', 256, { status: 'reserved' })],
    });
    const plan = drained(planDrain(hostId('kvm1'), cluster));
    expect(plan.hostName).toBe('kvm1');
    expect(plan.moves.map((move) => move.name)).toEqual(['c', 'a', 'b', 'd']);
    // c (768) -> kvm2 (name breaks the tie); a -> kvm3 (1024 free beats 256); b only fits kvm3; d -> kvm2.
    expect(targets(plan)).toEqual({ c: 'kvm2', a: 'kvm3', b: 'kvm3', d: 'kvm2' });
    expect(plan.moves.find((move) => move.name === 'd')).toMatchObject({ status: 'reserved', fromHostId: hostId('kvm1') });

    const after = hostUsage(plan.snapshot);
    expect(after.map((usage) => [usage.hostName, usage.usedMib, usage.schedulable])).toEqual([
      ['kvm1', 0, false],
      ['kvm2', 1024, true],
      ['kvm3', 1024, true],
    ]);
  });

  it('is all or nothing: one VM that fits nowhere fails the drain and plans no move', () => {
    const cluster = snapshot({
      hosts: [host('kvm1', 4096), host('kvm2', 1024)],
      placements: [vm('small', 'kvm1', 256), vm('huge', 'kvm1', 2048)],
    });
    const result = planDrain(hostId('kvm1'), cluster);
    if (result.ok) throw new Error('expected a failure');
    expect(result).not.toHaveProperty('moves');
    expect(result.stranded.map((failure) => failure.name)).toEqual(['huge']);
    expect(result.message).toBe(
      'cannot drain host kvm1 of cluster "main": 1 of 2 VMs fit on no other host (nothing was planned to move):\n' +
        '- no host in cluster "main" can take VM "huge" (2048 MiB): kvm1 is in maintenance, kvm2 has 1024 MiB free; 1024 MiB short',
    );
  });

  it('lists every VM that fits nowhere, not just the first', () => {
    const cluster = snapshot({
      hosts: [host('kvm1', 4096), host('kvm2', 1024)],
      placements: [vm('a', 'kvm1', 768), vm('b', 'kvm1', 768), vm('c', 'kvm1', 768)],
    });
    const result = planDrain(hostId('kvm1'), cluster);
    if (result.ok) throw new Error('expected a failure');
    expect(result.stranded.map((failure) => failure.name)).toEqual(['b', 'c']);
    expect(result.message).toContain('2 of 3 VMs');
    expect(result.stranded[0]?.message).toContain('kvm2 has 256 MiB free; 512 MiB short');
  });

  it('moves VMs an enforcing positive group ties together as one unit, to a host that takes them all', () => {
    // Alone, "a" would go to the tightest fit (kvm2) where "b" cannot follow; together they go to kvm3.
    const cluster = snapshot({
      policy: 'power_saving',
      hosts: [host('kvm1', 4096), host('kvm2', 1024), host('kvm3', 2048)],
      placements: [vm('a', 'kvm1', 600), vm('b', 'kvm1', 600), vm('x', 'kvm2', 324), vm('y', 'kvm3', 748)],
      groups: [group('pair', { positive: true, enforcing: true, vms: ['a', 'b'] })],
    });
    const plan = drained(planDrain(hostId('kvm1'), cluster));
    expect(targets(plan)).toEqual({ a: 'kvm3', b: 'kvm3' });
  });

  it('follows group members already on other hosts, and keeps enforcing negative groups apart', () => {
    const cluster = snapshot({
      // Without the groups both would go to kvm3, the roomiest host.
      hosts: [host('kvm1', 4096), host('kvm2', 2048), host('kvm3', 8192), host('kvm4', 4096)],
      placements: [vm('app', 'kvm2', 256), vm('cache', 'kvm1', 256), vm('db1', 'kvm1', 512), vm('db2', 'kvm3', 512)],
      groups: [
        group('with-app', { positive: true, enforcing: true, vms: ['app', 'cache'] }),
        group('spread', { positive: false, enforcing: true, vms: ['db1', 'db2'] }),
      ],
    });
    const plan = drained(planDrain(hostId('kvm1'), cluster));
    expect(targets(plan)).toEqual({ cache: 'kvm2', db1: 'kvm4' });
  });

  it('drains an empty host with no moves, and refuses a host outside the cluster', () => {
    const cluster = snapshot({ hosts: [host('kvm1', 1024), host('kvm2', 1024)], placements: [vm('a', 'kvm2', 256)] });
    expect(drained(planDrain(hostId('kvm1'), cluster)).moves).toEqual([]);
    const unknown = planDrain('host-nowhere', cluster);
    expect(unknown).toMatchObject({ ok: false, hostName: null, stranded: [] });
    expect(unknown.ok ? '' : unknown.message).toBe('cannot drain host host-nowhere: it is not a host of cluster "main"');
  });

  it('gives the same plan for every order of the same snapshot', () => {
    const random = seededRandom(7);
    const base: SchedulingSnapshot = snapshot({
      hosts: [host('kvm1', 8192), host('kvm2', 2048), host('kvm3', 2048), host('kvm4', 3072)],
      placements: ['a', 'b', 'c', 'd', 'e', 'f'].map((name, index) => vm(name, 'kvm1', 256 * ((index % 3) + 1))),
      groups: [group('pair', { positive: true, enforcing: true, vms: ['a', 'd'] }), group('apart', { positive: false, enforcing: false, vms: ['b', 'e'] })],
    });
    const expected = drained(planDrain(hostId('kvm1'), base));
    for (let round = 0; round < 10; round += 1) {
      const plan = drained(planDrain(hostId('kvm1'), shuffled(base, random)));
      expect(plan.moves).toEqual(expected.moves);
    }
  });
});

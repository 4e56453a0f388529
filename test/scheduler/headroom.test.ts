/** N+1 headroom on synthetic clusters: would the VMs of any one failed host fit on the others? */
import { describe, expect, it } from 'vitest';
import { nPlusOneHeadroom } from '../../lib/scheduler/index.js';
import { group, host, snapshot, vm } from './support/builders.js';

describe('nPlusOneHeadroom', () => {
  it('is ok when every host could be lost: its VMs fit on the others', () => {
    const headroom = nPlusOneHeadroom(
      snapshot({
        hosts: [host('kvm1', 4096), host('kvm2', 4096), host('kvm3', 4096)],
        placements: [vm('a', 'kvm1', 2048), vm('b', 'kvm2', 2048), vm('c', 'kvm3', 1024)],
      }),
    );
    expect(headroom.ok).toBe(true);
    expect(headroom.failures.map((failure) => [failure.hostName, failure.vmCount, failure.memoryMib, failure.stranded.length])).toEqual([
      ['kvm1', 1, 2048, 0],
      ['kvm2', 1, 2048, 0],
      ['kvm3', 1, 1024, 0],
    ]);
    expect(headroom.failures[0]?.moves).toEqual([{ name: 'a', toHostName: 'kvm3' }]);
  });

  it('names the VMs a failed host would strand, and why', () => {
    const headroom = nPlusOneHeadroom(
      snapshot({
        hosts: [host('kvm1', 4096), host('kvm2', 4096)],
        placements: [vm('a', 'kvm1', 3000), vm('b', 'kvm1', 512), vm('c', 'kvm2', 2048)],
      }),
    );
    expect(headroom.ok).toBe(false);
    const kvm1 = headroom.failures.find((failure) => failure.hostName === 'kvm1')!;
    expect(kvm1.stranded.map((vm) => vm.name)).toEqual(['a']);
    expect(kvm1.stranded[0]?.reason).toBe('kvm2 has 2048 MiB free');
    // kvm2's c (2048) fits in kvm1's 584 MiB left? No: 4096 - 3512 = 584.
    expect(headroom.failures.find((failure) => failure.hostName === 'kvm2')!.stranded.map((vm) => vm.name)).toEqual(['c']);
  });

  it('counts the cluster overcommit, skips hosts in maintenance, and honours enforcing anti-affinity', () => {
    const cluster = snapshot({
      overcommit: 200,
      hosts: [host('kvm1', 2048), host('kvm2', 2048), host('kvm3', 2048, { maintenance: true })],
      placements: [vm('a', 'kvm1', 3000), vm('b', 'kvm2', 1000), vm('c', 'kvm2', 100)],
      groups: [group('apart', { positive: false, enforcing: true, vms: ['a', 'c'] })],
    });
    const headroom = nPlusOneHeadroom(cluster);
    expect(headroom.failures.map((failure) => failure.hostName)).toEqual(['kvm1', 'kvm2']);
    // kvm2 lost: b fits on kvm1 (4096 - 3000 = 1096), c may not join a.
    const kvm2 = headroom.failures.find((failure) => failure.hostName === 'kvm2')!;
    expect(kvm2.stranded.map((vm) => vm.name)).toEqual(['c']);
    expect(kvm2.stranded[0]?.reason).toBe(
      'kvm1 is excluded by enforcing negative affinity group "apart" (it runs a) and has 96 MiB free, kvm3 is in maintenance',
    );
    // kvm1 lost: a has the memory on kvm2 (4096 - 1100 with overcommit) but may not join c there.
    const kvm1 = headroom.failures.find((failure) => failure.hostName === 'kvm1')!;
    expect(kvm1.stranded.map((vm) => vm.name)).toEqual(['a']);
    expect(kvm1.stranded[0]?.reason).toBe(
      'kvm2 is excluded by enforcing negative affinity group "apart" (it runs c) and has 2996 MiB free, kvm3 is in maintenance',
    );
    expect(headroom.ok).toBe(false);
  });
});

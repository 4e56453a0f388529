/** placeSpread: the plan-time placement of one new VM, the same in every process, spreading a batch without coordination. */
import { describe, expect, it } from 'vitest';
import { placeSpread, type PlacementFailure, type SpreadPlacement } from '../../lib/scheduler/index.js';
import { group, host, hostId, request, shuffled, snapshot, vm } from './support/builders.js';
import { seededRandom } from './support/prng.js';

function placedOk(result: SpreadPlacement | PlacementFailure): SpreadPlacement {
  if (!result.ok) throw new Error(`expected a placement, got: ${result.message}`);
  return result;
}

describe('placeSpread', () => {
  it('gives the same host for the same VM and cluster, whatever the order of the snapshot', () => {
    const cluster = snapshot({
      hosts: [host('kvm1', 24_000), host('kvm2', 24_000), host('kvm3', 24_000)],
      placements: [vm('a', 'kvm1', 512), vm('b', 'kvm2', 256)],
    });
    const random = seededRandom(7);
    for (let index = 0; index < 40; index++) {
      const name = `new${index}`;
      const first = placedOk(placeSpread(request(name, 64), cluster));
      for (let round = 0; round < 5; round++) expect(placedOk(placeSpread(request(name, 64), shuffled(cluster, random))).hostId).toBe(first.hostId);
    }
  });

  it('spreads new VMs planned one by one over hosts of about the same free memory, without seeing each other', () => {
    const cluster = snapshot({ hosts: [host('kvm1', 24_000), host('kvm2', 23_800)] });
    const counts = new Map<string, number>();
    for (let index = 0; index < 200; index++) {
      const result = placedOk(placeSpread(request(`vm${index}`, 32), cluster));
      counts.set(result.hostName, (counts.get(result.hostName) ?? 0) + 1);
    }
    // A coin per VM: both hosts get a fair share (a 200-VM batch never lands on one host).
    expect(counts.get('kvm1')).toBeGreaterThan(70);
    expect(counts.get('kvm2')).toBeGreaterThan(70);
  });

  it('sends every VM to the host with clearly more memory free (evenly_distributed)', () => {
    const cluster = snapshot({ hosts: [host('kvm1', 24_000), host('kvm2', 24_000)], placements: [vm('big', 'kvm1', 8_000)] });
    for (let index = 0; index < 50; index++) expect(placedOk(placeSpread(request(`vm${index}`, 64), cluster)).hostName).toBe('kvm2');
    const one = placedOk(placeSpread(request('web', 64), cluster));
    expect(one.reason).toBe('web -> kvm2: evenly_distributed, 23.4 GiB free against 15.6 on kvm1');
  });

  it('says why in one line: the hosts alike, the anti-affinity that applied, the hosts refused', () => {
    const cluster = snapshot({
      hosts: [host('kvm1', 22_630), host('kvm2', 22_630), host('kvm3', 22_630), host('kvm4', 22_630, { maintenance: true })],
      placements: [vm('db', 'kvm1', 200), vm('cache', 'kvm3', 22_600)],
      groups: [group('apart', { positive: false, enforcing: true, vms: ['web', 'db'] })],
    });
    const result = placedOk(placeSpread(request('web', 64), cluster));
    expect(result.hostName).toBe('kvm2');
    expect(result.reason).toBe(
      'web -> kvm2: evenly_distributed, 22.1 GiB free; kept apart from db by anti-affinity (group "apart"); kvm3 only 30 MiB free; kvm4 in maintenance',
    );
    expect(result.candidates.map((candidate) => candidate.hostName)).toEqual(['kvm2']);
  });

  it('keeps power_saving on hosts already running VMs, and uses an empty one only when they are full', () => {
    const cluster = snapshot({
      policy: 'power_saving',
      hosts: [host('kvm1', 4096), host('kvm2', 4096), host('kvm3', 4096)],
      placements: [vm('a', 'kvm1', 1024), vm('b', 'kvm2', 3900)],
    });
    for (let index = 0; index < 30; index++) {
      const small = placedOk(placeSpread(request(`s${index}`, 64), cluster));
      expect(['kvm1', 'kvm2']).toContain(small.hostName);
    }
    expect(placedOk(placeSpread(request('wide', 3500), cluster)).hostName).toBe('kvm3');
  });

  it('keeps a pinned VM on its host and fails, saying why, when that host cannot take it', () => {
    const cluster = snapshot({ hosts: [host('kvm1', 1024), host('kvm2', 1024)], placements: [vm('a', 'kvm1', 1000)] });
    expect(placedOk(placeSpread(request('p', 16, { pinnedHostId: hostId('kvm2') }), cluster)).reason).toBe('p -> kvm2: pinned by host_id, 1.0 GiB free');
    const refused = placeSpread(request('q', 64, { pinnedHostId: hostId('kvm1') }), cluster);
    expect(refused.ok).toBe(false);
    expect((refused as PlacementFailure).message).toMatch(/pinned to host kvm1/);
  });

  it('fails like placeVm when no host can take the VM', () => {
    const cluster = snapshot({ hosts: [host('kvm1', 512), host('kvm2', 512)] });
    const refused = placeSpread(request('huge', 1024), cluster);
    expect(refused.ok).toBe(false);
    expect((refused as PlacementFailure).shortMib).toBe(512);
  });
});

/** placeVm, the pure core: every rule as a row of a table, then determinism over shuffled inputs. */
import { describe, expect, it } from 'vitest';
import {
  placeVm,
  SchedulerInputError,
  type Placement,
  type PlacementFailure,
  type PlacementRequest,
  type PlacementResult,
  type SchedulingSnapshot,
} from '../../lib/scheduler/index.js';
import { group, host, hostId, request, shuffled, snapshot, vm } from './support/builders.js';
import { seededRandom } from './support/prng.js';

interface Case {
  readonly title: string;
  readonly snapshot: SchedulingSnapshot;
  readonly request: PlacementRequest;
  /** The host it must land on, or the failure it must produce. */
  readonly host?: string;
  readonly fails?: { readonly code: PlacementFailure['code']; readonly message: string | RegExp; readonly shortMib?: number | null };
  readonly check?: (result: PlacementResult) => void;
}

function placedOn(result: PlacementResult): Placement {
  if (!result.ok) throw new Error(`expected a placement, got: ${result.message}`);
  return result;
}

const POLICY_CASES: readonly Case[] = [
  {
    title: 'evenly_distributed: the host with the most memory left after placement',
    snapshot: snapshot({
      hosts: [host('kvm1', 4096), host('kvm2', 4096), host('kvm3', 2048)],
      placements: [vm('a', 'kvm1', 2048), vm('b', 'kvm2', 1024)],
    }),
    request: request('web', 512),
    host: 'kvm2',
    check: (result) => expect(placedOn(result)).toMatchObject({ decision: 'scheduled', policy: 'evenly_distributed', freeAfterMib: 2560 }),
  },
  {
    title: 'evenly_distributed: equal memory left, then the fewest VMs',
    snapshot: snapshot({
      hosts: [host('kvm1', 4096), host('kvm2', 4096)],
      placements: [vm('a', 'kvm1', 512), vm('b', 'kvm1', 512), vm('c', 'kvm2', 1024)],
    }),
    request: request('web', 512),
    host: 'kvm2',
  },
  {
    title: 'evenly_distributed: equal memory and VM count, then the lighter vCPU load per CPU',
    snapshot: snapshot({
      hosts: [host('kvm1', 4096, { cpus: 2 }), host('kvm2', 4096, { cpus: 8 })],
      placements: [vm('a', 'kvm1', 512, { vcpus: 2 }), vm('b', 'kvm2', 512, { vcpus: 4 })],
    }),
    request: request('web', 512, { vcpus: 2 }),
    host: 'kvm2',
  },
  {
    title: 'evenly_distributed: a full tie goes to the first host by name',
    snapshot: snapshot({ hosts: [host('kvm-b', 2048), host('kvm-a', 2048), host('kvm-c', 2048)] }),
    request: request('web', 512),
    host: 'kvm-a',
  },
  {
    title: 'power_saving: the most loaded host that still fits',
    snapshot: snapshot({
      policy: 'power_saving',
      hosts: [host('kvm1', 4096), host('kvm2', 4096), host('kvm3', 1024)],
      placements: [vm('a', 'kvm1', 3000), vm('b', 'kvm2', 1000)],
    }),
    request: request('web', 512),
    host: 'kvm1',
    check: (result) => expect(placedOn(result).freeAfterMib).toBe(584),
  },
  {
    title: 'power_saving: a busy host before a tighter empty one (the empty one can stay off)',
    snapshot: snapshot({
      policy: 'power_saving',
      hosts: [host('kvm-big', 8192), host('kvm-small', 1024)],
      placements: [vm('a', 'kvm-big', 1024)],
    }),
    request: request('web', 512),
    host: 'kvm-big',
  },
  {
    title: 'power_saving: skips a loaded host the VM does not fit on',
    snapshot: snapshot({
      policy: 'power_saving',
      hosts: [host('kvm1', 4096), host('kvm2', 4096), host('kvm3', 4096)],
      placements: [vm('a', 'kvm1', 3800), vm('b', 'kvm2', 1000)],
    }),
    request: request('web', 512),
    host: 'kvm2',
  },
  {
    title: 'power_saving: with every host empty, the tightest fit',
    snapshot: snapshot({ policy: 'power_saving', hosts: [host('kvm-a', 4096), host('kvm-b', 2048)] }),
    request: request('web', 512),
    host: 'kvm-b',
  },
  {
    title: 'none: the first host by name that fits, not the emptiest',
    snapshot: snapshot({
      policy: 'none',
      hosts: [host('kvm3', 8192), host('kvm2', 2048), host('kvm1', 1024)],
      placements: [vm('a', 'kvm1', 1000)],
    }),
    request: request('web', 512),
    host: 'kvm2',
  },
];

const CAPACITY_CASES: readonly Case[] = [
  {
    title: 'overcommit 100: a VM the size of the free memory fits exactly',
    snapshot: snapshot({ hosts: [host('kvm1', 1024)] }),
    request: request('web', 1024),
    host: 'kvm1',
    check: (result) => expect(placedOn(result).freeAfterMib).toBe(0),
  },
  {
    title: 'overcommit 100: one MiB more does not',
    snapshot: snapshot({ hosts: [host('kvm1', 1024)] }),
    request: request('web', 1025),
    fails: { code: 'no_host', message: 'no host in cluster "main" can take VM "web" (1025 MiB): kvm1 has 1024 MiB free; 1 MiB short', shortMib: 1 },
  },
  {
    title: 'overcommit 150: a 1024 MiB host takes 1536 MiB of VMs',
    snapshot: snapshot({ overcommit: 150, hosts: [host('kvm1', 1024)], placements: [vm('a', 'kvm1', 1024)] }),
    request: request('web', 512),
    host: 'kvm1',
    check: (result) => expect(placedOn(result).freeAfterMib).toBe(0),
  },
  {
    title: 'overcommit 150: and not a MiB more',
    snapshot: snapshot({ overcommit: 150, hosts: [host('kvm1', 1024)], placements: [vm('a', 'kvm1', 1024)] }),
    request: request('web', 513),
    fails: { code: 'no_host', message: /kvm1 has 512 MiB free; 1 MiB short$/, shortMib: 1 },
  },
  {
    title: 'overcommit rounds down like the inventory (1001 MiB x 150% = 1501 MiB)',
    snapshot: snapshot({ overcommit: 150, hosts: [host('kvm1', 1001)] }),
    request: request('web', 1502),
    fails: { code: 'no_host', message: /kvm1 has 1501 MiB free; 1 MiB short$/, shortMib: 1 },
  },
  {
    title: 'reservations count like placed VMs',
    snapshot: snapshot({
      hosts: [host('kvm1', 2048), host('kvm2', 2048)],
      placements: [vm('a', 'kvm1', 512), vm('pending', 'kvm2', 1024, { status: 'reserved' })],
    }),
    request: request('web', 256),
    host: 'kvm1',
  },
  {
    title: 'vCPUs never refuse a host (CPU overcommit is allowed)',
    snapshot: snapshot({ hosts: [host('kvm1', 2048, { cpus: 2 })], placements: [vm('a', 'kvm1', 256, { vcpus: 8 })] }),
    request: request('web', 256, { vcpus: 16 }),
    host: 'kvm1',
  },
  {
    title: 'a host in maintenance is out, however empty',
    snapshot: snapshot({ hosts: [host('kvm1', 8192, { maintenance: true }), host('kvm2', 1024)] }),
    request: request('web', 512),
    host: 'kvm2',
  },
  {
    title: 'an unreachable host is out',
    snapshot: snapshot({ hosts: [host('kvm1', 8192, { reachable: false }), host('kvm2', 1024)] }),
    request: request('web', 512),
    host: 'kvm2',
  },
  {
    title: 'a host whose memory was never collected is out',
    snapshot: snapshot({ hosts: [host('kvm1', null), host('kvm2', 1024)] }),
    request: request('web', 512),
    host: 'kvm2',
  },
];

const PIN_AND_CURRENT_CASES: readonly Case[] = [
  {
    title: 'a pinned host is used even when the policy prefers another',
    snapshot: snapshot({ hosts: [host('kvm1', 8192), host('kvm2', 1024)] }),
    request: request('web', 512, { pinnedHostId: hostId('kvm2') }),
    host: 'kvm2',
    check: (result) => expect(placedOn(result).decision).toBe('pinned'),
  },
  {
    title: 'a pinned host in maintenance is a failure that says so',
    snapshot: snapshot({ hosts: [host('kvm1', 8192), host('kvm2', 1024, { maintenance: true })] }),
    request: request('web', 512, { pinnedHostId: hostId('kvm2') }),
    fails: {
      code: 'pinned_host_unusable',
      message: 'VM "web" (512 MiB) is pinned to host kvm2 in cluster "main", which cannot take it: kvm2 is in maintenance',
      shortMib: null,
    },
  },
  {
    title: 'a pinned host that is too full is a failure with the shortfall',
    snapshot: snapshot({ hosts: [host('kvm1', 8192), host('kvm2', 1024)], placements: [vm('a', 'kvm2', 512)] }),
    request: request('web', 1024, { pinnedHostId: hostId('kvm2') }),
    fails: {
      code: 'pinned_host_unusable',
      message: 'VM "web" (1024 MiB) is pinned to host kvm2 in cluster "main", which cannot take it: kvm2 has 512 MiB free; 512 MiB short',
      shortMib: 512,
    },
  },
  {
    title: 'a pinned host outside the cluster is a failure',
    snapshot: snapshot({ hosts: [host('kvm1', 8192)] }),
    request: request('web', 512, { pinnedHostId: 'host-elsewhere' }),
    fails: { code: 'unknown_host', message: 'VM "web" (512 MiB) is pinned to host host-elsewhere, which is not a host of cluster "main"' },
  },
  {
    title: 'a pinned host that an enforcing affinity group forbids is a failure naming the group',
    snapshot: snapshot({
      hosts: [host('kvm1', 8192), host('kvm2', 8192)],
      placements: [vm('db1', 'kvm2', 512)],
      groups: [group('spread', { positive: false, enforcing: true, vms: ['db1', 'db2'] })],
    }),
    request: request('db2', 512, { pinnedHostId: hostId('kvm2') }),
    fails: { code: 'pinned_host_unusable', message: /kvm2 is excluded by enforcing negative affinity group "spread" \(it runs db1\)$/ },
  },
  {
    title: 'a running VM stays on its host although the policy prefers another',
    snapshot: snapshot({ hosts: [host('kvm1', 2048), host('kvm2', 8192)], placements: [vm('web', 'kvm1', 1024), vm('a', 'kvm1', 512)] }),
    request: request('web', 1024, { currentHostId: hostId('kvm1') }),
    host: 'kvm1',
    check: (result) => expect(placedOn(result)).toMatchObject({ decision: 'stays', freeAfterMib: 512 }),
  },
  {
    title: 'a running VM that grows is judged without its own memory, and stays while it fits',
    snapshot: snapshot({ hosts: [host('kvm1', 1024), host('kvm2', 8192)], placements: [vm('web', 'kvm1', 512)] }),
    request: request('web', 1024, { currentHostId: hostId('kvm1') }),
    host: 'kvm1',
  },
  {
    title: 'a running VM that outgrows its host moves, and says why',
    snapshot: snapshot({ hosts: [host('kvm1', 1024), host('kvm2', 8192)], placements: [vm('web', 'kvm1', 512)] }),
    request: request('web', 1536, { currentHostId: hostId('kvm1') }),
    host: 'kvm2',
    check: (result) => expect(placedOn(result)).toMatchObject({ decision: 'scheduled', movedBecause: 'its host kvm1 has 1024 MiB free' }),
  },
  {
    title: 'a running VM on a host in maintenance moves',
    snapshot: snapshot({ hosts: [host('kvm1', 8192, { maintenance: true }), host('kvm2', 2048)], placements: [vm('web', 'kvm1', 512)] }),
    request: request('web', 512, { currentHostId: hostId('kvm1') }),
    host: 'kvm2',
    check: (result) => expect(placedOn(result).movedBecause).toBe('its host kvm1 is in maintenance'),
  },
  {
    title: 'a running VM whose host breaks an enforcing affinity group moves',
    snapshot: snapshot({
      hosts: [host('kvm1', 8192), host('kvm2', 2048)],
      placements: [vm('db1', 'kvm1', 512), vm('db2', 'kvm1', 512)],
      groups: [group('spread', { positive: false, enforcing: true, vms: ['db1', 'db2'] })],
    }),
    request: request('db2', 512, { currentHostId: hostId('kvm1') }),
    host: 'kvm2',
    check: (result) => expect(placedOn(result).movedBecause).toBe('its host kvm1 is excluded by enforcing negative affinity group "spread" (it runs db1)'),
  },
];

const AFFINITY_CASES: readonly Case[] = [
  {
    title: 'enforcing positive: joins the group on its host although the policy prefers another',
    snapshot: snapshot({
      hosts: [host('kvm1', 2048), host('kvm2', 8192)],
      placements: [vm('app', 'kvm1', 1024)],
      groups: [group('together', { positive: true, enforcing: true, vms: ['app', 'cache'] })],
    }),
    request: request('cache', 512),
    host: 'kvm1',
  },
  {
    title: 'enforcing positive with hosts: must run on one of the listed hosts',
    snapshot: snapshot({
      hosts: [host('kvm1', 8192), host('kvm2', 1024), host('kvm3', 2048)],
      groups: [group('licensed', { positive: true, enforcing: true, vms: ['oracle'], hosts: ['kvm2', 'kvm3'] })],
    }),
    request: request('oracle', 512),
    host: 'kvm3',
  },
  {
    title: 'enforcing positive: when the group host is full, a failure naming the rule and the shortfall',
    snapshot: snapshot({
      hosts: [host('kvm1', 1024), host('kvm2', 8192)],
      placements: [vm('app', 'kvm1', 768)],
      groups: [group('together', { positive: true, enforcing: true, vms: ['app', 'cache'] })],
    }),
    request: request('cache', 512),
    fails: {
      code: 'no_host',
      message:
        'no host in cluster "main" can take VM "cache" (512 MiB): kvm1 has 256 MiB free, ' +
        'kvm2 is excluded by enforcing positive affinity group "together" (the group\'s VMs run on kvm1 (app)); 256 MiB short',
      shortMib: 256,
    },
  },
  {
    title: 'enforcing negative: stays off the hosts of the other members',
    snapshot: snapshot({
      hosts: [host('kvm1', 8192), host('kvm2', 8192), host('kvm3', 1024)],
      placements: [vm('db1', 'kvm1', 512), vm('db2', 'kvm2', 512)],
      groups: [group('spread', { positive: false, enforcing: true, vms: ['db1', 'db2', 'db3'] })],
    }),
    request: request('db3', 512),
    host: 'kvm3',
  },
  {
    title: 'enforcing negative with hosts: stays off the listed hosts',
    snapshot: snapshot({
      hosts: [host('kvm1', 8192), host('kvm2', 1024)],
      groups: [group('not-there', { positive: false, enforcing: true, vms: ['web'], hosts: ['kvm1'] })],
    }),
    request: request('web', 512),
    host: 'kvm2',
  },
  {
    title: 'enforcing negative: every host taken is a failure naming the group on each host, and no shortfall',
    snapshot: snapshot({
      hosts: [host('kvm1', 8192), host('kvm2', 8192)],
      placements: [vm('db1', 'kvm1', 512), vm('db2', 'kvm2', 512)],
      groups: [group('spread', { positive: false, enforcing: true, vms: ['db1', 'db2', 'db3'] })],
    }),
    request: request('db3', 512),
    fails: {
      code: 'no_host',
      message:
        'no host in cluster "main" can take VM "db3" (512 MiB): kvm1 is excluded by enforcing negative affinity group "spread" (it runs db1), ' +
        'kvm2 is excluded by enforcing negative affinity group "spread" (it runs db2)',
      shortMib: null,
    },
  },
  {
    title: 'non-enforcing positive: prefers the group host over the policy choice',
    snapshot: snapshot({
      hosts: [host('kvm1', 2048), host('kvm2', 8192)],
      placements: [vm('app', 'kvm1', 1024)],
      groups: [group('near', { positive: true, enforcing: false, vms: ['app', 'cache'] })],
    }),
    request: request('cache', 512),
    host: 'kvm1',
    check: (result) => expect(placedOn(result).preferencesBroken).toEqual([]),
  },
  {
    title: 'non-enforcing positive: the group host is full, so the VM goes elsewhere rather than failing',
    snapshot: snapshot({
      hosts: [host('kvm1', 1024), host('kvm2', 8192)],
      placements: [vm('app', 'kvm1', 1024)],
      groups: [group('near', { positive: true, enforcing: false, vms: ['app', 'cache'] })],
    }),
    request: request('cache', 512),
    host: 'kvm2',
    check: (result) =>
      expect(placedOn(result).preferencesBroken).toEqual([
        'kvm2 breaks the preference of non-enforcing positive affinity group "near": the group\'s VMs run on kvm1 (app)',
      ]),
  },
  {
    title: 'non-enforcing negative: prefers a host without members over the policy choice',
    snapshot: snapshot({
      hosts: [host('kvm1', 8192), host('kvm2', 1024)],
      placements: [vm('db1', 'kvm1', 512)],
      groups: [group('apart', { positive: false, enforcing: false, vms: ['db1', 'db2'] })],
    }),
    request: request('db2', 512),
    host: 'kvm2',
  },
  {
    title: 'non-enforcing negative: shares a host when nothing else fits, with the broken preference noted',
    snapshot: snapshot({
      hosts: [host('kvm1', 8192), host('kvm2', 256)],
      placements: [vm('db1', 'kvm1', 512)],
      groups: [group('apart', { positive: false, enforcing: false, vms: ['db1', 'db2'] })],
    }),
    request: request('db2', 512),
    host: 'kvm1',
    check: (result) =>
      expect(placedOn(result).preferencesBroken).toEqual(['kvm1 breaks the preference of non-enforcing negative affinity group "apart": it runs db1']),
  },
  {
    title: 'non-enforcing: the host breaking fewer member preferences wins',
    snapshot: snapshot({
      hosts: [host('kvm1', 8192), host('kvm2', 4096)],
      placements: [vm('a', 'kvm1', 256), vm('b', 'kvm1', 256), vm('c', 'kvm2', 256)],
      groups: [group('apart', { positive: false, enforcing: false, vms: ['a', 'b', 'c', 'd'] })],
    }),
    request: request('d', 256),
    host: 'kvm2',
  },
  {
    title: 'a group that does not name the VM does not apply',
    snapshot: snapshot({
      hosts: [host('kvm1', 8192), host('kvm2', 1024)],
      placements: [vm('db1', 'kvm1', 512)],
      groups: [group('spread', { positive: false, enforcing: true, vms: ['db1', 'db2'] })],
    }),
    request: request('web', 512),
    host: 'kvm1',
  },
  {
    title: 'a VM without an id belongs to no group (groups name VMs by id)',
    snapshot: snapshot({
      hosts: [host('kvm1', 8192), host('kvm2', 1024)],
      placements: [vm('db1', 'kvm1', 512)],
      groups: [group('spread', { positive: false, enforcing: true, vms: ['db1', 'db2'] })],
    }),
    request: { name: 'db2', memoryMib: 512, vcpus: 1 },
    host: 'kvm1',
  },
];

const MESSAGE_CASES: readonly Case[] = [
  {
    title: 'names the cluster, the VM, each host and the shortfall',
    snapshot: snapshot({
      hosts: [host('kvm1', 2048), host('kvm2', 8192, { maintenance: true })],
      placements: [vm('web1', 'kvm1', 512)],
    }),
    request: request('web3', 2048),
    fails: {
      code: 'no_host',
      message: 'no host in cluster "main" can take VM "web3" (2048 MiB): kvm1 has 1536 MiB free, kvm2 is in maintenance; 512 MiB short',
      shortMib: 512,
    },
  },
  {
    title: 'the shortfall is measured on the host closest to fitting',
    snapshot: snapshot({ hosts: [host('kvm1', 1024), host('kvm2', 1536), host('kvm3', 512, { reachable: false })] }),
    request: request('big', 2048),
    fails: {
      code: 'no_host',
      message: 'no host in cluster "main" can take VM "big" (2048 MiB): kvm1 has 1024 MiB free, kvm2 has 1536 MiB free, kvm3 is unreachable; 512 MiB short',
      shortMib: 512,
    },
  },
  {
    title: 'an empty cluster says so',
    snapshot: snapshot({ hosts: [] }),
    request: request('web', 512),
    fails: { code: 'no_host', message: 'no host in cluster "main" can take VM "web" (512 MiB): the cluster has no hosts', shortMib: null },
  },
  {
    title: 'a host already over its capacity (VMs found by a refresh) says by how much',
    snapshot: snapshot({ hosts: [host('kvm1', 1024), host('kvm2', null)], placements: [vm('found', 'kvm1', 1224)] }),
    request: request('web', 64),
    fails: {
      code: 'no_host',
      message:
        'no host in cluster "main" can take VM "web" (64 MiB): kvm1 has no memory free (already 200 MiB over), ' +
        'kvm2 has no known memory (its facts were never collected); 264 MiB short',
      shortMib: 264,
    },
  },
  {
    title: 'a host refused for several reasons lists them all',
    snapshot: snapshot({
      hosts: [host('kvm1', 1024)],
      placements: [vm('db1', 'kvm1', 768)],
      groups: [group('spread', { positive: false, enforcing: true, vms: ['db1', 'db2'] })],
    }),
    request: request('db2', 512),
    fails: {
      code: 'no_host',
      message:
        'no host in cluster "main" can take VM "db2" (512 MiB): kvm1 is excluded by enforcing negative affinity group "spread" (it runs db1) and has 256 MiB free',
      shortMib: null,
    },
  },
];

const TIE_CASES: readonly Case[] = [
  {
    title: 'hosts with one name (should never happen) are told apart by id',
    snapshot: snapshot({ hosts: [host('kvm', 2048, { id: 'host-b' }), host('kvm', 2048, { id: 'host-a' })] }),
    request: request('web', 512),
    check: (result) => expect(placedOn(result).hostId).toBe('host-a'),
  },
];

const STORAGE_CASES: readonly Case[] = [
  {
    title: 'a VM with disks of a host-local storage domain goes to that host only, whatever the policy prefers',
    snapshot: snapshot({ hosts: [host('kvm1', 4096), host('kvm2', 8192), host('kvm3', 8192)], placements: [vm('a', 'kvm1', 2048)] }),
    request: request('web', 512, { allowedHostIds: [hostId('kvm1')], storageNote: 'storage domain local1 is local to kvm1' }),
    host: 'kvm1',
  },
  {
    title: "a pin to a host without the VM's disks is refused, saying where they are",
    snapshot: snapshot({ hosts: [host('kvm1', 4096), host('kvm2', 4096)] }),
    request: request('web', 512, { pinnedHostId: hostId('kvm2'), allowedHostIds: [hostId('kvm1')], storageNote: 'storage domain local1 is local to kvm1' }),
    fails: {
      code: 'pinned_host_unusable',
      message: /pinned to host kvm2 .*lacks the VM's disks \(storage domain local1 is local to kvm1\)/,
    },
  },
  {
    title: 'disks on two hosts: no host has them all',
    snapshot: snapshot({ hosts: [host('kvm1', 4096), host('kvm2', 4096)] }),
    request: request('web', 512, { allowedHostIds: [], storageNote: 'storage domain a is local to kvm1, storage domain b is local to kvm2' }),
    fails: { code: 'no_host', message: /kvm1 lacks the VM's disks .* kvm2 lacks the VM's disks/ },
  },
];

const ALL_CASES = [...POLICY_CASES, ...CAPACITY_CASES, ...PIN_AND_CURRENT_CASES, ...AFFINITY_CASES, ...MESSAGE_CASES, ...TIE_CASES, ...STORAGE_CASES];

function verify(testCase: Case, result: PlacementResult): void {
  if (testCase.host !== undefined) expect(placedOn(result).hostName).toBe(testCase.host);
  if (testCase.fails) {
    if (result.ok) throw new Error(`expected a failure, but it was placed on ${result.hostName}`);
    expect(result.code).toBe(testCase.fails.code);
    expect(result.clusterName).toBe('main');
    if (typeof testCase.fails.message === 'string') expect(result.message).toBe(testCase.fails.message);
    else expect(result.message).toMatch(testCase.fails.message);
    if (testCase.fails.shortMib !== undefined) expect(result.shortMib).toBe(testCase.fails.shortMib);
  }
  testCase.check?.(result);
}

describe('placeVm', () => {
  describe.each([
    ['policies', POLICY_CASES],
    ['capacity, overcommit and host state', CAPACITY_CASES],
    ['pinned and running VMs', PIN_AND_CURRENT_CASES],
    ['affinity', AFFINITY_CASES],
    ['failure messages', MESSAGE_CASES],
    ['ties', TIE_CASES],
  ] as const)('%s', (_, cases) => {
    it.each(cases.map((testCase) => [testCase.title, testCase] as const))('%s', (_title, testCase) => {
      verify(testCase, placeVm(testCase.request, testCase.snapshot));
    });
  });

  it('gives the same answer for every order of the same inputs', () => {
    const random = seededRandom(20240611);
    for (const testCase of ALL_CASES) {
      const expected = placeVm(testCase.request, testCase.snapshot);
      for (let round = 0; round < 8; round += 1) {
        const answer = placeVm(testCase.request, shuffled(testCase.snapshot, random));
        expect(answer, testCase.title).toEqual(expected);
      }
    }
  });

  it('every policy changes the answer somewhere (the policy is really consulted)', () => {
    const cluster = (policy: 'evenly_distributed' | 'power_saving' | 'none') =>
      snapshot({ policy, hosts: [host('kvm1', 4096), host('kvm2', 4096), host('kvm3', 8192)], placements: [vm('a', 'kvm2', 3072)] });
    const chosen = (['evenly_distributed', 'power_saving', 'none'] as const).map((policy) => placedOn(placeVm(request('web', 512), cluster(policy))).hostName);
    expect(chosen).toEqual(['kvm3', 'kvm2', 'kvm1']);
  });

  it('refuses malformed requests with a typed error', () => {
    const cluster = snapshot({ hosts: [host('kvm1', 1024)] });
    for (const bad of [request('web', 0), request('web', -5), request('web', 1.5), request('web', 64, { vcpus: 0 }), request(' ', 64)]) {
      expect(() => placeVm(bad, cluster)).toThrow(SchedulerInputError);
    }
    expect(() => placeVm(request('web', 64), { ...cluster, cluster: { ...cluster.cluster, memoryOvercommitPercent: 0 } })).toThrow(/overcommit/);
  });
});

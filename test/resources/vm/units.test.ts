/**
 * The parts of virtplane_vm that decide without a host: identity (UUIDs and MACs reproducible by the
 * apply process), device naming, state <-> domain model (the VM settings element's codec is the
 * libvirt backend's, tested with it), the restart decision the plan announces, affinity enforcement
 * moves, and validation of names and descriptions.
 */
import { describe, expect, it } from 'vitest';
import { buildDomainXml, parseDomainXml, parseVmSettings, type VmSettings } from '../../../lib/backends/libvirt/index.js';
import { validateConfig } from '../../../lib/framework/index.js';
import { planAffinityMoves } from '../../../lib/scheduler/affinityMoves.js';
import { assignDiskDevices, assignMacs } from '../../../lib/resources/vm/devices.js';
import { derivedMac, uuidV5, vmUuidCandidate } from '../../../lib/resources/vm/identity.js';
import { domainModelOf, isOwnedVm, vmStateFromDomain, type VmBuild } from '../../../lib/resources/vm/model.js';
import { isCandidateId, restartReasons } from '../../../lib/resources/vm/plan.js';
import { validateVmConfig, vmSchema, type VmPlanned, type VmState } from '../../../lib/resources/vm/schema.js';
import type { SchedulingSnapshot } from '../../../lib/scheduler/index.js';

const CLUSTER = '11111111-2222-4333-8444-555555555555';
const NETWORK = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const OTHER_NETWORK = 'aaaaaaaa-bbbb-4ccc-8ddd-ffffffffffff';

describe('VM identity', () => {
  it('computes RFC 4122 version 5 UUIDs', () => {
    // The RFC's DNS namespace and the classic example name.
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('gives a VM the same UUID in every process, different per cluster, name and attempt', () => {
    const first = vmUuidCandidate(CLUSTER, 'web1', 0);
    expect(vmUuidCandidate(CLUSTER, 'web1', 0)).toBe(first);
    expect(new Set([first, vmUuidCandidate(CLUSTER, 'web1', 1), vmUuidCandidate(CLUSTER, 'web2', 0), vmUuidCandidate(NETWORK, 'web1', 0)]).size).toBe(4);
    expect(isCandidateId(CLUSTER, 'web1', vmUuidCandidate(CLUSTER, 'web1', 3))).toBe(true);
    expect(isCandidateId(CLUSTER, 'web2', first)).toBe(false);
  });

  it("derives unicast MACs in QEMU's range", () => {
    const mac = derivedMac(vmUuidCandidate(CLUSTER, 'web1', 0), `${NETWORK}#0`);
    expect(mac).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    expect(derivedMac(vmUuidCandidate(CLUSTER, 'web1', 0), `${NETWORK}#0`)).toBe(mac);
    expect(derivedMac(vmUuidCandidate(CLUSTER, 'web1', 0), `${NETWORK}#1`)).not.toBe(mac);
  });
});

describe('device names and MACs', () => {
  it("keeps each disk's device while attached and gives new disks the first free name of their bus", () => {
    expect(
      assignDiskDevices(
        [
          { diskId: 'a', bus: 'virtio' },
          { diskId: 'b', bus: 'virtio' },
          { diskId: 'c', bus: 'sata' },
        ],
        [],
      ),
    ).toEqual(['vda', 'vdb', 'sda']);
    // a is detached: b keeps vdb (hot-unplug and detach match on it); the new disk takes the free vda.
    expect(
      assignDiskDevices(
        [
          { diskId: 'b', bus: 'virtio' },
          { diskId: 'd', bus: 'virtio' },
        ],
        [
          { diskId: 'a', bus: 'virtio', device: 'vda' },
          { diskId: 'b', bus: 'virtio', device: 'vdb' },
        ],
      ),
    ).toEqual(['vdb', 'vda']);
    // Another bus is another device.
    expect(assignDiskDevices([{ diskId: 'b', bus: 'scsi' }], [{ diskId: 'b', bus: 'virtio', device: 'vdb' }])).toEqual(['sda']);
    expect(() =>
      assignDiskDevices(
        Array.from({ length: 5 }, (_, index) => ({ diskId: `i${index}`, bus: 'ide' })),
        [],
      ),
    ).toThrow(/at most 4 ide disks/);
  });

  it('keeps MACs of NICs that stay, takes configured ones as given, derives unique new ones', () => {
    const vmId = vmUuidCandidate(CLUSTER, 'web1', 0);
    const [first, second] = assignMacs(
      vmId,
      [
        { networkId: NETWORK, configuredMac: null },
        { networkId: NETWORK, configuredMac: null },
      ],
      [],
    );
    expect(first).not.toBe(second);
    // The first NIC is removed: the remaining one keeps a MAC it had, it is not renumbered into a new one.
    expect(assignMacs(vmId, [{ networkId: NETWORK, configuredMac: null }], [{ networkId: NETWORK, mac: second! }])).toEqual([second]);
    expect(assignMacs(vmId, [{ networkId: OTHER_NETWORK, configuredMac: '52:54:00:AA:BB:CC' }], [])).toEqual(['52:54:00:aa:bb:cc']);
    const again = assignMacs(
      vmId,
      [
        { networkId: NETWORK, configuredMac: first! },
        { networkId: NETWORK, configuredMac: null },
      ],
      [],
    );
    expect(again[0]).toBe(first);
    expect(again[1]).not.toBe(first);
  });
});

const SETTINGS: VmSettings = {
  pinnedHostId: CLUSTER,
  highAvailability: true,
  shutdownTimeoutSeconds: 7,
  disks: [{ diskId: `${CLUSTER}/lun/3`, dev: 'vda' }],
  nics: [{ networkId: NETWORK, mac: '52:54:00:01:02:03' }],
  workspaceToken: null,
};

describe('state <-> domain', () => {
  const build: VmBuild = {
    id: vmUuidCandidate(CLUSTER, 'web1', 0),
    name: 'web1',
    clusterId: CLUSTER,
    datacenterName: 'Default',
    virtType: 'kvm',
    vcpus: 2,
    memoryMib: 48,
    description: 'line one\n\t<b>&"quoted"</b> $(id)',
    graphics: 'vnc',
    disks: [{ device: 'disk', format: 'raw', source: { kind: 'file', path: '/srv/x.img' }, target: { dev: 'vda', bus: 'virtio' } }],
    interfaces: [{ source: { kind: 'network', network: 'lan' }, mac: '52:54:00:01:02:03', model: 'virtio' }],
    settings: { ...SETTINGS, disks: [{ diskId: `${CLUSTER}/x.img`, dev: 'vda' }] },
  };

  it('writes a model libvirt accepts and reads the same state back', () => {
    // What defineVm sends for a new domain (writeDomainDefinition builds it the same way).
    const xml = buildDomainXml(domainModelOf(build), { vmSettings: build.settings, noNicOptionRoms: true });
    const parsed = parseDomainXml(xml);
    expect(isOwnedVm(parsed.model, build.id)).toBe(true);
    expect(isOwnedVm(parsed.model, vmUuidCandidate(CLUSTER, 'web2', 0))).toBe(false);
    const state = vmStateFromDomain({ uuid: build.id, model: parsed.model, state: 'running', settings: parseVmSettings(xml), hostId: 'host-1' });
    expect(state).toMatchObject({
      id: build.id,
      name: 'web1',
      cluster_id: CLUSTER,
      vcpus: 2,
      memory_mib: 48,
      host_id: CLUSTER,
      running: true,
      graphics: 'vnc',
      high_availability: true,
      description: build.description,
      shutdown_timeout_seconds: 7,
      current_host_id: 'host-1',
      state: 'running',
      macs: ['52:54:00:01:02:03'],
      disk: [{ disk_id: `${CLUSTER}/x.img`, bus: 'virtio', boot_order: null, device: 'vda' }],
      nic: [{ network_id: NETWORK, mac: '52:54:00:01:02:03', model: 'virtio' }],
    });
    // Room for vCPU hot-plug, never less than the running guest's maximum.
    expect(parsed.model.vcpu).toEqual({ current: 2, max: 4 });
    expect(domainModelOf({ ...build, vcpus: 1 }, { ...parsed.model, vcpu: { current: 2, max: 6 } }).vcpu).toEqual({ current: 1, max: 6 });
  });

  it('shows devices added outside virtplane as unmanaged (drift), never as a known disk or network', () => {
    const model = domainModelOf({ ...build, settings: { ...build.settings, disks: [], nics: [] } });
    const state = vmStateFromDomain({ uuid: build.id, model, state: 'shut off', settings: undefined, hostId: 'h' });
    expect(state.disk[0]?.disk_id).toBe('unmanaged:vda');
    expect(state.nic[0]?.network_id).toBe('unmanaged:lan');
    expect(state.running).toBe(false);
  });
});

describe('what the plan says about restarts', () => {
  const prior: VmState = {
    id: 'x',
    name: 'web1',
    cluster_id: CLUSTER,
    vcpus: 2,
    memory_mib: 64,
    host_id: null,
    running: true,
    graphics: 'none',
    high_availability: false,
    ha_priority: 0,
    description: '',
    shutdown_timeout_seconds: 60,
    current_host_id: 'h',
    state: 'running',
    macs: [],
    wait_for_ip: 0,
    ip_addresses: [],
    template_id: null,
    revert_to_snapshot: null,
    disk: [{ disk_id: 'd1', bus: 'virtio', boot_order: null, device: 'vda' }],
    nic: [{ network_id: NETWORK, mac: '52:54:00:01:02:03', model: 'virtio' }],
    cloud_init: [],
  };
  const planned = (changes: Partial<VmState>): VmPlanned => ({ ...prior, ...changes }) as VmPlanned;

  it('is live for more vCPUs within the hot-plug room, less memory, virtio disks and new NICs', () => {
    expect(
      restartReasons(prior, planned({ vcpus: 4, memory_mib: 32, disk: [...prior.disk, { disk_id: 'd2', bus: 'virtio', boot_order: null, device: 'vdb' }] }), 4),
    ).toEqual([]);
    expect(restartReasons(prior, planned({ nic: [...prior.nic, { network_id: NETWORK, mac: '52:54:00:01:02:04', model: 'e1000' }] }), 4)).toEqual([]);
  });

  it('restarts for fewer vCPUs, more than the room, more memory, graphics, a rename, sata disks, a NIC changing', () => {
    expect(restartReasons(prior, planned({ vcpus: 1 }), 4)).toEqual(['QEMU cannot unplug vCPUs']);
    expect(restartReasons(prior, planned({ vcpus: 8 }), 4)[0]).toMatch(/exceed the 4/);
    expect(restartReasons(prior, planned({ memory_mib: 128 }), 4)[0]).toMatch(/memory grows/);
    expect(restartReasons(prior, planned({ graphics: 'vnc' }), 4)[0]).toMatch(/graphics/);
    expect(restartReasons(prior, planned({ name: 'web9' }), 4)[0]).toMatch(/renames only a stopped domain/);
    expect(restartReasons(prior, planned({ disk: [...prior.disk, { disk_id: 'd2', bus: 'sata', boot_order: null, device: 'sda' }] }), 4)[0]).toMatch(
      /sata bus/,
    );
    expect(restartReasons(prior, planned({ nic: [{ ...prior.nic[0]!, model: 'e1000' }] }), 4)[0]).toMatch(/changes network or model/);
  });

  it('does not restart for a sata disk this plan moves to another storage domain (a new id, the same disk)', () => {
    const onSata = { ...prior, disk: [{ disk_id: 'd1', bus: 'sata', boot_order: null, device: 'sda' }] };
    const moved = planned({ disk: [{ disk_id: 'd1-moved', bus: 'sata', boot_order: null, device: 'sda' }] });
    expect(restartReasons(onSata, moved, 4, new Map([['d1-moved', 'd1']]))).toEqual([]);
    // Not a move this plan makes: a swap, which QEMU cannot do on sata while the guest runs.
    expect(restartReasons(onSata, moved, 4, new Map())).toEqual([
      'disk d1-moved on the sata bus cannot be hot-plugged',
      'disk d1 on the sata bus cannot be hot-unplugged',
    ]);
  });

  it('never restarts a VM that is stopped or being stopped', () => {
    expect(restartReasons({ ...prior, running: false }, planned({ memory_mib: 128 }), 4)).toEqual([]);
    expect(restartReasons(prior, planned({ memory_mib: 128, running: false }), 4)).toEqual([]);
  });
});

describe('affinity enforcement moves', () => {
  const hosts = [
    { id: 'h1', name: 'kvm1', memoryMib: 1024, cpus: 2, maintenance: false, reachable: true },
    { id: 'h2', name: 'kvm2', memoryMib: 1024, cpus: 2, maintenance: false, reachable: true },
  ];
  const snapshot = (placements: readonly [string, string][]): SchedulingSnapshot => ({
    cluster: { id: CLUSTER, name: 'main', schedulingPolicy: 'evenly_distributed', memoryOvercommitPercent: 100 },
    hosts,
    placements: placements.map(([vm, hostId]) => ({ vmId: vm, name: vm, hostId, memoryMib: 256, vcpus: 1, status: 'placed' as const })),
    affinityGroups: [],
  });
  const group = (positive: boolean, vmIds: string[], hostIds: string[] = []) => ({ id: 'g', name: 'g', positive, enforcing: true, vmIds, hostIds });

  it('gathers a positive group where most members already run', () => {
    const plan = planAffinityMoves(
      group(true, ['a', 'b', 'c']),
      snapshot([
        ['a', 'h2'],
        ['b', 'h2'],
        ['c', 'h1'],
      ]),
    );
    expect(plan).toEqual({ ok: true, moves: [{ vmId: 'c', name: 'c', fromHostId: 'h1', toHostId: 'h2', toHostName: 'kvm2' }] });
  });

  it('spreads a negative group, and refuses what cannot be satisfied', () => {
    // Members are taken by name: the first that shares a host with another moves.
    const apart = planAffinityMoves(
      group(false, ['a', 'b']),
      snapshot([
        ['a', 'h1'],
        ['b', 'h1'],
      ]),
    );
    expect(apart.ok && apart.moves.map((move) => `${move.name}->${move.toHostName}`)).toEqual(['a->kvm2']);
    const impossible = planAffinityMoves(
      group(false, ['a', 'b', 'c']),
      snapshot([
        ['a', 'h1'],
        ['b', 'h2'],
        ['c', 'h1'],
      ]),
    );
    expect(impossible.ok).toBe(false);
    expect(
      planAffinityMoves(
        { ...group(false, ['a', 'b']), enforcing: false },
        snapshot([
          ['a', 'h1'],
          ['b', 'h1'],
        ]),
      ),
    ).toEqual({ ok: true, moves: [] });
  });

  it('moves the free member, never one tied to its host by local disks', () => {
    const placements = snapshot([
      ['a', 'h1'],
      ['b', 'h1'],
    ]);
    // Without limits a (first by name) would move; tied to h1, it stays and b moves.
    const tied = new Map([['a', { allowedHostIds: ['h1'], storageNote: 'storage domain loc is local to kvm1' }]]);
    const apart = planAffinityMoves(group(false, ['a', 'b']), placements, tied);
    expect(apart.ok && apart.moves.map((move) => `${move.name}->${move.toHostName}`)).toEqual(['b->kvm2']);
    // Both tied to h1: nothing can obey the group, said with the storage reason.
    const both = planAffinityMoves(group(false, ['a', 'b']), placements, new Map([...tied, ['b', tied.get('a')!]]));
    expect(both.ok).toBe(false);
    expect(!both.ok && both.message).toMatch(/lacks the VM's disks \(storage domain loc is local to kvm1\)/);
    // A positive group gathers on the tied member's host, not where most members are.
    const together = planAffinityMoves(
      group(true, ['a', 'b', 'c']),
      snapshot([
        ['a', 'h2'],
        ['b', 'h1'],
        ['c', 'h1'],
      ]),
      new Map([['a', { allowedHostIds: ['h2'] }]]),
    );
    expect(together.ok && together.moves.map((move) => `${move.name}->${move.toHostName}`)).toEqual(['b->kvm2', 'c->kvm2']);
  });

  it('keeps a positive group on its hosts', () => {
    const plan = planAffinityMoves(
      group(true, ['a', 'b'], ['h1']),
      snapshot([
        ['a', 'h2'],
        ['b', 'h2'],
      ]),
    );
    expect(plan.ok && plan.moves.map((move) => move.toHostName)).toEqual(['kvm1', 'kvm1']);
  });
});

describe('validation', () => {
  const config = (values: Record<string, unknown>) => ({ name: 'web1', cluster_id: CLUSTER, memory_mib: 32, disk: [], nic: [], ...values }) as never;

  it('refuses names virsh would misread, disks attached twice, duplicate MACs and boot orders', () => {
    expect(validateVmConfig(config({ name: '1234' })).map((d) => d.path)).toEqual([['name']]);
    expect(validateVmConfig(config({ name: vmUuidCandidate(CLUSTER, 'x', 0) })).map((d) => d.path)).toEqual([['name']]);
    const disk = { disk_id: `${CLUSTER}/lun/1`, bus: 'virtio', boot_order: 1 };
    expect(validateVmConfig(config({ disk: [disk, disk] })).map((d) => d.path)).toEqual([
      ['disk', 1, 'disk_id'],
      ['disk', 1, 'boot_order'],
    ]);
    const nic = { network_id: NETWORK, mac: '52:54:00:00:00:01', model: 'virtio' };
    expect(validateVmConfig(config({ nic: [nic, nic] })).map((d) => d.path)).toEqual([['nic', 1, 'mac']]);
  });

  it('stores descriptions with markup, quotes and shell syntax; refuses control characters', () => {
    expect(validateConfig(config({ description: 'a <b>&c</b> "d" \'e\' $(rm -rf /) `id`\n\tend' }), vmSchema)).toEqual([]);
    const refused = validateConfig(config({ description: 'carriage\rreturn' }), vmSchema);
    expect(refused.map((d) => d.path)).toEqual([['description']]);
    expect(validateConfig(config({ disk: [{ disk_id: 'not-a-disk', bus: 'virtio' }] }), vmSchema).map((d) => d.path)).toEqual([['disk', 0, 'disk_id']]);
    expect(validateConfig(config({ nic: [{ network_id: NETWORK, mac: '53:54:00:00:00:01' }] }), vmSchema).map((d) => d.path)).toEqual([['nic', 0, 'mac']]);
  });
});

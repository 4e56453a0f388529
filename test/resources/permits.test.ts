/**
 * What each planned change needs of the acting login (lib/resources/permits.ts), decided from the
 * planned and prior values alone: the rules the plan-time check asks the database about.
 */
import { describe, expect, it } from 'vitest';
import { unknown } from '../../lib/framework/index.js';
import { permitNeeds } from '../../lib/resources/permits.js';
import { resources } from '../../lib/resources/index.js';

const CLUSTER = '11111111-1111-4111-8111-111111111111';
const VM = '22222222-2222-4222-8222-222222222222';
const HOST = '33333333-3333-4333-8333-333333333333';
const OTHER_HOST = '44444444-4444-4444-8444-444444444444';
const NETWORK = '55555555-5555-4555-8555-555555555555';

const vm = { id: VM, name: 'web', cluster_id: CLUSTER, memory_mib: 32, host_id: HOST, running: true, graphics: 'none', disk: [], nic: [], template_id: null };

const needsOf = (typeName: string, prior: object | null, planned: object | null) =>
  permitNeeds(typeName, prior as Record<string, unknown> | null, planned as Record<string, unknown> | null)?.map(
    ({ permit, type, id }) => `${permit} ${type} ${String(id)}`,
  );

describe('permits a planned change needs', () => {
  it('has a rule for every resource type the provider serves', () => {
    expect(resources.map((resource) => resource.typeName).filter((type) => permitNeeds(type, null, {}) === undefined)).toEqual([]);
  });

  it('a new VM: vm.create on its cluster, vm.power to run it, network.use per NIC, vm.console for graphics', () => {
    expect(needsOf('virtplane_vm', null, { ...vm, id: unknown, nic: [{ network_id: NETWORK }], graphics: 'vnc' })).toEqual([
      `vm.create cluster ${CLUSTER}`,
      `network.use network ${NETWORK}`,
      `vm.console cluster ${CLUSTER}`,
      `vm.power cluster ${CLUSTER}`,
    ]);
  });

  it('a VM change: vm.migrate for host_id, vm.power to stop, vm.create for its definition; nothing when nothing changes', () => {
    expect(needsOf('virtplane_vm', vm, vm)).toEqual([]);
    expect(needsOf('virtplane_vm', vm, { ...vm, host_id: OTHER_HOST, current_host_id: OTHER_HOST })).toEqual([`vm.migrate vm ${VM}`]);
    expect(needsOf('virtplane_vm', vm, { ...vm, running: false })).toEqual([`vm.power vm ${VM}`]);
    expect(needsOf('virtplane_vm', vm, { ...vm, memory_mib: 64, state: unknown })).toEqual([`vm.create vm ${VM}`]);
    expect(needsOf('virtplane_vm', vm, null)).toEqual([`vm.delete vm ${VM}`]);
  });

  it('a permission needs role.grant on its object; the platform objects their manage permit on the parent, then on themselves', () => {
    expect(needsOf('virtplane_permission', null, { object_type: 'cluster', object_id: CLUSTER })).toEqual([`role.grant cluster ${CLUSTER}`]);
    expect(needsOf('virtplane_permission', null, { object_type: 'system', object_id: null })).toEqual(['role.grant system null']);
    expect(needsOf('virtplane_host', null, { cluster_id: CLUSTER })).toEqual([`host.manage cluster ${CLUSTER}`]);
    expect(needsOf('virtplane_host', { id: HOST, cluster_id: CLUSTER, maintenance: false }, { id: HOST, cluster_id: CLUSTER, maintenance: true })).toEqual([
      `host.manage host ${HOST}`,
    ]);
    expect(needsOf('virtplane_host', { id: HOST, cluster_id: CLUSTER }, { id: HOST, cluster_id: CLUSTER })).toEqual([]);
    expect(needsOf('virtplane_datacenter', null, { name: 'Default' })).toEqual(['datacenter.manage system null']);
  });
});

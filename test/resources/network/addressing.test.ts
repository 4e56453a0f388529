/** A network's subnet as libvirt addresses it on every host, and the drift checks on a host's objects. */
import { describe, expect, it } from 'vitest';
import type { BulkNetwork, BulkPool, HostInventory, PoolModel } from '../../../lib/backends/libvirt/index.js';
import type { Network, StorageDomain } from '../../../lib/inventory/index.js';
import { cidrProblem, ipv4Of } from '../../../lib/resources/network/addressing.js';
import { networkModelFor, networkOnHost } from '../../../lib/resources/network/onHosts.js';
import { poolModelFor, poolOnHost } from '../../../lib/resources/storageDomain/pools.js';

describe('subnets', () => {
  it('give the host the first address and DHCP the rest', () => {
    expect(ipv4Of('10.20.0.0/24')).toEqual({ address: '10.20.0.1', prefix: 24, dhcpRange: { start: '10.20.0.2', end: '10.20.0.254' } });
    expect(ipv4Of('192.168.4.0/22')).toEqual({ address: '192.168.4.1', prefix: 22, dhcpRange: { start: '192.168.4.2', end: '192.168.7.254' } });
    expect(ipv4Of('10.0.0.8/30')).toEqual({ address: '10.0.0.9', prefix: 30, dhcpRange: { start: '10.0.0.10', end: '10.0.0.10' } });
  });

  it.each([
    ['10.20.0.5/24', 'has host bits set: the subnet is 10.20.0.0/24'],
    ['10.20.0.0/31', 'must have a prefix length from /8 to /30'],
    ['10.20.300.0/24', 'has an octet above 255'],
    ['10.20.0.0', 'must be an IPv4 subnet such as "10.20.0.0/24"'],
  ])('refuses %s', (cidr, problem) => {
    expect(cidrProblem(cidr)).toBe(problem);
  });
});

const NETWORK_ID = '3b1b644a-969e-4409-b9c2-3ab92865e2de';
const DOMAIN_ID = '73461be7-2e86-4ffd-89a5-103595aa9960';
const HOST_ID = '2aa76672-1c4c-43c4-b732-223e0f9179dc';
const datacenter = { name: 'Default' };

function hostWith(networks: readonly BulkNetwork[], pools: readonly BulkPool[]): HostInventory {
  return { host: 'kvm1', facts: {} as HostInventory['facts'], domains: [], networks, pools };
}

describe('what a host carries', () => {
  const network = { id: NETWORK_ID, name: 'lan', mode: 'nat', cidr: '10.20.0.0/24', bridge: null, vlanId: null, mtu: null } as Network;
  const model = networkModelFor(network, datacenter);
  const bulk = (overrides: Partial<BulkNetwork>): BulkNetwork => ({
    uuid: 'u',
    name: 'lan',
    active: true,
    autostart: true,
    leases: [],
    persistent: true,
    xml: '',
    model: { ...model, uuid: 'u', bridge: 'virbr3' },
    ...overrides,
  });

  it("a network: in sync whatever bridge libvirt chose; missing, changed, stopped or someone else's otherwise", () => {
    expect(networkOnHost(hostWith([bulk({})], []), model, NETWORK_ID).presence).toBe('in-sync');
    expect(networkOnHost(hostWith([], []), model, NETWORK_ID).presence).toBe('missing');
    expect(networkOnHost(hostWith([bulk({ active: false })], []), model, NETWORK_ID).presence).toBe('differs');
    expect(networkOnHost(hostWith([bulk({ model: { ...model, mtu: 1400 } })], []), model, NETWORK_ID).presence).toBe('differs');
    expect(networkOnHost(hostWith([bulk({ model: { ...model, owner: undefined } })], []), model, NETWORK_ID).presence).toBe('foreign');
    expect(
      networkOnHost(hostWith([bulk({ model: { ...model, owner: { managedBy: 'virtplane', resourceId: 'another' } } })], []), model, NETWORK_ID).presence,
    ).toBe('foreign');
    expect(networkOnHost(hostWith([bulk({ model: undefined, parseError: 'route mode' })], []), model, NETWORK_ID).presence).toBe('foreign');
  });

  it("a pool: its initiator is the host's own, and a different target or CHAP user is drift", () => {
    const domain = {
      id: DOMAIN_ID,
      name: 'sd',
      type: 'iscsi',
      portal: '10.0.0.2:3260',
      iqn: 'iqn.2025-01.com.example:s1',
      iscsiTargetId: null,
      path: null,
    } as StorageDomain;
    const desired = poolModelFor(domain, datacenter, HOST_ID, 'chapuser');
    expect(desired).toMatchObject({
      type: 'iscsi-direct',
      host: '10.0.0.2',
      port: 3260,
      initiatorIqn: `iqn.2025-01.dev.virtplane:host.${HOST_ID}`,
      auth: { username: 'chapuser' },
    });
    const pool = (overrides: Partial<BulkPool>): BulkPool => ({
      uuid: 'p',
      name: 'sd',
      state: 'running',
      autostart: true,
      persistent: true,
      xml: '',
      model: desired,
      ...overrides,
    });
    expect(poolOnHost(hostWith([], [pool({})]), 'sd', DOMAIN_ID, desired).presence).toBe('in-sync');
    expect(poolOnHost(hostWith([], [pool({ state: 'inactive' })]), 'sd', DOMAIN_ID, desired).presence).toBe('differs');
    expect(
      poolOnHost(hostWith([], [pool({ model: { ...desired, targetIqn: 'iqn.2025-01.com.example:other' } as PoolModel })]), 'sd', DOMAIN_ID, desired).presence,
    ).toBe('differs');
    expect(poolOnHost(hostWith([], [pool({})]), 'sd', DOMAIN_ID, poolModelFor(domain, datacenter, HOST_ID, null)).presence).toBe('differs');
    expect(poolOnHost(hostWith([], [pool({ model: { ...desired, owner: undefined } })]), 'sd', DOMAIN_ID, desired).presence).toBe('foreign');
  });
});

/**
 * The ids that carry where storage lives (iSCSI targets, disks), the host initiator names, and the
 * plan-time checks of the storage and network schemas: pure functions, no lab needed.
 */
import { describe, expect, it } from 'vitest';
import { diskPathOf, diskSourceOf, formatDiskId, parseDiskId, volumeNameOf } from '../../lib/resources/disk/location.js';
import { iscsiTargetResource, validateTargetConfig } from '../../lib/resources/iscsiTarget/resource.js';
import { validateNetworkConfig } from '../../lib/resources/network/resource.js';
import { validateStorageDomainConfig } from '../../lib/resources/storageDomain/resource.js';
import { formatTargetId, hostInitiatorIqn, isHostInitiator, parsePortal, parseTargetId } from '../../lib/resources/iscsiTarget/location.js';
import { unknown, validateConfig } from '../../lib/framework/index.js';
import type { StorageDomain } from '../../lib/inventory/index.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMhaHyXWd6GZe6bPun2CmNfgIs5VQcdLzcxcdAFJZJNO';
const HOST_ID = '2aa76672-1c4c-43c4-b732-223e0f9179dc';
const DOMAIN_ID = '73461be7-2e86-4ffd-89a5-103595aa9960';

describe('iSCSI target ids', () => {
  it.each([
    [
      { address: '10.0.0.2', port: 22, iqn: 'iqn.2025-01.com.example:s1', hostKey: KEY },
      `10.0.0.2:22/iqn.2025-01.com.example:s1#ssh-ed25519:${KEY.split(' ')[1]}`,
    ],
    [
      { address: 'fd00::2', port: 2222, iqn: 'iqn.2025-01.com.example:s1', hostKey: 'SHA256:' + 'a'.repeat(43) },
      `[fd00::2]:2222/iqn.2025-01.com.example:s1#SHA256:${'a'.repeat(43)}`,
    ],
    [{ address: 'storage.example.com', port: 22, iqn: 'iqn.2025-01.com.example:s1', hostKey: null }, 'storage.example.com:22/iqn.2025-01.com.example:s1'],
  ])('round-trips %j through %s', (location, id) => {
    expect(formatTargetId(location)).toBe(id);
    expect(parseTargetId(id)).toEqual(location);
  });

  it.each([
    '10.0.0.2/iqn.2025-01.com.example:s1',
    '10.0.0.2:0/iqn.2025-01.com.example:s1',
    '10.0.0.2:22/IQN.2025-01.com.example:s1',
    '10.0.0.2:22/iqn.2025-01.com.example:s1#nokey',
    '[zz::1]:22/iqn.2025-01.a:b',
  ])('refuses %s', (id) => {
    expect(parseTargetId(id)).toBeUndefined();
  });

  it("names each host's initiator after its id, and recognizes those names", () => {
    expect(hostInitiatorIqn(HOST_ID.toUpperCase())).toBe(`iqn.2025-01.dev.virtplane:host.${HOST_ID}`);
    expect(isHostInitiator(hostInitiatorIqn(HOST_ID))).toBe(true);
    expect(isHostInitiator('iqn.2025-01.dev.virtplane:host.kvm1')).toBe(false);
    expect(isHostInitiator('iqn.2025-01.com.example:outsider')).toBe(false);
  });

  it('reads portals with and without a port', () => {
    expect(parsePortal('10.0.0.2')).toEqual({ host: '10.0.0.2', port: 3260 });
    expect(parsePortal('[fd00::2]:3261')).toEqual({ host: 'fd00::2', port: 3261 });
    expect(parsePortal('10.0.0.2:99999')).toBeUndefined();
  });
});

describe('disk ids', () => {
  const domain = { id: DOMAIN_ID, path: '/srv/images/', portal: '10.0.0.2:3260', iqn: 'iqn.2025-01.com.example:s1' } as StorageDomain;

  it('tell a volume from a LUN, and give QEMU the path of each', () => {
    const volume = { kind: 'volume', domainId: DOMAIN_ID, volume: volumeNameOf('data', 'raw') } as const;
    const lun = { kind: 'lun', domainId: DOMAIN_ID, lun: 3 } as const;
    expect(formatDiskId(volume)).toBe(`${DOMAIN_ID}/data.img`);
    expect(formatDiskId(lun)).toBe(`${DOMAIN_ID}/lun/3`);
    expect(parseDiskId(`${DOMAIN_ID}/data.img`)).toEqual(volume);
    expect(parseDiskId(`${DOMAIN_ID}/lun/3`)).toEqual(lun);
    expect(parseDiskId(`${DOMAIN_ID}/lun/0`)).toBeUndefined();
    expect(parseDiskId(`${DOMAIN_ID}/../etc/passwd`)).toBeUndefined();
    expect(diskPathOf(domain, volume)).toBe('/srv/images/data.img');
    expect(diskPathOf(domain, lun)).toBe('iscsi://10.0.0.2:3260/iqn.2025-01.com.example:s1/3');
  });

  it('give a VM the source to attach on a given host', () => {
    expect(diskSourceOf(domain, { kind: 'volume', domainId: DOMAIN_ID, volume: 'a.qcow2' }, HOST_ID)).toEqual({
      source: { kind: 'file', path: '/srv/images/a.qcow2' },
      format: 'qcow2',
    });
    expect(diskSourceOf(domain, { kind: 'lun', domainId: DOMAIN_ID, lun: 2 }, HOST_ID, 'chapuser')).toEqual({
      format: 'raw',
      source: {
        kind: 'iscsi',
        host: '10.0.0.2',
        port: 3260,
        targetIqn: 'iqn.2025-01.com.example:s1',
        lun: 2,
        initiatorIqn: hostInitiatorIqn(HOST_ID),
        auth: { username: 'chapuser', secretUsage: `virtplane-storage-domain-${DOMAIN_ID}` },
      },
    });
  });
});

describe('plan-time checks', () => {
  const network = { id: null, name: 'lan', datacenter_id: DOMAIN_ID, mode: 'nat', cidr: '10.20.0.0/24', bridge: null, vlan_id: null, mtu: null, hosts: null };
  const summaries = (diagnostics: readonly { summary: string; path?: readonly unknown[] }[]) =>
    diagnostics.map((d) => `${d.summary} @ ${JSON.stringify(d.path)}`);

  it('networks: a subnet for nat, none in bridge mode, no MTU on a host bridge, VLANs only there, no numeric names', () => {
    expect(validateNetworkConfig(network)).toEqual([]);
    expect(summaries(validateNetworkConfig({ ...network, cidr: '10.20.0.1/24' }))).toEqual(['Invalid value for cidr @ ["cidr"]']);
    expect(summaries(validateNetworkConfig({ ...network, cidr: null }))).toEqual(['Missing cidr @ ["cidr"]']);
    expect(summaries(validateNetworkConfig({ ...network, mode: 'bridge', mtu: 9000 }))).toEqual([
      'Missing bridge @ ["bridge"]',
      'cidr not used in bridge mode @ ["cidr"]',
      'mtu not allowed in bridge mode @ ["mtu"]',
    ]);
    expect(summaries(validateNetworkConfig({ ...network, vlan_id: 10 }))).toEqual(['vlan_id needs bridge mode @ ["vlan_id"]']);
    expect(validateNetworkConfig({ ...network, mode: 'bridge', cidr: null, bridge: 'br0', vlan_id: 10 })).toEqual([]);
    expect(summaries(validateNetworkConfig({ ...network, name: '42' }))).toEqual(['Invalid network name @ ["name"]']);
    // Values known only at apply time are checked then.
    expect(validateNetworkConfig({ ...network, mode: unknown, cidr: unknown })).toEqual([]);
  });

  it('storage domains: a path for dir, a target for iscsi, never both kinds of settings', () => {
    const base = {
      id: null,
      name: 'sd',
      datacenter_id: DOMAIN_ID,
      type: 'iscsi',
      iscsi_target_id: `10.0.0.2:22/iqn.2025-01.com.example:s1`,
      portal: null,
      iqn: null,
      path: null,
      server: null,
      export: null,
      nfs_version: null,
      chap_username: null,
      chap_password: null,
      hosts: null,
      shared: null,
      host_id: null,
    };
    const host = '11111111-2222-4333-8444-555555555555';
    expect(validateStorageDomainConfig(base)).toEqual([]);
    expect(validateStorageDomainConfig({ ...base, iscsi_target_id: null, portal: '10.0.0.2:3260', iqn: 'iqn.2025-01.com.example:s1' })).toEqual([]);
    expect(summaries(validateStorageDomainConfig({ ...base, iscsi_target_id: null }))).toEqual(['Missing target @ ["portal"]']);
    expect(summaries(validateStorageDomainConfig({ ...base, portal: '10.0.0.2:3260' }))).toEqual(['Conflicting target @ ["portal"]']);
    expect(summaries(validateStorageDomainConfig({ ...base, iscsi_target_id: 'nonsense' }))).toEqual([
      'Invalid value for iscsi_target_id @ ["iscsi_target_id"]',
    ]);
    expect(summaries(validateStorageDomainConfig({ ...base, chap_username: 'u' }))).toEqual(['Incomplete CHAP credentials @ ["chap_password"]']);
    expect(summaries(validateStorageDomainConfig({ ...base, type: 'dir', iscsi_target_id: null, host_id: host }))).toEqual(['Missing path @ ["path"]']);
    expect(summaries(validateStorageDomainConfig({ ...base, type: 'dir', path: '/srv/a//b', shared: true }))).toEqual([
      'Invalid value for path @ ["path"]',
      'iscsi_target_id not used by a dir storage domain @ ["iscsi_target_id"]',
    ]);
    // A dir domain is one host's directory unless declared shared; iSCSI is always shared.
    const dir = { ...base, type: 'dir', iscsi_target_id: null, path: '/srv/images' };
    expect(summaries(validateStorageDomainConfig(dir))).toEqual(['Missing host_id @ ["host_id"]']);
    expect(validateStorageDomainConfig({ ...dir, host_id: host })).toEqual([]);
    expect(validateStorageDomainConfig({ ...dir, shared: true })).toEqual([]);
    expect(summaries(validateStorageDomainConfig({ ...dir, shared: true, host_id: host }))).toEqual([
      'host_id not used by a shared storage domain @ ["host_id"]',
    ]);
    expect(summaries(validateStorageDomainConfig({ ...base, shared: false, host_id: host }))).toEqual([
      'An iscsi storage domain is shared @ ["shared"]',
      'host_id not used by an iscsi storage domain @ ["host_id"]',
    ]);
    // nfs: a server and an export, shared by every host; NFSv3 (what QEMU's libnfs driver speaks).
    const nfs = { ...base, type: 'nfs', iscsi_target_id: null, server: '10.0.0.2', export: '/srv/vms' };
    expect(validateStorageDomainConfig(nfs)).toEqual([]);
    expect(validateStorageDomainConfig({ ...nfs, nfs_version: 3, shared: true })).toEqual([]);
    expect(summaries(validateStorageDomainConfig({ ...nfs, server: null, export: '/srv//vms' }))).toEqual([
      'Missing server @ ["server"]',
      'Invalid value for export @ ["export"]',
    ]);
    expect(summaries(validateStorageDomainConfig({ ...nfs, nfs_version: 4, shared: false, path: '/srv', host_id: host }))).toEqual([
      'NFS version not supported @ ["nfs_version"]',
      'An nfs storage domain is shared @ ["shared"]',
      'host_id not used by an nfs storage domain @ ["host_id"]',
      'path not used by an nfs storage domain @ ["path"]',
    ]);
    expect(summaries(validateStorageDomainConfig({ ...dir, shared: true, server: '10.0.0.2' }))).toEqual([
      'server not used by a dir storage domain @ ["server"]',
    ]);
  });

  it("iSCSI targets: CHAP complete and acceptable, LUNs once each, initiators well-formed and never a host's", () => {
    const base = {
      id: null,
      server_address: '10.0.0.2',
      server_port: 22,
      server_host_key: null,
      iqn: 'iqn.2025-01.com.example:s1',
      allowed_initiators: ['iqn.2025-01.com.example:client', '10.0.0.0/24'],
      chap_username: null,
      chap_password: null,
      replace_on_lun_removal: false,
      deletion_protection: false,
      portal: null,
      lun: [{ lun: 1, size_mib: 8 }],
    };
    expect(validateTargetConfig(base)).toEqual([]);
    expect(summaries(validateTargetConfig({ ...base, chap_password: 'secret-secret-1' }))).toEqual(['Incomplete CHAP credentials @ ["chap_username"]']);
    const weak = validateConfig({ ...base, chap_username: 'u', chap_password: 'short' }, iscsiTargetResource.schema);
    expect(summaries(weak)).toEqual(['Invalid value for chap_password @ ["chap_password"]']);
    expect(summaries(validateTargetConfig({ ...base, chap_username: 'u', chap_password: 'short' }))).toEqual([]);
    expect(JSON.stringify(weak)).not.toContain('short');
    expect(
      summaries(
        validateTargetConfig({
          ...base,
          lun: [
            { lun: 1, size_mib: 8 },
            { lun: 1, size_mib: 4 },
          ],
        }),
      ),
    ).toEqual(['Duplicate LUN @ ["lun",1,"lun"]']);
    expect(summaries(validateTargetConfig({ ...base, allowed_initiators: [hostInitiatorIqn(HOST_ID), '10.0.0.300', 'iqn.2025-01.COM:x'] }))).toEqual([
      'Host initiator listed @ ["allowed_initiators"]',
      'Invalid value for allowed_initiators @ ["allowed_initiators"]',
      'Invalid value for allowed_initiators @ ["allowed_initiators"]',
    ]);
  });
});

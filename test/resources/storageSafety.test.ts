/** The pure decisions behind shared-storage safety: who uses a disk, one host per VM, shareable, "gone". */
import { describe, expect, it } from 'vitest';
import { buildDomainXml, parseDomainXml } from '../../lib/backends/libvirt/domainXml.js';
import type { BulkDomain } from '../../lib/backends/libvirt/index.js';
import type { StorageDomain } from '../../lib/inventory/index.js';
import { cannotTellWhy, shareableDiagnostic } from '../../lib/resources/disk/resource.js';
import { describeUsers, diskUsers, domainUsesDisk } from '../../lib/resources/disk/usage.js';
import { describeDependents } from '../../lib/resources/iscsiTarget/dependents.js';
import { onlyOne, type FoundDomain } from '../../lib/resources/vm/hosts.js';
import type { HostRead } from '../../lib/resources/shared/index.js';
import { tinyDomainModel } from '../support/tinyDomain.js';

const DOMAIN_ID = '0b7c2d64-3c0e-4b8f-9a51-6f1f2a3b4c5d';
const dir = { id: DOMAIN_ID, name: 'data', type: 'dir', path: '/srv/data', portal: null, iqn: null, iscsiTargetId: null } as unknown as StorageDomain;
const san = {
  id: DOMAIN_ID,
  name: 'san',
  type: 'iscsi',
  path: null,
  portal: '10.0.0.2:3260',
  iqn: 'iqn.2025-01.com.example:t',
  iscsiTargetId: null,
} as unknown as StorageDomain;

function bulk(name: string, disks: Parameters<typeof buildDomainXml>[0]['disks']): BulkDomain {
  const xml = buildDomainXml({ ...tinyDomainModel(name, { kvm: false }), disks });
  return { uuid: `00000000-0000-4000-8000-00000000000${name.length}`, name, state: 'shut off', xml, model: parseDomainXml(xml).model };
}

describe('who uses a disk', () => {
  const byHand = bulk('hand', [{ device: 'disk', format: 'raw', source: { kind: 'file', path: '/srv/data/web.img' }, target: { dev: 'vda', bus: 'virtio' } }]);
  const onLun = bulk('lunvm', [
    {
      device: 'disk',
      format: 'raw',
      source: { kind: 'iscsi', host: '10.0.0.2', port: 3260, targetIqn: 'iqn.2025-01.com.example:t', lun: 3, initiatorIqn: 'iqn.2025-01.dev.virtplane:host.x' },
      target: { dev: 'vda', bus: 'virtio' },
    },
  ]);

  it('sees a domain made by hand by its file, and a LUN whatever initiator opens it', () => {
    expect(domainUsesDisk(byHand, `${DOMAIN_ID}/web.img`, dir)).toBe(true);
    expect(domainUsesDisk(byHand, `${DOMAIN_ID}/other.img`, dir)).toBe(false);
    expect(domainUsesDisk(onLun, `${DOMAIN_ID}/lun/3`, san)).toBe(true);
    expect(domainUsesDisk(onLun, `${DOMAIN_ID}/lun/4`, san)).toBe(false);
  });

  it('names each user with its host and state, and leaves out the VM itself', () => {
    const reads = [{ host: { row: { id: 'h1', name: 'kvm1' } }, read: { domains: [byHand] } }] as unknown as HostRead[];
    const users = diskUsers(reads, `${DOMAIN_ID}/web.img`, dir);
    expect(describeUsers(users)).toBe('VM hand on kvm1 (shut off)');
    expect(diskUsers(reads, `${DOMAIN_ID}/web.img`, dir, byHand.uuid)).toEqual([]);
  });
});

describe('one VM, one host', () => {
  const copy = (host: string, state: string): FoundDomain => ({ host: { row: { name: host } }, uuid: 'u', name: 'web', state }) as unknown as FoundDomain;
  it('returns the only copy, null for none, and refuses two, naming both hosts', () => {
    expect(onlyOne([])).toBeNull();
    expect(onlyOne([copy('kvm1', 'running')])?.host.row.name).toBe('kvm1');
    expect(() => onlyOne([copy('kvm1', 'running'), copy('kvm2', 'shut off')])).toThrow(/defined on kvm1 \(running\) and kvm2 \(shut off\)/);
  });
});

describe('shareable disks', () => {
  it('are raw only, refused on the shareable attribute', () => {
    expect(shareableDiagnostic({ shareable: true, name: 'q' }, 'qcow2')).toMatchObject({ summary: 'A shareable disk must be raw', path: ['shareable'] });
    expect(shareableDiagnostic({ shareable: true, name: 'r' }, 'raw')).toBeUndefined();
    expect(shareableDiagnostic({ shareable: false, name: 'q' }, 'qcow2')).toBeUndefined();
  });

  it('carry <shareable/> through the domain XML both ways', () => {
    const xml = buildDomainXml({
      ...tinyDomainModel('s', { kvm: false }),
      disks: [{ device: 'disk', format: 'raw', source: { kind: 'file', path: '/srv/data/s.img' }, target: { dev: 'vda', bus: 'virtio' }, shareable: true }],
    });
    expect(xml).toMatch(/<shareable\s*\/>/);
    expect(parseDomainXml(xml).model.disks[0]?.shareable).toBe(true);
  });
});

describe('"gone" needs every host', () => {
  it('cannot tell while a host of the data center lacks the pool', () => {
    expect(cannotTellWhy(['kvm1', 'kvm2'], ['kvm1', 'kvm2'])).toBeUndefined();
    expect(cannotTellWhy(['kvm1', 'kvm2'], ['kvm1'])).toBe('kvm2');
  });
});

describe('what stands on a target', () => {
  it('names protected disks by LUN and storage domain, then the storage domains', () => {
    const text = describeDependents({
      domains: [san],
      protectedDisks: [
        { id: `${DOMAIN_ID}/lun/1`, name: 'db', storageDomainId: DOMAIN_ID, domainName: 'san', shareable: false, deletionProtection: true } as never,
      ],
    });
    expect(text).toBe('disk db (LUN 1 of storage domain san), storage domain san');
  });
});

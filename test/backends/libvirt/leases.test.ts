/** An HA VM's lease in its domain XML: lockd's shape (lockspace = the directory's base name), only its own lease touched. */
import { describe, expect, it } from 'vitest';
import { buildDomainXml, redefineDomainXml } from '../../../lib/backends/libvirt/domainXml.js';
import { haLeaseDirectoryOf } from '../../../lib/backends/libvirt/leases.js';
import { childElements, firstChild, parseDocument, textOf } from '../../../lib/backends/libvirt/xml.js';
import { tinyDomainModel } from '../../support/tinyDomain.js';

const UUID = '6f1d2c3b-4a59-4e8f-9b0a-1c2d3e4f5a6b';
const model = { ...tinyDomainModel('leased', { kvm: false }), uuid: UUID };

function leases(xml: string) {
  const devices = firstChild(parseDocument(xml, 'domain'), 'devices')!;
  return childElements(devices, 'lease').map((lease) => ({
    lockspace: textOf(firstChild(lease, 'lockspace')),
    key: textOf(firstChild(lease, 'key')),
    path: firstChild(lease, 'target')!.attributes.path,
  }));
}

describe('HA lease in the domain XML', () => {
  it('names the directory as parent + lockspace and the VM UUID as key', () => {
    const xml = buildDomainXml(model, { haLeaseDirectory: '/mnt/shared/ha-leases/' });
    expect(leases(xml)).toEqual([{ lockspace: 'ha-leases', key: UUID, path: '/mnt/shared' }]);
    expect(haLeaseDirectoryOf(xml)).toBe('/mnt/shared/ha-leases');
  });

  it('moves, keeps or removes only its own lease', () => {
    const withOther = buildDomainXml(model, { haLeaseDirectory: '/a/leases' }).replace(
      '</devices>',
      "<lease><lockspace>other</lockspace><key>someone-else</key><target path='/x'/></lease></devices>",
    );
    const moved = redefineDomainXml(withOther, model, { haLeaseDirectory: '/b/leases' });
    expect(leases(moved)).toEqual([
      { lockspace: 'other', key: 'someone-else', path: '/x' },
      { lockspace: 'leases', key: UUID, path: '/b' },
    ]);
    expect(leases(redefineDomainXml(moved, model))).toEqual(leases(moved));
    const removed = redefineDomainXml(moved, model, { haLeaseDirectory: null });
    expect(leases(removed)).toEqual([{ lockspace: 'other', key: 'someone-else', path: '/x' }]);
    expect(haLeaseDirectoryOf(removed)).toBeNull();
  });
});

/** How a plan makes a disk from an image or template: thin beside it in a dir domain, a full copy onto a LUN. */
import { describe, expect, it } from 'vitest';
import type { StorageDomain } from '../../../lib/inventory/index.js';
import { plannedFor } from '../../../lib/resources/disk/resource.js';

const DIR_ID = '0b7c2d64-3c0e-4b8f-9a51-6f1f2a3b4c5d';
const SAN_ID = '1c8d3e75-4d1f-4c90-8b62-7a2a3b4c5d6e';
const dir = { id: DIR_ID, name: 'images', type: 'dir', path: '/srv/images', portal: null, iqn: null, iscsiTargetId: null } as unknown as StorageDomain;
const san = {
  id: SAN_ID,
  name: 'san',
  type: 'iscsi',
  path: null,
  portal: '10.0.0.2:3260',
  iqn: 'iqn.2025-01.com.example:t',
  iscsiTargetId: null,
} as unknown as StorageDomain;
const TEMPLATE = `${DIR_ID}/template/debian-12`;

type Planned = Parameters<typeof plannedFor>[1];

function disk(overrides: Partial<Planned>): Planned {
  return {
    id: null,
    name: 'web-system',
    storage_domain_id: SAN_ID,
    size_mib: null,
    format: null,
    lun: 1,
    source_image_id: null,
    source_template_id: null,
    clone: null,
    deletion_protection: false,
    shareable: false,
    path: null,
    ...overrides,
  } as Planned;
}

describe('a disk made from a template', () => {
  it('on a LUN is a full raw copy by default, with the LUN as its id', () => {
    const { planned, diagnostics } = plannedFor(san, disk({ source_template_id: TEMPLATE }));
    expect(diagnostics).toEqual([]);
    expect(planned).toMatchObject({ clone: 'full', format: 'raw', id: `${SAN_ID}/lun/1`, path: 'iscsi://10.0.0.2:3260/iqn.2025-01.com.example:t/1' });
  });

  it('on a LUN cannot be thin: the diagnostic is on clone', () => {
    const { diagnostics } = plannedFor(san, disk({ source_template_id: TEMPLATE, clone: 'thin' }));
    expect(diagnostics.map((diagnostic) => [diagnostic.summary, diagnostic.path])).toEqual([['A disk on a LUN is a full copy', ['clone']]]);
  });

  it('in a dir domain is thin by default, and a thin clone must live beside its template', () => {
    expect(plannedFor(dir, disk({ storage_domain_id: DIR_ID, lun: null, source_template_id: TEMPLATE })).planned.clone).toBe('thin');
    const otherDir = { ...dir, id: SAN_ID, name: 'other' } as StorageDomain;
    const { diagnostics } = plannedFor(otherDir, disk({ storage_domain_id: SAN_ID, lun: null, source_template_id: TEMPLATE }));
    expect(diagnostics.map((diagnostic) => diagnostic.path)).toEqual([['clone']]);
  });

  it('from two sources, or with clone and no source, is refused with the attribute named', () => {
    const both = plannedFor(san, disk({ source_template_id: TEMPLATE, source_image_id: `${DIR_ID}/image/debian-12` }));
    expect(both.diagnostics.map((diagnostic) => diagnostic.path)).toEqual([['source_template_id']]);
    const cloneAlone = plannedFor(san, disk({ clone: 'full' }));
    expect(cloneAlone.diagnostics.map((diagnostic) => diagnostic.path)).toEqual([['clone']]);
  });
});

/**
 * The pure parts of snapshots: the records as libvirt prints them back (the domain's <metadata>, every
 * element carrying libvirt's prefix), the layer each disk writes now, a VM redefinition kept on that
 * layer, and what the plan refuses (a LUN disk, a shareable disk) with the attribute path.
 */
import { describe, expect, it } from 'vitest';
import { activeLayers, parseSnapshotRecords, type DomainDisk, type DomainModel } from '../../../lib/backends/libvirt/index.js';
import { snapshotRefusals } from '../../../lib/resources/snapshot/resource.js';
import { onActiveLayers } from '../../../lib/resources/vm/domain.js';
import type { FoundDomain } from '../../../lib/resources/vm/index.js';
import type { VmBuild } from '../../../lib/resources/vm/model.js';

// As `virsh dumpxml` printed it in the lab (libvirt 9.0) after `virsh metadata --set`.
const DOMAIN_XML = `<domain type='qemu'>
  <name>web</name>
  <uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</uuid>
  <metadata>
    <vpsnap:snapshots xmlns:vpsnap="https://virtplane.dev/xmlns/snapshots/1">
      <vpsnap:snapshot name="s1" description="before &lt;upgrade&gt;" createdAt="2026-12-06T15:00:00.000Z" workspace="tok">
        <vpsnap:layer dev="vda" overlay="/d/root.qcow2.s1.overlay" below="/d/root.qcow2" belowFormat="qcow2"/>
        <vpsnap:layer dev="vdb" overlay="/d/data.img.s1.overlay" below="/d/data.img" belowFormat="raw"/>
      </vpsnap:snapshot>
      <vpsnap:snapshot name="s2" description="" createdAt="2026-12-06T16:00:00.000Z">
        <vpsnap:layer dev="vda" overlay="/d/root.qcow2.s2.overlay" below="/d/root.qcow2.s1.overlay" belowFormat="qcow2"/>
      </vpsnap:snapshot>
    </vpsnap:snapshots>
    <other:thing xmlns:other="https://example.com/other"><other:snapshot name="not ours"/></other:thing>
  </metadata>
  <memory unit='KiB'>32768</memory>
</domain>`;

function fileDisk(dev: string, path: string, extra: Partial<DomainDisk> = {}): DomainDisk {
  return { device: 'disk', format: 'qcow2', source: { kind: 'file', path }, target: { dev, bus: 'virtio' }, ...extra };
}

function found(disks: readonly DomainDisk[]): FoundDomain {
  return {
    name: 'web',
    uuid: '4dea22b3-1d52-d8f3-2516-782e98ab3fa0',
    state: 'running',
    xml: DOMAIN_XML,
    model: { disks } as unknown as DomainModel,
    settings: undefined,
  } as unknown as FoundDomain;
}

describe('snapshot records', () => {
  it("reads the records in creation order, only from virtplane's namespace", () => {
    const records = parseSnapshotRecords(DOMAIN_XML);
    expect(records.map((record) => record.name)).toEqual(['s1', 's2']);
    expect(records[0]).toMatchObject({ description: 'before <upgrade>', workspaceToken: 'tok', createdAt: '2026-12-06T15:00:00.000Z' });
    expect(records[0]!.layers[1]).toEqual({ dev: 'vdb', overlay: '/d/data.img.s1.overlay', below: '/d/data.img', belowFormat: 'raw' });
    expect(records[1]!.workspaceToken).toBeNull();
    expect(parseSnapshotRecords(DOMAIN_XML.replace(/<metadata>[\s\S]*<\/metadata>/, ''))).toEqual([]);
  });

  it('tells the layer each disk writes now: its newest overlay', () => {
    expect([...activeLayers(parseSnapshotRecords(DOMAIN_XML))]).toEqual([
      ['vda', '/d/root.qcow2.s2.overlay'],
      ['vdb', '/d/data.img.s1.overlay'],
    ]);
  });

  it('keeps a redefined VM on its overlays, never back on the base files', () => {
    const build = {
      disks: [fileDisk('vda', '/d/root.qcow2'), fileDisk('vdb', '/d/data.img', { format: 'raw' }), fileDisk('vdc', '/d/new.qcow2')],
    } as unknown as VmBuild;
    const kept = onActiveLayers(build, DOMAIN_XML);
    expect(kept.disks.map((disk) => [disk.target.dev, disk.source.kind === 'file' ? disk.source.path : '', disk.format])).toEqual([
      ['vda', '/d/root.qcow2.s2.overlay', 'qcow2'],
      ['vdb', '/d/data.img.s1.overlay', 'qcow2'],
      ['vdc', '/d/new.qcow2', 'qcow2'],
    ]);
  });

  it('refuses a VM with a LUN disk or a shareable disk, on vm_id', () => {
    const lun: DomainDisk = {
      device: 'disk',
      format: 'raw',
      source: { kind: 'iscsi', host: '10.0.0.2', port: 3260, targetIqn: 'iqn.2025-01.dev.virtplane:t', lun: 1 },
      target: { dev: 'vdb', bus: 'virtio' },
    };
    const refusals = snapshotRefusals(found([fileDisk('vda', '/d/root.qcow2'), lun]));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ severity: 'error', summary: 'A LUN disk cannot be snapshotted', path: ['vm_id'] });
    expect(refusals[0]!.detail).toContain('move the disk to a dir storage domain');
    const shared = snapshotRefusals(found([fileDisk('vda', '/d/root.qcow2'), fileDisk('vdb', '/d/quorum.img', { shareable: true })]));
    expect(shared.map((diagnostic) => diagnostic.summary)).toEqual(['A shareable disk cannot be snapshotted']);
    // The cloud-init seed (read-only) is never snapshotted, and never in the way.
    expect(snapshotRefusals(found([fileDisk('vda', '/d/root.qcow2'), fileDisk('vdz', '/d/seed.iso', { readOnly: true })]))).toEqual([]);
  });
});

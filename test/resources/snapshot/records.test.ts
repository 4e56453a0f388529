/**
 * The pure parts of snapshots: the records as libvirt prints them back (the domain's <metadata>, every
 * element carrying libvirt's prefix), the layer each disk writes now, a VM redefinition kept on that
 * layer, and what the plan refuses (a LUN disk, a shareable disk) with the attribute path; the
 * merge-pending records (deleted while the guest runs, their layer still in the chain): which deletion
 * merges and which waits, the merges a running guest or a stopped VM can do next (never an intermediate
 * block commit on a running guest), overlay names beside a pending layer of the same name, and what
 * the revert and the VM's destroy make of them; snapshots with memory: the memory file recorded and
 * written back, where it goes, the <domainsnapshot> XML libvirt gets with and without it, and its
 * file dropped from a record whose merge waits.
 */
import { describe, expect, it } from 'vitest';
import {
  activeLayers,
  deletionOf,
  externalSnapshotXml,
  findSnapshotRecord,
  memoryFilePath,
  nextPendingMerge,
  parseSnapshotRecords,
  unusedOverlayPath,
  withoutMergedRecord,
  withPendingMerge,
  type DomainDisk,
  type DomainModel,
  type SnapshotRecord,
} from '../../../lib/backends/libvirt/index.js';
import { plannedLayers, snapshotRefusals } from '../../../lib/resources/snapshot/resource.js';
import { onActiveLayers } from '../../../lib/resources/vm/domain.js';
import { refuseWithSnapshots, revertTarget } from '../../../lib/resources/vm/revert.js';
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
    expect(refusals[0]!.detail).toContain('move the disk to a dir or nfs storage domain');
    const shared = snapshotRefusals(found([fileDisk('vda', '/d/root.qcow2'), fileDisk('vdb', '/d/quorum.img', { shareable: true })]));
    expect(shared.map((diagnostic) => diagnostic.summary)).toEqual(['A shareable disk cannot be snapshotted']);
    // The cloud-init seed (read-only) is never snapshotted, and never in the way.
    expect(snapshotRefusals(found([fileDisk('vda', '/d/root.qcow2'), fileDisk('vdz', '/d/seed.iso', { readOnly: true })]))).toEqual([]);
  });
});

/** A chain base <- s1 <- s2 <- s3 on vda (s2 also on vdb, whose base it covers), as records. */
function chainRecords(): SnapshotRecord[] {
  const record = (name: string, below: string, extra: SnapshotRecord['layers'] = []): SnapshotRecord => ({
    name,
    description: '',
    createdAt: '',
    workspaceToken: null,
    pendingMerge: false,
    memory: null,
    layers: [{ dev: 'vda', overlay: `/d/root.qcow2.${name}.overlay`, below, belowFormat: 'qcow2' }, ...extra],
  });
  return [
    record('s1', '/d/root.qcow2'),
    record('s2', '/d/root.qcow2.s1.overlay', [{ dev: 'vdb', overlay: '/d/data.img.s2.overlay', below: '/d/data.img', belowFormat: 'raw' }]),
    record('s3', '/d/root.qcow2.s2.overlay'),
  ];
}

/** What deleting snapshots one after the other does to the records, as deleteSnapshot does it; the merges in order. */
function deleteInOrder(names: readonly string[], running: boolean): { records: SnapshotRecord[]; merged: string[] } {
  let records = chainRecords();
  const merged: string[] = [];
  const merge = (index: number): void => {
    const record = records[index]!;
    // A running guest's merge is an active commit: every layer of it is what its disk writes.
    if (running) for (const layer of record.layers) expect(activeLayers(records).get(layer.dev)).toBe(layer.overlay);
    merged.push(record.name);
    records = withoutMergedRecord(records, index);
  };
  for (const name of names) {
    const record = findSnapshotRecord(records, name)!;
    if (deletionOf(records, record, running) === 'pending') records = withPendingMerge(records, records.indexOf(record));
    else merge(records.indexOf(record));
    for (let index = nextPendingMerge(records, running); index >= 0; index = nextPendingMerge(records, running)) merge(index);
  }
  return { records, merged };
}

describe('merge-pending snapshot records', () => {
  it('reads and writes the pending mark; a pending record is no snapshot (read, import, names)', () => {
    const xml = DOMAIN_XML.replace('<vpsnap:snapshot name="s1"', '<vpsnap:snapshot pending="merge" name="s1"');
    const records = parseSnapshotRecords(xml);
    expect(records.map((record) => record.pendingMerge)).toEqual([true, false]);
    expect(findSnapshotRecord(records, 's1')).toBeUndefined();
    expect(findSnapshotRecord(records, 's2')?.name).toBe('s2');
    // Its layer is still in the chain: the disk still writes the newest overlay above it.
    expect(activeLayers(records).get('vdb')).toBe('/d/data.img.s1.overlay');
  });

  it('merges the newest snapshot of a running guest, leaves an older one pending; a stopped VM merges any', () => {
    const records = chainRecords();
    expect(deletionOf(records, records[2]!, true)).toBe('merge');
    expect(deletionOf(records, records[1]!, true)).toBe('pending');
    expect(deletionOf(records, records[0]!, true)).toBe('pending');
    for (const record of records) expect(deletionOf(records, record, false)).toBe('merge');
  });

  it('rewrites the next layer onto the layer a merged one sat on', () => {
    const left = withoutMergedRecord(chainRecords(), 1);
    expect(left.map((record) => record.name)).toEqual(['s1', 's3']);
    expect(left[1]!.layers[0]!.below).toBe('/d/root.qcow2.s1.overlay');
    expect(activeLayers(left).get('vdb')).toBeUndefined();
  });

  it('deletes every snapshot of a running guest, in any order, with active commits only', () => {
    for (const order of [
      ['s1', 's2', 's3'],
      ['s3', 's2', 's1'],
      ['s2', 's1', 's3'],
      ['s1', 's3', 's2'],
    ]) {
      const { records, merged } = deleteInOrder(order, true);
      expect(records).toEqual([]);
      expect(merged).toEqual(['s3', 's2', 's1']);
    }
  });

  it('keeps an older deleted snapshot pending while a newer one stays; a stopped VM merges it next', () => {
    const { records, merged } = deleteInOrder(['s1'], true);
    expect(merged).toEqual([]);
    expect(records.map((record) => [record.name, record.pendingMerge])).toEqual([
      ['s1', true],
      ['s2', false],
      ['s3', false],
    ]);
    expect(nextPendingMerge(records, true)).toBe(-1);
    expect(nextPendingMerge(records, false)).toBe(0);
    // Once stopped, deleting s2 merges it and the pending s1 (qemu-img), and s3 sits on the disk's file.
    let stopped = withoutMergedRecord(records, 1);
    stopped = withoutMergedRecord(stopped, nextPendingMerge(stopped, false));
    expect(stopped.map((record) => record.name)).toEqual(['s3']);
    expect(stopped[0]!.layers[0]!.below).toBe('/d/root.qcow2');
  });

  it('names a new overlay apart from a pending layer of the same snapshot name', () => {
    const records = withPendingMerge(chainRecords(), 0);
    expect(unusedOverlayPath('/d', 'root.qcow2', 's1', records)).toBe('/d/root.qcow2.s1.2.overlay');
    expect(unusedOverlayPath('/d', 'root.qcow2', 's9', records)).toBe('/d/root.qcow2.s9.overlay');
  });

  it('reverts to the newest snapshot past pending layers; the destroy refuses live snapshots only', () => {
    const xml = DOMAIN_XML.replace('<vpsnap:snapshot name="s2"', '<vpsnap:snapshot pending="merge" name="s2"');
    expect(revertTarget({ xml, name: 'web' }, 's1')).toMatchObject({ name: 's1' });
    expect(revertTarget({ xml, name: 'web' }, 's2')).toMatchObject({ summary: 'No such snapshot' });
    expect(revertTarget({ xml: DOMAIN_XML, name: 'web' }, 's1')).toMatchObject({ summary: 'Only the newest snapshot can be reverted to' });
    expect(() => refuseWithSnapshots({ xml, name: 'web' })).toThrow(/still has snapshots \(s1\).*merges of deleted snapshots s2 are pending/);
    const onlyPending = DOMAIN_XML.replace(/<vpsnap:snapshot /g, '<vpsnap:snapshot pending="merge" ');
    expect(() => refuseWithSnapshots({ xml: onlyPending, name: 'web' })).not.toThrow();
  });
});

describe('snapshots with memory', () => {
  const memoryFile = '/d/4dea22b3-1d52-d8f3-2516-782e98ab3fa0.s2.memory';
  const withMemory = DOMAIN_XML.replace('<vpsnap:snapshot name="s2"', `<vpsnap:snapshot memory="${memoryFile}" name="s2"`);

  it('reads the memory file of a record; a disk-only record has none', () => {
    const records = parseSnapshotRecords(withMemory);
    expect(records.map((record) => record.memory)).toEqual([null, memoryFile]);
    expect(parseSnapshotRecords(DOMAIN_XML).map((record) => record.memory)).toEqual([null, null]);
    expect(revertTarget({ xml: withMemory, name: 'web' }, 's2')).toMatchObject({ name: 's2', memory: memoryFile });
  });

  it('puts the memory file beside the first overlay, named after the VM and the snapshot', () => {
    const layers = [{ overlay: '/srv/dom/root.qcow2.s2.overlay' }, { overlay: '/other/data.img.s2.overlay' }];
    expect(memoryFilePath(layers, '4dea22b3-1d52-d8f3-2516-782e98ab3fa0', 's2')).toBe('/srv/dom/4dea22b3-1d52-d8f3-2516-782e98ab3fa0.s2.memory');
    expect(memoryFilePath([], '4dea22b3-1d52-d8f3-2516-782e98ab3fa0', 's2')).toBeNull();
  });

  it('asks libvirt for the memory with the disks, or for the disks only', () => {
    const request = { name: 's2', layers: [{ dev: 'vda', overlay: '/d/root.qcow2.s2.overlay' }], excluded: ['vdz'] };
    const compact = (xml: string): string => xml.replace(/>\s+</g, '><');
    const diskOnly = compact(externalSnapshotXml(request));
    expect(diskOnly).not.toContain('<memory');
    expect(diskOnly).toContain(`<disk name="vda" snapshot="external" type="file"><driver type="qcow2"/><source file="/d/root.qcow2.s2.overlay"/></disk>`);
    expect(diskOnly).toContain('<disk name="vdz" snapshot="no"/>');
    const full = compact(externalSnapshotXml({ ...request, memory: memoryFile }));
    expect(full).toMatch(new RegExp(`<name>s2</name><memory snapshot="external" file="${memoryFile}"/><disks>`));
  });

  it('writes the memory file into the record and drops it once the merge waits (the file is deleted first)', () => {
    const pending = withPendingMerge(parseSnapshotRecords(withMemory), 1);
    expect(pending[1]).toMatchObject({ pendingMerge: true, memory: null });
    expect(parseSnapshotRecords(withMemory)[1]!.memory).toBe(memoryFile);
  });
});

describe('a new snapshot over a half-made one', () => {
  const domainId = '8d9abc38-8f8e-489b-8b09-4c7d4ca1edae';
  function onDisk(path: string): FoundDomain {
    return { ...found([fileDisk('vda', path)]), settings: { disks: [{ dev: 'vda', diskId: `${domainId}/root.qcow2` }] } } as unknown as FoundDomain;
  }

  it("is planned on the disk's own file, or on its own interrupted overlay", () => {
    expect(plannedLayers(onDisk('/d/root.qcow2'), [], 'k1')).toMatchObject({
      strays: [],
      layers: [{ overlay: '/d/root.qcow2.k1.overlay', below: '/d/root.qcow2' }],
    });
    expect(plannedLayers(onDisk('/d/root.qcow2.k1.overlay'), [], 'k1')).toMatchObject({ strays: [], layers: [{ below: '/d/root.qcow2' }] });
  });

  it("names another snapshot's unrecorded overlay the disk is on (an apply killed mid-create), so it is not buried", () => {
    expect(plannedLayers(onDisk('/d/root.qcow2.k2.overlay'), [], 'k3').strays).toEqual([{ dev: 'vda', top: '/d/root.qcow2.k2.overlay' }]);
    const records = chainRecords().slice(0, 1);
    expect(plannedLayers(onDisk('/d/root.qcow2.s1.overlay'), records, 'k3').strays).toEqual([]);
    expect(plannedLayers(onDisk('/d/root.qcow2.k2.overlay'), records, 'k3').strays).toEqual([{ dev: 'vda', top: '/d/root.qcow2.k2.overlay' }]);
  });
});

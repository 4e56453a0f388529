/**
 * The pure parts of snapshots of disks on NFS storage domains: a layer named by its nfs:// URL and
 * back to the network disk source libvirt opens, a new overlay named beside the disk's file on the same
 * export (apart from a pending layer of the same name), the chain the records give a disk, and the
 * <backingStore> chain written into an NFS disk's definition (libvirt 9.0 does not read an NFS disk's
 * backing chain itself); a file disk's chain is left to libvirt.
 */
import { describe, expect, it } from 'vitest';
import {
  diskDeviceXml,
  diskOnChain,
  layerLocationOf,
  layerSourceOf,
  parseDomainXml,
  recordedChain,
  unusedOverlayPath,
  withoutMergedRecord,
  type DomainDisk,
  type DomainModel,
  type SnapshotRecord,
} from '../../../lib/backends/libvirt/index.js';
import { plannedLayers, snapshotRefusals } from '../../../lib/resources/snapshot/resource.js';
import { onActiveLayers } from '../../../lib/resources/vm/domain.js';
import type { FoundDomain } from '../../../lib/resources/vm/index.js';
import type { VmBuild } from '../../../lib/resources/vm/model.js';

const SD = '0b4c9e3a-1f2d-4c5b-8a6e-7d9f0e1a2b3c';
const EXPORT = 'nfs://10.85.0.2/virtplane';

function nfsDisk(dev: string, path: string, extra: Partial<DomainDisk> = {}): DomainDisk {
  return { device: 'disk', format: 'raw', source: { kind: 'nfs', host: '10.85.0.2', path }, target: { dev, bus: 'virtio' }, ...extra };
}

function vm(disks: readonly DomainDisk[]): Pick<FoundDomain, 'model' | 'settings' | 'name'> {
  return {
    name: 'web',
    model: { disks } as unknown as DomainModel,
    settings: { disks: disks.map((disk) => ({ dev: disk.target.dev, diskId: `${SD}/${disk.target.dev === 'vda' ? 'root.img' : 'data.qcow2'}` })) },
  } as unknown as FoundDomain;
}

function record(name: string, layers: SnapshotRecord['layers'], pendingMerge = false): SnapshotRecord {
  return { name, description: '', createdAt: '', workspaceToken: null, pendingMerge, layers, memory: null };
}

describe('snapshot layers on NFS', () => {
  it('names an NFS file by its nfs:// URL and back to the network disk source', () => {
    expect(layerLocationOf({ kind: 'nfs', host: '10.85.0.2', path: '/virtplane/root.img' })).toBe(`${EXPORT}/root.img`);
    expect(layerSourceOf(`${EXPORT}/root.img.s1.overlay`)).toEqual({ kind: 'nfs', host: '10.85.0.2', path: '/virtplane/root.img.s1.overlay' });
    expect(layerSourceOf('nfs://[fd00::2]/srv/vms/a.img')).toEqual({ kind: 'nfs', host: 'fd00::2', path: '/srv/vms/a.img' });
    expect(layerLocationOf({ kind: 'nfs', host: 'fd00::2', path: '/srv/vms/a.img' })).toBe('nfs://[fd00::2]/srv/vms/a.img');
    expect(layerSourceOf('/d/root.qcow2')).toEqual({ kind: 'file', path: '/d/root.qcow2' });
    // A LUN has no place for a layer.
    expect(layerLocationOf({ kind: 'iscsi', host: '10.0.0.2', port: 3260, targetIqn: 'iqn.2025-01.dev.virtplane:t', lun: 1 })).toBeUndefined();
  });

  it('puts a new overlay beside the disk on its export, apart from a pending layer of the same name', () => {
    expect(unusedOverlayPath(EXPORT, 'root.img', 's1', [])).toBe(`${EXPORT}/root.img.s1.overlay`);
    const pending = record('s1', [{ dev: 'vda', overlay: `${EXPORT}/root.img.s1.overlay`, below: `${EXPORT}/root.img`, belowFormat: 'raw' }], true);
    expect(unusedOverlayPath(EXPORT, 'root.img', 's1', [pending])).toBe(`${EXPORT}/root.img.s1.2.overlay`);

    const { layers, excluded } = plannedLayers(
      vm([nfsDisk('vda', '/virtplane/root.img'), nfsDisk('vdz', '/virtplane/seed.iso', { readOnly: true })]),
      [],
      's1',
    );
    expect(layers).toEqual([{ dev: 'vda', overlay: `${EXPORT}/root.img.s1.overlay`, below: `${EXPORT}/root.img`, belowFormat: 'raw' }]);
    expect(excluded).toEqual(['vdz']);
    // The disk on this snapshot's own overlay (its create cut off before the record): the layer below is the disk's file.
    const resumed = plannedLayers(vm([nfsDisk('vda', '/virtplane/root.img.s1.overlay', { format: 'qcow2' })]), [], 's1');
    expect(resumed.layers[0]).toMatchObject({ overlay: `${EXPORT}/root.img.s1.overlay`, below: `${EXPORT}/root.img`, belowFormat: 'raw' });
    expect(resumed.strays).toEqual([]);
    // On another snapshot's overlay that no record names: nothing goes on top of it.
    const stray = plannedLayers(vm([nfsDisk('vda', '/virtplane/root.img.k3.overlay', { format: 'qcow2' })]), [], 'k1');
    expect(stray.strays).toEqual([{ dev: 'vda', top: `${EXPORT}/root.img.k3.overlay` }]);
    // An NFS disk is no refusal (a LUN is: records.test.ts).
    expect(snapshotRefusals(vm([nfsDisk('vda', '/virtplane/root.img')]) as FoundDomain)).toEqual([]);
  });

  it('gives a disk its chain from the records, top first; a merge shortens it', () => {
    const records = [
      record('s1', [{ dev: 'vda', overlay: `${EXPORT}/root.img.s1.overlay`, below: `${EXPORT}/root.img`, belowFormat: 'raw' }]),
      record('s2', [{ dev: 'vda', overlay: `${EXPORT}/root.img.s2.overlay`, below: `${EXPORT}/root.img.s1.overlay`, belowFormat: 'qcow2' }]),
    ];
    expect(recordedChain(records, 'vda')).toEqual([
      { location: `${EXPORT}/root.img.s2.overlay`, format: 'qcow2' },
      { location: `${EXPORT}/root.img.s1.overlay`, format: 'qcow2' },
      { location: `${EXPORT}/root.img`, format: 'raw' },
    ]);
    expect(recordedChain(records, 'vdb')).toEqual([]);
    expect(recordedChain(withoutMergedRecord(records, 0), 'vda')).toEqual([
      { location: `${EXPORT}/root.img.s2.overlay`, format: 'qcow2' },
      { location: `${EXPORT}/root.img`, format: 'raw' },
    ]);
  });

  it('writes an NFS disk on its top layer with the layers below as <backingStore>; a file disk gets no chain', () => {
    const chain = [
      { location: `${EXPORT}/root.img.s1.overlay`, format: 'qcow2' as const },
      { location: `${EXPORT}/root.img`, format: 'raw' as const },
    ];
    const layered = diskOnChain(nfsDisk('vda', '/virtplane/root.img'), chain);
    const xml = diskDeviceXml(layered).replace(/>\s+</g, '><');
    expect(xml).toMatch(
      /<disk type="network" device="disk"><driver name="qemu" type="qcow2"\/><source protocol="nfs" name="\/virtplane\/root.img.s1.overlay">.*<\/source><backingStore type="network"><format type="raw"\/><source protocol="nfs" name="\/virtplane\/root.img"><host name="10.85.0.2"\/>/,
    );
    // Back from the definition: the same source (the chain is libvirt's to print, never read back).
    const parsed = parseDomainXml(
      `<domain type="qemu"><name>web</name><memory>32768</memory><vcpu>1</vcpu><os><type>hvm</type></os><devices>${xml}</devices></domain>`,
    );
    expect(parsed.model.disks[0]).toMatchObject({ format: 'qcow2', source: { kind: 'nfs', host: '10.85.0.2', path: '/virtplane/root.img.s1.overlay' } });

    const file = diskOnChain({ ...nfsDisk('vdb', '/x'), source: { kind: 'file', path: '/d/data.img' } }, [
      { location: '/d/data.img.s1.overlay', format: 'qcow2' },
      { location: '/d/data.img', format: 'raw' },
    ]);
    expect(file.source).toEqual({ kind: 'file', path: '/d/data.img.s1.overlay' });
    expect(file.backingChain).toBeUndefined();
  });

  it('keeps a redefined VM on its NFS overlays', () => {
    const xml = `<domain type='qemu'><name>web</name><metadata><vpsnap:snapshots xmlns:vpsnap="https://virtplane.dev/xmlns/snapshots/1"><vpsnap:snapshot name="s1" createdAt="x"><vpsnap:layer dev="vda" overlay="${EXPORT}/root.img.s1.overlay" below="${EXPORT}/root.img" belowFormat="raw"/></vpsnap:snapshot></vpsnap:snapshots></metadata></domain>`;
    const build = { disks: [nfsDisk('vda', '/virtplane/root.img'), nfsDisk('vdb', '/virtplane/data.qcow2')] } as unknown as VmBuild;
    expect(onActiveLayers(build, xml).disks).toEqual([
      nfsDisk('vda', '/virtplane/root.img.s1.overlay', { format: 'qcow2' }),
      nfsDisk('vdb', '/virtplane/data.qcow2'),
    ]);
  });
});

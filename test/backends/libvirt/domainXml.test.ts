import { describe, expect, it } from 'vitest';
import type { DomainModel } from '../../../lib/backends/libvirt/domainModel.js';
import { validateDomain } from '../../../lib/backends/libvirt/domainModel.js';
import {
  applyDomainModel,
  buildDomainXml,
  diskDeviceXml,
  interfaceDeviceXml,
  parseDomainXml,
  redefineDomainXml,
} from '../../../lib/backends/libvirt/domainXml.js';
import { LibvirtModelError } from '../../../lib/backends/libvirt/errors.js';
import { VIRTPLANE_XML_NAMESPACE } from '../../../lib/backends/libvirt/metadata.js';
import { applyVmSettings, parseVmSettings, readVmSettings, type VmSettings } from '../../../lib/backends/libvirt/vmSettings.js';
import { attr, childElements, descend, el, firstChild, parseDocument, parseXml, serializeXml, textOf } from '../../../lib/backends/libvirt/xml.js';
import { fixture } from './support/fixtures.js';
import { fullDomain, minimalDomain, NASTY_TEXT, OWNER } from './support/sampleModels.js';

const FIXTURES = ['domain-full.xml', 'domain-minimal.xml', 'domain-running-live.xml'];

function devicesOf(xml: string): string[] {
  const devices = firstChild(parseXml(xml), 'devices');
  return devices ? childElements(devices).map((child) => child.name) : [];
}

describe('parseDomainXml on XML captured from libvirt 9.0', () => {
  it('reads back every field virtplane set on the full domain', () => {
    const { model } = parseDomainXml(fixture('domain-full.xml'));
    const sent = fullDomain();
    expect(model).toEqual({
      ...sent,
      uuid: 'c56ab403-658d-4c75-b12e-4d8aba8372dd',
      // libvirt expands "pc" to the versioned machine type.
      os: { ...sent.os, machine: 'pc-i440fx-7.2' },
    });
    expect(model.title).toBe(`Title ${NASTY_TEXT}`);
    expect(model.owner).toEqual(OWNER);
  });

  it('reads the defaults libvirt filled in on the minimal domain', () => {
    const { model } = parseDomainXml(fixture('domain-minimal.xml'));
    expect(model).toEqual({
      ...minimalDomain(),
      uuid: 'fead88ed-a323-4c3e-9256-ffc61f1164ac',
      os: { arch: 'x86_64', machine: 'pc-i440fx-7.2', bootDevices: ['hd', 'network'] },
    });
  });

  it('reads the live XML of a running guest (aliases, runtime attributes)', () => {
    const { model } = parseDomainXml(fixture('domain-running-live.xml'));
    expect(model.disks).toEqual([
      {
        device: 'disk',
        format: 'qcow2',
        source: { kind: 'volume', pool: 'vp-fixture-dir', volume: 'data.qcow2' },
        target: { dev: 'vda', bus: 'virtio' },
        bootOrder: 1,
      },
    ]);
    expect(model.graphics).toEqual({ type: 'vnc', listen: '127.0.0.1' });
    expect(model.serialConsole).toBe(true);
    expect(model.owner).toBeUndefined();
  });

  it.each(FIXTURES)('%s: model -> XML -> model is the identity', (name) => {
    const { model } = parseDomainXml(fixture(name));
    expect(parseDomainXml(buildDomainXml(model)).model).toEqual(model);
  });

  it.each(FIXTURES)('%s: applying its own model changes nothing', (name) => {
    const { model, tree } = parseDomainXml(fixture(name));
    expect(applyDomainModel(tree, model)).toEqual(tree);
  });
});

describe('applyDomainModel: an update keeps what virtplane does not model', () => {
  const { model, tree } = parseDomainXml(fixture('domain-full.xml'));

  it('changes the modelled parts and keeps UUID, emulator, clock, controllers and addresses', () => {
    const changed: DomainModel = {
      ...model,
      uuid: undefined,
      memoryMiB: 128,
      currentMemoryMiB: 96,
      vcpu: { current: 2, max: 4 },
      description: undefined,
      disks: model.disks.filter((disk) => disk.target.dev !== 'vdb'),
      interfaces: [{ ...model.interfaces[0]!, source: { kind: 'network', network: 'other-net' } }],
      graphics: { type: 'none' },
    };
    const xml = serializeXml(applyDomainModel(tree, changed));
    const again = parseDomainXml(xml);
    expect(again.model).toEqual({ ...changed, uuid: model.uuid });

    const root = again.tree;
    expect(textOf(firstChild(root, 'uuid'))).toBe(model.uuid);
    expect(textOf(descend(root, 'devices', 'emulator'))).toBe('/usr/bin/qemu-system-x86_64');
    expect(attr(firstChild(root, 'clock'), 'offset')).toBe('utc');
    expect(firstChild(root, 'description')).toBeUndefined();
    expect(devicesOf(xml).filter((name) => name === 'controller')).toHaveLength(4);
    expect(devicesOf(xml)).not.toContain('graphics');
    // The kept disk keeps libvirt's PCI address; the NIC whose network changed keeps its own too.
    const vda = childElements(firstChild(root, 'devices')!, 'disk').find((disk) => attr(firstChild(disk, 'target'), 'dev') === 'vda');
    expect(attr(firstChild(vda!, 'address'), 'slot')).toBe('0x07');
    const nic = firstChild(firstChild(root, 'devices')!, 'interface');
    expect(attr(firstChild(nic!, 'address'), 'slot')).toBe('0x03');
    // With one NUMA cell libvirt takes memory from the cell: it follows the model.
    const cell = descend(root, 'cpu', 'numa', 'cell');
    expect(cell?.attributes).toMatchObject({ cpus: '0-3', memory: String(128 * 1024), unit: 'KiB' });
    expect(attr(firstChild(root, 'cpu'), 'mode')).not.toBe('host-model');
  });

  it("keeps other applications' metadata and replaces only virtplane's owner", () => {
    const base = parseXml(fixture('domain-full.xml'));
    const metadata = firstChild(base, 'metadata')!;
    metadata.elements.push(parseXml('<other:thing xmlns:other="urn:other">keep me</other:thing>'));
    const updated = applyDomainModel(base, { ...model, owner: { ...OWNER, cluster: 'moved' } });
    const children = childElements(firstChild(updated, 'metadata')!);
    expect(children.map((child) => child.name)).toEqual(['other:thing', 'vp:owner']);
    expect(textOf(children[0])).toBe('keep me');
    expect(parseDomainXml(serializeXml(updated)).model.owner?.cluster).toBe('moved');
    expect(attr(children[1], 'xmlns:vp')).toBe(VIRTPLANE_XML_NAMESPACE);

    const released = applyDomainModel(base, { ...model, owner: undefined });
    expect(childElements(firstChild(released, 'metadata')!).map((child) => child.name)).toEqual(['other:thing']);
  });

  it('adds a disk after the existing ones and leaves a disk it cannot model untouched', () => {
    const base = parseXml(fixture('domain-full.xml'));
    const devices = firstChild(base, 'devices')!;
    const nvme = parseXml(
      "<disk type='nvme' device='disk'><driver name='qemu' type='raw'/><source type='pci' managed='yes' namespace='1'><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source><target dev='vdz' bus='virtio'/></disk>",
    );
    const firstDisk = firstChild(devices, 'disk')!;
    devices.elements.splice(devices.elements.indexOf(firstDisk) + 1, 0, nvme);
    const parsed = parseDomainXml(serializeXml(base)).model;
    expect(parsed.disks.find((disk) => disk.target.dev === 'vdz')?.source).toEqual({ kind: 'unsupported', type: 'nvme' });

    const added = {
      device: 'disk' as const,
      format: 'qcow2' as const,
      source: { kind: 'file' as const, path: '/images/new.qcow2' },
      target: { dev: 'vdc', bus: 'virtio' as const },
    };
    const updated = applyDomainModel(base, { ...parsed, disks: [...parsed.disks, added] });
    const disks = childElements(firstChild(updated, 'devices')!, 'disk');
    expect(disks.map((disk) => attr(firstChild(disk, 'target'), 'dev'))).toEqual(['vda', 'vdz', 'vdb', 'sda', 'sdb', 'vdc']);
    expect(disks[1]).toEqual(nvme);
  });

  it('moves a disk to another bus and drops the address that no longer fits', () => {
    const updated = applyDomainModel(tree, {
      ...model,
      disks: model.disks.map((disk) => (disk.target.dev === 'vdb' ? { ...disk, target: { dev: 'sdc', bus: 'sata' as const } } : disk)),
    });
    const moved = childElements(firstChild(updated, 'devices')!, 'disk').find((disk) => attr(firstChild(disk, 'target'), 'dev') === 'sdc');
    expect(moved && firstChild(moved, 'address')).toBeUndefined();
  });

  it('writes an NFS volume as a network disk (protocol nfs, the root identity the schema requires) and reads it back', () => {
    const disk = {
      device: 'disk',
      format: 'qcow2',
      source: { kind: 'nfs', host: '10.0.0.2', path: '/srv/vms/data.qcow2' },
      target: { dev: 'vdb', bus: 'virtio' },
    } as const;
    const xml = buildDomainXml({ ...minimalDomain(), disks: [disk] });
    const element = descend(parseXml(xml), 'devices', 'disk')!;
    expect(attr(element, 'type')).toBe('network');
    const source = firstChild(element, 'source')!;
    expect([attr(source, 'protocol'), attr(source, 'name'), attr(firstChild(source, 'host'), 'name')]).toEqual(['nfs', '/srv/vms/data.qcow2', '10.0.0.2']);
    expect(attr(firstChild(source, 'identity'), 'user')).toBe('root');
    expect(parseDomainXml(xml).model.disks).toEqual([disk]);
  });

  it('refuses to change a UUID', () => {
    expect(() => applyDomainModel(tree, { ...model, uuid: '00000000-0000-4000-8000-000000000001' })).toThrow(LibvirtModelError);
  });

  it('redefineDomainXml works from text', () => {
    const xml = redefineDomainXml(fixture('domain-minimal.xml'), { ...minimalDomain(), title: 'now titled' });
    expect(parseDomainXml(xml).model.title).toBe('now titled');
    expect(parseDomainXml(xml).model.uuid).toBe('fead88ed-a323-4c3e-9256-ffc61f1164ac');
  });
});

describe('buildDomainXml', () => {
  it('keeps names, titles and descriptions with XML metacharacters byte-exact and inert', () => {
    const model: DomainModel = { ...minimalDomain(`vp <a> & "b" 'c' ]]>`), title: NASTY_TEXT, description: `${NASTY_TEXT}\r\n\tend` };
    const xml = buildDomainXml(model);
    const root = parseXml(xml);
    expect(childElements(root).map((child) => child.name)).toEqual(['name', 'title', 'description', 'memory', 'currentMemory', 'vcpu', 'os', 'devices']);
    expect(parseDomainXml(xml).model).toMatchObject({ name: model.name, title: model.title, description: model.description });
  });

  it('never writes a host-model CPU, and writes <cpu> only for the NUMA cell memory hot-plug needs', () => {
    expect(firstChild(parseXml(buildDomainXml(minimalDomain())), 'cpu')).toBeUndefined();
    const full = buildDomainXml(fullDomain());
    expect(full).not.toContain('host-model');
    expect(childElements(firstChild(parseXml(full), 'cpu')!).map((child) => child.name)).toEqual(['numa']);
  });

  it('writes device XML for hot-plug', () => {
    const disk = fullDomain().disks[0]!;
    const diskXml = parseXml(diskDeviceXml(disk));
    expect(diskXml.name).toBe('disk');
    expect(attr(firstChild(diskXml, 'source'), 'name')).toBe('iqn.2024-01.dev.virtplane:storage.sd1/1');
    const nicXml = parseXml(interfaceDeviceXml(fullDomain().interfaces[0]!));
    expect(attr(firstChild(nicXml, 'mac'), 'address')).toBe('52:54:00:12:34:56');
    expect(() => diskDeviceXml({ ...disk, target: { dev: 'bogus', bus: 'virtio' } })).toThrow(LibvirtModelError);
  });
});

const SETTINGS: VmSettings = {
  pinnedHostId: 'host-1',
  highAvailability: true,
  shutdownTimeoutSeconds: 30,
  disks: [{ diskId: 'sd-1/disk 1', dev: 'vda' }],
  nics: [{ networkId: 'net-1', mac: '52:54:00:12:34:56' }],
  workspaceToken: null,
};

describe('the VM settings element', () => {
  it("round-trips through XML next to other applications' metadata, which it keeps", () => {
    const domain = el('domain', { type: 'kvm' }, [
      el('name', {}, [{ type: 'text', text: 'web1' }]),
      el('metadata', {}, [el('other:thing', { 'xmlns:other': 'urn:other' })]),
    ]);
    applyVmSettings(domain, SETTINGS);
    applyVmSettings(domain, { ...SETTINGS, workspaceToken: 'ws-token-1' });
    const back = parseDocument(serializeXml(domain), 'domain');
    expect(readVmSettings(back)).toEqual({ ...SETTINGS, workspaceToken: 'ws-token-1' });
    expect(serializeXml(back)).toContain('<other:thing xmlns:other="urn:other"/>');
    expect(serializeXml(back).match(/vpvm:vm /g)).toHaveLength(1);
  });

  it('is read through any prefix bound to its namespace, and absent from foreign domains', () => {
    const xml = `<domain type="kvm"><name>x</name><metadata><z:vm xmlns:z="https://virtplane.dev/xmlns/vm/1" shutdownTimeoutSeconds="3"><z:pin host="h"/></z:vm></metadata></domain>`;
    expect(parseVmSettings(xml)).toMatchObject({ pinnedHostId: 'h', shutdownTimeoutSeconds: 3, highAvailability: false });
    expect(parseVmSettings('<domain type="kvm"><name>x</name></domain>')).toBeUndefined();
  });
});

describe('what a definition carries beside the model', () => {
  function romsOf(xml: string): (string | undefined)[] {
    return childElements(firstChild(parseXml(xml), 'devices')!, 'interface').map((nic) => attr(firstChild(nic, 'rom'), 'enabled'));
  }

  it('a new domain gets the CPU model asked for, unless the model writes its own <cpu>', () => {
    const xml = buildDomainXml(minimalDomain(), { cpuModel: 'Haswell-noTSX' });
    const cpu = firstChild(parseXml(xml), 'cpu')!;
    expect(cpu.attributes).toEqual({ mode: 'custom', match: 'exact', check: 'none' });
    expect(childElements(cpu).map((child) => [child.name, attr(child, 'fallback'), textOf(child)])).toEqual([['model', 'allow', 'Haswell-noTSX']]);
    expect(firstChild(parseXml(buildDomainXml(minimalDomain(), { cpuModel: null })), 'cpu')).toBeUndefined();
    // Memory hot-plug's NUMA cell is the <cpu>: no model is added to it.
    expect(childElements(firstChild(parseXml(buildDomainXml(fullDomain(), { cpuModel: 'Haswell-noTSX' })), 'cpu')!).map((child) => child.name)).toEqual([
      'numa',
    ]);
  });

  it('turns off the option ROM of every NIC that has no <rom>, and leaves one someone set', () => {
    expect(romsOf(buildDomainXml(fullDomain()))).toEqual([undefined, undefined]);
    expect(romsOf(buildDomainXml(fullDomain(), { noNicOptionRoms: true }))).toEqual(['no', 'no']);
    const tree = parseXml(fixture('domain-full.xml'));
    const firstNic = childElements(firstChild(tree, 'devices')!, 'interface')[0]!;
    firstNic.elements.push(parseXml("<rom enabled='yes'/>"));
    const { model } = parseDomainXml(fixture('domain-full.xml'));
    expect(romsOf(redefineDomainXml(serializeXml(tree), model, { noNicOptionRoms: true }))).toEqual(['yes', 'no']);
  });

  it('writes the VM settings, and a redefinition without them keeps the ones the domain has', () => {
    const created = buildDomainXml(minimalDomain(), { vmSettings: SETTINGS });
    expect(parseVmSettings(created)).toEqual(SETTINGS);
    const kept = redefineDomainXml(created, { ...minimalDomain(), title: 'retitled' });
    expect(parseVmSettings(kept)).toEqual(SETTINGS);
    const recorded = redefineDomainXml(kept, minimalDomain(), { vmSettings: { ...SETTINGS, workspaceToken: 'ws-token-1' } });
    expect(parseVmSettings(recorded)).toEqual({ ...SETTINGS, workspaceToken: 'ws-token-1' });
    expect(recorded.match(/vpvm:vm /g)).toHaveLength(1);
    expect(parseVmSettings(buildDomainXml(minimalDomain()))).toBeUndefined();
  });
});

describe('validateDomain', () => {
  const base = minimalDomain();
  it.each([
    ['a number, which virsh reads as an ID', { ...base, name: '42' }, 'name'],
    ['a UUID-shaped name', { ...base, name: '6f1e3a43-7b2e-4c4e-9a47-0c2b1f6e9d11' }, 'name'],
    ['a slash', { ...base, name: 'a/b' }, 'name'],
    ['a newline in the name', { ...base, name: 'a\nb' }, 'name'],
    ['a blank name', { ...base, name: '  ' }, 'name'],
    ['a newline in the title', { ...base, title: 'two\nlines' }, 'title'],
    ['a control character in the description', { ...base, description: 'bell\u0007' }, 'description'],
    ['current memory above memory', { ...base, currentMemoryMiB: 64 }, 'currentMemoryMiB'],
    ['more current vCPUs than max', { ...base, vcpu: { current: 2, max: 1 } }, 'vcpu.current'],
    ['per-device boot order with <os><boot>', { ...fullDomain(), os: { bootDevices: ['hd'] } }, 'os.bootDevices'],
    ['a multicast MAC', { ...base, interfaces: [{ source: { kind: 'network', network: 'n' }, mac: '01:00:5e:00:00:01' }] }, 'interfaces[0].mac'],
    ['a disk target used twice', { ...base, disks: [fullDomain().disks[1]!, fullDomain().disks[1]!] }, 'disks[1].target.dev'],
  ] as const)('refuses %s', (_what, model, path) => {
    let caught: unknown;
    try {
      validateDomain(model as DomainModel);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LibvirtModelError);
    expect((caught as LibvirtModelError).path).toBe(path);
  });

  it('accepts the sample models', () => {
    expect(() => validateDomain(fullDomain())).not.toThrow();
    expect(() => validateDomain(minimalDomain())).not.toThrow();
  });
});

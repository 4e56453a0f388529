import { describe, expect, it } from 'vitest';
import { LibvirtModelError, LibvirtXmlParseError } from '../../../lib/backends/libvirt/errors.js';
import { encodePoolOwner, readPoolOwner } from '../../../lib/backends/libvirt/metadata.js';
import type { NetworkModel } from '../../../lib/backends/libvirt/networkModel.js';
import { validateNetwork } from '../../../lib/backends/libvirt/networkModel.js';
import { applyNetworkModel, buildNetworkXml, parseNetworkXml } from '../../../lib/backends/libvirt/networkXml.js';
import { applyPoolModel, buildPoolXml, parsePoolXml } from '../../../lib/backends/libvirt/poolXml.js';
import { buildVolumeXml, parseVolumeXml } from '../../../lib/backends/libvirt/volumeXml.js';
import { attr, childElements, el, firstChild, parseXml, serializeXml } from '../../../lib/backends/libvirt/xml.js';
import { fixture } from './support/fixtures.js';
import { bridgeNetwork, dirPool, iscsiDirectPool, isolatedNetwork, natNetwork, POOL_OWNER } from './support/sampleModels.js';

describe('networks', () => {
  it.each([
    ['network-nat.xml', natNetwork(), '576ae656-3062-4a1b-86a4-56c717726aa9'],
    ['network-isolated.xml', isolatedNetwork(), '5d600a2a-9f0e-42a7-a73d-1661f468cfc5'],
    ['network-bridge.xml', bridgeNetwork(), '3392690f-f4e2-4b35-b430-564bef6ed285'],
  ] as const)('%s reads back what virtplane defined, and round-trips', (file, sent, uuid) => {
    const { model, tree } = parseNetworkXml(fixture(file));
    expect(model).toEqual({ ...sent, uuid });
    expect(parseNetworkXml(buildNetworkXml(model)).model).toEqual(model);
    expect(applyNetworkModel(tree, model)).toEqual(tree);
  });

  it('keeps the MAC libvirt chose and static DHCP hosts when the subnet changes', () => {
    const base = parseXml(fixture('network-nat.xml'));
    firstChild(firstChild(base, 'ip')!, 'dhcp')!.elements.push(el('host', { mac: '52:54:00:00:00:09', ip: '10.98.0.9' }));
    const { model } = parseNetworkXml(serializeXml(base));
    const updated = applyNetworkModel(base, { ...model, ipv4: { address: '10.98.0.1', prefix: 23, dhcpRange: { start: '10.98.0.50', end: '10.98.0.60' } } });
    expect(attr(firstChild(updated, 'mac'), 'address')).toBe('52:54:00:5d:b2:b1');
    const dhcp = firstChild(firstChild(updated, 'ip')!, 'dhcp')!;
    expect(childElements(dhcp).map((child) => child.name)).toEqual(['range', 'host']);
    expect(parseNetworkXml(serializeXml(updated)).model.ipv4).toEqual({
      address: '10.98.0.1',
      prefix: 23,
      dhcpRange: { start: '10.98.0.50', end: '10.98.0.60' },
    });
  });

  it('switches modes: nat -> isolated drops <forward>, -> bridge drops the subnet and stp', () => {
    const { model, tree } = parseNetworkXml(fixture('network-nat.xml'));
    const isolated = applyNetworkModel(tree, { ...model, mode: 'isolated' });
    expect(firstChild(isolated, 'forward')).toBeUndefined();
    const bridged = applyNetworkModel(tree, { ...model, mode: 'bridge', bridge: 'br0', ipv4: undefined, mtu: undefined });
    expect(firstChild(bridged, 'bridge')?.attributes).toEqual({ name: 'br0' });
    expect(firstChild(bridged, 'ip')).toBeUndefined();
    expect(parseNetworkXml(serializeXml(bridged)).model.mode).toBe('bridge');
  });

  it('reads a netmask as a prefix', () => {
    const xml = "<network><name>n</name><ip address='192.168.5.1' netmask='255.255.254.0'/></network>";
    expect(parseNetworkXml(xml).model.ipv4).toEqual({ address: '192.168.5.1', prefix: 23 });
  });

  it('does not pretend to model forward modes it does not know', () => {
    expect(() => parseNetworkXml("<network><name>r</name><forward mode='route'/></network>")).toThrow(LibvirtXmlParseError);
  });

  it.each([
    ['bridge mode without a bridge', { name: 'n', mode: 'bridge' }, 'bridge'],
    ['an MTU in bridge mode (libvirt refuses it)', { ...bridgeNetwork(), mtu: 1500 }, 'mtu'],
    ['a VLAN on a Linux bridge (libvirt refuses it)', { ...bridgeNetwork(), vlanId: 42 }, 'vlanId'],
    ['a bridge name longer than 15 bytes', { ...natNetwork(), bridge: 'a-very-long-bridge' }, 'bridge'],
    ['a bad address', { ...natNetwork(), ipv4: { address: '10.0.0.300', prefix: 24 } }, 'ipv4.address'],
  ] as const)('refuses %s', (_what, model, path) => {
    expect(() => validateNetwork(model as NetworkModel)).toThrow(LibvirtModelError);
    try {
      validateNetwork(model as NetworkModel);
    } catch (error) {
      expect((error as LibvirtModelError).path).toBe(path);
    }
  });
});

describe('pools', () => {
  it('dir pool: reads back the model and sizes, round-trips, keeps permissions', () => {
    const { model, sizes, tree } = parsePoolXml(fixture('pool-dir.xml'));
    expect(model).toEqual({ ...dirPool('/var/lib/libvirt/images/vp-fixture-dir'), uuid: 'a5969dc3-d7a7-4be1-bbdd-9941c8115dac' });
    expect(sizes).toEqual({ capacityBytes: 270553174016, allocationBytes: 24115937280, availableBytes: 246437236736 });
    expect(parsePoolXml(buildPoolXml(model)).model).toEqual(model);
    expect(applyPoolModel(tree, model)).toEqual(tree);
    const moved = applyPoolModel(tree, { ...dirPool('/srv/images'), uuid: model.uuid });
    expect(parsePoolXml(serializeXml(moved)).model).toMatchObject({ type: 'dir', path: '/srv/images' });
    expect(firstChild(firstChild(moved, 'target')!, 'permissions')).toBeDefined();
  });

  it('iscsi-direct pool: reads back target, initiator, CHAP user and owner', () => {
    const { model, tree } = parsePoolXml(fixture('pool-iscsi-direct.xml'));
    expect(model).toEqual({ ...iscsiDirectPool(), uuid: 'f87e21f9-ba54-426c-a220-f4b6812ada9e' });
    expect(parsePoolXml(buildPoolXml(model)).model).toEqual(model);
    expect(applyPoolModel(tree, model)).toEqual(tree);
  });

  it('keeps ownership in <vendor>/<product>, which survives any characters', () => {
    const owner = { ...POOL_OWNER, cluster: 'a=b&c=d+e%f <"\'>' };
    const source = el('source', {}, [el('vendor', { name: 'virtplane' }), el('product', { name: encodePoolOwner(owner) })]);
    expect(readPoolOwner(parseXml(serializeXml(source)))).toEqual(owner);
    expect(readPoolOwner(el('source', {}, [el('vendor', { name: 'ACME' }), el('product', { name: 'managedBy=virtplane&resourceId=x' })]))).toBeUndefined();
  });

  it('refuses to change a pool type', () => {
    const { tree } = parsePoolXml(fixture('pool-dir.xml'));
    expect(() => applyPoolModel(tree, iscsiDirectPool('vp-fixture-dir'))).toThrow(LibvirtModelError);
  });

  it('clearing the owner removes only our vendor/product', () => {
    const { model, tree } = parsePoolXml(fixture('pool-iscsi-direct.xml'));
    const released = applyPoolModel(tree, { ...model, owner: undefined });
    expect(childElements(firstChild(released, 'source')!).map((child) => child.name)).toEqual(['host', 'device', 'initiator', 'auth']);
  });
});

describe('volumes', () => {
  it('reads the captured volumes', () => {
    expect(parseVolumeXml(fixture('volume-qcow2.xml'))).toEqual({
      name: 'data.qcow2',
      key: '/var/lib/libvirt/images/vp-fixture-dir/data.qcow2',
      path: '/var/lib/libvirt/images/vp-fixture-dir/data.qcow2',
      type: 'file',
      capacityMiB: 16,
      allocationMiB: 200704 / 1024 / 1024,
      format: 'qcow2',
    });
    expect(parseVolumeXml(fixture('volume-raw.xml'))).toMatchObject({ name: 'scratch.raw', capacityMiB: 8, allocationMiB: 0, format: 'raw' });
  });

  it('builds sparse volumes', () => {
    const volume = parseXml(buildVolumeXml({ name: 'a & b.qcow2', capacityMiB: 10, format: 'qcow2' }));
    expect(firstChild(volume, 'capacity')?.attributes).toEqual({ unit: 'MiB' });
    expect(parseVolumeXml(buildVolumeXml({ name: 'a & b.qcow2', capacityMiB: 10, format: 'qcow2' }))).toMatchObject({
      name: 'a & b.qcow2',
      capacityMiB: 10,
      allocationMiB: 0,
      format: 'qcow2',
    });
    expect(() => buildVolumeXml({ name: 'x', capacityMiB: 0 })).toThrow(LibvirtModelError);
  });
});

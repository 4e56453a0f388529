/**
 * Models that use every element virtplane sets: the fixtures in test/fixtures/libvirt are what real
 * libvirt 9.0 dumped after these were defined (see test/fixtures/libvirt/capture.ts).
 */
import type { DomainModel } from '../../../../lib/backends/libvirt/domainModel.js';
import type { NetworkModel } from '../../../../lib/backends/libvirt/networkModel.js';
import type { DirPoolModel, IscsiDirectPoolModel } from '../../../../lib/backends/libvirt/poolModel.js';
import type { VolumeModel } from '../../../../lib/backends/libvirt/volumeXml.js';

/** Every XML metacharacter, a CDATA terminator and quotes of both kinds. */
export const NASTY_TEXT = `a<b>&c "d" 'e' ]]> &amp; &lt;x&gt; <!-- no --> <![CDATA[y]]>`;

export const OWNER = {
  managedBy: 'virtplane',
  resourceType: 'virtplane_vm',
  resourceId: 'vm-0001 & <co>',
  dataCenter: 'dc "east"',
  cluster: "cluster 'a'",
} as const;

export function fullDomain(name = 'vp-fixture-full'): DomainModel {
  return {
    name,
    type: 'kvm',
    title: `Title ${NASTY_TEXT}`,
    description: `Line one\nline two ${NASTY_TEXT}\n\ttabbed`,
    memoryMiB: 64,
    currentMemoryMiB: 48,
    memoryHotplug: { maxMiB: 256, slots: 4 },
    vcpu: { current: 1, max: 2 },
    os: { arch: 'x86_64', machine: 'pc', bootDevices: [] },
    features: { acpi: true, apic: true },
    disks: [
      {
        device: 'disk',
        format: 'raw',
        source: {
          kind: 'iscsi',
          host: '10.99.0.10',
          port: 3260,
          targetIqn: 'iqn.2024-01.dev.virtplane:storage.sd1',
          lun: 1,
          initiatorIqn: 'iqn.2024-01.dev.virtplane:kvm1',
          auth: { username: 'chap-user', secretUsage: 'virtplane-sd1' },
        },
        target: { dev: 'vda', bus: 'virtio' },
        bootOrder: 1,
        serial: 'VP-DISK-1',
      },
      {
        device: 'disk',
        format: 'qcow2',
        source: { kind: 'file', path: '/var/lib/virtplane/images/data.qcow2' },
        target: { dev: 'vdb', bus: 'virtio' },
      },
      {
        device: 'disk',
        format: 'raw',
        source: { kind: 'volume', pool: 'vp-fixture-dir', volume: 'scratch.raw' },
        target: { dev: 'sda', bus: 'scsi' },
      },
      {
        device: 'cdrom',
        format: 'raw',
        source: { kind: 'file', path: '/var/lib/virtplane/iso/install.iso' },
        target: { dev: 'sdb', bus: 'sata' },
        readOnly: true,
        bootOrder: 3,
      },
    ],
    interfaces: [
      { source: { kind: 'network', network: 'vp-fixture-nat' }, mac: '52:54:00:12:34:56', model: 'virtio', bootOrder: 2 },
      { source: { kind: 'bridge', bridge: 'vpbr-host' }, mac: '52:54:00:12:34:57', model: 'e1000' },
    ],
    graphics: { type: 'vnc', listen: '127.0.0.1' },
    serialConsole: true,
    owner: OWNER,
  };
}

export function minimalDomain(name = 'vp-fixture-minimal'): DomainModel {
  return {
    name,
    type: 'qemu',
    memoryMiB: 32,
    currentMemoryMiB: 32,
    vcpu: { current: 1, max: 1 },
    os: { bootDevices: ['hd', 'network'] },
    features: { acpi: false, apic: false },
    disks: [],
    interfaces: [],
    graphics: { type: 'none' },
    serialConsole: false,
  };
}

export const NETWORK_OWNER = { managedBy: 'virtplane', resourceType: 'virtplane_network', resourceId: 'net-1', dataCenter: 'dc1' } as const;

export function natNetwork(name = 'vp-fixture-nat'): NetworkModel {
  return {
    name,
    mode: 'nat',
    bridge: 'vpnat0',
    ipv4: { address: '10.98.0.1', prefix: 24, dhcpRange: { start: '10.98.0.100', end: '10.98.0.200' } },
    mtu: 1450,
    owner: NETWORK_OWNER,
  };
}

export function isolatedNetwork(name = 'vp-fixture-isolated'): NetworkModel {
  return { name, mode: 'isolated', bridge: 'vpiso0', ipv4: { address: '10.97.0.1', prefix: 25 }, owner: NETWORK_OWNER };
}

export function bridgeNetwork(name = 'vp-fixture-bridge'): NetworkModel {
  return { name, mode: 'bridge', bridge: 'vpbr-host', owner: NETWORK_OWNER };
}

export const POOL_OWNER = { managedBy: 'virtplane', resourceType: 'virtplane_storage_domain', resourceId: 'sd 1 & <x>', dataCenter: 'dc1' } as const;

export function dirPool(path: string, name = 'vp-fixture-dir'): DirPoolModel {
  return { name, type: 'dir', path, owner: POOL_OWNER };
}

export function iscsiDirectPool(name = 'vp-fixture-iscsi'): IscsiDirectPoolModel {
  return {
    name,
    type: 'iscsi-direct',
    host: '10.99.0.10',
    port: 3260,
    targetIqn: 'iqn.2024-01.dev.virtplane:storage.sd1',
    initiatorIqn: 'iqn.2024-01.dev.virtplane:kvm1',
    auth: { username: 'chap-user', secretUsage: 'virtplane-sd1' },
    owner: POOL_OWNER,
  };
}

export const QCOW2_VOLUME: VolumeModel = { name: 'data.qcow2', capacityMiB: 16, format: 'qcow2' };
export const RAW_VOLUME: VolumeModel = { name: 'scratch.raw', capacityMiB: 8, format: 'raw' };

/**
 * Real libvirt 9.0 accepts what virtplane generates and keeps what it must: a scratch libvirtd in
 * private namespaces (no lab needed), driven through the same operations the lab uses, with a local
 * transport instead of SSH.
 */
import { statSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resizeRunningDomain } from '../../../lib/backends/libvirt/domainResources.js';
import {
  defineDomain,
  destroyDomain,
  liveDomainModel,
  lookupDomain,
  requireDomain,
  resumeDomain,
  setDomainAutostart,
  startDomain,
  undefineDomain,
  writeDomainDefinition,
  writeVmSettings,
} from '../../../lib/backends/libvirt/domains.js';
import type { DomainModel } from '../../../lib/backends/libvirt/domainModel.js';
import { parseVmSettings, type VmSettings } from '../../../lib/backends/libvirt/vmSettings.js';
import { defineNetwork, lookupNetwork, undefineNetwork } from '../../../lib/backends/libvirt/networks.js';
import { buildPool, definePool, lookupPool, startPool, undefinePool, destroyPool } from '../../../lib/backends/libvirt/pools.js';
import { createVolume, deleteVolume, growVolume, lookupVolume } from '../../../lib/backends/libvirt/volumes.js';
import { LibvirtOperationError, VirshError } from '../../../lib/backends/libvirt/virshErrors.js';
import { deleteIscsiSecret, findIscsiSecret, setIscsiSecret } from '../../../lib/backends/libvirt/secrets.js';
import { attr, childElements, firstChild, parseXml, serializeXml, setChildText, textOf } from '../../../lib/backends/libvirt/xml.js';
import { tinyDomainModel } from '../../support/tinyDomain.js';
import { localLibvirtHost } from './support/localHost.js';
import { bridgeNetwork, dirPool, fullDomain, iscsiDirectPool, isolatedNetwork, minimalDomain, NASTY_TEXT, natNetwork } from './support/sampleModels.js';
import { startScratchLibvirt, type ScratchLibvirt } from './support/scratchLibvirt.js';

let scratch: ScratchLibvirt;

/** The sample domain asks for KVM; a machine without /dev/kvm only offers QEMU's TCG ('qemu'). */
const THIS_MACHINE_VIRT_TYPE: DomainModel['type'] = statSync('/dev/kvm', { throwIfNoEntry: false })?.isCharacterDevice() === true ? 'kvm' : 'qemu';

beforeAll(async () => {
  scratch = await startScratchLibvirt();
});

afterAll(async () => {
  await scratch?.stop();
});

/** What libvirt fills in on a domain it has accepted. */
function asDefined(model: DomainModel, uuid: string): DomainModel {
  return {
    ...model,
    uuid,
    os: {
      ...model.os,
      arch: model.os.arch ?? 'x86_64',
      machine: 'pc-i440fx-7.2',
      bootDevices:
        model.os.bootDevices.length > 0 || model.disks.some((d) => d.bootOrder) || model.interfaces.some((i) => i.bootOrder) ? model.os.bootDevices : ['hd'],
    },
  };
}

describe('domains in real libvirt', () => {
  it.each([
    ['the full sample domain', { ...fullDomain('vp-accept-full'), type: THIS_MACHINE_VIRT_TYPE }],
    ['the minimal sample domain', minimalDomain('vp-accept-minimal')],
  ])('accepts %s and reads back the same model', async (_what, model) => {
    const record = await defineDomain(scratch.host, model);
    expect(record.state).toBe('shut off');
    expect(record.model).toEqual(asDefined(model, record.uuid));
  });

  it('keeps a name, title and description full of XML metacharacters byte for byte', async () => {
    const model: DomainModel = {
      ...minimalDomain(`vp <a> & "b" 'c' ]]> &amp; done`),
      title: NASTY_TEXT,
      description: `${NASTY_TEXT}\nsecond line\ttab  `,
    };
    const record = await defineDomain(scratch.host, model);
    expect(record.name).toBe(model.name);
    expect(record.model.title).toBe(model.title);
    expect(record.model.description).toBe(model.description);
    // virsh finds it by that exact name, and lists it under it.
    const byName = await lookupDomain(scratch.host, model.name);
    expect(byName?.uuid).toBe(record.uuid);
    expect((await scratch.virsh(['list', '--all', '--name'])).split('\n')).toContain(model.name);
  });

  it('redefines in place: same UUID, foreign metadata and unmodelled elements kept', async () => {
    const created = await defineDomain(scratch.host, minimalDomain('vp-accept-update'));
    // Someone else's metadata and a changed element virtplane does not model, behind virtplane's back.
    const tree = parseXml(created.xml);
    tree.elements.push(parseXml("<metadata><acme:tag xmlns:acme='urn:acme'>mine</acme:tag></metadata>"));
    setChildText(tree, 'on_crash', 'restart');
    await scratch.virsh(['define', '/dev/stdin'], serializeXml(tree));

    const updated = await defineDomain(scratch.host, {
      ...minimalDomain('vp-accept-update'),
      memoryMiB: 48,
      currentMemoryMiB: 40,
      owner: { managedBy: 'virtplane', resourceId: 'vm-9' },
    });
    expect(updated.uuid).toBe(created.uuid);
    expect(updated.model.memoryMiB).toBe(48);
    expect(updated.model.owner).toEqual({ managedBy: 'virtplane', resourceId: 'vm-9' });
    const saved = parseXml(updated.xml);
    expect(childElements(firstChild(saved, 'metadata')!).map((child) => child.name)).toEqual(['acme:tag', 'vp:owner']);
    expect(textOf(firstChild(saved, 'on_crash'))).toBe('restart');
  });

  it('renames a stopped domain in place when the model renames it', async () => {
    const created = await defineDomain(scratch.host, minimalDomain('vp-accept-old-name'));
    const renamed = await defineDomain(scratch.host, { ...minimalDomain('vp-accept-new-name'), uuid: created.uuid });
    expect(renamed.uuid).toBe(created.uuid);
    expect(renamed.name).toBe('vp-accept-new-name');
    expect(await lookupDomain(scratch.host, 'vp-accept-old-name')).toBeNull();
  });

  it('classifies: a missing domain is null, an unreachable libvirtd throws (cannot tell)', async () => {
    expect(await lookupDomain(scratch.host, 'vp-no-such-domain')).toBeNull();
    expect(await lookupDomain(scratch.host, '7c1e2d3a-0000-4000-8000-000000000000')).toBeNull();
    const down = localLibvirtHost('down', `qemu:///system?socket=${join(scratch.dir, 'no-such-socket')}`);
    const error = await lookupDomain(down, 'vp-accept-full').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VirshError);
    expect((error as VirshError).kind).toBe('connection');
    expect((error as VirshError).cannotTell).toBe(true);
  });

  it('libvirt refusing a definition is a typed error, never "gone"', async () => {
    const error = await defineDomain(scratch.host, { ...minimalDomain('vp-accept-bad'), os: { machine: 'no-such-machine', bootDevices: [] } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(VirshError);
    expect((error as VirshError).kind).toBe('rejected');
    expect((error as VirshError).cannotTell).toBe(false);
    expect((error as VirshError).detail).toMatch(/Failed to define domain/);
    expect(await lookupDomain(scratch.host, 'vp-accept-bad')).toBeNull();
  });

  it('undefine reports whether there was something to remove', async () => {
    await defineDomain(scratch.host, minimalDomain('vp-accept-gone'));
    expect(await undefineDomain(scratch.host, 'vp-accept-gone')).toBe(true);
    expect(await undefineDomain(scratch.host, 'vp-accept-gone')).toBe(false);
  });
});

describe('what the VM resource asks of a domain, in real libvirt', () => {
  const SETTINGS: VmSettings = {
    pinnedHostId: null,
    highAvailability: false,
    shutdownTimeoutSeconds: 45,
    disks: [],
    nics: [{ networkId: 'net-1', mac: '52:54:00:5c:00:01' }],
    workspaceToken: null,
  };
  const withNic = (name: string): DomainModel => ({
    ...minimalDomain(name),
    interfaces: [{ source: { kind: 'network', network: 'vp-acc-unstarted' }, mac: '52:54:00:5c:00:01', model: 'virtio' }],
  });
  const nicOf = (xml: string) => childElements(firstChild(parseXml(xml), 'devices')!, 'interface')[0]!;

  it('creates with a CPU model, no NIC option ROM and the VM settings, and libvirt keeps all three', async () => {
    await writeDomainDefinition(scratch.host, null, withNic('vp-acc-vm'), { cpuModel: 'qemu64', noNicOptionRoms: true, vmSettings: SETTINGS });
    const defined = await requireDomain(scratch.host, 'vp-acc-vm');
    const cpu = firstChild(parseXml(defined.xml), 'cpu')!;
    expect(attr(cpu, 'mode')).toBe('custom');
    expect(textOf(firstChild(cpu, 'model'))).toBe('qemu64');
    expect(attr(firstChild(nicOf(defined.xml), 'rom'), 'enabled')).toBe('no');
    expect(parseVmSettings(defined.xml)).toEqual(SETTINGS);
  });

  it("redefines in place over the domain as read: what libvirt added stays, the CPU model is a new domain's only", async () => {
    const before = await requireDomain(scratch.host, 'vp-acc-vm');
    const pciAddress = attr(firstChild(nicOf(before.xml), 'address'), 'slot');
    expect(pciAddress).toBeDefined();
    const changed = { ...SETTINGS, highAvailability: true };
    await writeDomainDefinition(
      scratch.host,
      before,
      { ...withNic('vp-acc-vm'), memoryMiB: 40, currentMemoryMiB: 40 },
      { cpuModel: 'Nehalem', noNicOptionRoms: true, vmSettings: changed },
    );
    const after = await requireDomain(scratch.host, 'vp-acc-vm');
    expect(after.uuid).toBe(before.uuid);
    expect(after.model.memoryMiB).toBe(40);
    expect(attr(firstChild(nicOf(after.xml), 'address'), 'slot')).toBe(pciAddress);
    expect(textOf(firstChild(firstChild(parseXml(after.xml), 'cpu')!, 'model'))).toBe('qemu64');
    expect(parseVmSettings(after.xml)).toEqual(changed);
  });

  it('renames a stopped domain as part of its definition', async () => {
    const current = await requireDomain(scratch.host, 'vp-acc-vm');
    await writeDomainDefinition(scratch.host, current, withNic('vp-acc-vm-renamed'));
    const renamed = await requireDomain(scratch.host, current.uuid);
    expect(renamed.name).toBe('vp-acc-vm-renamed');
    // No settings given: the ones the domain has are kept.
    expect(parseVmSettings(renamed.xml)?.highAvailability).toBe(true);
    expect(await lookupDomain(scratch.host, 'vp-acc-vm')).toBeNull();
  });

  it('rewrites the VM settings alone', async () => {
    const current = await requireDomain(scratch.host, 'vp-acc-vm-renamed');
    const settings = parseVmSettings(current.xml)!;
    await writeVmSettings(scratch.host, current, { ...settings, workspaceToken: 'ws-token-1' });
    const after = await requireDomain(scratch.host, current.uuid);
    expect(parseVmSettings(after.xml)).toEqual({ ...settings, workspaceToken: 'ws-token-1' });
    expect(after.model).toEqual(current.model);
  });

  it('sets and clears autostart', async () => {
    const autostart = async (): Promise<string | undefined> => /^Autostart:\s+(\S+)/m.exec(await scratch.virsh(['dominfo', 'vp-acc-vm-renamed']))?.[1];
    await setDomainAutostart(scratch.host, 'vp-acc-vm-renamed', true);
    expect(await autostart()).toBe('enable');
    await setDomainAutostart(scratch.host, 'vp-acc-vm-renamed', false);
    expect(await autostart()).toBe('disable');
    expect(await undefineDomain(scratch.host, 'vp-acc-vm-renamed')).toBe(true);
  });
});

describe('a running guest in real libvirt', () => {
  let uuid = '';
  const name = 'vp-acc-running';

  beforeAll(async () => {
    // 1 of 2 vCPUs, 64 MiB: no disk, it sits at the BIOS.
    uuid = (await defineDomain(scratch.host, tinyDomainModel(name, { kvm: THIS_MACHINE_VIRT_TYPE === 'kvm', maxVcpus: 2 }))).uuid;
    await startDomain(scratch.host, uuid);
  });

  afterAll(async () => {
    await destroyDomain(scratch.host, uuid).catch(() => undefined);
  });

  it('hot-plugs vCPUs up to the maximum it started with; more, or fewer, needs a restart', async () => {
    expect(await resizeRunningDomain(scratch.host, uuid, { vcpus: 2, memoryMiB: 64 })).toEqual([]);
    expect((await liveDomainModel(scratch.host, uuid)).vcpu).toEqual({ current: 2, max: 2 });
    // Only the running guest changed: its definition is writeDomainDefinition's.
    expect((await requireDomain(scratch.host, uuid)).model.vcpu).toEqual({ current: 1, max: 2 });
    expect(await resizeRunningDomain(scratch.host, uuid, { vcpus: 3, memoryMiB: 64 })).toEqual(["3 vCPUs exceed the running guest's maximum of 2"]);
    expect(await resizeRunningDomain(scratch.host, uuid, { vcpus: 1, memoryMiB: 64 })).toEqual(['QEMU cannot unplug vCPUs from a running guest']);
    expect((await liveDomainModel(scratch.host, uuid)).vcpu).toEqual({ current: 2, max: 2 });
  });

  it('balloons memory below what it started with; above it needs a restart', async () => {
    expect(await resizeRunningDomain(scratch.host, uuid, { vcpus: 2, memoryMiB: 48 })).toEqual([]);
    expect(await resizeRunningDomain(scratch.host, uuid, { vcpus: 2, memoryMiB: 96 })).toEqual(['96 MiB exceed the 64 MiB the running guest was started with']);
  });

  it('is not renamed while it runs', async () => {
    const current = await requireDomain(scratch.host, uuid);
    const error = await writeDomainDefinition(scratch.host, current, { ...current.model, name: 'vp-acc-running-renamed' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LibvirtOperationError);
    expect((error as LibvirtOperationError).message).toMatch(/is running: libvirt renames only a stopped domain/);
    expect((await requireDomain(scratch.host, uuid)).name).toBe(name);
  });

  it('resumes when paused; a refusal is false, an unreachable libvirtd throws', async () => {
    await scratch.virsh(['suspend', uuid]);
    expect((await requireDomain(scratch.host, uuid)).state).toBe('paused');
    expect(await resumeDomain(scratch.host, uuid)).toBe(true);
    expect((await requireDomain(scratch.host, uuid)).state).toBe('running');
    // libvirt refuses to resume a guest that runs: an answer, not a failure.
    expect(await resumeDomain(scratch.host, uuid)).toBe(false);
    const down = localLibvirtHost('down', `qemu:///system?socket=${join(scratch.dir, 'no-such-socket')}`);
    const error = await resumeDomain(down, uuid).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VirshError);
    expect((error as VirshError).kind).toBe('connection');
  });
});

describe('networks in real libvirt', () => {
  it.each([natNetwork('vp-acc-nat'), isolatedNetwork('vp-acc-iso'), bridgeNetwork('vp-acc-br')])(
    'accepts $mode network $name with its owner',
    async (model) => {
      const record = await defineNetwork(scratch.host, model);
      expect(record.model).toEqual({ ...model, uuid: record.uuid });
      expect(record.active).toBe(false);
      expect(record.persistent).toBe(true);
    },
  );

  it('keeps the owner on disk (libvirt 9.0 keeps a network <metadata>) and redefines in place', async () => {
    const first = await lookupNetwork(scratch.host, 'vp-acc-nat');
    const updated = await defineNetwork(scratch.host, { ...natNetwork('vp-acc-nat'), mtu: 1400 });
    expect(updated.uuid).toBe(first?.uuid);
    expect(updated.model.mtu).toBe(1400);
    // The MAC libvirt generated is kept across the redefinition.
    expect(attr(firstChild(parseXml(updated.xml), 'mac'), 'address')).toBe(attr(firstChild(parseXml(first!.xml), 'mac'), 'address'));
    const saved = await readFile(join(scratch.dir, 'etc', 'qemu', 'networks', 'vp-acc-nat.xml'), 'utf8');
    expect(saved).toContain('https://virtplane.dev/xmlns/libvirt/1');
    expect(await undefineNetwork(scratch.host, 'vp-acc-nat')).toBe(true);
    expect(await lookupNetwork(scratch.host, 'vp-acc-nat')).toBeNull();
  });
});

describe('pools and volumes in real libvirt', () => {
  const poolPath = '/var/lib/libvirt/images/vp-acc-dir';

  it('defines, builds and starts a dir pool; ownership is kept in the saved config', async () => {
    const model = dirPool(poolPath, 'vp-acc-dir');
    const record = await definePool(scratch.host, model);
    expect(record.model).toEqual({ ...model, uuid: record.uuid });
    await buildPool(scratch.host, 'vp-acc-dir');
    await startPool(scratch.host, 'vp-acc-dir');
    await startPool(scratch.host, 'vp-acc-dir');
    const running = await lookupPool(scratch.host, 'vp-acc-dir');
    expect(running?.state).toBe('running');
    expect(running?.sizes.capacityBytes).toBeGreaterThan(0);
    const files = await readdir(join(scratch.dir, 'etc', 'storage'));
    const saved = await readFile(
      join(
        scratch.dir,
        'etc',
        'storage',
        files.find((file) => file.startsWith('vp-acc-dir'))!,
      ),
      'utf8',
    );
    expect(saved).toContain("<vendor name='virtplane'/>");
  });

  it('creates, looks up, grows (never shrinks) and deletes volumes', async () => {
    const created = await createVolume(scratch.host, 'vp-acc-dir', { name: 'disk 1 & co.qcow2', capacityMiB: 8, format: 'qcow2' });
    expect(created).toMatchObject({ name: 'disk 1 & co.qcow2', capacityMiB: 8, format: 'qcow2', path: `${poolPath}/disk 1 & co.qcow2` });
    expect((await lookupVolume(scratch.host, 'vp-acc-dir', 'disk 1 & co.qcow2'))?.capacityMiB).toBe(8);
    expect((await growVolume(scratch.host, 'vp-acc-dir', 'disk 1 & co.qcow2', 16)).capacityMiB).toBe(16);
    await expect(growVolume(scratch.host, 'vp-acc-dir', 'disk 1 & co.qcow2', 4)).rejects.toBeInstanceOf(LibvirtOperationError);
    expect(await lookupVolume(scratch.host, 'vp-acc-dir', 'nope')).toBeNull();
    expect(await deleteVolume(scratch.host, 'vp-acc-dir', 'disk 1 & co.qcow2')).toBe(true);
    expect(await deleteVolume(scratch.host, 'vp-acc-dir', 'disk 1 & co.qcow2')).toBe(false);
  });

  it('accepts an iscsi-direct pool with CHAP and ownership', async () => {
    const model = iscsiDirectPool('vp-acc-iscsi');
    const record = await definePool(scratch.host, model);
    expect(record.model).toEqual({ ...model, uuid: record.uuid });
    const updated = await definePool(scratch.host, { ...model, initiatorIqn: 'iqn.2024-01.dev.virtplane:kvm2' });
    expect(updated.uuid).toBe(record.uuid);
    expect(updated.model).toMatchObject({ initiatorIqn: 'iqn.2024-01.dev.virtplane:kvm2', owner: model.owner });
  });

  it('stops and undefines pools without touching their storage', async () => {
    await destroyPool(scratch.host, 'vp-acc-dir');
    await destroyPool(scratch.host, 'vp-acc-dir');
    expect(await undefinePool(scratch.host, 'vp-acc-dir')).toBe(true);
    expect(await undefinePool(scratch.host, 'vp-acc-dir')).toBe(false);
    expect(await lookupPool(scratch.host, 'vp-acc-dir')).toBeNull();
    // The directory is still there (in the scratch daemon's private /var/lib/libvirt).
    expect((await readdir(join(scratch.dir, 'lib', 'images'))).includes('vp-acc-dir')).toBe(true);
  });
});

describe('CHAP secrets in real libvirt', () => {
  it('defines a private secret, updates it in place, deletes it', async () => {
    const uuid = await setIscsiSecret(
      scratch.host,
      { usage: 'vp-acc-chap', owner: { managedBy: 'virtplane', resourceId: 'sd-1' } },
      's3cret "with" $pecial chars',
    );
    expect(await findIscsiSecret(scratch.host, 'vp-acc-chap')).toBe(uuid);
    const xml = await scratch.virsh(['secret-dumpxml', uuid]);
    expect(xml).toContain("private='yes'");
    expect(xml).toContain('virtplane:managedBy=virtplane&amp;resourceId=sd-1');
    // Private: libvirt never hands the value back.
    await expect(scratch.virsh(['secret-get-value', uuid])).rejects.toThrow(/private/);
    expect(await setIscsiSecret(scratch.host, { usage: 'vp-acc-chap' }, 'another')).toBe(uuid);
    expect(await deleteIscsiSecret(scratch.host, 'vp-acc-chap')).toBe(true);
    expect(await deleteIscsiSecret(scratch.host, 'vp-acc-chap')).toBe(false);
    expect(await findIscsiSecret(scratch.host, 'vp-acc-chap')).toBeNull();
  });
});

/**
 * Networks and pools on the lab's hypervisors over SSH, including an iscsi-direct pool on a real
 * tgt target of the lab's storage host and a guest booted with a disk on one of its LUNs.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPool,
  createVolume,
  defineDomain,
  defineNetwork,
  definePool,
  deleteIscsiSecret,
  deleteVolume,
  destroyDomain,
  destroyNetwork,
  destroyPool,
  lookupDomain,
  lookupNetwork,
  lookupPool,
  lookupVolume,
  refreshPool,
  setIscsiSecret,
  setNetworkAutostart,
  setPoolAutostart,
  startDomain,
  startNetwork,
  startPool,
  undefineNetwork,
  undefinePool,
  VirshError,
} from '../../../lib/backends/libvirt/index.js';
import { parseDomainXml } from '../../../lib/backends/libvirt/domainXml.js';
import { virsh } from '../../../lib/backends/libvirt/virsh.js';
import { tinyGuest, useLabHosts, type LabHosts } from './support/labHosts.js';

let lab: LabHosts;

beforeAll(async () => {
  lab = await useLabHosts();
});

afterAll(async () => {
  await lab?.cleanup();
});

const OWNER = { managedBy: 'virtplane', resourceType: 'virtplane_network', resourceId: 'net-lab', dataCenter: 'dc1' };

describe('networks', () => {
  it('bridge mode: define, start, autostart on and off, destroy, undefine', async () => {
    const name = lab.track('network', lab.name('br'));
    const bridge = `vplv${lab.name('').slice(5, 11)}b`;
    await lab.pool.exec(lab.endpoints[0]!, ['ip', 'link', 'add', bridge, 'type', 'bridge']);
    try {
      const created = await defineNetwork(lab.kvm1, { name, mode: 'bridge', bridge, owner: OWNER });
      expect(created).toMatchObject({ active: false, autostart: false, persistent: true });
      expect(created.model).toEqual({ name, uuid: created.uuid, mode: 'bridge', bridge, owner: OWNER });
      await startNetwork(lab.kvm1, name);
      await startNetwork(lab.kvm1, name);
      await setNetworkAutostart(lab.kvm1, name, true);
      expect(await lookupNetwork(lab.kvm1, name)).toMatchObject({ active: true, autostart: true });
      await setNetworkAutostart(lab.kvm1, name, false);
      await destroyNetwork(lab.kvm1, name);
      await destroyNetwork(lab.kvm1, name);
      expect(await lookupNetwork(lab.kvm1, name)).toMatchObject({ active: false, autostart: false });
      expect(await undefineNetwork(lab.kvm1, name)).toBe(true);
      expect(await lookupNetwork(lab.kvm1, name)).toBeNull();
    } finally {
      await lab.pool.exec(lab.endpoints[0]!, ['ip', 'link', 'del', bridge], { allowExitCodes: [1] });
    }
  });

  it('nat mode: defined with its subnet; a start libvirt cannot do is a typed error', async () => {
    const name = lab.track('network', lab.name('nat'));
    const model = {
      name,
      mode: 'nat',
      bridge: `vplv${lab.name('').slice(5, 11)}n`,
      ipv4: { address: '10.203.0.1', prefix: 24, dhcpRange: { start: '10.203.0.10', end: '10.203.0.20' } },
      owner: OWNER,
    } as const;
    const created = await defineNetwork(lab.kvm1, model);
    expect(created.model).toEqual({ ...model, uuid: created.uuid });
    const started = await startNetwork(lab.kvm1, name).then(
      () => 'started',
      (error: unknown) => error,
    );
    if (started === 'started') {
      expect((await lookupNetwork(lab.kvm1, name))?.active).toBe(true);
      await destroyNetwork(lab.kvm1, name);
    } else {
      // This machine kind has no iptables/dnsmasq: libvirt cannot start NAT or isolated networks.
      expect(started).toBeInstanceOf(VirshError);
      expect((await lookupNetwork(lab.kvm1, name))?.active).toBe(false);
    }
  });
});

describe('dir pool over SSH', () => {
  it('define, build, start, autostart, volumes, destroy, undefine', async () => {
    const name = lab.track('pool', lab.name('dir'));
    const created = await definePool(lab.kvm2, { name, type: 'dir', path: `/var/lib/libvirt/images/${name}`, owner: OWNER });
    expect(created.model.owner).toEqual(OWNER);
    await buildPool(lab.kvm2, name);
    await startPool(lab.kvm2, name);
    await setPoolAutostart(lab.kvm2, name, true);
    expect(await lookupPool(lab.kvm2, name)).toMatchObject({ state: 'running', autostart: true });
    await createVolume(lab.kvm2, name, { name: 'a.raw', capacityMiB: 4, format: 'raw' });
    expect(await lookupVolume(lab.kvm2, name, 'a.raw')).toMatchObject({ name: 'a.raw', capacityMiB: 4 });
    expect(await deleteVolume(lab.kvm2, name, 'a.raw')).toBe(true);
    await setPoolAutostart(lab.kvm2, name, false);
    await destroyPool(lab.kvm2, name);
    expect(await undefinePool(lab.kvm2, name)).toBe(true);
    expect(await lookupPool(lab.kvm2, name)).toBeNull();
    // Undefining never deletes storage: the directory is still there (the test removes its own).
    const path = `/var/lib/libvirt/images/${name}`;
    expect((await lab.kvm2.exec(['test', '-d', path], { allowExitCodes: [1] })).exitCode).toBe(0);
    await lab.kvm2.exec(['rm', '-rf', '--', path]);
  });
});

describe('iscsi-direct pool on the lab storage host', () => {
  const tid = randomInt(3000, 9000);
  let iqn = '';
  let backing = '';
  let storageAddress = '';
  const initiator = 'iqn.2024-01.dev.virtplane:libvirt-test-kvm1';
  const chapUser = `vplv${randomInt(100000, 999999)}`;
  const chapUsage = `vplv-chap-${tid}`;

  const tgt = (args: string[]) => lab.pool.exec(lab.storage, ['tgtadm', '--lld', 'iscsi', ...args]);

  /**
   * Each test makes its own target: the iSCSI backend's tests restart the shared tgtd (which forgets
   * runtime targets), so a target made once for the whole file could vanish between tests.
   */
  async function freshTarget(): Promise<void> {
    await tgt(['--mode', 'target', '--op', 'delete', '--force', '--tid', String(tid)]).catch(() => undefined);
    await lab.pool.exec(lab.storage, ['truncate', '-s', '16M', backing]);
    await tgt(['--mode', 'target', '--op', 'new', '--tid', String(tid), '--targetname', iqn]);
    await tgt(['--mode', 'logicalunit', '--op', 'new', '--tid', String(tid), '--lun', '1', '--backing-store', backing]);
    await tgt(['--mode', 'target', '--op', 'bind', '--tid', String(tid), '--initiator-name', initiator]);
  }

  beforeAll(() => {
    iqn = `iqn.2024-01.dev.virtplane.libvirt-test:${lab.name('t')}`;
    backing = `/tmp/${lab.name('lun')}.img`;
    storageAddress = lab.storage.host;
  });

  afterAll(async () => {
    await deleteIscsiSecret(lab.kvm1, chapUsage).catch(() => undefined);
    await tgt(['--mode', 'target', '--op', 'delete', '--force', '--tid', String(tid)]).catch(() => undefined);
    await tgt(['--mode', 'account', '--op', 'delete', '--user', chapUser]).catch(() => undefined);
    await lab.pool.exec(lab.storage, ['rm', '-f', '--', backing]).catch(() => undefined);
  });

  it('lists the LUNs as volumes, and a guest starts with a disk on a LUN', async () => {
    await freshTarget();
    const name = lab.track('pool', lab.name('iscsi'));
    await definePool(lab.kvm1, { name, type: 'iscsi-direct', host: storageAddress, port: 3260, targetIqn: iqn, initiatorIqn: initiator, owner: OWNER });
    await startPool(lab.kvm1, name);
    await refreshPool(lab.kvm1, name);
    const volumes = [await lookupVolume(lab.kvm1, name, 'unit:0:0:0'), await lookupVolume(lab.kvm1, name, 'unit:0:0:1')];
    // tgt's LUN 0 is its controller (no storage): a volume too, with no capacity.
    expect(volumes.map((volume) => volume?.name)).toEqual(['unit:0:0:0', 'unit:0:0:1']);
    expect(volumes[0]?.capacityMiB).toBe(0);
    // libvirt 9.0's iscsi-direct reports the last LBA times the block size: one block short of 16 MiB.
    expect(volumes[1]?.capacityMiB).toBeGreaterThan(15.99);
    expect(volumes[1]?.capacityMiB).toBeLessThanOrEqual(16);

    const guest = lab.track('domain', lab.name('on-lun'));
    const created = await defineDomain(
      lab.kvm1,
      tinyGuest(guest, lab.virtType, {
        disks: [
          {
            device: 'disk',
            format: 'raw',
            source: { kind: 'iscsi', host: storageAddress, port: 3260, targetIqn: iqn, lun: 1, initiatorIqn: initiator },
            target: { dev: 'vda', bus: 'virtio' },
            bootOrder: 1,
          },
        ],
      }),
    );
    await startDomain(lab.kvm1, created.uuid);
    expect((await lookupDomain(lab.kvm1, created.uuid))?.state).toBe('running');
    const live = parseDomainXml(await virsh(lab.kvm1, ['dumpxml', '--domain', created.uuid])).model;
    expect(live.disks[0]?.source).toEqual({ kind: 'iscsi', host: storageAddress, port: 3260, targetIqn: iqn, lun: 1, initiatorIqn: initiator });
    await destroyDomain(lab.kvm1, created.uuid);
    await destroyPool(lab.kvm1, name);
  });

  it('CHAP: the pool logs in with the password from a libvirt secret, and fails with a wrong one', async () => {
    await freshTarget();
    const password = randomBytes(12).toString('hex');
    // tgtadm only takes the password as an argument: acceptable for a throwaway test account on the
    // lab's storage host (virtplane itself never puts a secret on a command line).
    await tgt(['--mode', 'account', '--op', 'new', '--user', chapUser, '--password', password]);
    await tgt(['--mode', 'account', '--op', 'bind', '--tid', String(tid), '--user', chapUser]);

    const name = lab.track('pool', lab.name('chap'));
    await setIscsiSecret(lab.kvm1, { usage: chapUsage }, `${password}-wrong`);
    await definePool(lab.kvm1, {
      name,
      type: 'iscsi-direct',
      host: storageAddress,
      port: 3260,
      targetIqn: iqn,
      initiatorIqn: initiator,
      auth: { username: chapUser, secretUsage: chapUsage },
    });
    const refused = await startPool(lab.kvm1, name).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(VirshError);
    expect((await lookupPool(lab.kvm1, name))?.state).toBe('inactive');

    await setIscsiSecret(lab.kvm1, { usage: chapUsage }, password);
    await startPool(lab.kvm1, name);
    expect(await lookupVolume(lab.kvm1, name, 'unit:0:0:1')).not.toBeNull();
    await destroyPool(lab.kvm1, name);
  });
});

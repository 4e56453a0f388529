/**
 * The parser on output captured from the lab's real tgtd 1.0.85 (fixtures/*.txt): three targets,
 * three logged-in initiator sessions (QEMU's iSCSI driver from kvm1 and kvm2), incoming and outgoing
 * CHAP accounts, address / name / ALL / placeholder ACL entries, an offline LUN and target.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TgtOutputError } from '../../../lib/backends/iscsi/errors.js';
import { isAddressAclEntry, parseTgtAccounts, parseTgtShow, tgtSizeMbOf } from '../../../lib/backends/iscsi/tgtShow.js';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('parseTgtShow', () => {
  const targets = parseTgtShow(fixture('show-sessions.txt'));

  it('reads every target with its tid and IQN', () => {
    expect(targets.map((target) => [target.tid, target.iqn, target.driver, target.state])).toEqual([
      [3, 'iqn.2024-01.dev.virtplane.test:fixture-one', 'iscsi', 'ready'],
      [12, 'iqn.2024-01.dev.virtplane.test:fixture-two', 'iscsi', 'ready'],
      [13, 'iqn.2024-01.dev.virtplane.test:fixture-empty', 'iscsi', 'ready'],
    ]);
  });

  it('reads LUNs with size, serial, id and backing store', () => {
    const [one] = targets;
    expect(one?.luns).toEqual([
      {
        lun: 0,
        type: 'controller',
        scsiId: 'IET     00030000',
        scsiSerial: 'beaf30',
        sizeMb: 0,
        blockSize: 1,
        online: true,
        readonly: false,
        backingStoreType: 'null',
        backingStorePath: undefined,
      },
      {
        lun: 1,
        type: 'disk',
        scsiId: 'vp0123456789abcdef',
        scsiSerial: 'vp0123456789abcdef',
        sizeMb: 105,
        blockSize: 512,
        online: true,
        readonly: false,
        backingStoreType: 'rdwr',
        backingStorePath: '/var/lib/virtplane/scratch/a.img',
      },
      {
        lun: 2,
        type: 'disk',
        scsiId: 'IET     00030002',
        scsiSerial: 'beaf32',
        sizeMb: 3221,
        blockSize: 512,
        online: true,
        readonly: false,
        backingStoreType: 'rdwr',
        backingStorePath: '/var/lib/virtplane/scratch/big.img',
      },
    ]);
    expect(targets[1]?.luns.map((lun) => lun.lun)).toEqual([0, 5]);
    expect(targets[2]?.luns.map((lun) => lun.lun)).toEqual([0]);
  });

  it('reads connected initiators (I_T nexus) with their addresses', () => {
    expect(targets[0]?.sessions).toEqual([
      { nexus: 2, initiator: 'iqn.2024-01.dev.virtplane.test:kvm1', alias: undefined, connections: [{ cid: 0, address: '10.77.0.11' }] },
    ]);
    expect(targets[1]?.sessions.map((session) => [session.nexus, session.initiator, session.connections[0]?.address])).toEqual([
      [1, 'iqn.2024-01.dev.virtplane.test:kvm2', '10.77.0.12'],
      [3, 'iqn.2024-01.dev.virtplane.test:kvm1b', '10.77.0.11'],
    ]);
    expect(targets[2]?.sessions).toEqual([]);
  });

  it('reads incoming and outgoing accounts and the ACL in order', () => {
    expect(targets[0]?.incomingAccounts).toEqual(['fixin']);
    expect(targets[0]?.outgoingAccount).toBe('fixout');
    expect(targets[0]?.acl).toEqual(['0.0.0.0/32', '10.77.0.12', 'iqn.2024-01.dev.virtplane.test:kvm1']);
    expect(targets[1]?.incomingAccounts).toEqual([]);
    expect(targets[1]?.outgoingAccount).toBeUndefined();
    expect(targets[1]?.acl).toEqual(['ALL']);
    expect(targets[2]?.acl).toEqual([]);
  });

  it('reads offline and read-only states', () => {
    const offline = parseTgtShow(fixture('show-offline.txt'));
    const lun2 = offline[0]?.luns.find((lun) => lun.lun === 2);
    expect(lun2?.online).toBe(false);
    expect(lun2?.readonly).toBe(true);
    expect(offline[0]?.luns.find((lun) => lun.lun === 1)?.online).toBe(true);
    expect(offline.find((target) => target.tid === 13)?.state).toBe('offline');
  });

  it('reads an empty server as no targets', () => {
    expect(parseTgtShow('')).toEqual([]);
    expect(parseTgtShow('\n')).toEqual([]);
  });

  it('refuses output it does not understand instead of guessing', () => {
    expect(() => parseTgtShow('tgtadm: failed to send request hdr to tgt daemon\n')).toThrow(TgtOutputError);
    expect(() => parseTgtShow('Target 1: iqn.2024-01.dev.x\n    Mystery section:\n')).toThrow(/unknown section/);
    const broken = fixture('show-sessions.txt').replace('Size: 105 MB, Block size: 512', 'Size: lots');
    expect(() => parseTgtShow(broken)).toThrow(/size of LUN 1/);
  });
});

describe('parseTgtAccounts', () => {
  it('reads the account list', () => {
    expect(parseTgtAccounts(fixture('accounts.txt'))).toEqual(['unbound', 'fixout', 'fixin']);
    expect(parseTgtAccounts('')).toEqual([]);
  });

  it('refuses unexpected lines', () => {
    expect(() => parseTgtAccounts('Something else:\nx\n')).toThrow(TgtOutputError);
  });
});

describe('tgtSizeMbOf', () => {
  it('matches what tgtd printed for the fixtures', () => {
    expect(tgtSizeMbOf(100 * 1024 * 1024)).toBe(105);
    expect(tgtSizeMbOf(50 * 1024 * 1024)).toBe(52);
    expect(tgtSizeMbOf(3 * 1024 * 1024 * 1024)).toBe(3221);
    expect(tgtSizeMbOf(0)).toBe(0);
  });

  it('changes with every MiB of growth, so a pending resize is always visible', () => {
    for (let mib = 1; mib < 5000; mib++) {
      expect(tgtSizeMbOf((mib + 1) * 1024 * 1024)).toBeGreaterThan(tgtSizeMbOf(mib * 1024 * 1024));
    }
  });
});

describe('isAddressAclEntry', () => {
  it('tells names from addresses', () => {
    expect(isAddressAclEntry('ALL')).toBe(true);
    expect(isAddressAclEntry('10.0.0.0/24')).toBe(true);
    expect(isAddressAclEntry('[fd00::]/64')).toBe(true);
    expect(isAddressAclEntry('iqn.2024-01.dev.x:y')).toBe(false);
    expect(isAddressAclEntry('eui.0123456789ABCDEF')).toBe(false);
  });
});

/**
 * virtplane's targets survive a real tgtd restart on the lab's storage machine: tgtd is killed
 * (SIGKILL, as in a crash), started again, and `tgt-admin -e` reads /etc/tgt/conf.d/virtplane.conf
 * as it does at boot. The targets come back with their LUN numbers, serials, initiator rules and
 * CHAP, and virtplane keeps managing them under their new tids.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IscsiTargetManager, lunSerialOf, type TargetSpec } from '../../../lib/backends/iscsi/index.js';
import { SshPool, type SshEndpoint } from '../../../lib/backends/ssh/index.js';
import { useLab } from '../../support/lab.js';
import { KVM1_INITIATOR, STRANGER_INITIATOR, readCapacity, restartTgtd, testIqn, tgtadm, unitSerial } from './labSupport.js';

const MIB = 1024 * 1024;
const GUARDED = testIqn('persist-guarded');
const OPEN = testIqn('persist-open');
const USER = `persist-${randomBytes(3).toString('hex')}`;
const PASSWORD = `Persist${randomBytes(8).toString('hex')}`;

const guardedSpec = (lun2Mib = 16): TargetSpec => ({
  iqn: GUARDED,
  luns: [
    { lun: 1, backing: { kind: 'file', sizeMib: 24 } },
    { lun: 2, backing: { kind: 'file', sizeMib: lun2Mib } },
  ],
  initiators: [{ kind: 'name', name: KVM1_INITIATOR }],
  chap: { username: USER, password: PASSWORD },
});
const openSpec: TargetSpec = { iqn: OPEN, luns: [{ lun: 4, backing: { kind: 'file', sizeMib: 8 } }], initiators: [] };

let pool: SshPool;
let storage: SshEndpoint;
let kvm1: SshEndpoint;
let manager: IscsiTargetManager;
let portal: string;

beforeAll(async () => {
  const lab = await useLab();
  storage = lab.storage;
  kvm1 = lab.hosts[0] as SshEndpoint;
  pool = new SshPool();
  manager = new IscsiTargetManager(pool, storage);
  portal = `${storage.host}:3260`;
});

afterAll(async () => {
  for (const iqn of [GUARDED, OPEN]) await manager?.delete(iqn, { force: true }).catch(() => undefined);
  await pool?.close();
});

describe('a tgtd restart', () => {
  it("brings virtplane's targets back with their LUNs, serials, initiator rules and CHAP", async () => {
    // Created in this order, OPEN gets the lower tid; tgt-admin restores targets sorted by IQN, so
    // after the restart GUARDED comes first: the tids are swapped.
    const openBefore = await manager.create(openSpec);
    const guardedBefore = await manager.create(guardedSpec());
    expect(openBefore.tid as number).toBeLessThan(guardedBefore.tid as number);

    const { before, after } = await restartTgtd(pool, storage);
    expect(after.length).toBeGreaterThan(0);
    expect(after.some((pid) => before.includes(pid))).toBe(false);

    const state = await manager.read();
    const guarded = state.managed.find((target) => target.iqn === GUARDED);
    const open = state.managed.find((target) => target.iqn === OPEN);
    expect(guarded?.tid as number).toBeLessThan(open?.tid as number);
    expect(guarded?.drift).toEqual([]);
    expect(open?.drift).toEqual([]);
    expect(guarded?.luns.map((lun) => [lun.lun, lun.served, lun.sizeBytes, lun.serial])).toEqual([
      [1, true, 24 * MIB, lunSerialOf(GUARDED, 1)],
      [2, true, 16 * MIB, lunSerialOf(GUARDED, 2)],
    ]);
    expect(open?.luns.map((lun) => [lun.lun, lun.served])).toEqual([[4, true]]);
    const served = state.targets.find((target) => target.iqn === GUARDED);
    expect(served?.owner).toBe('virtplane');
    // tgt-admin restored the placeholder, so it did not open the target to every address.
    expect(served?.acl).toEqual(['0.0.0.0/32', KVM1_INITIATOR]);
    expect(served?.incomingAccounts).toEqual([USER]);
  });

  it('leaves them usable from kvm1 exactly as before: CHAP for one, open to all for the other', async () => {
    const login = { initiator: KVM1_INITIATOR, user: USER, password: PASSWORD };
    expect(await readCapacity(pool, kvm1, portal, GUARDED, 2, login)).toBe(16 * MIB);
    expect(await unitSerial(pool, kvm1, portal, GUARDED, 1, login)).toBe(lunSerialOf(GUARDED, 1));
    const stranger = await pool.exec(kvm1, ['iscsi-readcapacity16', '-s', '-i', STRANGER_INITIATOR, `iscsi://${USER}%${PASSWORD}@${portal}/${GUARDED}/1`], {
      allowExitCodes: [1, 10],
    });
    expect(stranger.exitCode).not.toBe(0);
    const noChap = await pool.exec(kvm1, ['iscsi-readcapacity16', '-s', '-i', KVM1_INITIATOR, `iscsi://${portal}/${GUARDED}/1`], {
      allowExitCodes: [1, 10],
    });
    expect(noChap.stderr + noChap.stdout).toMatch(/authentication failure/i);
    expect(await readCapacity(pool, kvm1, portal, OPEN, 4, { initiator: STRANGER_INITIATOR })).toBe(8 * MIB);
  });

  it('serves again, on update, a target tgtd dropped (removed by hand here)', async () => {
    const before = await manager.get(GUARDED);
    await tgtadm(pool, storage, ['--mode', 'target', '--op', 'delete', '--tid', String(before?.tid)]);
    await tgtadm(pool, storage, ['--mode', 'account', '--op', 'delete', '--user', USER]);
    const dropped = await manager.get(GUARDED);
    expect(dropped?.tid).toBeUndefined();
    expect(dropped?.drift).toEqual([expect.stringContaining('tgtd does not serve this target')]);

    const again = await manager.update(guardedSpec());
    expect(again.tid).toBeDefined();
    expect(again.drift).toEqual([]);
    expect(await readCapacity(pool, kvm1, portal, GUARDED, 1, { initiator: KVM1_INITIATOR, user: USER, password: PASSWORD })).toBe(24 * MIB);
  });

  it('lets virtplane keep managing them under their new tids', async () => {
    // Acting on the old tids would have hit the other target: every change goes by the tid read now.
    const grown = await manager.update(guardedSpec(40));
    expect(grown.luns.find((lun) => lun.lun === 2)?.sizeBytes).toBe(40 * MIB);
    expect(grown.drift).toEqual([]);
    expect(await readCapacity(pool, kvm1, portal, GUARDED, 2, { initiator: KVM1_INITIATOR, user: USER, password: PASSWORD })).toBe(40 * MIB);
    expect(await manager.delete(OPEN)).toBe('deleted');
    expect(await manager.delete(GUARDED)).toBe('deleted');
  });
});

/**
 * The iSCSI backend against the lab's real tgtd (machine "storage"), with real initiators on kvm1:
 * libiscsi's tools and QEMU's iSCSI driver. One target goes through its whole life: created with
 * two LUNs, an initiator rule by name and CHAP; seen from kvm1; grown; re-keyed; refused deletion
 * while an initiator is logged in; force-deleted.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IscsiTargetManager,
  ShrinkRefusedError,
  TargetBusyError,
  lunSerialOf,
  managedFileOf,
  tgtSizeMbOf,
  type TargetSpec,
} from '../../../lib/backends/iscsi/index.js';
import { SshPool, type SshEndpoint } from '../../../lib/backends/ssh/index.js';
import { useLab } from '../../support/lab.js';
import {
  KVM1_INITIATOR,
  RecordingShell,
  STRANGER_INITIATOR,
  iscsiLs,
  openSession,
  readCapacity,
  testIqn,
  unitSerial,
  waitFor,
  type Session,
} from './labSupport.js';

const MIB = 1024 * 1024;
const IQN = testIqn('life');
const USER = `life-${randomBytes(3).toString('hex')}`;
// Letters and digits only: the test's iscsi-ls URLs carry it as user%password@host.
const PASSWORD = `Life${randomBytes(8).toString('hex')}`;
const PASSWORD2 = `Rekey${randomBytes(8).toString('hex')}`;
const USER_DIR = `/var/lib/virtplane/iscsi-test-${randomBytes(4).toString('hex')}`;
const USER_FILE = `${USER_DIR}/supplied.img`;

let pool: SshPool;
let shell: RecordingShell;
let storage: SshEndpoint;
let kvm1: SshEndpoint;
let manager: IscsiTargetManager;
let portal: string;
let session: Session | undefined;

const spec = (overrides: Partial<TargetSpec> = {}): TargetSpec => ({
  iqn: IQN,
  luns: [
    { lun: 1, backing: { kind: 'file', sizeMib: 64 } },
    { lun: 2, backing: { kind: 'path', path: USER_FILE } },
  ],
  initiators: [{ kind: 'name', name: KVM1_INITIATOR }],
  chap: { username: USER, password: PASSWORD },
  ...overrides,
});

beforeAll(async () => {
  const lab = await useLab();
  storage = lab.storage;
  kvm1 = lab.hosts[0] as SshEndpoint;
  pool = new SshPool();
  shell = new RecordingShell(pool);
  manager = new IscsiTargetManager(shell, storage);
  portal = `${storage.host}:3260`;
  await pool.exec(storage, ['sh', '-c', 'mkdir -p "$1" && truncate -s 48M "$2"', 'setup', USER_DIR, USER_FILE]);
});

afterAll(async () => {
  await session?.stop().catch(() => undefined);
  if (manager !== undefined) await manager.delete(IQN, { force: true }).catch(() => undefined);
  await pool?.exec(storage, ['rm', '-rf', USER_DIR]).catch(() => undefined);
  await pool?.close();
});

describe('a target through its life', () => {
  it('is created with two LUNs, an initiator rule by name and CHAP, and read back', async () => {
    const created = await manager.create(spec());

    expect(created.iqn).toBe(IQN);
    expect(created.portal).toBe(portal);
    expect(created.tid).toBeGreaterThanOrEqual(1);
    expect(created.initiators).toEqual([{ kind: 'name', name: KVM1_INITIATOR }]);
    expect(created.chapUsername).toBe(USER);
    expect(created.sessions).toEqual([]);
    expect(created.drift).toEqual([]);
    expect(created.luns).toEqual([
      {
        lun: 1,
        backing: 'file',
        path: managedFileOf(IQN, 1),
        sizeBytes: 64 * MIB,
        served: true,
        servedSizeMb: tgtSizeMbOf(64 * MIB),
        resizePending: false,
        serial: lunSerialOf(IQN, 1),
      },
      {
        lun: 2,
        backing: 'path',
        path: USER_FILE,
        sizeBytes: 48 * MIB,
        served: true,
        servedSizeMb: tgtSizeMbOf(48 * MIB),
        resizePending: false,
        serial: lunSerialOf(IQN, 2),
      },
    ]);

    const served = (await manager.read()).targets.find((target) => target.iqn === IQN);
    expect(served?.owner).toBe('virtplane');
    expect(served?.acl).toEqual(['0.0.0.0/32', KVM1_INITIATOR]);
    expect(served?.incomingAccounts).toEqual([USER]);

    // virtplane.conf: 0600, root's; the managed file: sparse, 0600.
    const files = await pool.exec(storage, ['stat', '-c', '%a %U %s %b', '/etc/tgt/conf.d/virtplane.conf', managedFileOf(IQN, 1)]);
    const [conf, file] = files.stdout.trim().split('\n');
    expect(conf?.split(' ').slice(0, 2)).toEqual(['600', 'root']);
    const [mode, , size, blocks] = file?.split(' ') ?? [];
    expect(mode).toBe('600');
    expect(Number(size)).toBe(64 * MIB);
    expect(Number(blocks)).toBeLessThan(1024);
  });

  it('sent the CHAP password over stdin only, never in a command line', () => {
    expect(shell.calls.length).toBeGreaterThan(3);
    for (const call of shell.calls) {
      for (const word of call.argv) expect(word).not.toContain(PASSWORD);
    }
    const carriers = shell.calls.filter(
      (call) => (typeof call.stdin === 'string' || Buffer.isBuffer(call.stdin)) && Buffer.from(call.stdin).includes(PASSWORD),
    );
    // virtplane.conf (for tgt-admin at the next start) and the account request to tgtd.
    expect(carriers.map((call) => call.argv[0])).toEqual(['sh', 'perl']);
  });

  it('is visible from kvm1 with CHAP, and to nobody else', async () => {
    const kvm1Login = { initiator: KVM1_INITIATOR, user: USER, password: PASSWORD };
    const listing = await iscsiLs(pool, kvm1, portal, kvm1Login);
    expect(listing.stdout).toContain(`Target:${IQN} Portal:${portal},1`);
    expect(listing.stdout).toMatch(/Lun:1\s+Type:DIRECT_ACCESS/);
    expect(listing.stdout).toMatch(/Lun:2\s+Type:DIRECT_ACCESS/);
    expect(await readCapacity(pool, kvm1, portal, IQN, 1, kvm1Login)).toBe(64 * MIB);
    expect(await readCapacity(pool, kvm1, portal, IQN, 2, kvm1Login)).toBe(48 * MIB);
    expect(await unitSerial(pool, kvm1, portal, IQN, 1, kvm1Login)).toBe(lunSerialOf(IQN, 1));

    // An initiator whose name is not allowed, even with the right password.
    const stranger = await pool.exec(kvm1, ['iscsi-readcapacity16', '-s', '-i', STRANGER_INITIATOR, `iscsi://${USER}%${PASSWORD}@${portal}/${IQN}/1`], {
      allowExitCodes: [1, 10],
    });
    expect(stranger.exitCode).not.toBe(0);
    expect(stranger.stderr + stranger.stdout).toMatch(/not found|failed to log in/i);
    // The allowed initiator without CHAP, and with a wrong password.
    for (const url of [`iscsi://${portal}/${IQN}/1`, `iscsi://${USER}%Wrong${PASSWORD}@${portal}/${IQN}/1`]) {
      const denied = await pool.exec(kvm1, ['iscsi-readcapacity16', '-s', '-i', KVM1_INITIATOR, url], { allowExitCodes: [1, 10] });
      expect(denied.exitCode).not.toBe(0);
      expect(denied.stderr + denied.stdout).toMatch(/authentication failure/i);
    }
  });

  it('grows a LUN in place, seen at once by kvm1; refuses to shrink it', async () => {
    const login = { initiator: KVM1_INITIATOR, user: USER, password: PASSWORD };
    const grown = await manager.update(spec({ luns: [{ lun: 1, backing: { kind: 'file', sizeMib: 96 } }, spec().luns[1]!] }));
    expect(grown.luns[0]).toMatchObject({ lun: 1, sizeBytes: 96 * MIB, servedSizeMb: tgtSizeMbOf(96 * MIB), resizePending: false });
    expect(grown.drift).toEqual([]);
    expect(await readCapacity(pool, kvm1, portal, IQN, 1, login)).toBe(96 * MIB);
    expect(await unitSerial(pool, kvm1, portal, IQN, 1, login)).toBe(lunSerialOf(IQN, 1));

    const refused = await manager
      .update(spec({ luns: [{ lun: 1, backing: { kind: 'file', sizeMib: 32 } }, spec().luns[1]!] }))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ShrinkRefusedError);
    expect((refused as Error).message).toContain('96 MiB; shrinking it to 32 MiB is refused');
    expect(await readCapacity(pool, kvm1, portal, IQN, 1, login)).toBe(96 * MIB);
  });

  it('changes the CHAP password: the old one stops working, the new one works', async () => {
    const rekeyed = await manager.update(
      spec({ luns: [{ lun: 1, backing: { kind: 'file', sizeMib: 96 } }, spec().luns[1]!], chap: { username: USER, password: PASSWORD2 } }),
    );
    expect(rekeyed.drift).toEqual([]);
    expect(rekeyed.initiators).toEqual([{ kind: 'name', name: KVM1_INITIATOR }]);
    const old = await pool.exec(kvm1, ['iscsi-readcapacity16', '-s', '-i', KVM1_INITIATOR, `iscsi://${USER}%${PASSWORD}@${portal}/${IQN}/1`], {
      allowExitCodes: [1, 10],
    });
    expect(old.stderr + old.stdout).toMatch(/authentication failure/i);
    expect(await readCapacity(pool, kvm1, portal, IQN, 1, { initiator: KVM1_INITIATOR, user: USER, password: PASSWORD2 })).toBe(96 * MIB);
    for (const call of shell.calls) for (const word of call.argv) expect(word).not.toContain(PASSWORD2);
  });

  it('reads everything in one round trip', async () => {
    const before = shell.calls.length;
    const state = await manager.read();
    expect(shell.calls.length - before).toBe(1);
    expect(state.tgtVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(state.managed.some((target) => target.iqn === IQN)).toBe(true);
  });

  it('changes initiator rules: an address rule admits kvm2 whatever its name, names still apply to others', async () => {
    const kvm2 = (await useLab()).hosts[1] as SshEndpoint;
    const login = (initiator: string): { initiator: string; user: string; password: string } => ({ initiator, user: USER, password: PASSWORD2 });
    const luns = [{ lun: 1, backing: { kind: 'file', sizeMib: 96 } }, spec().luns[1]!] as const;
    const changed = await manager.update(
      spec({
        luns: [...luns],
        chap: { username: USER, password: PASSWORD2 },
        initiators: [
          { kind: 'name', name: KVM1_INITIATOR },
          { kind: 'address', address: kvm2.host },
        ],
      }),
    );
    expect(changed.initiators).toEqual([
      { kind: 'address', address: kvm2.host },
      { kind: 'name', name: KVM1_INITIATOR },
    ]);
    expect(changed.drift).toEqual([]);
    expect((await manager.read()).targets.find((target) => target.iqn === IQN)?.acl).toEqual([kvm2.host, KVM1_INITIATOR]);
    // tgt admits by address OR by name.
    expect(await readCapacity(pool, kvm2, portal, IQN, 1, login(STRANGER_INITIATOR))).toBe(96 * MIB);
    expect(await readCapacity(pool, kvm1, portal, IQN, 1, login(KVM1_INITIATOR))).toBe(96 * MIB);
    const stranger = await pool.exec(kvm1, ['iscsi-readcapacity16', '-s', '-i', STRANGER_INITIATOR, `iscsi://${USER}%${PASSWORD2}@${portal}/${IQN}/1`], {
      allowExitCodes: [1, 10],
    });
    expect(stranger.exitCode).not.toBe(0);

    const back = await manager.update(spec({ luns: [...luns], chap: { username: USER, password: PASSWORD2 } }));
    expect(back.initiators).toEqual([{ kind: 'name', name: KVM1_INITIATOR }]);
    expect((await manager.read()).targets.find((target) => target.iqn === IQN)?.acl).toEqual(['0.0.0.0/32', KVM1_INITIATOR]);
  });

  it('refuses to delete (or drop a LUN) while kvm1 is logged in; force cuts it off', async () => {
    session = await openSession(pool, kvm1, { address: storage.host, iqn: IQN, lun: 1 }, { initiator: KVM1_INITIATOR, user: USER, password: PASSWORD2 });
    const connected = await waitFor(async () => {
      const target = await manager.get(IQN);
      return target !== undefined && target.sessions.length > 0 ? target : undefined;
    }, 'kvm1 to log in');
    expect(connected.sessions.map((s) => [s.initiator, s.connections[0]?.address])).toEqual([[KVM1_INITIATOR, kvm1.host]]);

    const refused = await manager.delete(IQN).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TargetBusyError);
    expect((refused as TargetBusyError).sessions).toEqual([`${KVM1_INITIATOR}@${kvm1.host}`]);
    const dropLun = await manager
      .update(spec({ luns: [{ lun: 1, backing: { kind: 'file', sizeMib: 96 } }], chap: { username: USER, password: PASSWORD2 } }))
      .catch((error: unknown) => error);
    expect(dropLun).toBeInstanceOf(TargetBusyError);
    expect((await manager.get(IQN))?.luns.map((lun) => lun.lun)).toEqual([1, 2]);

    // Growing the LUN kvm1 has open keeps kvm1's session; a new session reads the new size.
    const grown = await manager.update(
      spec({ luns: [{ lun: 1, backing: { kind: 'file', sizeMib: 112 } }, spec().luns[1]!], chap: { username: USER, password: PASSWORD2 } }),
    );
    expect(grown.sessions.map((s) => s.nexus)).toEqual(connected.sessions.map((s) => s.nexus));
    expect(await readCapacity(pool, kvm1, portal, IQN, 1, { initiator: KVM1_INITIATOR, user: USER, password: PASSWORD2 })).toBe(112 * MIB);

    expect(await manager.delete(IQN, { force: true })).toBe('deleted');
    const after = await manager.read();
    expect(after.targets.some((target) => target.iqn === IQN)).toBe(false);
    expect(after.managed.some((target) => target.iqn === IQN)).toBe(false);
    expect(after.accounts).not.toContain(USER);
    const leftovers = await pool.exec(storage, [
      'sh',
      '-c',
      'test -e "$1"; echo "managed:$?"; test -f "$2"; echo "supplied:$?"; grep -c -F "$3" /etc/tgt/conf.d/virtplane.conf 2>/dev/null; true',
      'check',
      managedFileOf(IQN, 1),
      USER_FILE,
      IQN,
    ]);
    // virtplane's file is gone; the user's file is untouched; virtplane.conf no longer lists the target.
    expect(leftovers.stdout).toContain('managed:1');
    expect(leftovers.stdout).toContain('supplied:0');
    expect(leftovers.stdout).not.toMatch(/^[1-9]/m);
    expect(await manager.delete(IQN)).toBe('absent');
    await session.stop();
    session = undefined;
  });
});

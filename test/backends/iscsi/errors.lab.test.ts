/**
 * Failures against the lab: a storage server that cannot be reached or presents the wrong host key
 * ("cannot tell", never "gone"), bad names and metacharacters (refused before anything is sent,
 * or carried as inert words), no free tid, and a create that fails half-way and is undone.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BackingStoreError,
  IscsiOperationError,
  IscsiTargetManager,
  IscsiValidationError,
  TidExhaustedError,
  managedFileOf,
  type TargetSpec,
} from '../../../lib/backends/iscsi/index.js';
import { ServerOps } from '../../../lib/backends/iscsi/serverOps.js';
import { HostKeyMismatchError, SshError, SshPool, SshUnreachableError, type SshEndpoint } from '../../../lib/backends/ssh/index.js';
import { useLab } from '../../support/lab.js';
import { HOSTILE_ARGUMENTS } from '../ssh/hostileArguments.js';
import { RecordingShell, testIqn, tgtadm } from './labSupport.js';

const DIR = `/var/lib/virtplane/iscsi-test-${randomBytes(4).toString('hex')}`;

let pool: SshPool;
let storage: SshEndpoint;
let kvm1: SshEndpoint;
const created: string[] = [];

beforeAll(async () => {
  const lab = await useLab();
  storage = lab.storage;
  kvm1 = lab.hosts[0] as SshEndpoint;
  pool = new SshPool({ readyTimeoutMs: 5_000 });
  await pool.exec(storage, ['mkdir', '-p', DIR]);
});

afterAll(async () => {
  const manager = new IscsiTargetManager(pool, storage);
  for (const iqn of created) await manager.delete(iqn, { force: true }).catch(() => undefined);
  await pool?.exec(storage, ['sh', '-c', 'chattr -i "$1"/* 2>/dev/null; rm -rf "$1"', 'cleanup', DIR]).catch(() => undefined);
  await pool?.close();
});

const simple = (iqn: string): TargetSpec => ({ iqn, luns: [{ lun: 1, backing: { kind: 'file', sizeMib: 8 } }], initiators: [] });

describe('an unreachable or impostor storage server', () => {
  it('is "cannot tell" when nothing listens, for reads and for changes', async () => {
    const manager = new IscsiTargetManager(pool, { ...storage, port: 1 });
    for (const attempt of [
      () => manager.read(),
      () => manager.get(testIqn('x')),
      () => manager.create(simple(testIqn('x'))),
      () => manager.delete(testIqn('x')),
    ]) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SshUnreachableError);
      expect((error as SshError).cannotTell).toBe(true);
    }
  });

  it('refuses a server whose host key is not the pinned one', async () => {
    // The storage machine's address, but kvm1's key pinned: someone else answering there.
    const manager = new IscsiTargetManager(pool, { ...storage, hostKey: kvm1.hostKey });
    const error = await manager.create(simple(testIqn('x'))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect((error as SshError).cannotTell).toBe(true);
  });
});

describe('bad names and metacharacters', () => {
  it('are refused before anything reaches the server', async () => {
    const shell = new RecordingShell(pool);
    const manager = new IscsiTargetManager(shell, storage);
    const bad: TargetSpec[] = [
      simple('iqn.2024-01.dev.virtplane.test:$(touch /tmp/pwned)'),
      simple('IQN.2024-01.dev.virtplane.test:upper'),
      simple('not-an-iqn'),
      { ...simple(testIqn('meta')), luns: [{ lun: 1, backing: { kind: 'path', path: '/srv/a;reboot' } }] },
      { ...simple(testIqn('meta')), luns: [{ lun: 1, backing: { kind: 'path', path: '/srv/a,online=0' } }] },
      { ...simple(testIqn('meta')), initiators: [{ kind: 'name', name: 'iqn.2024-01.x:a\n</target>' }] },
      { ...simple(testIqn('meta')), chap: { username: 'u`id`', password: 'long-enough-pass' } },
      { ...simple(testIqn('meta')), chap: { username: 'user', password: 'pass word; rm -rf /' } },
    ];
    for (const spec of bad) {
      await expect(manager.create(spec)).rejects.toBeInstanceOf(IscsiValidationError);
      await expect(manager.update(spec)).rejects.toBeInstanceOf(IscsiValidationError);
    }
    await expect(manager.delete('iqn.2024-01.dev.virtplane.test:a b')).rejects.toBeInstanceOf(IscsiValidationError);
    await expect(manager.get('../../etc')).rejects.toBeInstanceOf(IscsiValidationError);
    expect(shell.calls).toEqual([]);
  });

  it('travel through the guarded tgtadm batch as inert words', async () => {
    const iqn = testIqn('batch');
    created.push(iqn);
    const target = await new IscsiTargetManager(pool, storage).create({ iqn, luns: [], initiators: [] });
    const ops = new ServerOps(pool, storage, 30_000);
    const out = `${DIR}/words`;
    let done = -1;
    await ops.batch(
      target.tid as number,
      iqn,
      [
        ['sh', '-c', 'printf "%s\\0" "$@" > "$0"', out, ...HOSTILE_ARGUMENTS],
        ['true', ...HOSTILE_ARGUMENTS],
      ],
      (count) => (done = count),
    );
    expect(done).toBe(2);
    const written = await pool.exec(storage, ['cat', out]);
    expect(written.stdout.split('\0').slice(0, -1)).toEqual(HOSTILE_ARGUMENTS);
  });

  it('a batch aimed at a stale tid runs nothing', async () => {
    const iqn = testIqn('stale');
    created.push(iqn);
    const target = await new IscsiTargetManager(pool, storage).create({ iqn, luns: [], initiators: [] });
    const ops = new ServerOps(pool, storage, 30_000);
    const marker = `${DIR}/stale-ran`;
    const error = await ops.batch((target.tid as number) + 1000, iqn, [['touch', marker]]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IscsiOperationError);
    expect((error as Error).message).toContain('no longer names');
    const check = await pool.exec(storage, ['test', '-e', marker], { allowExitCodes: [1] });
    expect(check.exitCode).toBe(1);
  });
});

describe('no free tid', () => {
  it('is refused with TidExhaustedError, and nothing is created', async () => {
    const state = await new IscsiTargetManager(pool, storage).read();
    const busy =
      state.targets[0]?.tid ??
      (await (async () => {
        const iqn = testIqn('busy');
        created.push(iqn);
        return (await new IscsiTargetManager(pool, storage).create({ iqn, luns: [], initiators: [] })).tid as number;
      })());
    const manager = new IscsiTargetManager(pool, storage, { tidRange: { first: busy, last: busy } });
    const iqn = testIqn('exhausted');
    const error = await manager.create(simple(iqn)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TidExhaustedError);
    expect((error as Error).message).toContain(`every target id from ${busy} to ${busy} is in use`);
    const after = await manager.read();
    expect(after.managed.some((target) => target.iqn === iqn)).toBe(false);
    expect(after.files.some((file) => file.path === managedFileOf(iqn, 1))).toBe(false);
  });
});

describe('a create that fails half-way', () => {
  it('is refused before creating anything when a supplied store is missing', async () => {
    const iqn = testIqn('missing');
    const manager = new IscsiTargetManager(pool, storage);
    const error = await manager
      .create({
        ...simple(iqn),
        luns: [
          { lun: 1, backing: { kind: 'file', sizeMib: 8 } },
          { lun: 2, backing: { kind: 'path', path: `${DIR}/nope.img` } },
        ],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BackingStoreError);
    expect((error as Error).message).toContain(`${DIR}/nope.img does not exist`);
    const after = await manager.read();
    expect(after.managed.some((target) => target.iqn === iqn)).toBe(false);
    expect(after.files.some((file) => file.path === managedFileOf(iqn, 1))).toBe(false);
  });

  it('is undone when tgtd refuses a LUN: no target, account, file nor configuration left', async (context) => {
    const iqn = testIqn('undo');
    const user = `undo-${randomBytes(3).toString('hex')}`;
    const immutable = `${DIR}/immutable.img`;
    // tgtd opens backing stores read-write; an immutable file makes that fail, even for root.
    const made = await pool.exec(storage, ['sh', '-c', 'truncate -s 8M "$1" && chattr +i "$1"', 'immutable', immutable], { allowExitCodes: [1] });
    if (made.exitCode !== 0) context.skip(`the storage machine's filesystem has no immutable attribute: ${made.stderr.trim()}`);
    const manager = new IscsiTargetManager(pool, storage);
    const error = await manager
      .create({
        iqn,
        luns: [
          { lun: 1, backing: { kind: 'file', sizeMib: 8 } },
          { lun: 2, backing: { kind: 'path', path: immutable } },
        ],
        initiators: [],
        chap: { username: user, password: 'undo-password-1' },
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IscsiOperationError);
    // The step that failed, in tgtadm's words.
    expect((error as Error).message).toMatch(
      /`tgtadm --lld iscsi --mode logicalunit --op new --tid \d+ --lun 2 --backing-store \S+immutable\.img` failed: tgtadm: /,
    );
    expect((error as IscsiOperationError).rollbackErrors).toEqual([]);
    const after = await manager.read();
    expect(after.targets.some((target) => target.iqn === iqn)).toBe(false);
    expect(after.managed.some((target) => target.iqn === iqn)).toBe(false);
    expect(after.accounts).not.toContain(user);
    expect(after.files.some((file) => file.path === managedFileOf(iqn, 1))).toBe(false);
    await pool.exec(storage, ['chattr', '-i', immutable]);
  });
});

describe('a target changed by hand', () => {
  it("stops counting as virtplane's while it carries a LUN without virtplane's marker", async () => {
    const iqn = testIqn('refusal');
    created.push(iqn);
    const manager = new IscsiTargetManager(pool, storage);
    const target = await manager.create({ iqn, luns: [], initiators: [] });
    // A LUN that already exists, added by hand behind virtplane's back, then asked for again.
    await pool.exec(storage, ['truncate', '-s', '4M', `${DIR}/extra.img`]);
    await tgtadm(pool, storage, ['--mode', 'logicalunit', '--op', 'new', '--tid', String(target.tid), '--lun', '3', '--backing-store', `${DIR}/extra.img`]);
    const refused = await manager.get(iqn).catch((caught: unknown) => caught);
    // LUN 3 carries tgt's default serial, not virtplane's: the target no longer counts as virtplane's.
    expect((refused as Error).name).toBe('OwnershipMismatchError');
    await tgtadm(pool, storage, ['--mode', 'logicalunit', '--op', 'delete', '--tid', String(target.tid), '--lun', '3']);
    expect((await manager.get(iqn))?.drift).toEqual([]);
  });
});

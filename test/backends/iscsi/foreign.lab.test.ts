/**
 * A target created by hand with raw tgtadm on the lab's storage machine is never touched: every
 * virtplane operation that would reach it is refused with an error naming it, and afterwards tgtd
 * serves it exactly as before.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BackingStoreError,
  ChapAccountConflictError,
  ForeignTargetError,
  IscsiTargetManager,
  parseTgtShow,
  type TgtTarget,
} from '../../../lib/backends/iscsi/index.js';
import { SshPool, type SshEndpoint } from '../../../lib/backends/ssh/index.js';
import { useLab } from '../../support/lab.js';
import { testIqn, tgtadm } from './labSupport.js';

const FOREIGN = testIqn('foreign');
const FOREIGN_USER = `foreign-${randomBytes(3).toString('hex')}`;
const DIR = `/var/lib/virtplane/iscsi-test-${randomBytes(4).toString('hex')}`;
const FOREIGN_FILE = `${DIR}/foreign.img`;
const OURS = testIqn('neighbour');

let pool: SshPool;
let storage: SshEndpoint;
let manager: IscsiTargetManager;
let foreignTid: number;

async function servedForeign(): Promise<TgtTarget | undefined> {
  const show = await tgtadm(pool, storage, ['--mode', 'target', '--op', 'show']);
  return parseTgtShow(show.stdout).find((target) => target.iqn === FOREIGN);
}

beforeAll(async () => {
  const lab = await useLab();
  storage = lab.storage;
  pool = new SshPool();
  manager = new IscsiTargetManager(pool, storage);
  await pool.exec(storage, ['sh', '-c', 'mkdir -p "$1" && truncate -s 16M "$2"', 'setup', DIR, FOREIGN_FILE]);
  const used = new Set((await manager.read()).targets.map((target) => target.tid));
  foreignTid = 3000;
  while (used.has(foreignTid)) foreignTid++;
  await tgtadm(pool, storage, ['--mode', 'target', '--op', 'new', '--tid', String(foreignTid), '--targetname', FOREIGN]);
  await tgtadm(pool, storage, ['--mode', 'logicalunit', '--op', 'new', '--tid', String(foreignTid), '--lun', '1', '--backing-store', FOREIGN_FILE]);
  await tgtadm(pool, storage, ['--mode', 'target', '--op', 'bind', '--tid', String(foreignTid), '--initiator-address', 'ALL']);
  // The account goes through the test's own tgtadm command line: a test-side fixture.
  await tgtadm(pool, storage, ['--mode', 'account', '--op', 'new', '--user', FOREIGN_USER, '--password', 'foreign-password']);
  await tgtadm(pool, storage, ['--mode', 'account', '--op', 'bind', '--tid', String(foreignTid), '--user', FOREIGN_USER]);
});

afterAll(async () => {
  await manager?.delete(OURS, { force: true }).catch(() => undefined);
  if (pool !== undefined && foreignTid !== undefined) {
    await tgtadm(pool, storage, ['--mode', 'target', '--op', 'delete', '--force', '--tid', String(foreignTid)], [22]).catch(() => undefined);
    await tgtadm(pool, storage, ['--mode', 'account', '--op', 'delete', '--user', FOREIGN_USER], [22]).catch(() => undefined);
    await pool.exec(storage, ['rm', '-rf', DIR]).catch(() => undefined);
  }
  await pool?.close();
});

describe('a target virtplane did not create', () => {
  it("is reported as foreign and not as one of virtplane's", async () => {
    const state = await manager.read();
    expect(state.targets.find((target) => target.iqn === FOREIGN)?.owner).toBe('foreign');
    expect(state.managed.some((target) => target.iqn === FOREIGN)).toBe(false);
    expect(await manager.get(FOREIGN)).toBeUndefined();
  });

  it('is never modified, deleted or replaced, and every refusal names it', async () => {
    const before = await servedForeign();
    expect(before?.tid).toBe(foreignTid);
    const attempts: [string, () => Promise<unknown>][] = [
      ['create', () => manager.create({ iqn: FOREIGN, luns: [{ lun: 1, backing: { kind: 'file', sizeMib: 8 } }], initiators: [] })],
      ['update', () => manager.update({ iqn: FOREIGN, luns: [], initiators: [] })],
      ['delete', () => manager.delete(FOREIGN)],
      ['force delete', () => manager.delete(FOREIGN, { force: true })],
    ];
    for (const [what, attempt] of attempts) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(error, what).toBeInstanceOf(ForeignTargetError);
      expect((error as Error).message).toContain(`target ${FOREIGN} (tid ${foreignTid}) was not created by virtplane`);
    }
    expect(await servedForeign()).toEqual(before);
  });

  it("keeps its backing store and its CHAP user out of virtplane's targets", async () => {
    const sharedStore = await manager
      .create({ iqn: OURS, luns: [{ lun: 1, backing: { kind: 'path', path: FOREIGN_FILE } }], initiators: [] })
      .catch((error: unknown) => error);
    expect(sharedStore).toBeInstanceOf(BackingStoreError);
    expect((sharedStore as Error).message).toContain(`is already exported by target ${FOREIGN} (LUN 1)`);

    const sharedUser = await manager
      .create({ iqn: OURS, luns: [], initiators: [], chap: { username: FOREIGN_USER, password: 'another-password' } })
      .catch((error: unknown) => error);
    expect(sharedUser).toBeInstanceOf(ChapAccountConflictError);
    expect((sharedUser as Error).message).toContain(`bound to target ${FOREIGN}`);

    // Refused before anything changed: no trace of OURS anywhere.
    const state = await manager.read();
    expect(state.managed.some((target) => target.iqn === OURS)).toBe(false);
    expect(state.targets.some((target) => target.iqn === OURS)).toBe(false);
  });

  it('stays untouched while virtplane creates, changes and deletes a target next to it', async () => {
    const before = await servedForeign();
    const accountsBefore = (await manager.read()).accounts;
    await manager.create({ iqn: OURS, luns: [{ lun: 1, backing: { kind: 'file', sizeMib: 8 } }], initiators: [] });
    await manager.update({ iqn: OURS, luns: [{ lun: 1, backing: { kind: 'file', sizeMib: 16 } }], initiators: [{ kind: 'address', address: '10.77.0.11' }] });
    expect(await manager.delete(OURS)).toBe('deleted');
    expect(await servedForeign()).toEqual(before);
    expect((await manager.read()).accounts).toEqual(accountsBefore);
  });
});

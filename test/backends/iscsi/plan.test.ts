/**
 * Planning from one read of the server: the server is described as READ_SCRIPT's output, built from
 * tgtd output captured in the lab (fixtures/show-sessions.txt: three foreign targets) plus one
 * virtplane target written here in the same format.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BackingStoreError,
  ChapAccountConflictError,
  ForeignTargetError,
  OwnershipMismatchError,
  ShrinkRefusedError,
  TargetBusyError,
  TargetExistsError,
  TargetNotFoundError,
  TgtdUnavailableError,
  TidExhaustedError,
} from '../../../lib/backends/iscsi/errors.js';
import { lunSerialOf, managedFileOf } from '../../../lib/backends/iscsi/layout.js';
import { DEFAULT_TID_RANGE, chapDigestOf, confMatchesSpec, isEmptyUpdate, planCreate, planUpdate } from '../../../lib/backends/iscsi/plan.js';
import { interpretReadOutput, type InternalState } from '../../../lib/backends/iscsi/serverState.js';
import type { TargetSpec } from '../../../lib/backends/iscsi/spec.js';
import { renderTargetBlock } from '../../../lib/backends/iscsi/tgtConf.js';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const MIB = 1024 * 1024;
const OURS = 'iqn.2024-01.dev.virtplane.test:ours';
const KVM1 = 'iqn.2024-01.dev.virtplane.test:kvm1';
const PASSWORD = 'ours-password-1';
const OURS_SPEC: TargetSpec = {
  iqn: OURS,
  luns: [
    { lun: 1, backing: { kind: 'file', sizeMib: 64 } },
    { lun: 2, backing: { kind: 'path', path: '/srv/disk2.img' } },
  ],
  initiators: [{ kind: 'name', name: KVM1 }],
  chap: { username: 'ours-user', password: PASSWORD },
};

function servedLun(lun: number, serial: string, sizeMb: number, path: string): string {
  return [
    `        LUN: ${lun}`,
    '            Type: disk',
    `            SCSI ID: ${serial}`,
    `            SCSI SN: ${serial}`,
    `            Size: ${sizeMb} MB, Block size: 512`,
    '            Online: Yes',
    '            Removable media: No',
    '            Prevent removal: No',
    '            Readonly: No',
    '            SWP: No',
    '            Thin-provisioning: No',
    '            Backing store type: rdwr',
    `            Backing store path: ${path}`,
    '            Backing store flags: ',
  ].join('\n');
}

/** Our target as tgtd 1.0.85 shows it: tid 5, a session from kvm1. */
function oursShow(options: { session?: boolean; lun1Mb?: number; lun2Mb?: number } = {}): string {
  return [
    `Target 5: ${OURS}`,
    '    System information:',
    '        Driver: iscsi',
    '        State: ready',
    '    I_T nexus information:',
    ...(options.session === false
      ? []
      : ['        I_T nexus: 9', `            Initiator: ${KVM1} alias: none`, '            Connection: 0', '                IP Address: 10.77.0.11']),
    '    LUN information:',
    servedLun(1, lunSerialOf(OURS, 1), options.lun1Mb ?? 67, managedFileOf(OURS, 1)),
    servedLun(2, lunSerialOf(OURS, 2), options.lun2Mb ?? 105, '/srv/disk2.img'),
    '    Account information:',
    '        ours-user',
    '    ACL information:',
    '        0.0.0.0/32',
    `        ${KVM1}`,
  ].join('\n');
}

interface ServerDescription {
  readonly show?: string;
  readonly conf?: string;
  readonly lun2Bytes?: number;
  readonly files?: readonly string[];
  readonly session?: boolean;
}

function server(description: ServerDescription = {}): InternalState {
  const boundary = '@@test';
  const section = (name: string, status: number, text: string): string => `${boundary} ${name} ${status}\n${text}\n`;
  const conf =
    description.conf ??
    renderTargetBlock(OURS_SPEC, [
      { lun: 1, path: managedFileOf(OURS, 1) },
      { lun: 2, path: '/srv/disk2.img' },
    ]).replace(/^(\s*incominguser \S+) .*$/m, '$1');
  const files = description.files ?? [`${64 * MIB}\t${managedFileOf(OURS, 1)}`];
  const stdout = [
    section('version', 0, '1.0.85'),
    section('targets', 0, `${fixture('show-sessions.txt').trimEnd()}\n${description.show ?? oursShow({ session: description.session })}`),
    section('accounts', 0, 'Account list:\n    unbound\n    fixout\n    fixin\n    ours-user'),
    section('conf', 0, conf),
    section('chap-digests', 0, `${OURS} ${chapDigestOf(OURS, PASSWORD)}`),
    section('sizes', 0, `${64 * MIB}\t${managedFileOf(OURS, 1)}\n${description.lun2Bytes ?? 100 * MIB}\t/srv/disk2.img`),
    section('files', 0, files.join('\n')),
  ].join('');
  return interpretReadOutput(stdout, boundary, 'storage', '10.77.0.2');
}

const catchError = (work: () => unknown): Error => {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
};

describe('reading the server', () => {
  it("joins virtplane.conf with tgtd's view, and tells virtplane's targets from foreign ones", () => {
    const { state } = server();
    expect(state.targets.map((target) => [target.iqn, target.owner])).toEqual([
      ['iqn.2024-01.dev.virtplane.test:fixture-one', 'foreign'],
      ['iqn.2024-01.dev.virtplane.test:fixture-two', 'foreign'],
      ['iqn.2024-01.dev.virtplane.test:fixture-empty', 'foreign'],
      [OURS, 'virtplane'],
    ]);
    const [ours] = state.managed;
    expect(ours).toMatchObject({
      iqn: OURS,
      portal: '10.77.0.2:3260',
      tid: 5,
      initiators: [{ kind: 'name', name: KVM1 }],
      chapUsername: 'ours-user',
      drift: [],
    });
    expect(ours?.luns).toEqual([
      {
        lun: 1,
        backing: 'file',
        path: managedFileOf(OURS, 1),
        sizeBytes: 64 * MIB,
        served: true,
        servedSizeMb: 67,
        resizePending: false,
        serial: lunSerialOf(OURS, 1),
      },
      {
        lun: 2,
        backing: 'path',
        path: '/srv/disk2.img',
        sizeBytes: 100 * MIB,
        served: true,
        servedSizeMb: 105,
        resizePending: false,
        serial: lunSerialOf(OURS, 2),
      },
    ]);
    expect(ours?.sessions.map((session) => session.initiator)).toEqual([KVM1]);
  });

  it('is "cannot tell" when tgtd does not answer, and empty when virtplane has no configuration yet', () => {
    const down = (): InternalState =>
      interpretReadOutput(
        '@@b version 0\n1.0.85\n@@b targets 107\ntgtadm: failed to send request hdr to tgt daemon, Transport endpoint is not connected\n',
        '@@b',
        'storage',
        '10.77.0.2',
      );
    const error = catchError(down);
    expect(error).toBeInstanceOf(TgtdUnavailableError);
    expect((error as TgtdUnavailableError).cannotTell).toBe(true);
    expect(error.message).toContain('failed to send request hdr');

    const fresh = interpretReadOutput('@@b version 0\n1.0.85\n@@b targets 0\n\n@@b accounts 0\n\n@@b conf 1\n\n@@b files 0\n\n', '@@b', 'storage', '10.77.0.2');
    expect(fresh.state).toEqual({ tgtVersion: '1.0.85', targets: [], accounts: [], managed: [], files: [] });
  });

  it('reports drift: a resized store tgtd has not reopened, a target tgtd does not serve', () => {
    const resized = server({ lun2Bytes: 200 * MIB }).state.managed[0];
    expect(resized?.luns[1]?.resizePending).toBe(true);
    expect(resized?.drift).toEqual([expect.stringContaining('LUN 2: tgtd still serves 105 MB')]);
    const stopped = server({ show: '' }).state.managed[0];
    expect(stopped?.tid).toBeUndefined();
    expect(stopped?.drift).toEqual([expect.stringContaining('tgtd does not serve this target')]);
  });
});

describe('planCreate', () => {
  const NEW = 'iqn.2024-01.dev.virtplane.test:new';
  const newSpec: TargetSpec = {
    ...OURS_SPEC,
    iqn: NEW,
    chap: { username: 'new-user', password: 'new-password-1' },
    luns: [{ lun: 1, backing: { kind: 'file', sizeMib: 32 } }],
  };

  it('plans files, serials, rules and the lowest free tid', () => {
    expect(planCreate('storage', server(), newSpec, DEFAULT_TID_RANGE)).toEqual({
      tid: 1,
      luns: [{ lun: 1, path: managedFileOf(NEW, 1), serial: lunSerialOf(NEW, 1), createBytes: 32 * MIB }],
      acl: { addresses: ['0.0.0.0/32'], names: [KVM1] },
      chap: newSpec.chap,
    });
    expect(planCreate('storage', server(), newSpec, { first: 3, last: 6 }).tid).toBe(4);
  });

  it('refuses when no tid is free in the range', () => {
    const error = catchError(() => planCreate('storage', server(), newSpec, { first: 12, last: 13 }));
    expect(error).toBeInstanceOf(TidExhaustedError);
    expect(error.message).toContain('every target id from 12 to 13 is in use');
  });

  it("refuses a foreign target's IQN, naming it and its tid", () => {
    const error = catchError(() => planCreate('storage', server(), { ...newSpec, iqn: 'iqn.2024-01.dev.virtplane.test:fixture-one' }, DEFAULT_TID_RANGE));
    expect(error).toBeInstanceOf(ForeignTargetError);
    expect(error.message).toContain('iqn.2024-01.dev.virtplane.test:fixture-one (tid 3) was not created by virtplane');
  });

  it('refuses its own existing IQN', () => {
    expect(catchError(() => planCreate('storage', server(), OURS_SPEC, DEFAULT_TID_RANGE))).toBeInstanceOf(TargetExistsError);
  });

  it.each([
    ['fixin', 'bound to target iqn.2024-01.dev.virtplane.test:fixture-one'],
    ['unbound', 'not bound to any target'],
    ['ours-user', `bound to target ${OURS}`],
  ])('refuses CHAP user %s, which tgtd already has (%s)', (username, holder) => {
    const error = catchError(() => planCreate('storage', server(), { ...newSpec, chap: { username, password: 'any-password-1' } }, DEFAULT_TID_RANGE));
    expect(error).toBeInstanceOf(ChapAccountConflictError);
    expect(error.message).toContain(holder);
  });

  it('refuses a backing store another target exports, and a leftover file', () => {
    const exported = catchError(() =>
      planCreate(
        'storage',
        server(),
        { ...newSpec, luns: [{ lun: 1, backing: { kind: 'path', path: '/var/lib/virtplane/scratch/a.img' } }] },
        DEFAULT_TID_RANGE,
      ),
    );
    expect(exported).toBeInstanceOf(BackingStoreError);
    expect(exported.message).toContain('already exported by target iqn.2024-01.dev.virtplane.test:fixture-one (LUN 1)');
    const leftover = catchError(() => planCreate('storage', server({ files: [`${MIB}\t${managedFileOf(NEW, 1)}`] }), newSpec, DEFAULT_TID_RANGE));
    expect(leftover).toBeInstanceOf(BackingStoreError);
    expect(leftover.message).toContain('already exists');
  });
});

describe('planUpdate', () => {
  it('plans nothing when the spec is what the server has', () => {
    const state = server();
    const plan = planUpdate('storage', state, OURS_SPEC);
    expect(isEmptyUpdate(plan)).toBe(true);
    expect(confMatchesSpec(state, OURS_SPEC)).toBe(true);
  });

  it('grows a file and has tgtd reopen it', () => {
    const plan = planUpdate('storage', server(), { ...OURS_SPEC, luns: [{ lun: 1, backing: { kind: 'file', sizeMib: 128 } }, OURS_SPEC.luns[1]!] });
    expect(plan.growFiles).toEqual([{ lun: 1, path: managedFileOf(OURS, 1), bytes: 128 * MIB }]);
    expect(plan.reopenLuns).toEqual([{ lun: 1, path: managedFileOf(OURS, 1) }]);
    expect(plan.removeLuns).toEqual([]);
    expect(plan.addLuns).toEqual([]);
    expect(plan.prepareFiles).toEqual([]);
    expect(plan.deleteFiles).toEqual([]);
  });

  it('refuses to shrink', () => {
    const error = catchError(() =>
      planUpdate('storage', server(), { ...OURS_SPEC, luns: [{ lun: 1, backing: { kind: 'file', sizeMib: 32 } }, OURS_SPEC.luns[1]!] }),
    );
    expect(error).toBeInstanceOf(ShrinkRefusedError);
    expect(error.message).toContain('LUN 1 of iqn.2024-01.dev.virtplane.test:ours is 64 MiB; shrinking it to 32 MiB is refused');
  });

  it('reopens a user-supplied store that grew behind tgtd', () => {
    expect(planUpdate('storage', server({ lun2Bytes: 200 * MIB }), OURS_SPEC).reopenLuns).toEqual([{ lun: 2, path: '/srv/disk2.img' }]);
  });

  it('refuses to remove a LUN under a logged-in initiator unless forced', () => {
    const spec: TargetSpec = { ...OURS_SPEC, luns: [OURS_SPEC.luns[0]!] };
    const error = catchError(() => planUpdate('storage', server(), spec));
    expect(error).toBeInstanceOf(TargetBusyError);
    expect((error as TargetBusyError).sessions).toEqual([`${KVM1}@10.77.0.11`]);
    const forced = planUpdate('storage', server(), spec, { force: true });
    expect(forced.removeLuns).toEqual([2]);
    // The user's store is never deleted.
    expect(forced.deleteFiles).toEqual([]);
    expect(planUpdate('storage', server({ session: false }), spec).removeLuns).toEqual([2]);
  });

  it('replaces a LUN whose backing changes, and adds new ones', () => {
    const plan = planUpdate('storage', server({ session: false }), {
      ...OURS_SPEC,
      luns: [{ lun: 1, backing: { kind: 'path', path: '/srv/other.img' } }, OURS_SPEC.luns[1]!, { lun: 9, backing: { kind: 'file', sizeMib: 8 } }],
    });
    expect(plan.removeLuns).toEqual([1]);
    expect(plan.prepareFiles).toEqual([
      { lun: 1, path: '/srv/other.img', serial: lunSerialOf(OURS, 1), createBytes: undefined },
      { lun: 9, path: managedFileOf(OURS, 9), serial: lunSerialOf(OURS, 9), createBytes: 8 * MIB },
    ]);
    expect(plan.addLuns.map((lun) => [lun.lun, lun.path])).toEqual([
      [1, '/srv/other.img'],
      [9, managedFileOf(OURS, 9)],
    ]);
    // virtplane's file of the replaced LUN goes; the user's store of LUN 2 stays.
    expect(plan.deleteFiles).toEqual([managedFileOf(OURS, 1)]);
  });

  it('finishes an interrupted change: a configured LUN tgtd does not serve is added, its file reused', () => {
    // virtplane.conf and the file say LUN 1 exists; tgtd serves only LUN 2 (the update stopped half-way).
    const show = oursShow({ session: false })
      .split('\n')
      .filter((_, index, lines) => {
        const start = lines.indexOf('        LUN: 1');
        return index < start || index >= start + 14;
      })
      .join('\n');
    const plan = planUpdate('storage', server({ show }), OURS_SPEC);
    expect(plan.prepareFiles).toEqual([]);
    expect(plan.removeLuns).toEqual([]);
    expect(plan.addLuns).toEqual([{ lun: 1, path: managedFileOf(OURS, 1), serial: lunSerialOf(OURS, 1), createBytes: undefined }]);
  });

  it('refuses to adopt a file of its folder that nothing records', () => {
    const error = catchError(() =>
      planUpdate('storage', server({ files: [`${64 * MIB}\t${managedFileOf(OURS, 1)}`, `${MIB}\t${managedFileOf(OURS, 3)}`] }), {
        ...OURS_SPEC,
        luns: [...OURS_SPEC.luns, { lun: 3, backing: { kind: 'file', sizeMib: 1 } }],
      }),
    );
    expect(error).toBeInstanceOf(BackingStoreError);
    expect(error.message).toContain('left over');
  });

  it('binds new initiator rules and unbinds old ones', () => {
    const plan = planUpdate('storage', server(), { ...OURS_SPEC, initiators: [{ kind: 'address', address: '10.77.0.12' }] });
    expect(plan.bind).toEqual({ addresses: ['10.77.0.12'], names: [] });
    expect(plan.unbind).toEqual({ addresses: ['0.0.0.0/32'], names: [KVM1] });
  });

  it('recreates the CHAP account when the password changed, and only then', () => {
    const changed = planUpdate('storage', server(), { ...OURS_SPEC, chap: { username: 'ours-user', password: 'another-password' } });
    expect(changed.chapRemove).toBe('ours-user');
    expect(changed.chapAdd).toEqual({ username: 'ours-user', password: 'another-password' });
    const removed = planUpdate('storage', server(), { ...OURS_SPEC, chap: undefined });
    expect([removed.chapRemove, removed.chapAdd]).toEqual(['ours-user', undefined]);
    const renamed = catchError(() => planUpdate('storage', server(), { ...OURS_SPEC, chap: { username: 'fixin', password: 'another-password' } }));
    expect(renamed).toBeInstanceOf(ChapAccountConflictError);
  });

  it('refuses unknown and foreign targets, and a listed target whose markers are gone', () => {
    expect(catchError(() => planUpdate('storage', server(), { ...OURS_SPEC, iqn: 'iqn.2024-01.dev.virtplane.test:nope' }))).toBeInstanceOf(TargetNotFoundError);
    expect(catchError(() => planUpdate('storage', server(), { ...OURS_SPEC, iqn: 'iqn.2024-01.dev.virtplane.test:fixture-two' }))).toBeInstanceOf(
      ForeignTargetError,
    );
    // virtplane.conf lists fixture-two, but tgtd serves it with tgt's default serials: someone else's.
    const hijacked = server({
      conf: renderTargetBlock({ iqn: 'iqn.2024-01.dev.virtplane.test:fixture-two', luns: [], initiators: [] }, [
        { lun: 5, path: '/var/lib/virtplane/scratch/b.img' },
      ]),
    });
    expect(hijacked.state.targets.find((target) => target.iqn.endsWith('fixture-two'))?.owner).toBe('foreign');
    expect(hijacked.state.managed[0]?.tid).toBeUndefined();
    expect(hijacked.state.managed[0]?.drift[0]).toContain("tgtd serves a target under this IQN that is not virtplane's");
    const error = catchError(() => planUpdate('storage', hijacked, { iqn: 'iqn.2024-01.dev.virtplane.test:fixture-two', luns: [], initiators: [] }));
    expect(error).toBeInstanceOf(OwnershipMismatchError);
    expect(error.message).toContain('LUN 5 has SCSI serial "beaf125"');
  });
});

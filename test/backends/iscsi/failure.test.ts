/**
 * describeIscsiFailure: validation errors produced by the backend's own checks,
 * the refusals built as the planner and the server operations build them.
 */
import { describe, expect, it } from 'vitest';
import {
  BackingStoreError,
  ChapAccountConflictError,
  describeIscsiFailure,
  ForeignTargetError,
  IscsiOperationError,
  IscsiValidationError,
  OwnershipMismatchError,
  ShrinkRefusedError,
  TargetBusyError,
  TargetExistsError,
  TargetNotFoundError,
  TgtConfigError,
  TgtdUnavailableError,
  TgtOutputError,
  TidExhaustedError,
  type IscsiFailure,
} from '../../../lib/backends/iscsi/errors.js';
import { validateTargetSpec, type TargetSpec } from '../../../lib/backends/iscsi/index.js';
import { CommandFailedError, SshUnreachableError } from '../../../lib/backends/ssh/index.js';

const IQN = 'iqn.2024-01.dev.virtplane.test:ours';
const SPEC: TargetSpec = {
  iqn: IQN,
  luns: [{ lun: 1, backing: { kind: 'file', sizeMib: 64 } }],
  initiators: [],
  chap: { username: 'ours-user', password: 'ours-password-1' },
};

function validationFailure(spec: TargetSpec): IscsiFailure {
  let error: unknown;
  try {
    validateTargetSpec(spec);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(IscsiValidationError);
  const failure = describeIscsiFailure(error);
  if (failure === undefined) throw new Error('not described');
  return failure;
}

function described(error: unknown): IscsiFailure {
  const failure = describeIscsiFailure(error);
  if (failure === undefined) throw new Error(`not described: ${String(error)}`);
  return failure;
}

describe('describeIscsiFailure on values the backend refuses', () => {
  it('puts each invalid value on its setting: iqn, luns, chapUsername; others on none', () => {
    const iqn = validationFailure({ ...SPEC, iqn: 'not-an-iqn' });
    expect(iqn.kind).toBe('invalid-setting');
    expect(iqn.setting).toBe('iqn');
    expect(iqn.cause).toMatch(/^invalid iqn: "not-an-iqn" /);

    const lun = validationFailure({ ...SPEC, luns: [{ lun: 0, backing: { kind: 'file', sizeMib: 64 } }] });
    expect(lun).toMatchObject({ setting: 'luns' });
    expect(lun.cause).toMatch(/^invalid luns\[0\]\.lun: must be an integer from 1 /);

    const chapUser = validationFailure({ ...SPEC, chap: { username: 'a,b', password: 'ours-password-1' } });
    expect(chapUser).toMatchObject({ setting: 'chapUsername' });
    expect(chapUser.cause).toMatch(/^invalid chap\.username: /);

    const password = validationFailure({ ...SPEC, chap: { username: 'ours-user', password: 'short' } });
    expect(password.setting).toBeUndefined();
    expect(password.cause).toBe('invalid chap.password: must be 12 to 128 characters long (RFC 3720 asks for at least 12 bytes of secret)');
    expect(password.cause).not.toContain('short');
  });
});

describe('describeIscsiFailure on refusals of the storage server', () => {
  it('a target virtplane did not create: target name already used, on the iqn', () => {
    expect(described(new ForeignTargetError('storage', IQN, 7, 'delete it'))).toEqual({
      kind: 'foreign-target',
      cause: `target name already used: ${IQN} (tid 7) was not created by virtplane`,
      remedy: 'Choose another IQN, or remove that target yourself if it is no longer needed: virtplane never modifies nor deletes it.',
      setting: 'iqn',
    });
    const replaced = described(new OwnershipMismatchError('storage', IQN, "LUN 1 has serial 1234, not virtplane's"));
    expect(replaced).toMatchObject({
      kind: 'replaced-target',
      setting: 'iqn',
      cause: `target ${IQN} was replaced outside virtplane (LUN 1 has serial 1234, not virtplane's)`,
    });
  });

  it('a target managed already, or gone: on the iqn', () => {
    expect(described(new TargetExistsError('storage', IQN))).toMatchObject({
      kind: 'target-exists',
      setting: 'iqn',
      cause: `target ${IQN} is already managed by virtplane`,
    });
    expect(described(new TargetNotFoundError('storage', IQN))).toMatchObject({ kind: 'target-not-found', setting: 'iqn' });
  });

  it('LUN refusals: on the luns', () => {
    const shrink = described(new ShrinkRefusedError('storage', IQN, 1, 128 * 1024 * 1024, 64 * 1024 * 1024));
    expect(shrink).toMatchObject({
      kind: 'shrink-refused',
      setting: 'luns',
      cause: `LUN 1 of ${IQN} is 128 MiB: shrinking it to 64 MiB would destroy the end of the disk`,
    });
    const store = described(new BackingStoreError('storage', '/srv/disk.img', 'does not exist on the storage server'));
    expect(store).toMatchObject({ kind: 'backing-store', setting: 'luns', cause: 'backing store /srv/disk.img does not exist on the storage server' });
  });

  it('a CHAP user another target has: on chapUsername', () => {
    expect(described(new ChapAccountConflictError('storage', 'ours-user', `target ${IQN}`))).toMatchObject({
      kind: 'chap-user-taken',
      setting: 'chapUsername',
      cause: `CHAP user ours-user already exists in tgtd (target ${IQN})`,
    });
  });

  it('tgtd not answering: on the address, start tgtd', () => {
    const failure = described(new TgtdUnavailableError('storage', 'tgtadm: failed to send request hdr to tgt daemon, Transport endpoint is not connected'));
    expect(failure).toMatchObject({
      kind: 'tgtd-down',
      setting: 'address',
      cause: 'tgtd not answering: tgtadm: failed to send request hdr to tgt daemon, Transport endpoint is not connected',
    });
    expect(failure.remedy).toContain('tgt-admin -e');
  });

  it('refusals no setting fixes: busy target, no free tid, configuration and output virtplane cannot read', () => {
    const busy = described(new TargetBusyError('storage', IQN, 'delete it', ['iqn.2024-01.dev.virtplane.test:kvm1@10.0.0.11']));
    expect(busy).toMatchObject({
      kind: 'target-busy',
      setting: undefined,
      cause: `target ${IQN} in use by 1 initiator session(s): iqn.2024-01.dev.virtplane.test:kvm1@10.0.0.11`,
    });
    expect(described(new TidExhaustedError('storage', 12, 13))).toMatchObject({
      kind: 'no-free-tid',
      setting: undefined,
      cause: 'every target id from 12 to 13 is in use',
    });
    expect(described(new TgtConfigError('virtplane.conf ends inside a block: it was cut short; restore it.')).kind).toBe('tgt-config');
    expect(described(new TgtOutputError('Cannot read tgtadm\'s account list: unexpected line "x"')).cause).toBe(
      'unexpected tgtd output: Cannot read tgtadm\'s account list: unexpected line "x"',
    );
  });

  it('a failed step: what virtplane was doing and why; the SSH backend describes an SSH cause', () => {
    const command = new CommandFailedError('storage', ['tgtadm', '--lld', 'iscsi'], 22, '', 'tgtadm: this target already exists\n');
    const step = described(new IscsiOperationError('storage', `creating target ${IQN}`, command, [new Error('storage: removing /srv/x.img failed')]));
    expect(step.kind).toBe('step-failed');
    expect(step.cause).toBe(`creating target ${IQN} failed: \`tgtadm\` exited with code 22: tgtadm: this target already exists`);
    expect(step.remedy).toContain('Cleaning up also failed (storage: removing /srv/x.img failed): check the target by hand.');
    expect(step.setting).toBeUndefined();

    const lost = new SshUnreachableError('storage', '10.0.0.5:22', 'storage (10.0.0.5:22) is unreachable: no route to host', { reason: 'no route to host' });
    const unreachable = described(new IscsiOperationError('storage', `creating target ${IQN}`, lost, [new Error('x')]));
    expect(unreachable).toMatchObject({ cause: `creating target ${IQN} failed: unreachable: no route to host`, setting: 'address' });
  });
});

describe('describeIscsiFailure on what it does not know', () => {
  it('gives undefined, SSH errors included (describeSshFailure describes them)', () => {
    const ssh = new SshUnreachableError('storage', '10.0.0.5:22', 'storage (10.0.0.5:22) is unreachable: connection refused');
    for (const error of [ssh, new Error('boom'), 'text', undefined]) expect(describeIscsiFailure(error)).toBeUndefined();
  });
});

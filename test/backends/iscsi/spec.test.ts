import { describe, expect, it } from 'vitest';
import { IscsiValidationError } from '../../../lib/backends/iscsi/errors.js';
import { validateTargetSpec, type TargetSpec } from '../../../lib/backends/iscsi/spec.js';
import { HOSTILE_ARGUMENTS } from '../ssh/hostileArguments.js';

const BASE: TargetSpec = {
  iqn: 'iqn.2024-01.dev.virtplane.test:spec',
  luns: [{ lun: 1, backing: { kind: 'file', sizeMib: 64 } }],
  initiators: [],
};

function refusal(spec: TargetSpec): IscsiValidationError {
  try {
    validateTargetSpec(spec);
  } catch (error) {
    if (error instanceof IscsiValidationError) return error;
    throw error;
  }
  throw new Error('expected the spec to be refused');
}

describe('target spec validation', () => {
  it('accepts a full spec', () => {
    expect(() =>
      validateTargetSpec({
        ...BASE,
        luns: [
          { lun: 1, backing: { kind: 'file', sizeMib: 1 } },
          { lun: 255, backing: { kind: 'path', path: '/dev/vg0/lv-data_1' } },
          { lun: 7, backing: { kind: 'path', path: '/srv/iscsi/disk@2024:01.img' } },
        ],
        initiators: [
          { kind: 'name', name: 'iqn.1993-08.org.debian:01:abc' },
          { kind: 'address', address: '10.0.0.5' },
          { kind: 'address', address: '10.0.0.0/24' },
          { kind: 'address', address: '[fd00::5]' },
          { kind: 'address', address: '[fd00::]/64' },
        ],
        chap: { username: 'iqn.1993-08.org.debian:01:abc', password: 'Abc.def_ghi+j@k%l=m:n/o-p' },
      }),
    ).not.toThrow();
  });

  it.each([
    [{ ...BASE, luns: [{ lun: 0, backing: { kind: 'file', sizeMib: 1 } }] }, 'luns[0].lun', 'controller'],
    [{ ...BASE, luns: [{ lun: 256, backing: { kind: 'file', sizeMib: 1 } }] }, 'luns[0].lun', '1 to 255'],
    [{ ...BASE, luns: [{ lun: 1.5, backing: { kind: 'file', sizeMib: 1 } }] }, 'luns[0].lun', 'integer'],
    [
      {
        ...BASE,
        luns: [
          { lun: 2, backing: { kind: 'file', sizeMib: 1 } },
          { lun: 2, backing: { kind: 'file', sizeMib: 1 } },
        ],
      },
      'luns[1].lun',
      'twice',
    ],
    [{ ...BASE, luns: [{ lun: 1, backing: { kind: 'file', sizeMib: 0 } }] }, 'luns[0].backing.sizeMib', 'whole number'],
    [{ ...BASE, luns: [{ lun: 1, backing: { kind: 'file', sizeMib: 0.5 } }] }, 'luns[0].backing.sizeMib', 'whole number'],
    [{ ...BASE, luns: [{ lun: 1, backing: { kind: 'path', path: 'relative/disk.img' } }] }, 'luns[0].backing.path', 'absolute'],
    [{ ...BASE, luns: [{ lun: 1, backing: { kind: 'path', path: '/srv/../etc/shadow' } }] }, 'luns[0].backing.path', 'normalized'],
    [{ ...BASE, luns: [{ lun: 1, backing: { kind: 'path', path: '/srv//disk' } }] }, 'luns[0].backing.path', 'normalized'],
    [{ ...BASE, luns: [{ lun: 1, backing: { kind: 'path', path: '/srv/a,online=0' } }] }, 'luns[0].backing.path', 'letters'],
    [
      { ...BASE, luns: [{ lun: 1, backing: { kind: 'path', path: '/var/lib/virtplane/iscsi/other/lun-1.img' } }] },
      'luns[0].backing.path',
      "virtplane's own folder",
    ],
    [
      {
        ...BASE,
        luns: [
          { lun: 1, backing: { kind: 'path', path: '/dev/sdb' } },
          { lun: 2, backing: { kind: 'path', path: '/dev/sdb' } },
        ],
      },
      'luns',
      'two LUNs',
    ],
    [{ ...BASE, initiators: [{ kind: 'address', address: '10.0.0.256' }] }, 'initiators[0].address', 'IPv4'],
    [{ ...BASE, initiators: [{ kind: 'address', address: '10.0.0.0/33' }] }, 'initiators[0].address', 'prefix'],
    [{ ...BASE, initiators: [{ kind: 'address', address: 'fd00::5' }] }, 'initiators[0].address', 'brackets'],
    [{ ...BASE, initiators: [{ kind: 'address', address: 'ALL' }] }, 'initiators[0].address', 'IPv4'],
    [{ ...BASE, initiators: [{ kind: 'address', address: '0.0.0.0/32' }] }, 'initiators[0].address', 'reserved'],
    [
      {
        ...BASE,
        initiators: [
          { kind: 'name', name: 'iqn.2024-01.dev.example:a' },
          { kind: 'name', name: 'iqn.2024-01.dev.example:a' },
        ],
      },
      'initiators[1]',
      'twice',
    ],
    [{ ...BASE, chap: { username: 'a b', password: 'longenoughpassword' } }, 'chap.username', 'letters'],
    [{ ...BASE, chap: { username: 'a,b', password: 'longenoughpassword' } }, 'chap.username', 'letters'],
    [{ ...BASE, chap: { username: 'user', password: 'short' } }, 'chap.password', '12 to 128'],
    [{ ...BASE, chap: { username: 'user', password: 'has space inside' } }, 'chap.password', 'may contain only'],
    [{ ...BASE, chap: { username: 'user', password: 'dollar$(id)xxxx' } }, 'chap.password', 'may contain only'],
    [{ ...BASE, chap: { username: 'user', password: 'hash#commentxxxx' } }, 'chap.password', 'may contain only'],
  ] as const)('refuses %#: %s', (spec, path, why) => {
    const error = refusal(spec as TargetSpec);
    expect(error.path).toBe(path);
    expect(error.message).toContain(why);
  });

  it('never puts a CHAP password into a message', () => {
    const secret = 'bad secret with spaces';
    const error = refusal({ ...BASE, chap: { username: 'user', password: secret } });
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain('spaces');
  });

  it('refuses every hostile argument as a path, a CHAP user and an initiator address', () => {
    for (const hostile of HOSTILE_ARGUMENTS) {
      expect(() => validateTargetSpec({ ...BASE, luns: [{ lun: 1, backing: { kind: 'path', path: hostile } }] })).toThrow(IscsiValidationError);
      const nested = `/srv/${hostile}`;
      const nestedIsSafe =
        /^[A-Za-z0-9._+@:/-]+$/.test(hostile) &&
        !nested
          .split('/')
          .slice(1)
          .some((segment) => ['', '.', '..'].includes(segment));
      const nestedSpec: TargetSpec = { ...BASE, luns: [{ lun: 1, backing: { kind: 'path', path: nested } }] };
      if (nestedIsSafe) expect(() => validateTargetSpec(nestedSpec)).not.toThrow();
      else expect(() => validateTargetSpec(nestedSpec)).toThrow(IscsiValidationError);
      if (!/^[A-Za-z0-9._@:-]{1,128}$/.test(hostile)) {
        expect(() => validateTargetSpec({ ...BASE, chap: { username: hostile, password: 'longenoughpassword' } })).toThrow(IscsiValidationError);
      }
      expect(() => validateTargetSpec({ ...BASE, initiators: [{ kind: 'address', address: hostile }] })).toThrow(IscsiValidationError);
      expect(() => validateTargetSpec({ ...BASE, initiators: [{ kind: 'name', name: hostile }] })).toThrow(IscsiValidationError);
    }
  });
});

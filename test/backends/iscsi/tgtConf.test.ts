/**
 * virtplane.conf: what virtplane renders, how it reads it back, what the real tgt-admin 1.0.85 makes
 * of it when tgtd starts (its --pretend mode prints the tgtadm commands it would run), and the
 * remote script that splices blocks into the file (run here with the same sh, awk and flock the
 * storage server has).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TgtConfigError } from '../../../lib/backends/iscsi/errors.js';
import { lunSerialOf, managedFileOf } from '../../../lib/backends/iscsi/layout.js';
import { CONF_WRITE_SCRIPT } from '../../../lib/backends/iscsi/remoteScripts.js';
import type { TargetSpec } from '../../../lib/backends/iscsi/spec.js';
import { CONF_HEADER, parseConf, renderTargetBlock } from '../../../lib/backends/iscsi/tgtConf.js';

const IQN = 'iqn.2024-01.dev.virtplane.test:conf';
const SPEC: TargetSpec = {
  iqn: IQN,
  luns: [
    { lun: 2, backing: { kind: 'path', path: '/dev/vg0/data' } },
    { lun: 1, backing: { kind: 'file', sizeMib: 64 } },
  ],
  initiators: [{ kind: 'name', name: 'iqn.2024-01.dev.virtplane.test:kvm1' }],
  chap: { username: 'conf-user', password: 'conf.password-1' },
};
const RESOLVED = [
  { lun: 2, path: '/dev/vg0/data' },
  { lun: 1, path: managedFileOf(IQN, 1) },
];

/** What READ_SCRIPT's awk does to incominguser lines. */
const redact = (text: string): string => text.replace(/^(\s*incominguser \S+) .*$/gm, '$1');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vp-tgtconf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('renderTargetBlock', () => {
  it('writes LUNs in order with their marker, the placeholder address for name-only rules, and CHAP', () => {
    const serial1 = lunSerialOf(IQN, 1);
    const serial2 = lunSerialOf(IQN, 2);
    expect(renderTargetBlock(SPEC, RESOLVED)).toBe(
      [
        `<target ${IQN}>`,
        `\t<backing-store ${managedFileOf(IQN, 1)}>`,
        '\t\tlun 1',
        `\t\tscsi_id ${serial1}`,
        `\t\tscsi_sn ${serial1}`,
        '\t</backing-store>',
        '\t<backing-store /dev/vg0/data>',
        '\t\tlun 2',
        `\t\tscsi_id ${serial2}`,
        `\t\tscsi_sn ${serial2}`,
        '\t</backing-store>',
        '\tinitiator-address 0.0.0.0/32',
        '\tinitiator-name iqn.2024-01.dev.virtplane.test:kvm1',
        '\tincominguser conf-user conf.password-1',
        '</target>',
        '',
      ].join('\n'),
    );
  });

  it('writes ALL when no rule is given, and only the addresses when some are', () => {
    expect(renderTargetBlock({ iqn: IQN, luns: [], initiators: [] }, [])).toContain('\tinitiator-address ALL\n');
    const mixed = renderTargetBlock(
      {
        iqn: IQN,
        luns: [],
        initiators: [
          { kind: 'address', address: '10.77.0.12' },
          { kind: 'name', name: 'iqn.2024-01.dev.virtplane.test:kvm1' },
        ],
      },
      [],
    );
    expect(mixed).toContain('\tinitiator-address 10.77.0.12\n');
    expect(mixed).not.toContain('0.0.0.0/32');
    expect(mixed).not.toContain('ALL');
  });

  it('refuses an invalid spec instead of writing it', () => {
    expect(() => renderTargetBlock({ ...SPEC, iqn: 'iqn.2024-01.dev.x:a>\n<target evil' }, RESOLVED)).toThrow();
    expect(() => renderTargetBlock({ ...SPEC, chap: { username: 'u', password: 'with space inside' } }, RESOLVED)).toThrow();
    expect(() => renderTargetBlock(SPEC, [{ lun: 1, path: '/x>\n</target>' }])).toThrow(TgtConfigError);
  });
});

describe('parseConf', () => {
  it('reads back what was rendered (passwords redacted)', () => {
    const text = `${CONF_HEADER.join('\n')}\n${redact(renderTargetBlock(SPEC, RESOLVED))}${redact(
      renderTargetBlock({ iqn: 'iqn.2024-01.dev.virtplane.test:other', luns: [], initiators: [] }, []),
    )}`;
    expect(parseConf(text)).toEqual([
      {
        iqn: IQN,
        luns: [
          { lun: 1, path: managedFileOf(IQN, 1), serial: lunSerialOf(IQN, 1) },
          { lun: 2, path: '/dev/vg0/data', serial: lunSerialOf(IQN, 2) },
        ],
        acl: { addresses: ['0.0.0.0/32'], names: ['iqn.2024-01.dev.virtplane.test:kvm1'] },
        chapUsername: 'conf-user',
      },
      { iqn: 'iqn.2024-01.dev.virtplane.test:other', luns: [], acl: { addresses: ['ALL'], names: [] }, chapUsername: undefined },
    ]);
    expect(parseConf('')).toEqual([]);
  });

  it("reads back the creator's workspace token from its comment line, and only a well-formed one inside a block", () => {
    const token = '0123456789abcdef0123456789abcdef';
    const block = renderTargetBlock({ iqn: IQN, luns: [], initiators: [], workspace: token }, []);
    expect(block.split('\n').slice(0, 2)).toEqual([`<target ${IQN}>`, `\t# virtplane-workspace ${token}`]);
    expect(parseConf(`${CONF_HEADER.join('\n')}\n${block}`)[0]?.workspace).toBe(token);
    expect(parseConf(`# virtplane-workspace ${token}\n<target ${IQN}>\n</target>\n`)[0]?.workspace).toBeUndefined();
    expect(parseConf(`<target ${IQN}>\n\t# virtplane-workspace $(reboot)\n</target>\n`)[0]?.workspace).toBeUndefined();
    expect(() => renderTargetBlock({ iqn: IQN, luns: [], initiators: [], workspace: 'a b' }, [])).toThrow(/workspace/);
  });

  it.each([
    ['<target iqn.2024-01.dev.x:a>\n\tdirect-store /dev/sda\n</target>\n', 'unknown target setting'],
    ['<target iqn.2024-01.dev.x:a>\n', 'ends inside a block'],
    ['<target iqn.2024-01.dev.x:a>\n</target>\n<target iqn.2024-01.dev.x:a>\n</target>\n', 'listed twice'],
    ['<target iqn.2024-01.dev.x:a>\n\t<backing-store /x>\n\t\tlun 1\n\t\tscsi_sn beaf11\n\t</backing-store>\n</target>\n', 'not a virtplane serial'],
    ['<target iqn.2024-01.dev.x:a>\n\t<backing-store /x>\n\t\tlun 1\n\t</backing-store>\n</target>\n', 'without "lun" and "scsi_sn"'],
    ['<target IQN.BAD>\n</target>\n', 'not an IQN'],
    ['default-driver iscsi\n', 'expected "<target iqn>"'],
    ['<target iqn.2024-01.dev.x:a>\n\tinitiator-address 10.0.0.1; rm -rf /\n</target>\n', 'one address per line'],
  ])('refuses a hand-edited file: %j', (text, why) => {
    expect(() => parseConf(text)).toThrow(TgtConfigError);
    expect(() => parseConf(text)).toThrow(why);
  });
});

describe('tgt-admin reading virtplane.conf (real tgt-admin, --pretend)', () => {
  async function pretend(spec: TargetSpec, luns: readonly { lun: number; path: string }[]): Promise<string[]> {
    const file = join(dir, `pretend-${Math.random().toString(16).slice(2)}.conf`);
    await writeFile(file, `${CONF_HEADER.join('\n')}\n${renderTargetBlock(spec, luns)}`, { mode: 0o600 });
    // Pointed at a socket that does not exist: tgt-admin's own queries of tgtd fail harmlessly.
    const result = spawnSync('tgt-admin', ['--pretend', '-e', '-c', file], {
      encoding: 'utf8',
      env: { ...process.env, TGT_IPC_SOCKET: join(dir, 'no-tgtd') },
    });
    expect(result.status, result.stderr).toBe(0);
    return result.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('tgtadm '));
  }

  it('recreates the target, its LUNs with virtplane serials, CHAP, and name-only rules without opening it to ALL', async () => {
    const disk1 = join(dir, 'disk1.img');
    const disk2 = join(dir, 'disk2.img');
    await writeFile(disk1, Buffer.alloc(4096));
    await writeFile(disk2, Buffer.alloc(4096));
    const spec: TargetSpec = {
      ...SPEC,
      // tgt-admin reads the workspace line as the comment it is.
      workspace: '0123456789abcdef0123456789abcdef',
      luns: [
        { lun: 3, backing: { kind: 'path', path: disk1 } },
        { lun: 7, backing: { kind: 'path', path: disk2 } },
      ],
    };
    const commands = await pretend(spec, [
      { lun: 3, path: disk1 },
      { lun: 7, path: disk2 },
    ]);
    const serial3 = lunSerialOf(IQN, 3);
    const serial7 = lunSerialOf(IQN, 7);
    expect(commands[0]).toBe(`tgtadm -C 0 --lld iscsi --op new --mode target --tid 1 -T ${IQN}`);
    expect(commands).toEqual(
      expect.arrayContaining([
        `tgtadm -C 0 --lld iscsi --op new --mode logicalunit --tid 1 --lun 3 -b "${disk1}"`,
        `tgtadm -C 0 --lld iscsi --op update --mode logicalunit --tid 1 --lun=3 --params scsi_sn="${serial3}"`,
        `tgtadm -C 0 --lld iscsi --op update --mode logicalunit --tid 1 --lun=3 --params scsi_id="${serial3}"`,
        `tgtadm -C 0 --lld iscsi --op new --mode logicalunit --tid 1 --lun 7 -b "${disk2}"`,
        `tgtadm -C 0 --lld iscsi --op update --mode logicalunit --tid 1 --lun=7 --params scsi_sn="${serial7}"`,
        `tgtadm -C 0 --lld iscsi --op bind --mode target --tid 1 -I 0.0.0.0/32`,
        `tgtadm -C 0 --lld iscsi --op bind --mode target --tid 1 -Q iqn.2024-01.dev.virtplane.test:kvm1`,
        `tgtadm -C 0 --lld iscsi --mode account --op bind --tid=1 --user=conf-user`,
      ]),
    );
    expect(commands.filter((command) => command.includes(' -I '))).toEqual([`tgtadm -C 0 --lld iscsi --op bind --mode target --tid 1 -I 0.0.0.0/32`]);
    // The exposure virtplane documents: tgt-admin restores the account with the password in tgtadm's argv.
    expect(commands).toContain('tgtadm -C 0 --lld iscsi --mode account --op new --user=conf-user --password=conf.password-1');
  });

  it('opens a target without rules to ALL, once', async () => {
    const commands = await pretend({ iqn: IQN, luns: [], initiators: [] }, []);
    expect(commands.filter((command) => command.includes(' -I '))).toEqual([`tgtadm -C 0 --lld iscsi --op bind --mode target --tid 1 -I ALL`]);
  });
});

describe('CONF_WRITE_SCRIPT (sh, awk, flock, mktemp as on the server)', () => {
  function write(conf: string, iqn: string, action: 'put' | 'remove', block?: string): void {
    const result = spawnSync('sh', ['-c', CONF_WRITE_SCRIPT, 'virtplane-conf', conf, dir, iqn, action, ...CONF_HEADER], {
      input: block ?? '',
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
  }
  const block = (iqn: string, user: string): string =>
    renderTargetBlock({ iqn, luns: [], initiators: [], chap: { username: user, password: 'password-of-12' } }, []);

  it('puts, replaces and removes one block, leaving the others byte for byte, atomically and 0600', async () => {
    const folder = await mkdtemp(join(dir, 'confd-'));
    const conf = join(folder, 'virtplane.conf');
    const a = 'iqn.2024-01.dev.virtplane.test:a';
    const b = 'iqn.2024-01.dev.virtplane.test:b';

    write(conf, a, 'put', block(a, 'user-a'));
    write(conf, b, 'put', block(b, 'user-b'));
    expect(await readFile(conf, 'utf8')).toBe(`${CONF_HEADER.join('\n')}\n${block(a, 'user-a')}${block(b, 'user-b')}`);
    expect((await stat(conf)).mode & 0o777).toBe(0o600);

    write(conf, a, 'put', block(a, 'user-a2'));
    const replaced = await readFile(conf, 'utf8');
    expect(replaced).toBe(`${CONF_HEADER.join('\n')}\n${block(b, 'user-b')}${block(a, 'user-a2')}`);
    expect(parseConf(redact(replaced)).map((target) => [target.iqn, target.chapUsername])).toEqual([
      [b, 'user-b'],
      [a, 'user-a2'],
    ]);

    write(conf, a, 'remove');
    expect(await readFile(conf, 'utf8')).toBe(`${CONF_HEADER.join('\n')}\n${block(b, 'user-b')}`);
    // A file without targets is removed; no temporary file is left behind.
    write(conf, b, 'remove');
    expect(existsSync(conf)).toBe(false);
    expect(await readdir(folder)).toEqual([]);
    await rm(join(dir, 'virtplane-tgt-conf.lock'), { force: true });
  });

  it('removing a target that is not there changes nothing', async () => {
    const folder = await mkdtemp(join(dir, 'confd-'));
    const conf = join(folder, 'virtplane.conf');
    const a = 'iqn.2024-01.dev.virtplane.test:a';
    write(conf, a, 'put', block(a, 'user-a'));
    const before = await readFile(conf, 'utf8');
    write(conf, 'iqn.2024-01.dev.virtplane.test:absent', 'remove');
    expect(await readFile(conf, 'utf8')).toBe(before);
  });
});

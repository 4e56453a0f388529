import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { quoteArg, quoteArgv } from '../../../lib/backends/ssh/index.js';
import { HOSTILE_ARGUMENTS } from './hostileArguments.js';

describe('quoteArgv', () => {
  it('round-trips every hostile argument through a real POSIX shell byte for byte', () => {
    const line = quoteArgv(['printf', '%s\\0', ...HOSTILE_ARGUMENTS]);
    const result = spawnSync('sh', ['-c', line], { cwd: '/', encoding: 'buffer' });
    expect(result.status).toBe(0);
    const expected = Buffer.concat(HOSTILE_ARGUMENTS.map((arg) => Buffer.from(`${arg}\0`, 'utf8')));
    expect(result.stdout.equals(expected)).toBe(true);
  });

  it('round-trips through bash too (the usual login shell sshd uses)', () => {
    const line = quoteArgv(['printf', '%s\\0', ...HOSTILE_ARGUMENTS]);
    const result = spawnSync('bash', ['-c', line], { cwd: '/', encoding: 'buffer' });
    expect(result.stdout.toString('utf8').split('\0').slice(0, -1)).toEqual(HOSTILE_ARGUMENTS);
  });

  it('keeps simple words bare and single-quotes the rest', () => {
    expect(quoteArgv(['virsh', '--connect', 'qemu:///system', 'dominfo', 'vm-1.example'])).toBe('virsh --connect qemu:///system dominfo vm-1.example');
    expect(quoteArg('')).toBe("''");
    expect(quoteArg("it's")).toBe(`'it'\\''s'`);
    expect(quoteArg('a b')).toBe("'a b'");
  });

  it('quotes words a shell would read as an assignment or a keyword', () => {
    expect(quoteArg('A=b')).toBe("'A=b'");
    expect(quoteArg('if')).toBe("'if'");
    // Bare, `time` would be bash's keyword and print timings instead of running /usr/bin/time.
    const result = spawnSync('bash', ['-c', quoteArgv(['A=b', 'x'])], { encoding: 'utf8' });
    expect(result.stderr).toContain('A=b');
  });

  it('refuses what no shell can pass: an empty argv and NUL bytes', () => {
    expect(() => quoteArgv([])).toThrow(TypeError);
    expect(() => quoteArgv(['echo', 'a\0b'])).toThrow(/NUL/);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../../lib/backends/ssh/index.js';
import { hostKeyAlgorithmsPreferring, parsePublicKeyText, parseSha256Fingerprint } from '../../../lib/backends/ssh/hostKeys.js';

interface GeneratedKey {
  readonly type: string;
  readonly publicLine: string;
  readonly sshKeygenFingerprint: string;
}

let dir: string;
const keys: GeneratedKey[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'virtplane-hostkeys-'));
  for (const [type, bits] of [
    ['ed25519', []],
    ['ecdsa', ['-b', '384']],
    ['rsa', ['-b', '2048']],
  ] as const) {
    const file = join(dir, type);
    expect(spawnSync('ssh-keygen', ['-q', '-t', type, ...bits, '-N', '', '-C', `comment ${type}`, '-f', file]).status).toBe(0);
    const listed = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`], { encoding: 'utf8' });
    keys.push({
      type,
      publicLine: (await readFile(`${file}.pub`, 'utf8')).trim(),
      sshKeygenFingerprint: listed.stdout.split(' ')[1] ?? 'missing',
    });
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fingerprintOf', () => {
  it('matches ssh-keygen -lf for ed25519, ecdsa and rsa keys, from a line, a Buffer line or the wire blob', () => {
    expect(keys).toHaveLength(3);
    for (const key of keys) {
      expect(key.sshKeygenFingerprint).toMatch(/^SHA256:/);
      expect(fingerprintOf(key.publicLine)).toBe(key.sshKeygenFingerprint);
      expect(fingerprintOf(Buffer.from(key.publicLine))).toBe(key.sshKeygenFingerprint);
      const blob = Buffer.from(key.publicLine.split(' ')[1] ?? '', 'base64');
      expect(fingerprintOf(blob)).toBe(key.sshKeygenFingerprint);
    }
  });

  it('rejects text that is not a public key, or whose base64 does not hold the named key type', () => {
    expect(() => fingerprintOf('not a key')).toThrow(TypeError);
    const [type, encoded] = (keys[0]?.publicLine ?? '').split(' ');
    expect(() => fingerprintOf(`ssh-rsa ${encoded}`)).toThrow(TypeError);
    expect(() => fingerprintOf(`${type} ${encoded}!!`)).toThrow(TypeError);
  });
});

describe('host key helpers', () => {
  it('parses a key line into its type and blob', () => {
    const ed25519 = keys.find((key) => key.type === 'ed25519')?.publicLine ?? '';
    expect(parsePublicKeyText(ed25519)?.type).toBe('ssh-ed25519');
    expect(parsePublicKeyText(ed25519)?.blob.length).toBe(51);
  });

  it('normalises SHA256 fingerprints with or without padding, and rejects others', () => {
    const fingerprint = keys[0]?.sshKeygenFingerprint ?? '';
    expect(parseSha256Fingerprint(fingerprint)).toBe(fingerprint);
    expect(parseSha256Fingerprint(`${fingerprint}=`)).toBe(fingerprint);
    expect(parseSha256Fingerprint('MD5:aa:bb')).toBeUndefined();
    expect(parseSha256Fingerprint('SHA256:short')).toBeUndefined();
  });

  it('asks for the trusted key types first, and rsa as its SHA-2 signature algorithms', () => {
    expect(hostKeyAlgorithmsPreferring(['ssh-rsa']).slice(0, 3)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    const list = hostKeyAlgorithmsPreferring(['ecdsa-sha2-nistp384', 'ssh-ed25519']);
    expect(list.slice(0, 2)).toEqual(['ecdsa-sha2-nistp384', 'ssh-ed25519']);
    expect(new Set(list).size).toBe(list.length);
    expect(hostKeyAlgorithmsPreferring([])[0]).toBe('ssh-ed25519');
  });
});

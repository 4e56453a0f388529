import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globMatches, hostMatches, knownHostsName, lookupKnownHosts, parseKnownHosts, readKnownHostsFile } from '../../../lib/backends/ssh/knownHosts.js';
import { generateKeyPair, type SshKeyPair } from '../../support/sshd.js';

let dir: string;
let key: SshKeyPair[];
let plainFile: string;
let hashedFile: string;

/** Names probed against OpenSSH's own matcher (ssh-keygen -F). */
const PROBES = [
  '[127.0.0.1]:2222',
  '[127.0.0.1]:2223',
  '127.0.0.1',
  'good.lab',
  'bad.lab',
  'kvm1.example',
  'kvm12.example',
  'KVM1.Example',
  'hashme.example',
  'other.example',
];

function keyField(pair: SshKeyPair | undefined): string {
  if (pair === undefined) throw new Error('missing key');
  return pair.publicKey;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'virtplane-knownhosts-'));
  key = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => generateKeyPair(`k${n}`)));
  const text = [
    '# a comment, then a blank line',
    '',
    `[127.0.0.1]:2222 ${keyField(key[0])}`,
    `127.0.0.1 ${keyField(key[1])} a comment with spaces`,
    `*.lab,!bad.lab ${keyField(key[2])}`,
    `@revoked * ${keyField(key[3])}`,
    `@cert-authority *.lab ${keyField(key[4])}`,
    `kvm?.example,KVM9.EXAMPLE ${keyField(key[5])}`,
    `hashme.example ${keyField(key[6])}`,
  ].join('\n');
  const malformed = ['@unknown-marker host ssh-ed25519 AAAA', 'broken-line-without-key', 'host ssh-ed25519 not-base64!'];
  plainFile = join(dir, 'known_hosts');
  hashedFile = join(dir, 'known_hosts.hashed');
  await writeFile(plainFile, `${text}\n${malformed.join('\n')}\n`);
  // OpenSSH hashes every plain name in place (patterns stay as they are); it refuses malformed lines.
  await writeFile(hashedFile, `${text}\n`);
  expect(spawnSync('ssh-keygen', ['-H', '-f', hashedFile], { encoding: 'utf8' }).status).toBe(0);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Keys (base64) of the lines OpenSSH itself considers matching the name, marker included. */
function opensshMatches(file: string, name: string): string[] {
  const result = spawnSync('ssh-keygen', ['-F', name, '-f', file], { encoding: 'utf8' });
  return result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const fields = line.trim().split(/\s+/);
      const marker = fields[0]?.startsWith('@') ? `${fields[0]} ` : '';
      const offset = marker === '' ? 0 : 1;
      return `${marker}${fields[offset + 2] ?? ''}`;
    })
    .sort();
}

async function ourMatches(file: string, name: string): Promise<string[]> {
  const entries = (await readKnownHostsFile(file)) ?? [];
  return entries
    .filter((entry) => hostMatches(entry.hosts, name.toLowerCase()))
    .map((entry) => `${entry.marker === undefined ? '' : `@${entry.marker} `}${entry.key.blob.toString('base64')}`)
    .sort();
}

describe('known_hosts matching agrees with OpenSSH (ssh-keygen -F)', () => {
  it('on plain names, [host]:port names, patterns, negations and markers', async () => {
    for (const name of PROBES) {
      const expected = opensshMatches(plainFile, name);
      expect({ name, keys: await ourMatches(plainFile, name) }).toEqual({ name, keys: expected });
    }
    // The probes exercise something: OpenSSH finds several lines for some names and only the
    // catch-all @revoked line for others.
    expect(opensshMatches(plainFile, 'good.lab').length).toBe(3);
    expect(opensshMatches(plainFile, 'other.example')).toHaveLength(1);
  });

  it('on a file hashed by ssh-keygen -H', async () => {
    const hashed = await readFile(hashedFile, 'utf8');
    expect(hashed).toMatch(/^\|1\|[^|]+\|[^ ]+ ssh-ed25519 /m);
    expect(hashed).not.toContain('hashme.example');
    for (const name of PROBES) {
      expect({ name, keys: await ourMatches(hashedFile, name) }).toEqual({ name, keys: opensshMatches(hashedFile, name) });
    }
    expect(await ourMatches(hashedFile, 'hashme.example')).toContain(key[6]?.publicKey.split(' ')[1]);
  });
});

describe('known_hosts lookup', () => {
  it('files a host under [host]:port unless the port is 22', () => {
    expect(knownHostsName('Kvm1.Lab', 22)).toBe('kvm1.lab');
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('separates trusted from revoked keys and never trusts a @cert-authority key', async () => {
    const entries = (await readKnownHostsFile(plainFile)) ?? [];
    const lookup = lookupKnownHosts(entries, 'good.lab');
    expect(lookup.trusted.map((k) => k.blob.toString('base64'))).toEqual([key[2]?.publicKey.split(' ')[1]]);
    expect(lookup.revoked.map((k) => k.blob.toString('base64'))).toEqual([key[3]?.publicKey.split(' ')[1]]);
    expect(lookupKnownHosts(entries, 'bad.lab').trusted).toEqual([]);
  });

  it('skips comments, unknown markers and malformed lines', () => {
    const entries = parseKnownHosts(`# c\n@weird h ssh-ed25519 AAAA\nh ssh-ed25519\nh ssh-ed25519 ***\n|1|bad|hash ${key[0]?.publicKey}\n`);
    expect(entries).toEqual([]);
  });

  it('reports a missing file as undefined rather than as an empty file', async () => {
    expect(await readKnownHostsFile(join(dir, 'does-not-exist'))).toBeUndefined();
  });

  it('treats only * and ? as wildcards', () => {
    expect(globMatches('kvm*', 'kvm12')).toBe(true);
    expect(globMatches('kvm?', 'kvm12')).toBe(false);
    expect(globMatches('[10.0.0.1]:*', '[10.0.0.1]:2222')).toBe(true);
    expect(globMatches('a.b', 'aXb')).toBe(false);
    expect(globMatches('(x)+', '(x)+')).toBe(true);
  });
});

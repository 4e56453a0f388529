/** Host key verification against real sshd processes: every way of trusting a host, every refusal. */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HostKeyMismatchError,
  HostKeyRefusedError,
  RevokedHostKeyError,
  SshConfigurationError,
  SshPool,
  UnknownHostKeyError,
  type HostKeyPolicy,
} from '../../../lib/backends/ssh/index.js';
import { generateKeyPair, startSshd, type RunningSshd } from '../../support/sshd.js';

let sshd: RunningSshd;
let dir: string;
const pools: SshPool[] = [];

beforeAll(async () => {
  // A host with two keys, as most hosts have: ed25519 first, then ecdsa.
  sshd = await startSshd({ additionalHostKeyTypes: ['ecdsa'] });
  dir = await mkdtemp(join(tmpdir(), 'virtplane-hostkey-test-'));
});

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  await sshd?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Each check on a fresh pool, so each one makes its own connection and its own host key check. */
function freshPool(): SshPool {
  const pool = new SshPool({ readyTimeoutMs: 5_000 });
  pools.push(pool);
  return pool;
}

async function knownHosts(name: string, lines: readonly string[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

async function echoThrough(policy: HostKeyPolicy): Promise<string> {
  const result = await freshPool().exec(sshd.endpoint({ hostKey: policy }), ['echo', 'connected']);
  return result.stdout;
}

async function refusal(policy: HostKeyPolicy): Promise<unknown> {
  const logins = sshd.acceptedLogins();
  const error = await freshPool()
    .exec(sshd.endpoint({ hostKey: policy }), ['echo', 'connected'])
    .catch((e: unknown) => e);
  // Refused before authenticating: the host never saw our login.
  expect(sshd.acceptedLogins()).toBe(logins);
  return error;
}

describe('trusted host keys', () => {
  it('accepts the host through a known_hosts [host]:port entry', async () => {
    expect(await echoThrough({ knownHostsFile: sshd.knownHostsFile })).toBe('connected\n');
  });

  it('accepts the host through an entry hashed by ssh-keygen -H', async () => {
    const file = await knownHosts('hashed', [`[127.0.0.1]:${sshd.port} ${sshd.hostKey}`]);
    expect(spawnSync('ssh-keygen', ['-H', '-f', file]).status).toBe(0);
    expect(await echoThrough({ knownHostsFile: file })).toBe('connected\n');
  });

  it('accepts a host whose only known key is its second one (ecdsa): it asks the host for that type', async () => {
    const ecdsa = sshd.additionalHostKeys[0];
    expect(ecdsa?.publicKey).toMatch(/^ecdsa-sha2-nistp256 /);
    const file = await knownHosts('ecdsa-only', [`[127.0.0.1]:${sshd.port} ${ecdsa?.publicKey ?? ''}`]);
    expect(await echoThrough({ knownHostsFile: file })).toBe('connected\n');
    expect(await echoThrough({ pinned: ecdsa?.publicKey ?? '' })).toBe('connected\n');
  });

  it('accepts a pinned key line, with or without a comment, and a pinned SHA256 fingerprint', async () => {
    expect(await echoThrough({ pinned: sshd.hostKey })).toBe('connected\n');
    expect(await echoThrough({ pinned: `${sshd.hostKey} root@kvm1` })).toBe('connected\n');
    expect(await echoThrough({ pinned: sshd.hostKeyFingerprint })).toBe('connected\n');
  });
});

describe('refused host keys', () => {
  it('refuses a host missing from known_hosts, and says so', async () => {
    const other = await generateKeyPair();
    const file = await knownHosts('other-hosts', [`[127.0.0.1]:${sshd.port + 1} ${sshd.hostKey}`, `kvm9 ${other.publicKey}`]);
    const error = await refusal({ knownHostsFile: file });
    expect(error).toBeInstanceOf(UnknownHostKeyError);
    const unknown = error as UnknownHostKeyError;
    expect(unknown.kind).toBe('host-key-mismatch');
    expect(unknown.cannotTell).toBe(true);
    expect(unknown.offeredFingerprint).toBe(sshd.hostKeyFingerprint);
    expect(unknown.message).toContain('is not in known_hosts file');
    expect(unknown.message).toContain(file);
  });

  it('does not take a plain "host" entry for a host on another port than 22 (as OpenSSH)', async () => {
    const file = await knownHosts('no-port', [`127.0.0.1 ${sshd.hostKey}`]);
    expect(await refusal({ knownHostsFile: file })).toBeInstanceOf(UnknownHostKeyError);
  });

  it('refuses everything when the known_hosts file does not exist', async () => {
    const error = (await refusal({ knownHostsFile: join(dir, 'missing') })) as UnknownHostKeyError;
    expect(error).toBeInstanceOf(UnknownHostKeyError);
    expect(error.message).toContain('does not exist');
  });

  it('refuses a key marked @revoked even when another line trusts it', async () => {
    const file = await knownHosts('revoked', [`[127.0.0.1]:${sshd.port} ${sshd.hostKey}`, `@revoked * ${sshd.hostKey}`]);
    const error = await refusal({ knownHostsFile: file });
    expect(error).toBeInstanceOf(RevokedHostKeyError);
    expect(error).toBeInstanceOf(HostKeyRefusedError);
    expect((error as RevokedHostKeyError).message).toContain('@revoked');
  });

  it('does not trust a host through a @cert-authority line', async () => {
    const file = await knownHosts('ca', [`@cert-authority [127.0.0.1]:${sshd.port} ${sshd.hostKey}`]);
    expect(await refusal({ knownHostsFile: file })).toBeInstanceOf(UnknownHostKeyError);
  });

  it('refuses a host that does not show the pinned key or fingerprint, naming both fingerprints', async () => {
    const other = await generateKeyPair();
    for (const pinned of [other.publicKey, other.fingerprint]) {
      const error = await refusal({ pinned });
      expect(error).toBeInstanceOf(HostKeyMismatchError);
      const mismatch = error as HostKeyMismatchError;
      expect(mismatch.expectedFingerprint).toBe(other.fingerprint);
      expect(mismatch.offeredFingerprint).toBe(sshd.hostKeyFingerprint);
      expect(mismatch.message).toContain(other.fingerprint);
      expect(mismatch.message).toContain(sshd.hostKeyFingerprint);
      expect(mismatch.message).toContain('test-sshd');
    }
  });

  it('reports a pinned value that is neither a key nor a fingerprint as a configuration error', async () => {
    await expect(freshPool().exec(sshd.endpoint({ hostKey: { pinned: 'MD5:12:34' } }), ['true'])).rejects.toBeInstanceOf(SshConfigurationError);
  });

  it('holds a caller with another policy to it, on a connection another caller already opened', async () => {
    const pool = freshPool();
    const trusted = sshd.endpoint();
    const logins = sshd.acceptedLogins();
    await pool.exec(trusted, ['true']);
    const other = await generateKeyPair();
    const error = await pool.exec(sshd.endpoint({ hostKey: { pinned: other.publicKey } }), ['true']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect((await pool.exec(sshd.endpoint({ hostKey: { pinned: sshd.hostKeyFingerprint } }), ['echo', 'ok'])).stdout).toBe('ok\n');
    expect((await pool.exec(trusted, ['echo', 'still'])).stdout).toBe('still\n');
    expect(sshd.acceptedLogins() - logins).toBe(1);
  });
});

describe('a host replaced on the same address and port', () => {
  it('is refused with HostKeyMismatchError naming the expected and the offered fingerprints', async () => {
    const original = await startSshd();
    const pool = freshPool();
    let impostor: RunningSshd | undefined;
    try {
      expect((await pool.exec(original.endpoint({ name: 'kvm1' }), ['echo', 'genuine'])).stdout).toBe('genuine\n');
      // Trust is kept in a file that outlives the original sshd's temp dir.
      const file = await knownHosts('replaced', [`[127.0.0.1]:${original.port} ${original.hostKey}`]);
      await original.stop();
      impostor = await startSshd({ port: original.port, clientKey: original.clientKey });
      expect(impostor.port).toBe(original.port);
      expect(impostor.hostKeyFingerprint).not.toBe(original.hostKeyFingerprint);

      const error = await pool.exec(impostor.endpoint({ name: 'kvm1', hostKey: { knownHostsFile: file } }), ['echo', 'impostor']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HostKeyMismatchError);
      const mismatch = error as HostKeyMismatchError;
      expect(mismatch.host).toBe('kvm1');
      expect(mismatch.cannotTell).toBe(true);
      expect(mismatch.expectedFingerprint).toBe(original.hostKeyFingerprint);
      expect(mismatch.offeredFingerprint).toBe(impostor.hostKeyFingerprint);
      expect(mismatch.message).toContain('kvm1');
      expect(mismatch.message).toContain(`[127.0.0.1]:${original.port}`);
      expect(mismatch.message).toContain(original.hostKeyFingerprint);
      expect(mismatch.message).toContain(impostor.hostKeyFingerprint);
      expect(impostor.acceptedLogins()).toBe(0);
    } finally {
      await original.stop();
      await impostor?.stop();
    }
  });
});

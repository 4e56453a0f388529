/**
 * describeSshFailure against failures produced for real (a real sshd, real sockets, real keys), and
 * sshEndpoint, the one way the provider and `virtplane status` build an endpoint.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommandFailedError,
  describeSshFailure,
  HostKeyMismatchError,
  RevokedHostKeyError,
  SshAuthenticationError,
  SshCancelledError,
  SshConfigurationError,
  sshEndpoint,
  SshPool,
  SshTimeoutError,
  SshUnreachableError,
  UnknownHostKeyError,
  type SshEndpoint,
  type SshFailure,
} from '../../../lib/backends/ssh/index.js';
import { commandName, descendantsOf } from '../../support/processes.js';
import { CLOSED_PORT, generateKeyPair, startSshd, type RunningSshd, type SshKeyPair } from '../../support/sshd.js';

let sshd: RunningSshd;
let stranger: SshKeyPair;
let dir: string;
const pools: SshPool[] = [];

beforeAll(async () => {
  [sshd, stranger] = await Promise.all([startSshd(), generateKeyPair('not-the-host')]);
  dir = await mkdtemp(join(tmpdir(), 'virtplane-failure-test-'));
});

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  await sshd?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A pool of its own per failure, so no connection is shared between cases. */
function freshPool(readyTimeoutMs = 5_000): SshPool {
  const pool = new SshPool({ readyTimeoutMs });
  pools.push(pool);
  return pool;
}

async function failureOf(run: Promise<unknown>): Promise<unknown> {
  return run.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

function described(error: unknown): SshFailure {
  const failure = describeSshFailure(error);
  if (failure === undefined) throw new Error(`not described: ${String(error)}`);
  return failure;
}

describe('describeSshFailure on real connection failures', () => {
  it('a closed port: unreachable, connection refused, fix the address', async () => {
    const port = CLOSED_PORT;
    const error = await failureOf(freshPool().exec(sshd.endpoint({ name: 'kvm3', port, hostKey: { pinned: sshd.hostKey } }), ['true']));
    expect(error).toBeInstanceOf(SshUnreachableError);
    const failure = described(error);
    expect(failure).toEqual({
      kind: 'unreachable',
      cause: 'unreachable: connection refused (no sshd listening?)',
      remedy: `Check that 127.0.0.1:${port} is the address and SSH port of kvm3, and that the host is up with sshd running.`,
      setting: 'address',
    });
  });

  it('a pinned key the host does not have: host key mismatch naming both fingerprints, fix the host key', async () => {
    const error = await failureOf(freshPool().exec(sshd.endpoint({ name: 'kvm1', hostKey: { pinned: stranger.publicKey } }), ['true']));
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    const failure = described(error);
    expect(failure.kind).toBe('host-key');
    expect(failure.setting).toBe('hostKey');
    expect(failure.cause).toBe(`host key mismatch: offered ${sshd.hostKeyFingerprint}, expected ${stranger.fingerprint}`);
    // The port is not 22: the command to see the key names it.
    expect(failure.remedy).toBe(
      `If kvm1 was reinstalled on purpose, trust its new key (ssh-keyscan -t ed25519 -p ${sshd.port} 127.0.0.1); otherwise something else answers at this address: do not connect.`,
    );
  });

  it('a host missing from known_hosts: host key unknown, naming the file, fix the host key', async () => {
    const empty = join(dir, 'empty_known_hosts');
    await writeFile(empty, '');
    const error = await failureOf(freshPool().exec(sshd.endpoint({ hostKey: { knownHostsFile: empty } }), ['true']));
    expect(error).toBeInstanceOf(UnknownHostKeyError);
    const failure = described(error);
    expect(failure).toMatchObject({ kind: 'host-key', setting: 'hostKey', cause: `host key unknown: not pinned, and not in ${empty}` });
    expect(failure.remedy).toContain(sshd.hostKeyFingerprint);

    const missing = join(dir, 'no_such_known_hosts');
    const again = described(await failureOf(freshPool().exec(sshd.endpoint({ hostKey: { knownHostsFile: missing } }), ['true'])));
    expect(again.cause).toBe(`host key unknown: not pinned, and not in ${missing} (which does not exist)`);
  });

  it('a key marked @revoked: host key revoked, naming the file', async () => {
    const file = join(dir, 'revoked_known_hosts');
    await writeFile(file, `@revoked [127.0.0.1]:${sshd.port} ${sshd.hostKey}\n[127.0.0.1]:${sshd.port} ${sshd.hostKey}\n`);
    const error = await failureOf(freshPool().exec(sshd.endpoint({ hostKey: { knownHostsFile: file } }), ['true']));
    expect(error).toBeInstanceOf(RevokedHostKeyError);
    expect(described(error)).toMatchObject({
      kind: 'host-key',
      setting: 'hostKey',
      cause: `host key revoked: ${sshd.hostKeyFingerprint} is marked @revoked in ${file}`,
    });
  });

  it('a key the host does not authorize: login refused for the user, fix the credentials', async () => {
    const error = await failureOf(freshPool().exec(sshd.endpoint({ name: 'kvm2', username: 'root', privateKey: stranger.privateKey }), ['true']));
    expect(error).toBeInstanceOf(SshAuthenticationError);
    expect(described(error)).toEqual({
      kind: 'login',
      cause: 'SSH login refused for user root',
      remedy: "Put the public half of the private key in root's authorized_keys on kvm2, or log in as another user or with another key.",
      setting: 'credentials',
    });
  });

  it('a peer that never speaks SSH: unreachable, no SSH session within the ready timeout, fix the address', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const error = await failureOf(freshPool(1_400).exec(sshd.endpoint({ name: 'kvm5', port, hostKey: { pinned: sshd.hostKey } }), ['true']));
      expect(error).toBeInstanceOf(SshTimeoutError);
      expect(described(error)).toMatchObject({ kind: 'unreachable', cause: 'unreachable: no SSH session within 1 s', setting: 'address' });
      const quick = await failureOf(freshPool(600).exec(sshd.endpoint({ port, hostKey: { pinned: sshd.hostKey } }), ['true']));
      expect(described(quick).cause).toBe('unreachable: no SSH session within 600 ms');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('an unparsable private key: cannot connect, fix the credentials', async () => {
    const error = await failureOf(freshPool().exec(sshd.endpoint({ name: 'kvm6', privateKey: 'not a key' }), ['true']));
    expect(error).toBeInstanceOf(SshConfigurationError);
    const failure = described(error);
    expect(failure.kind).toBe('configuration');
    expect(failure.setting).toBe('credentials');
    expect(failure.cause).toMatch(/^cannot connect: cannot use the SSH private key for kvm6: /);
  });

  it('an unparsable pinned key or an unreadable known_hosts: cannot connect, fix the host key', async () => {
    const pinned = described(await failureOf(freshPool().exec(sshd.endpoint({ name: 'kvm7', hostKey: { pinned: 'ssh-ed25519 garbage' } }), ['true'])));
    expect(pinned).toMatchObject({ kind: 'configuration', setting: 'hostKey' });
    expect(pinned.cause).toMatch(/^cannot connect: the pinned host key of kvm7 is neither a public key/);

    // A directory where the file should be: reading it fails (EISDIR).
    const unreadable = described(await failureOf(freshPool().exec(sshd.endpoint({ hostKey: { knownHostsFile: dir } }), ['true'])));
    expect(unreadable).toMatchObject({ kind: 'configuration', setting: 'hostKey' });
    expect(unreadable.cause).toContain(`cannot read known_hosts file ${dir}`);
  });
});

describe('describeSshFailure on real command failures', () => {
  it('a command that exits non-zero: its exit code and first stderr line, nothing to change', async () => {
    const error = await failureOf(freshPool().exec(sshd.endpoint({ name: 'kvm1' }), ['sh', '-c', 'echo "no such thing" >&2; echo more >&2; exit 3']));
    expect(error).toBeInstanceOf(CommandFailedError);
    expect(described(error)).toEqual({
      kind: 'command-failed',
      cause: '`sh` exited with code 3: no such thing',
      remedy: 'The command ran on kvm1 and failed there: its error says why.',
      setting: undefined,
    });
  });

  it('a command that outlives its timeout: no answer within it, not an address problem', async () => {
    const error = await failureOf(freshPool().exec(sshd.endpoint(), ['sleep', '10'], { timeoutMs: 1_000 }));
    expect(error).toBeInstanceOf(SshTimeoutError);
    expect(described(error)).toMatchObject({ kind: 'timeout', cause: 'no answer within 1 s', setting: undefined });
  });

  it('a cancelled command: cancelled, without the host name repeated', async () => {
    const controller = new AbortController();
    const running = freshPool().exec(sshd.endpoint({ name: 'kvm1' }), ['sleep', '10'], { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    const error = await failureOf(running);
    expect(error).toBeInstanceOf(SshCancelledError);
    const failure = described(error);
    expect(failure).toMatchObject({ kind: 'cancelled', setting: undefined });
    expect(failure.cause).toMatch(/^cancelled: `sleep` was cancelled/);
  });

  it('a connection that drops while a command runs: says so, and the address is not the problem', async () => {
    const host = await startSshd();
    try {
      const pool = freshPool();
      const endpoint = host.endpoint({ name: 'kvm-drop' });
      await pool.exec(endpoint, ['true']);
      const inFlight = failureOf(pool.exec(endpoint, ['sleep', '30']));
      // Dropped once `sleep` runs on the host: before that, the pool would rightly run it on a new connection.
      const connections = await host.connectionPids();
      const deadline = Date.now() + 30_000;
      while (!connections.some((pid) => descendantsOf(pid).some((child) => commandName(child) === 'sleep'))) {
        if (Date.now() > deadline) throw new Error('`sleep` did not start on the host within 30 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      for (const pid of connections) process.kill(pid, 'SIGKILL');
      const error = await inFlight;
      expect(error).toBeInstanceOf(SshUnreachableError);
      const failure = described(error);
      expect(failure.kind).toBe('unreachable');
      expect(failure.setting).toBeUndefined();
      expect(failure.cause).toBe('the connection was lost while `sleep` ran (it may or may not have completed)');
    } finally {
      await host.stop();
    }
  });
});

describe('describeSshFailure on what it does not know', () => {
  it('gives undefined', () => {
    for (const error of [new Error('boom'), new TypeError('x'), 'a string', undefined, null, { kind: 'unreachable' }]) {
      expect(describeSshFailure(error)).toBeUndefined();
    }
  });
});

describe('sshEndpoint', () => {
  const login = { username: 'admin', privateKey: 'KEY', knownHostsFile: '/etc/known_hosts' };
  const host = { name: 'kvm1', address: '10.0.0.5', port: 2222, hostKey: 'SHA256:abc' };

  it('uses the pinned key when the host has one, else the known_hosts file', () => {
    expect(sshEndpoint(host, login)).toEqual<SshEndpoint>({
      name: 'kvm1',
      host: '10.0.0.5',
      port: 2222,
      username: 'admin',
      privateKey: 'KEY',
      hostKey: { pinned: 'SHA256:abc' },
    });
    expect(sshEndpoint({ ...host, hostKey: null }, login).hostKey).toEqual({ knownHostsFile: '/etc/known_hosts' });
    expect(sshEndpoint({ ...host, hostKey: '' }, login).hostKey).toEqual({ knownHostsFile: '/etc/known_hosts' });
  });

  it('refuses without a private key, or without any way to verify the host, saying which setting', () => {
    const noKey = captured(() => sshEndpoint(host, { ...login, privateKey: undefined }));
    expect(noKey).toBeInstanceOf(SshConfigurationError);
    expect((noKey as SshConfigurationError).problem).toBe('no-private-key');
    expect(describeSshFailure(noKey)).toMatchObject({ kind: 'configuration', setting: 'credentials' });

    const unverifiable = captured(() => sshEndpoint({ ...host, hostKey: null }, { ...login, knownHostsFile: undefined }));
    expect((unverifiable as SshConfigurationError).problem).toBe('no-host-key');
    expect(describeSshFailure(unverifiable)).toMatchObject({ kind: 'configuration', setting: 'hostKey' });
    expect(describeSshFailure(unverifiable)?.remedy).toContain('pin');
  });

  it('builds an endpoint that really connects', async () => {
    const endpoint = sshEndpoint(
      { name: 'local', address: sshd.host, port: sshd.port, hostKey: null },
      { username: 'root', privateKey: sshd.clientPrivateKey, knownHostsFile: sshd.knownHostsFile },
    );
    expect((await freshPool().exec(endpoint, ['echo', 'ok'])).stdout).toBe('ok\n');
  });
});

function captured(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** How failures to connect are classified, against a real sshd and real sockets. */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyConnectError } from '../../../lib/backends/ssh/classify.js';
import { SshAuthenticationError, SshConfigurationError, SshPool, SshTimeoutError, SshUnreachableError } from '../../../lib/backends/ssh/index.js';
import { CLOSED_PORT, generateKeyPair, startSshd, type RunningSshd } from '../../support/sshd.js';

let sshd: RunningSshd;
let pool: SshPool;

beforeAll(async () => {
  sshd = await startSshd();
  // Real logins (the key checks below) go through sshd's re-exec and key exchange: seconds under load.
  pool = new SshPool({ readyTimeoutMs: 10_000 });
});

afterAll(async () => {
  await pool?.close();
  await sshd?.stop();
});

describe('connect failures', () => {
  it('classifies a key the host does not accept as an authentication error', async () => {
    const stranger = await generateKeyPair('not-authorized');
    const error = await pool.exec(sshd.endpoint({ name: 'kvm2', privateKey: stranger.privateKey }), ['true']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshAuthenticationError);
    const auth = error as SshAuthenticationError;
    expect(auth.kind).toBe('authentication');
    expect(auth.cannotTell).toBe(true);
    expect(auth.host).toBe('kvm2');
    expect(auth.username).toBe('root');
    expect(auth.message).toContain('root');
    expect(sshd.acceptedLogins()).toBe(0);
    // The authorized key still works on the same host: the failure was not cached.
    expect((await pool.exec(sshd.endpoint(), ['echo', 'ok'])).stdout).toBe('ok\n');
  });

  it('classifies a closed port as unreachable, cannotTell', async () => {
    const port = CLOSED_PORT;
    const error = await pool.exec(sshd.endpoint({ name: 'kvm3', port, hostKey: { pinned: sshd.hostKey } }), ['true']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshUnreachableError);
    const unreachable = error as SshUnreachableError;
    expect(unreachable.kind).toBe('unreachable');
    expect(unreachable.cannotTell).toBe(true);
    expect(unreachable.address).toBe(`127.0.0.1:${port}`);
    expect(unreachable.message).toContain('connection refused');
  });

  it('times out a connection that never becomes an SSH session (readyTimeoutMs)', async () => {
    // A TCP peer that accepts and then says nothing, like a host hung mid-boot.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const impatient = new SshPool({ readyTimeoutMs: 600 });
    try {
      const started = Date.now();
      const error = await impatient.exec(sshd.endpoint({ port, hostKey: { pinned: sshd.hostKey } }), ['true']).catch((e: unknown) => e);
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(SshTimeoutError);
      const timeout = error as SshTimeoutError;
      expect(timeout.phase).toBe('connect');
      expect(timeout.timeoutMs).toBe(600);
      expect(timeout.cannotTell).toBe(true);
      expect(elapsed).toBeGreaterThanOrEqual(550);
      // ssh2's own default would be 20 s.
      expect(elapsed).toBeLessThan(5_000);
    } finally {
      await impatient.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('reports a private key that cannot be parsed as a configuration error', async () => {
    const error = await pool.exec(sshd.endpoint({ privateKey: 'not a key' }), ['true']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshConfigurationError);
    expect((error as SshConfigurationError).message).toContain('private key');
  });
});

describe('classifyConnectError', () => {
  // DNS failures cannot be produced here without querying a resolver off the machine: the errors
  // below have the shape ssh2 gives to socket errors ({ code, level: 'client-socket' }).
  const endpoint = { name: 'kvm4', host: 'kvm4.example', port: 22, username: 'root', privateKey: '', hostKey: { pinned: '' } };

  it('classifies DNS and routing failures as unreachable', () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']) {
      const error = Object.assign(new Error(`getaddrinfo ${code} kvm4.example`), { code, level: 'client-socket' });
      const classified = classifyConnectError(error, endpoint, 1_000);
      expect(classified).toBeInstanceOf(SshUnreachableError);
      expect(classified.cause).toBe(error);
    }
    const dns = classifyConnectError(Object.assign(new Error('x'), { code: 'ENOTFOUND', level: 'client-socket' }), endpoint, 1);
    expect(dns.message).toContain('DNS');
  });
});

/** SshPool.exec and .script against a real OpenSSH sshd on 127.0.0.1. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CommandFailedError,
  SshCancelledError,
  SshConfigurationError,
  SshPool,
  SshTimeoutError,
  type RemoteCommandEnded,
  type SshConnected,
  type SshEndpoint,
} from '../../../lib/backends/ssh/index.js';
import { startSshd, type RunningSshd } from '../../support/sshd.js';
import { HOSTILE_ARGUMENTS } from './hostileArguments.js';

let sshd: RunningSshd;
let pool: SshPool;
let endpoint: SshEndpoint;
/** Scratch space for the remote commands: sshd runs on this machine, so it is ours to clean up. */
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'virtplane-ssh-exec-'));
  sshd = await startSshd();
  pool = new SshPool();
  endpoint = sshd.endpoint({ name: 'kvm-test' });
});

afterAll(async () => {
  await pool?.close();
  await sshd?.stop();
  await rm(scratch, { recursive: true, force: true });
});

async function isRunning(pid: string): Promise<boolean> {
  const probe = await pool.exec(endpoint, ['kill', '-0', pid], { allowExitCodes: [1] });
  return probe.exitCode === 0;
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

describe('exec', () => {
  it('returns stdout, stderr and the exit code, exactly as the command wrote them', async () => {
    const result = await pool.exec(endpoint, ['sh', '-c', 'printf "out\\n"; printf "err 1\\nerr 2" >&2; exit 3'], {
      allowExitCodes: [3],
    });
    expect(result).toEqual({ stdout: 'out\n', stderr: 'err 1\nerr 2', exitCode: 3 });
    expect(await pool.exec(endpoint, ['true'])).toEqual({ stdout: '', stderr: '', exitCode: 0 });
  });

  it('raises CommandFailedError for an exit code that is not allowed, naming the command and its stderr', async () => {
    const error = await pool.exec(endpoint, ['sh', '-c', 'echo partial; echo "\\n  error: domain not found\\nmore" >&2; exit 42']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandFailedError);
    const failed = error as CommandFailedError;
    expect(failed.kind).toBe('command-failed');
    expect(failed.cannotTell).toBe(false);
    expect(failed.host).toBe('kvm-test');
    expect(failed.exitCode).toBe(42);
    expect(failed.stdout).toBe('partial\n');
    expect(failed.argv[0]).toBe('sh');
    expect(failed.message).toContain('`sh`');
    expect(failed.message).toContain('42');
    expect(failed.message).toContain('error: domain not found');
    expect(failed.message).not.toContain('more');
  });

  it('reports a command killed by a signal as 128 + the signal number', async () => {
    const error = (await pool.exec(endpoint, ['sh', '-c', 'kill -KILL $$']).catch((e: unknown) => e)) as CommandFailedError;
    expect(error).toBeInstanceOf(CommandFailedError);
    expect(error.exitCode).toBe(128 + 9);
  });

  it('delivers every hostile argument byte for byte, and none of them runs anything', async () => {
    const marker = join(scratch, `pwned-${randomUUID()}`);
    const injections = [
      `; touch ${marker}`,
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `| touch ${marker}`,
      `&& touch ${marker}`,
      `\n touch ${marker}`,
      `'; touch ${marker}; '`,
    ];
    const args = [...HOSTILE_ARGUMENTS, ...injections];
    const result = await pool.exec(endpoint, ['printf', '%s\\0', ...args]);
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(args);
    expect(Buffer.from(result.stdout, 'utf8').equals(Buffer.concat(args.map((a) => Buffer.from(`${a}\0`))))).toBe(true);

    // As the command word itself, an injection is just a program that does not exist.
    const asCommand = await pool.exec(endpoint, [`; touch ${marker}`]).catch((e: unknown) => e);
    expect(asCommand).toBeInstanceOf(CommandFailedError);
    expect((asCommand as CommandFailedError).exitCode).toBe(127);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses an argv that cannot be sent, before connecting', async () => {
    await expect(pool.exec(endpoint, [])).rejects.toBeInstanceOf(SshConfigurationError);
    await expect(pool.exec(endpoint, ['echo', 'a\0b'])).rejects.toBeInstanceOf(SshConfigurationError);
  });
});

describe('the command log (onCommandEnded)', () => {
  it('hears of every command that ran, failed or not, with its argv, time and exit code, and never of its stdin', async () => {
    const ended: RemoteCommandEnded[] = [];
    const logged = new SshPool({ onCommandEnded: (command) => ended.push(command) });
    try {
      await logged.exec(endpoint, ['sh', '-c', 'sleep 0.3; cat >/dev/null'], { stdin: 'stdin-secret-1' });
      await expect(logged.exec(endpoint, ['sh', '-c', 'exit 3'])).rejects.toBeInstanceOf(CommandFailedError);
      await expect(logged.exec(endpoint, ['sleep', '5'], { timeoutMs: 200 })).rejects.toBeInstanceOf(SshTimeoutError);
    } finally {
      await logged.close();
    }
    expect(ended.map((command) => [command.host, command.argv, command.exitCode])).toEqual([
      ['kvm-test', ['sh', '-c', 'sleep 0.3; cat >/dev/null'], 0],
      ['kvm-test', ['sh', '-c', 'exit 3'], 3],
      ['kvm-test', ['sleep', '5'], undefined],
    ]);
    expect(ended[0]!.ranMs).toBeGreaterThanOrEqual(300);
    // The first command waited for the connection (its login); the later ones reused it.
    expect(ended[0]!.waitedMs).toBeGreaterThan(ended[1]!.waitedMs);
    expect(JSON.stringify(ended)).not.toContain('stdin-secret-1');
  });
});

describe('the connection log (onConnected)', () => {
  it('hears of each connection once, as it becomes ready, however many commands share it', async () => {
    const connected: SshConnected[] = [];
    const logged = new SshPool({ onConnected: (connection) => connected.push(connection) });
    try {
      await Promise.all([logged.exec(endpoint, ['true']), logged.exec(endpoint, ['true'])]);
      await logged.exec(endpoint, ['true']);
    } finally {
      await logged.close();
    }
    expect(connected.map((connection) => connection.host)).toEqual(['kvm-test']);
    expect(connected[0]!.connectMs).toBeGreaterThan(0);
  });
});

describe('stdin', () => {
  it('arrives byte-exact: text with unicode and newlines, 1 MiB of text, 1 MiB of binary', async () => {
    const text = 'line 1\nünïcödé ✓ 🙂\n\n$(not run) `nor this`\ttab\r\nno final newline';
    expect((await pool.exec(endpoint, ['cat'], { stdin: text })).stdout).toBe(text);

    const bigText = 'virtplane 0123456789 ✓\n'.repeat(45_000);
    const echoed = await pool.exec(endpoint, ['cat'], { stdin: bigText });
    expect(echoed.stdout.length).toBe(bigText.length);
    expect(echoed.stdout === bigText).toBe(true);

    const binary = randomBytes(1024 * 1024);
    const remote = await pool.exec(endpoint, ['sha256sum'], { stdin: binary });
    expect(remote.stdout.split(' ')[0]).toBe(createHash('sha256').update(binary).digest('hex'));
    expect((await pool.exec(endpoint, ['wc', '-c'], { stdin: binary })).stdout.trim()).toBe(String(binary.length));
  });

  it('is closed after it is written, so a command reading stdin always ends', async () => {
    expect((await pool.exec(endpoint, ['cat'], { timeoutMs: 5_000 })).stdout).toBe('');
  });

  it('never shows up in an error', async () => {
    const secret = `chap-secret-${randomUUID()}`;
    const error = (await pool
      .exec(endpoint, ['sh', '-c', 'cat >/dev/null; echo "bad secret" >&2; exit 1'], { stdin: secret })
      .catch((e: unknown) => e)) as CommandFailedError;
    expect(error).toBeInstanceOf(CommandFailedError);
    const everything = `${error.message}\n${error.stack ?? ''}\n${JSON.stringify(error)}\n${String(error)}`;
    expect(everything).not.toContain(secret);
  });
});

describe('script', () => {
  it('runs a shell script sent over stdin, with arguments that arrive intact', async () => {
    const script = 'set -eu\nprintf "%s\\0" "$#" "$@"\necho "second line ran" >&2\n';
    const result = await pool.script(endpoint, script, HOSTILE_ARGUMENTS);
    expect(result.stdout.split('\0').slice(0, -1)).toEqual([String(HOSTILE_ARGUMENTS.length), ...HOSTILE_ARGUMENTS]);
    expect(result.stderr).toBe('second line ran\n');
  });

  it('refuses other stdin (the script is the stdin)', async () => {
    await expect(pool.script(endpoint, 'cat', [], { stdin: 'x' })).rejects.toBeInstanceOf(SshConfigurationError);
  });
});

describe('timeout and cancellation', () => {
  it('fails a command that outlives timeoutMs, stops it on the host, and keeps the connection usable', async () => {
    const pidFile = join(scratch, 'timeout.pid');
    const started = Date.now();
    const error = await pool.exec(endpoint, ['sh', '-c', 'echo $$ > "$1"; exec sleep 30', 'sh', pidFile], { timeoutMs: 400 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(SshTimeoutError);
    const timeout = error as SshTimeoutError;
    expect(timeout.kind).toBe('timeout');
    expect(timeout.phase).toBe('command');
    expect(timeout.timeoutMs).toBe(400);
    expect(timeout.cannotTell).toBe(true);
    expect(timeout.message).toContain('`sh`');
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(3_000);

    const pid = (await pool.exec(endpoint, ['cat', pidFile])).stdout.trim();
    expect(pid).toMatch(/^\d+$/);
    expect(await waitUntil(async () => !(await isRunning(pid)), 15_000)).toBe(true);
  });

  it('cancels a running command through its AbortSignal and stops it on the host', async () => {
    const pidFile = join(scratch, 'abort.pid');
    const controller = new AbortController();
    const running = pool.exec(endpoint, ['sh', '-c', 'echo $$ > "$1"; exec sleep 30', 'sh', pidFile], {
      signal: controller.signal,
    });
    await waitUntil(async () => (await pool.exec(endpoint, ['test', '-s', pidFile], { allowExitCodes: [1] })).exitCode === 0, 5_000);
    const started = Date.now();
    controller.abort();
    const error = await running.catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(SshCancelledError);
    expect((error as SshCancelledError).kind).toBe('cancelled');
    expect((error as SshCancelledError).cannotTell).toBe(true);

    const pid = (await pool.exec(endpoint, ['cat', pidFile])).stdout.trim();
    expect(await waitUntil(async () => !(await isRunning(pid)), 15_000)).toBe(true);
  });

  it('does not even connect for an already aborted signal', async () => {
    const freshPool = new SshPool();
    try {
      const loginsBefore = sshd.acceptedLogins();
      await expect(freshPool.exec(endpoint, ['true'], { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(SshCancelledError);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(sshd.acceptedLogins()).toBe(loginsBefore);
    } finally {
      await freshPool.close();
    }
  });
});

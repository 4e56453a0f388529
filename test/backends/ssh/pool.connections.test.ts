/** Connection sharing, the channel cap, keepalive and reconnection, against real sshd processes. */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshCancelledError, SshPool, SshUnreachableError, type SshEndpoint } from '../../../lib/backends/ssh/index.js';
import { startSshd, type RunningSshd } from '../../support/sshd.js';

let sshd: RunningSshd;
const pools: SshPool[] = [];
/** Scratch space for the remote commands: sshd runs on this machine, so it is ours to clean up. */
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'virtplane-ssh-connections-'));
  sshd = await startSshd();
});

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  await sshd?.stop();
  await rm(scratch, { recursive: true, force: true });
});

function newPool(options: ConstructorParameters<typeof SshPool>[0] = {}): SshPool {
  const pool = new SshPool(options);
  pools.push(pool);
  return pool;
}

/**
 * Each command registers itself in a directory on the host and records the most commands it saw
 * registered at once: the largest record is the concurrency the host saw. It holds its channel while
 * it waits for the others: until it has seen the cap ("$2") and lingered "$3" tenths of a second
 * with it, or at most "$4" tenths if the cap never comes (the last few, when the queue runs dry). It
 * leaves at once if it sees more than the cap. Waiting for the others rather than sleeping a fixed
 * time keeps the overlap independent of the machine's load: under load each login shell starts
 * slowly, and commands that slept a fixed 0.1 s finished before the next one started (CI once saw a
 * maximum of 1 that way).
 */
const CONCURRENCY_PROBE = `
dir="$1"; cap="$2"; linger_tenths="$3"; hold_tenths="$4"
mkdir -p "$dir"
touch "$dir/running.$$"
most=0; waited=0; lingered=0
while :; do
  now=$(ls "$dir" | grep -c '^running\\.')
  [ "$now" -gt "$most" ] && most=$now
  [ "$now" -gt "$cap" ] && break
  if [ "$most" -ge "$cap" ]; then
    [ "$lingered" -ge "$linger_tenths" ] && break
    lingered=$((lingered + 1))
  fi
  [ "$waited" -ge "$hold_tenths" ] && break
  sleep 0.1; waited=$((waited + 1))
done
echo "$most" > "$dir/seen.$$"
rm -f "$dir/running.$$"
`;

/**
 * Runs `count` probes in parallel through `pool`. Each holds its channel at least `lingerSeconds`
 * (unless the cap is broken), and waits up to 5 s for `cap` probes to be running together.
 */
async function runProbes(pool: SshPool, endpoint: SshEndpoint, dir: string, count: number, cap: number, lingerSeconds: number): Promise<void> {
  const args = [dir, String(cap), String(Math.round(lingerSeconds * 10)), '50'];
  await Promise.all(Array.from({ length: count }, () => pool.script(endpoint, CONCURRENCY_PROBE, args)));
}

async function maxConcurrencySeen(pool: SshPool, endpoint: SshEndpoint, dir: string): Promise<number> {
  const result = await pool.script(endpoint, 'cat "$1"/seen.* | sort -n | tail -n 1; rm -rf "$1"', [dir]);
  return Number(result.stdout.trim());
}

describe('one connection per endpoint', () => {
  it('serves 20 parallel first commands over exactly one SSH connection, and keeps reusing it', async () => {
    const pool = newPool();
    const endpoint = sshd.endpoint({ name: 'kvm-reuse' });
    const before = sshd.acceptedLogins();
    const results = await Promise.all(Array.from({ length: 20 }, (_, index) => pool.exec(endpoint, ['echo', `call ${index}`])));
    expect(results.map((result) => result.stdout)).toEqual(Array.from({ length: 20 }, (_, index) => `call ${index}\n`));
    expect(sshd.acceptedLogins() - before).toBe(1);
    expect(await sshd.connectionPids()).toHaveLength(1);

    await Promise.all(Array.from({ length: 20 }, () => pool.exec(endpoint, ['true'])));
    expect(sshd.acceptedLogins() - before).toBe(1);
  });

  it('queues commands beyond maxChannelsPerHost: with a cap of 3, never more than 3 run at once', async () => {
    const pool = newPool({ maxChannelsPerHost: 3 });
    const endpoint = sshd.endpoint({ name: 'kvm-cap' });
    const dir = join(scratch, randomUUID());
    const started = Date.now();
    await runProbes(pool, endpoint, dir, 20, 3, 0.3);
    const elapsed = Date.now() - started;
    // Three ran at once, never four.
    expect(await maxConcurrencySeen(pool, endpoint, dir)).toBe(3);
    // 20 commands holding 0.3 s each, at most 3 at a time, take at least 7 rounds.
    expect(elapsed).toBeGreaterThanOrEqual(7 * 300);
  });

  it('stays below sshd MaxSessions (10) by default: 24 parallel commands all succeed, at most 8 at once', async () => {
    const pool = newPool();
    const endpoint = sshd.endpoint({ name: 'kvm-default-cap' });
    const dir = join(scratch, randomUUID());
    await runProbes(pool, endpoint, dir, 24, 8, 0.3);
    // Eight ran at once, never nine: the default leaves sshd's MaxSessions room for other work.
    expect(await maxConcurrencySeen(pool, endpoint, dir)).toBe(8);
  });
});

describe('dropped connections', () => {
  it('fails a command in flight when the host goes away (unreachable, cannotTell), and reconnects once it is back', async () => {
    const host = await startSshd();
    let restarted: RunningSshd | undefined;
    try {
      const pool = newPool();
      const endpoint = host.endpoint({ name: 'kvm-drop' });
      expect((await pool.exec(endpoint, ['echo', 'before'])).stdout).toBe('before\n');

      const inFlight = pool.exec(endpoint, ['sleep', '30']).catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await host.stop();
      const error = await inFlight;
      expect(error).toBeInstanceOf(SshUnreachableError);
      expect((error as SshUnreachableError).cannotTell).toBe(true);
      expect((error as SshUnreachableError).message).toContain('connection was lost');

      // While the host is down, the next command cannot connect: unreachable too.
      expect(await pool.exec(endpoint, ['true']).catch((e: unknown) => e)).toBeInstanceOf(SshUnreachableError);

      // The same host (same key, same port) comes back: the pool connects again by itself.
      restarted = await startSshd({ port: host.port, hostKey: host.hostKeyPair, clientKey: host.clientKey });
      const again = host.endpoint({ name: 'kvm-drop', hostKey: { knownHostsFile: restarted.knownHostsFile } });
      expect((await pool.exec(again, ['echo', 'after'])).stdout).toBe('after\n');
      expect(restarted.acceptedLogins()).toBe(1);
    } finally {
      await host.stop();
      await restarted?.stop();
    }
  });

  it('runs a command on a new connection when the pooled one died before the pool noticed', async () => {
    const pool = newPool();
    const endpoint = sshd.endpoint({ name: 'kvm-stale' });
    await pool.exec(endpoint, ['true']);
    const before = sshd.acceptedLogins();
    const handlers = await sshd.connectionPids();
    expect(handlers.length).toBeGreaterThan(0);
    // Killed in the same tick as the exec below: the client learns of it only while opening the
    // channel, when nothing has run yet, so running it on a new connection is safe.
    for (const pid of handlers) process.kill(pid, 'SIGKILL');
    const result = await pool.exec(endpoint, ['echo', 'retried']);
    expect(result.stdout).toBe('retried\n');
    expect(sshd.acceptedLogins() - before).toBe(1);
  });

  it('notices a host that stops answering through keepalives, then reconnects', async () => {
    const pool = newPool({ keepaliveIntervalMs: 200 });
    const endpoint = sshd.endpoint({ name: 'kvm-frozen' });
    await pool.exec(endpoint, ['true']);
    const frozen = await sshd.connectionPids();
    expect(frozen.length).toBeGreaterThan(0);

    const inFlight = pool.exec(endpoint, ['sleep', '5']).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Freeze every connection handler: the TCP connection stays open but nothing answers.
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    try {
      const started = Date.now();
      const error = await inFlight;
      expect(error).toBeInstanceOf(SshUnreachableError);
      // Three unanswered keepalives 200 ms apart, give or take a tick.
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
    }
    const before = sshd.acceptedLogins();
    expect((await pool.exec(endpoint, ['echo', 'fresh'])).stdout).toBe('fresh\n');
    expect(sshd.acceptedLogins() - before).toBe(1);
  });
});

describe('close', () => {
  it('cancels running and queued commands, refuses new ones, and ends the connection', async () => {
    const pool = new SshPool({ maxChannelsPerHost: 1 });
    const endpoint = sshd.endpoint({ name: 'kvm-close' });
    await pool.exec(endpoint, ['true']);
    const connectionsBefore = (await sshd.connectionPids()).length;
    const running = pool.exec(endpoint, ['sleep', '30']).catch((e: unknown) => e);
    const queued = pool.exec(endpoint, ['echo', 'never']).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await pool.close();
    expect(await running).toBeInstanceOf(SshCancelledError);
    expect(await queued).toBeInstanceOf(SshCancelledError);
    await expect(pool.exec(endpoint, ['true'])).rejects.toBeInstanceOf(SshCancelledError);
    const deadline = Date.now() + 3_000;
    while ((await sshd.connectionPids()).length >= connectionsBefore && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await sshd.connectionPids()).length).toBe(connectionsBefore - 1);
  });
});

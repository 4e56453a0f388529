/**
 * A real OpenSSH sshd on 127.0.0.1 for tests: its own temp dir, generated ed25519 host and client
 * keys, its own authorized_keys and known_hosts (nothing under /root/.ssh is touched). It runs in the
 * foreground (-D -e) as a child process; stop() ends it and every process it started (the
 * per-connection sshd processes and the commands they run), by PID.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SshEndpoint } from '../../lib/backends/ssh/index.js';

export interface SshKeyPair {
  /** OpenSSH private key file contents. */
  readonly privateKey: string;
  /** "ssh-ed25519 AAAA..." without a comment. */
  readonly publicKey: string;
  /** "SHA256:..." as ssh-keygen -lf prints it. */
  readonly fingerprint: string;
}

export interface SshdOptions {
  /** Default: a free port. Give the port of a stopped sshd to stand in for it. */
  readonly port?: number;
  /** Default: a new ed25519 key. Reuse one to restart "the same host". */
  readonly hostKey?: SshKeyPair;
  /** Default: a new ed25519 key; it is the only key in authorized_keys. */
  readonly clientKey?: SshKeyPair;
  /** More host keys (after the ed25519 one), e.g. ['ecdsa'] for a host that offers two. */
  readonly additionalHostKeyTypes?: readonly KeyType[];
  /** More `-o Name=value` options for sshd. */
  readonly options?: Readonly<Record<string, string>>;
}

export interface RunningSshd {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  /** The host's public key line, "ssh-ed25519 AAAA...". */
  readonly hostKey: string;
  readonly hostKeyFingerprint: string;
  readonly hostKeyPair: SshKeyPair;
  readonly additionalHostKeys: readonly SshKeyPair[];
  readonly clientKey: SshKeyPair;
  readonly clientPrivateKey: string;
  /** Holds one entry, "[127.0.0.1]:port ssh-ed25519 AAAA...". */
  readonly knownHostsFile: string;
  /** An endpoint for this sshd as root, trusting it through knownHostsFile unless told otherwise. */
  endpoint(overrides?: Partial<SshEndpoint>): SshEndpoint;
  /** sshd's log so far (stderr, LogLevel VERBOSE). */
  log(): string;
  /** How many logins sshd accepted so far ("Accepted publickey" lines): one per SSH connection. */
  acceptedLogins(): number;
  /** PIDs of the per-connection sshd processes (the listener's children): one per open connection. */
  connectionPids(): Promise<number[]>;
  /** Ends sshd and all its descendants, then removes its temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
const READY_TIMEOUT_MS = 10_000;
const KILL_GRACE_MS = 2_000;

let sshdPathCache: string | undefined;

/** sshd refuses to re-exec itself unless started by its full path. */
export function sshdPath(): string {
  if (sshdPathCache !== undefined) return sshdPathCache;
  const found = spawnSync('sh', ['-c', 'command -v sshd || ls /usr/sbin/sshd'], { encoding: 'utf8' }).stdout.trim();
  if (!found.startsWith('/')) throw new Error('sshd not found: install openssh-server');
  sshdPathCache = found.split('\n')[0] ?? found;
  return sshdPathCache;
}

export type KeyType = 'ed25519' | 'ecdsa' | 'rsa';

export async function generateKeyPair(comment = 'virtplane-test', type: KeyType = 'ed25519'): Promise<SshKeyPair> {
  const dir = await mkdtemp(join(tmpdir(), 'virtplane-key-'));
  try {
    const file = join(dir, 'key');
    const generated = spawnSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', comment, '-f', file], {
      encoding: 'utf8',
    });
    if (generated.status !== 0) throw new Error(`ssh-keygen failed: ${generated.stderr}`);
    const listed = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`], { encoding: 'utf8' });
    const fingerprint = listed.stdout.split(' ')[1];
    if (listed.status !== 0 || fingerprint === undefined) throw new Error(`ssh-keygen -l failed: ${listed.stderr}`);
    const publicLine = (await readFile(`${file}.pub`, 'utf8')).trim().split(' ');
    return {
      privateKey: await readFile(file, 'utf8'),
      publicKey: `${publicLine[0]} ${publicLine[1]}`,
      fingerprint,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A loopback port nothing listens on, for "connection refused". Not a port taken from the kernel and
 * closed again: any listen(0) on this machine (the lab lanes' providers, other test servers) may be
 * handed that one next. Port 1 is below the ephemeral range, so no listen(0) ever gets it.
 */
export const CLOSED_PORT = 1;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export async function startSshd(options: SshdOptions = {}): Promise<RunningSshd> {
  const [hostKeyPair, clientKey, ...additionalHostKeys] = await Promise.all([
    options.hostKey ?? generateKeyPair('virtplane-test-host'),
    options.clientKey ?? generateKeyPair('virtplane-test-client'),
    ...(options.additionalHostKeyTypes ?? []).map((type) => generateKeyPair('virtplane-test-host', type)),
  ]);
  // A free port can be taken by someone else before sshd binds it: try a few.
  for (let attempt = 1; ; attempt += 1) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(port, hostKeyPair, additionalHostKeys, clientKey, options.options ?? {});
    } catch (error) {
      if (options.port !== undefined || attempt >= 3 || !(error instanceof PortInUseError)) throw error;
    }
  }
}

class PortInUseError extends Error {}

async function launch(
  port: number,
  hostKeyPair: SshKeyPair,
  additionalHostKeys: readonly SshKeyPair[],
  clientKey: SshKeyPair,
  extraOptions: Readonly<Record<string, string>>,
): Promise<RunningSshd> {
  await mkdir('/run/sshd', { recursive: true });
  const dir = await mkdtemp(join(tmpdir(), 'virtplane-sshd-'));
  const file = (name: string): string => join(dir, name);
  await writeFile(file('host_key'), hostKeyPair.privateKey, { mode: 0o600 });
  for (const [index, pair] of additionalHostKeys.entries()) {
    await writeFile(file(`host_key_${index + 1}`), pair.privateKey, { mode: 0o600 });
  }
  await writeFile(file('authorized_keys'), `${clientKey.publicKey}\n`, { mode: 0o600 });
  await writeFile(file('known_hosts'), `[${LOOPBACK}]:${port} ${hostKeyPair.publicKey}\n`);
  // Our own (empty) config file: the machine's /etc/ssh/sshd_config must not change what we test.
  await writeFile(file('sshd_config'), '# all settings are given with -o\n');
  const settings: Record<string, string> = {
    Port: String(port),
    ListenAddress: LOOPBACK,
    HostKey: file('host_key'),
    AuthorizedKeysFile: file('authorized_keys'),
    PidFile: file('sshd.pid'),
    UsePAM: 'no',
    StrictModes: 'no',
    PermitRootLogin: 'prohibit-password',
    PasswordAuthentication: 'no',
    KbdInteractiveAuthentication: 'no',
    LogLevel: 'VERBOSE',
    ...extraOptions,
  };
  const args = [
    '-D',
    '-e',
    '-f',
    file('sshd_config'),
    ...Object.entries(settings).flatMap(([k, v]) => ['-o', `${k}=${v}`]),
    ...additionalHostKeys.flatMap((_, index) => ['-o', `HostKey=${file(`host_key_${index + 1}`)}`]),
  ];
  const child = spawn(sshdPath(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    log += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  try {
    await waitForListening(child, () => log, port);
  } catch (error) {
    await killTree(child, exited);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  let stopped: Promise<void> | undefined;
  const running: RunningSshd = {
    host: LOOPBACK,
    port,
    pid: child.pid ?? -1,
    dir,
    hostKey: hostKeyPair.publicKey,
    hostKeyFingerprint: hostKeyPair.fingerprint,
    hostKeyPair,
    additionalHostKeys,
    clientKey,
    clientPrivateKey: clientKey.privateKey,
    knownHostsFile: file('known_hosts'),
    endpoint: (overrides = {}) => ({
      name: 'test-sshd',
      host: LOOPBACK,
      port,
      username: 'root',
      privateKey: clientKey.privateKey,
      hostKey: { knownHostsFile: file('known_hosts') },
      ...overrides,
    }),
    log: () => log,
    connectionPids: async () => (child.pid === undefined ? [] : childrenOf(child.pid, await processParents())),
    acceptedLogins: () => log.split('\n').filter((line) => line.includes('Accepted publickey')).length,
    stop: () => {
      stopped ??= (async () => {
        await killTree(child, exited);
        await rm(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
  return running;
}

async function waitForListening(child: ChildProcess, log: () => string, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (log().includes(`Server listening on ${LOOPBACK} port ${port}`)) return;
    if (child.exitCode !== null || child.signalCode !== null) {
      if (/Address already in use|Cannot bind any address/.test(log())) throw new PortInUseError(`port ${port} is taken`);
      throw new Error(`sshd exited before listening:\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`sshd did not listen on port ${port} within ${READY_TIMEOUT_MS} ms:\n${log()}`);
}

/**
 * Stops the listener first (SIGSTOP: it can fork no new connection handler), then ends everything
 * below it, then the listener itself. Only PIDs descending from our own child are touched.
 * SIGTERM first: a login shell killed outright can leave a lock behind (pyenv's rehash lock in
 * root's .bashrc made every later login on the machine wait 60 s); SIGKILL only for what remains.
 */
async function killTree(child: ChildProcess, exited: Promise<void>): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  signal(pid, 'SIGSTOP');
  const descendants = await descendantsOf(pid);
  for (const descendant of descendants) signal(descendant, 'SIGTERM');
  signal(pid, 'SIGTERM');
  signal(pid, 'SIGCONT');
  const deadline = Date.now() + KILL_GRACE_MS;
  while (Date.now() < deadline && descendants.some(isAlive)) await new Promise((resolve) => setTimeout(resolve, 25));
  for (const descendant of descendants.filter(isAlive)) signal(descendant, 'SIGKILL');
  const listenerGone = await Promise.race([exited.then(() => true), delay(KILL_GRACE_MS).then(() => false)]);
  if (!listenerGone) {
    signal(pid, 'SIGKILL');
    await exited;
  }
}

/** A zombie counts as gone: it has exited and only waits to be reaped. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

async function descendantsOf(root: number): Promise<number[]> {
  const parents = await processParents();
  const found: number[] = [];
  const frontier = [root];
  for (let parent = frontier.pop(); parent !== undefined; parent = frontier.pop()) {
    const children = childrenOf(parent, parents);
    found.push(...children);
    frontier.push(...children);
  }
  return found;
}

function childrenOf(parent: number, parents: ReadonlyMap<number, number>): number[] {
  return [...parents].filter(([, ppid]) => ppid === parent).map(([pid]) => pid);
}

/** pid -> parent pid, from /proc. */
async function processParents(): Promise<Map<number, number>> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // The command name (field 2) may contain spaces and parentheses: fields resume after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(name), Number(fields[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  return parents;
}

/**
 * Helpers for the iSCSI tests against the lab: real initiators on the hypervisors (libiscsi's
 * iscsi-ls / iscsi-readcapacity16 / iscsi-inq, QEMU's iSCSI driver through qemu-io for a session
 * that stays logged in), a real tgtd restart on the storage machine, and a shell that records what
 * virtplane sends.
 *
 * Test-side only: iscsi-ls and friends take a CHAP password in their URL, so these commands put it
 * on the lab hypervisor's command line. virtplane itself never does (RecordingShell checks that).
 */
import { randomBytes } from 'node:crypto';
import { SshCancelledError, type ExecOptions, type ExecResult, type SshEndpoint, type SshPool } from '../../../lib/backends/ssh/index.js';
import type { RemoteShell } from '../../../lib/backends/iscsi/index.js';

export const TEST_IQN_PREFIX = 'iqn.2024-01.dev.virtplane.test:';
export const KVM1_INITIATOR = 'iqn.2024-01.dev.virtplane.test:kvm1';
export const STRANGER_INITIATOR = 'iqn.2024-01.dev.virtplane.test:stranger';

/** A unique IQN per run, so that leftovers of an interrupted run never collide. */
export function testIqn(name: string): string {
  return `${TEST_IQN_PREFIX}${name}-${randomBytes(3).toString('hex')}`;
}

export interface RecordedCall {
  readonly argv: readonly string[];
  readonly stdin: ExecOptions['stdin'];
}

/** Passes everything to the real pool and remembers each command line and stdin. */
export class RecordingShell implements RemoteShell {
  readonly calls: RecordedCall[] = [];

  constructor(private readonly pool: SshPool) {}

  exec(endpoint: SshEndpoint, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push({ argv: [...argv], stdin: options.stdin });
    return this.pool.exec(endpoint, argv, options);
  }

  script(endpoint: SshEndpoint, script: string, args: readonly string[] = [], options: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push({ argv: ['sh', '-s', '--', ...args], stdin: script });
    return this.pool.script(endpoint, script, args, options);
  }
}

export interface Login {
  readonly initiator: string;
  readonly user?: string;
  readonly password?: string;
}

function portalUrl(portal: string, login: Login): string {
  const credentials = login.user === undefined ? '' : `${login.user}%${login.password ?? ''}@`;
  return `iscsi://${credentials}${portal}`;
}

/** `iscsi-ls -s` from a hypervisor: the targets and LUNs this initiator may log in to. */
export async function iscsiLs(pool: SshPool, host: SshEndpoint, portal: string, login: Login): Promise<ExecResult> {
  return pool.exec(host, ['iscsi-ls', '-s', '-i', login.initiator, `${portalUrl(portal, login)}/`], { allowExitCodes: [1, 10] });
}

/** The LUN's size in bytes as a fresh libiscsi session reads it (READ CAPACITY 16). */
export async function readCapacity(pool: SshPool, host: SshEndpoint, portal: string, iqn: string, lun: number, login: Login): Promise<number> {
  const result = await pool.exec(host, ['iscsi-readcapacity16', '-s', '-i', login.initiator, `${portalUrl(portal, login)}/${iqn}/${lun}`]);
  return Number(result.stdout.trim());
}

/** The LUN's unit serial number (VPD page 0x80) as an initiator sees it. */
export async function unitSerial(pool: SshPool, host: SshEndpoint, portal: string, iqn: string, lun: number, login: Login): Promise<string> {
  // Page code in decimal: iscsi-inq does not read "0x80".
  const result = await pool.exec(host, ['iscsi-inq', '-e', '1', '-c', '128', '-i', login.initiator, `${portalUrl(portal, login)}/${iqn}/${lun}`]);
  const match = /Unit Serial Number:\[\s*([^\]\s]+)\s*\]/.exec(result.stdout);
  if (!match) throw new Error(`iscsi-inq printed no serial: ${result.stdout}`);
  return match[1] as string;
}

export interface Session {
  stop(): Promise<void>;
}

/**
 * Keeps an initiator logged in: qemu-io opens the LUN with QEMU's iSCSI driver and waits for
 * commands that never come. The CHAP password reaches qemu-io through a 0600 file written over
 * stdin and removed in stop(). stop() ends qemu-io by cancelling the SSH command, which kills its
 * process group on the host.
 */
export async function openSession(
  pool: SshPool,
  host: SshEndpoint,
  target: { readonly address: string; readonly iqn: string; readonly lun: number },
  login: Login,
): Promise<Session> {
  const secretFile = `/tmp/vp-iscsi-test-${randomBytes(6).toString('hex')}.secret`;
  const options = [
    'driver=iscsi',
    'transport=tcp',
    `portal=${target.address}:3260`,
    `target=${target.iqn}`,
    `lun=${target.lun}`,
    `initiator-name=${login.initiator}`,
  ];
  const argv = ['qemu-io'];
  if (login.user !== undefined) {
    await pool.exec(host, ['sh', '-c', 'umask 077; cat > "$1"', 'write-secret', secretFile], { stdin: login.password ?? '' });
    argv.push('--object', `secret,id=chap,file=${secretFile}`);
    options.push(`user=${login.user}`, 'password-secret=chap');
  }
  argv.push('--image-opts', options.join(','));
  const controller = new AbortController();
  const running = pool
    .exec(host, ['sh', '-c', 'sleep 300 | "$@"', 'session', ...argv], { signal: controller.signal, timeoutMs: 310_000, allowExitCodes: [1] })
    .catch((error: unknown) => {
      if (!(error instanceof SshCancelledError)) throw error;
      return undefined;
    });
  return {
    async stop() {
      controller.abort();
      await running.catch(() => undefined);
      await pool.exec(host, ['rm', '-f', secretFile]);
    },
  };
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Restarts the storage machine's tgtd for real, as a crash and a reboot would: SIGKILL to its
 * processes (found by PID, and only those in the storage machine's network namespace: the lab's
 * machines share one PID namespace), then tgtd started again and `tgt-admin -e`, as the lab does at
 * boot. Returns the old and new PIDs.
 */
export async function restartTgtd(pool: SshPool, storage: SshEndpoint): Promise<{ before: number[]; after: number[] }> {
  const pidsScript = `
me=$(readlink /proc/self/ns/net)
for p in $(pidof tgtd); do [ "$(readlink /proc/$p/ns/net)" = "$me" ] && echo "$p"; done
true`;
  const pids = async (): Promise<number[]> =>
    (await pool.script(storage, pidsScript)).stdout
      .split('\n')
      .filter((line) => /^\d+$/.test(line))
      .map(Number)
      .sort((a, b) => a - b);
  const before = await pids();
  if (before.length === 0) throw new Error('tgtd is not running on the storage machine');
  await pool.exec(storage, ['kill', '-KILL', ...before.map(String)]);
  await waitFor(async () => ((await pids()).length === 0 ? true : undefined), 'tgtd to exit');
  await pool.script(
    storage,
    `
tgtd </dev/null >/dev/null 2>&1
i=0
until tgtadm --lld iscsi --mode target --op show >/dev/null 2>&1; do
  i=$((i + 1)); [ "$i" -lt 100 ] || { echo "tgtd did not answer" >&2; exit 1; }
  sleep 0.05
done
tgt-admin -e -c /etc/tgt/targets.conf >/dev/null`,
  );
  return { before, after: await pids() };
}

/** Raw tgtadm (the test's own hands, for foreign targets and checks). */
export async function tgtadm(pool: SshPool, storage: SshEndpoint, args: readonly string[], allowExitCodes: number[] = []): Promise<ExecResult> {
  return pool.exec(storage, ['tgtadm', '--lld', 'iscsi', ...args], { allowExitCodes });
}

/**
 * A throwaway libvirtd for tests that need real libvirt but not the lab: its own mount namespace
 * (private /etc/libvirt, /var/lib/libvirt, /run/libvirt, /var/log/libvirt, /var/cache/libvirt bound
 * over folders in a temp dir) and its own network namespace (so a network it starts touches nothing
 * outside). Reached through its socket: qemu:///system?socket=DIR/run/libvirt-sock.
 * `stop()` ends the domains it runs, then its libvirtd and virtlogd by PID, and removes the temp dir.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LibvirtHost } from '../../../../lib/backends/libvirt/host.js';
import { localLibvirtHost } from './localHost.js';
import { alive } from '../../../support/processes.js';

const run = promisify(execFile);

export interface ScratchLibvirt {
  readonly dir: string;
  readonly uri: string;
  readonly host: LibvirtHost;
  /** Runs virsh against the scratch daemon; stdout. Throws on a non-zero exit. */
  virsh(args: readonly string[], stdin?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Runs inside `unshare -m -n`; $1 is the scratch dir. */
const START_SCRIPT = `
set -eu
d=$1
for sub in etc lib run log cache; do mkdir -p "$d/$sub"; done
cp -a /etc/libvirt/. "$d/etc/"
# As in the lab: /dev/kvm is root-only here, so guests run as root.
printf '%s\n' 'user = "root"' 'group = "root"' 'dynamic_ownership = 0' 'remember_owner = 0' > "$d/etc/qemu.conf"
mkdir -p /etc/libvirt /var/lib/libvirt /run/libvirt /var/log/libvirt /var/cache/libvirt
mount --bind "$d/etc" /etc/libvirt
mount --bind "$d/lib" /var/lib/libvirt
mount --bind "$d/run" /run/libvirt
mount --bind "$d/log" /var/log/libvirt
mount --bind "$d/cache" /var/cache/libvirt
ip link set lo up
virtlogd -d -p "$d/virtlogd.pid"
libvirtd -d -p "$d/libvirtd.pid"
`;

const ACCOUNTS_SCRIPT = `
groupadd -f kvm
groupadd -f libvirt-qemu
id libvirt-qemu >/dev/null 2>&1 || useradd -r -g libvirt-qemu -G kvm libvirt-qemu || id libvirt-qemu >/dev/null
`;

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function pidFrom(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function stopPid(pid: number | undefined): Promise<void> {
  if (pid === undefined || !alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  try {
    await waitFor(() => !alive(pid), 10_000, `process ${pid} to exit`);
  } catch {
    process.kill(pid, 'SIGKILL');
  }
}

export async function startScratchLibvirt(): Promise<ScratchLibvirt> {
  const dir = await mkdtemp(join(tmpdir(), 'vp-scratch-libvirt-'));
  await run('sh', ['-c', ACCOUNTS_SCRIPT]);
  await run('unshare', ['-m', '-n', '--propagation', 'private', 'sh', '-c', START_SCRIPT, 'sh', dir]);
  const socket = join(dir, 'run', 'libvirt-sock');
  const uri = `qemu:///system?socket=${socket}`;
  const virsh = async (args: readonly string[], stdin?: string): Promise<string> => {
    // Node hands a child a socket as stdin, which virsh cannot open as /dev/stdin: go through a pipe.
    const child = run('sh', ['-c', 'cat | "$@"', 'sh', 'virsh', '-q', '-c', uri, ...args], { env: { ...process.env, LC_ALL: 'C' } });
    child.child.stdin?.end(stdin ?? '');
    return (await child).stdout;
  };
  await waitFor(
    async () => {
      if (!existsSync(socket)) return false;
      try {
        await virsh(['version']);
        return true;
      } catch {
        return false;
      }
    },
    20_000,
    'the scratch libvirtd',
  );

  const stop = async (): Promise<void> => {
    try {
      const running = (await virsh(['list', '--uuid'])).split('\n').filter((line) => line.trim() !== '');
      for (const uuid of running) await virsh(['destroy', uuid]).catch(() => undefined);
    } catch {
      // The daemon is already gone: nothing of ours can still run.
    }
    await stopPid(await pidFrom(join(dir, 'libvirtd.pid')));
    await stopPid(await pidFrom(join(dir, 'virtlogd.pid')));
    await rm(dir, { recursive: true, force: true });
  };

  return { dir, uri, host: localLibvirtHost('scratch', uri), virsh, stop };
}

/**
 * One virsh command on a host: argv only (the transport quotes every word), XML on stdin, English
 * messages (LC_ALL=C) so failures can be classified.
 */
import type { LibvirtHost } from './host.js';
import { classifyVirshFailure } from './virshErrors.js';

interface VirshOptions {
  /** XML for `define /dev/stdin` and the like; never logged, never on the command line. */
  readonly stdin?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** virsh exits 1 on every libvirt error; other codes (127: no virsh) are the transport's to report. */
const VIRSH_FAILURE = 1;

function virshArgv(host: LibvirtHost, args: readonly string[], withStdin: boolean): string[] {
  const virsh = ['env', 'LC_ALL=C', 'virsh', '-q', '-c', host.uri, ...args];
  // virsh opens /dev/stdin as a file: through a pipe that works whatever the transport made fd 0 (a
  // socket cannot be opened that way).
  return withStdin ? ['sh', '-c', 'cat | "$@"', 'sh', ...virsh] : virsh;
}

/** Runs `virsh ARGS` and returns its stdout; a libvirt failure throws a classified VirshError. */
export async function virsh(host: LibvirtHost, args: readonly string[], options: VirshOptions = {}): Promise<string> {
  const result = await host.exec(virshArgv(host, args, options.stdin !== undefined), {
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    allowExitCodes: [VIRSH_FAILURE],
  });
  if (result.exitCode !== 0) throw classifyVirshFailure(host.name, args, result.stderr);
  return result.stdout;
}

/** Lines of a virsh listing (`list --uuid`, `list --name`...), without the trailing blank line. */
export function listingLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line !== '');
}

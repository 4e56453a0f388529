/**
 * Where virsh runs: a hypervisor reached through the SSH pool. Operations take this small interface
 * rather than the pool itself so one code path serves every host, and a test can point it at a
 * private libvirtd on the test machine.
 */
import type { ExecOptions, ExecResult, SshEndpoint, SshPool } from '../ssh/index.js';

export interface LibvirtHost {
  /** For messages, e.g. "kvm1". */
  readonly name: string;
  /** libvirt connection URI as seen on the host; default qemu:///system. */
  readonly uri: string;
  /** Runs argv (each word quoted by the transport); a non-zero exit not in allowExitCodes throws. */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Runs a POSIX sh script with `args` as "$@", in one round trip. The script's stdin is the script. */
  script(scriptText: string, args: readonly string[], options?: Omit<ExecOptions, 'stdin'>): Promise<ExecResult>;
}

const DEFAULT_LIBVIRT_URI = 'qemu:///system';

export function sshLibvirtHost(pool: SshPool, endpoint: SshEndpoint, options: { readonly uri?: string } = {}): LibvirtHost {
  return {
    name: endpoint.name,
    uri: options.uri ?? DEFAULT_LIBVIRT_URI,
    exec: (argv, execOptions) => pool.exec(endpoint, argv, execOptions),
    script: (scriptText, args, execOptions) => pool.script(endpoint, scriptText, args, execOptions),
  };
}

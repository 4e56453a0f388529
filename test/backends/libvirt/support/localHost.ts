import { Readable } from 'node:stream';
/**
 * A LibvirtHost that runs commands on this machine with child_process (no SSH): the transport for
 * the phase-1 tests against a scratch libvirtd. It behaves like the SSH pool where the libvirt code
 * relies on it: argv is passed as is, stdin is written then closed, a non-zero exit not in
 * allowExitCodes throws CommandFailedError.
 */
import { spawn } from 'node:child_process';
import { CommandFailedError } from '../../../../lib/backends/ssh/index.js';
import type { ExecOptions, ExecResult } from '../../../../lib/backends/ssh/index.js';
import type { LibvirtHost } from '../../../../lib/backends/libvirt/host.js';

function run(name: string, argv: readonly string[], stdin: ExecOptions['stdin'], options: ExecOptions): Promise<ExecResult> {
  const [command, ...args] = argv;
  if (command === undefined) return Promise.reject(new TypeError('empty argv'));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs ?? 60_000);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const exitCode = code ?? 128 + (signal === 'SIGTERM' ? 15 : 9);
      const result = { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), exitCode };
      if (exitCode !== 0 && !(options.allowExitCodes ?? []).includes(exitCode)) {
        reject(new CommandFailedError(name, argv, exitCode, result.stdout, result.stderr));
      } else {
        resolve(result);
      }
    });
    child.stdin.on('error', () => undefined);
    if (stdin instanceof Readable) stdin.pipe(child.stdin);
    else child.stdin.end(stdin ?? '');
  });
}

export function localLibvirtHost(name: string, uri: string): LibvirtHost {
  return {
    name,
    uri,
    exec: (argv, options = {}) => run(name, argv, options.stdin, options),
    script: (scriptText, args, options = {}) => run(name, ['sh', '-s', '--', ...args], scriptText, options),
  };
}

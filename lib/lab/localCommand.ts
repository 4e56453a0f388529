import { spawn } from 'node:child_process';

export interface LocalCommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface LocalCommandOptions {
  readonly input?: string;
  /** Exit codes that are not an error; 0 always is. */
  readonly allowExitCodes?: readonly number[];
  readonly timeoutMs?: number;
}

export class LocalCommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(`\`${argv.join(' ')}\` exited with ${exitCode}: ${stderr.trim().split('\n').slice(-3).join(' | ') || '(no stderr)'}`);
    this.name = 'LocalCommandError';
  }
}

/**
 * Runs a program on this machine from an argv (no shell), as the lab does for ip, unshare and ssh-keygen.
 */
export function runLocal(argv: readonly string[], options: LocalCommandOptions = {}): Promise<LocalCommandResult> {
  const [program, ...args] = argv;
  if (program === undefined) throw new Error('runLocal needs a program');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(program, args, { stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = options.timeoutMs
      ? setTimeout(() => {
          stderr += `\n(killed after ${options.timeoutMs} ms)`;
          child.kill('SIGKILL');
        }, options.timeoutMs)
      : undefined;
    child.on('error', (error) => {
      if (timer) clearTimeout(timer);
      reject(new LocalCommandError(argv, 127, error.message));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const exitCode = code ?? (signal ? 128 : 1);
      if (exitCode === 0 || options.allowExitCodes?.includes(exitCode)) {
        resolvePromise({ stdout, stderr, exitCode });
      } else {
        reject(new LocalCommandError(argv, exitCode, stderr));
      }
    });
    if (child.stdin) {
      // A program that exits without reading its input is not an error of ours.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}

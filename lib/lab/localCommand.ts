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
  /** Ends the program (SIGTERM) when aborted; the promise then rejects as for any other exit. */
  readonly signal?: AbortSignal;
  /** Called with each whole line of standard output as it comes (long builds show their progress). */
  readonly onStdoutLine?: (line: string) => void;
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
    const child = spawn(program, args, { stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], signal: options.signal });
    let stdout = '';
    let stderr = '';
    let partialLine = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!options.onStdoutLine) return;
      const lines = (partialLine + chunk).split('\n');
      partialLine = lines.pop()!;
      for (const line of lines) options.onStdoutLine(line);
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = options.timeoutMs
      ? setTimeout(() => {
          stderr += `\n(killed after ${options.timeoutMs} ms)`;
          child.kill('SIGKILL');
        }, options.timeoutMs)
      : undefined;
    child.on('error', (error) => {
      if (timer) clearTimeout(timer);
      // An abort also arrives here (then 'close' follows, and the first settlement wins).
      reject(new LocalCommandError(argv, error.name === 'AbortError' ? 130 : 127, error.message));
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

/**
 * Processes seen from /proc, for tests that kill Terraform and check that what it started went with it
 * (its providers, an inventory server, a scratch libvirtd).
 */
import { readFileSync, readdirSync } from 'node:fs';

/** The parent pid in a /proc/PID/stat line (the field after the command, which may hold spaces and parentheses). */
function statFields(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Child processes of `pid` (the providers Terraform started, say). */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(entry)[1]) === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

/** Every process under `pid`: its children, theirs, and so on (a command an sshd connection started, say). */
export function descendantsOf(pid: number): number[] {
  const found: number[] = [];
  for (let next = childrenOf(pid); next.length > 0; next = next.flatMap(childrenOf)) found.push(...next);
  return found;
}

/** The command name of `pid` (/proc/PID/comm), or undefined once it is gone. */
export function commandName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Whether `pid` runs: it exists and is no zombie (one that exited but is not reaped yet is gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return statFields(pid)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * What a process is doing, for a failure message: its state, parent, threads, the CPU time it has used,
 * where the kernel has it waiting (wchan and, as root, its kernel stack), and its command line.
 */
export function describeProcess(pid: number): string {
  const read = (file: string): string => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, 'utf8');
    } catch (error) {
      return `(${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`;
    }
  };
  const status = read('status');
  const field = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '?';
  const stack = read('stack')
    .split('\n')
    .map((line) => line.replace(/^\[<[0-9a-f]+>\] /, '').trim())
    .filter(Boolean)
    .slice(0, 6)
    .join(' < ');
  // utime and stime, in USER_HZ (1/100 s on Linux): a busy process and a starved one look alike otherwise.
  let cpu = '?';
  try {
    const fields = statFields(pid);
    cpu = ((Number(fields[11]) + Number(fields[12])) / 100).toFixed(2);
  } catch {
    // gone
  }
  return (
    `pid ${pid}: state ${field('State')}, parent ${field('PPid')}, ${field('Threads')} threads, CPU ${cpu} s, wchan ${read('wchan') || '-'}, ` +
    `kernel stack ${stack || '-'}, command ${read('cmdline').split('\0').filter(Boolean).join(' ')}`
  );
}

/**
 * Waits up to `withinMs` for every one of `pids` to be gone, and returns what each one still running was
 * doing then (describeProcess), after killing it: a failing test leaves no provider writing into the next.
 */
export async function stragglersAfter(pids: readonly number[], withinMs: number): Promise<string[]> {
  const deadline = Date.now() + withinMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const stragglers = pids.filter(alive);
  const described = stragglers.map(describeProcess);
  for (const pid of stragglers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // It went after all, between the look and the kill: what it was doing is still the report.
    }
  }
  return described;
}

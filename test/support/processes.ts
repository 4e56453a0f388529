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

/** Whether `pid` runs: it exists and is no zombie (one that exited but is not reaped yet is gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return statFields(pid)[0] !== 'Z';
  } catch {
    return false;
  }
}

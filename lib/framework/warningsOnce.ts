/**
 * Each plan warning shown once per Terraform run. `terraform apply` plans (one provider process), shows
 * the plan with its warnings, then applies with a new provider process that plans every resource again
 * before changing it: without this, every warning of the plan was printed a second time at the end of
 * the apply. The provider processes of one run share their parent (the terraform process), so a warning
 * already given by an earlier process of the same parent is left out. What is remembered is a digest per
 * warning, in a small file per run in the temporary folder (not the user's data), removed with its run.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from './diagnostics.js';
import type { AnyResourceDefinition } from './resource.js';

const FOLDER = join(tmpdir(), 'terraform-provider-plan-warnings');

/** The run: the parent's pid and (on Linux) its start time, so a reused pid is another run. */
function runKey(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return `${pid}-${fields[19] ?? '0'}`;
  } catch {
    return `${pid}-0`;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function digestOf(scope: string, diagnostic: Diagnostic): string {
  return createHash('sha256')
    .update(JSON.stringify([scope, diagnostic.summary, diagnostic.detail, diagnostic.path ?? null]))
    .digest('hex')
    .slice(0, 32);
}

/** Files of runs whose terraform has ended. */
function sweep(): void {
  for (const file of readdirSync(FOLDER)) {
    const pid = Number(file.split('-')[0]);
    if (Number.isInteger(pid) && pid > 1 && !alive(pid)) rmSync(join(FOLDER, file), { force: true });
  }
}

/**
 * The diagnostics without the warnings an earlier provider process of this Terraform run already gave
 * (`scope`: the resource type, so equal texts of two types stay apart). Errors always pass. Never fails
 * a plan: without a usable temporary folder every warning is kept.
 */
export function warningsOncePerRun(
  scope: string,
  diagnostics: readonly Diagnostic[],
  parentPid: number = process.ppid,
  selfPid: number = process.pid,
): Diagnostic[] {
  if (!diagnostics.some((diagnostic) => diagnostic.severity === 'warning') || parentPid <= 1) return [...diagnostics];
  try {
    mkdirSync(FOLDER, { recursive: true, mode: 0o700 });
    const file = join(FOLDER, `${runKey(parentPid)}-${process.getuid?.() ?? 0}`);
    let shown: Set<string>;
    try {
      shown = new Set(readFileSync(file, 'utf8').split('\n'));
    } catch {
      shown = new Set();
      sweep();
    }
    const kept: Diagnostic[] = [];
    const fresh: string[] = [];
    for (const diagnostic of diagnostics) {
      if (diagnostic.severity !== 'warning') {
        kept.push(diagnostic);
        continue;
      }
      const digest = digestOf(scope, diagnostic);
      // Shown by another process of this run; a process keeps its own repeats (another resource's).
      if (shown.has(`${selfPid}:${digest}`) || !shown.has(digest)) kept.push(diagnostic);
      if (!shown.has(digest)) fresh.push(digest, `${selfPid}:${digest}`);
    }
    if (fresh.length > 0) appendFileSync(file, `${fresh.join('\n')}\n`, { mode: 0o600 });
    return kept;
  } catch {
    return [...diagnostics];
  }
}

/** The same resource, its plan's warnings shown once per Terraform run (see warningsOncePerRun). */
export function withWarningsOncePerRun<Ctx>(definition: AnyResourceDefinition<Ctx>): AnyResourceDefinition<Ctx> {
  const plan = definition.plan?.bind(definition);
  if (plan === undefined) return definition;
  return {
    ...definition,
    async plan(request) {
      const response = await plan(request);
      if (response?.diagnostics === undefined) return response;
      return { ...response, diagnostics: warningsOncePerRun(definition.typeName, response.diagnostics) };
    },
  } as AnyResourceDefinition<Ctx>;
}

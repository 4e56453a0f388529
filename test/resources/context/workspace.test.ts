/** The workspace token that marks what an apply of one Terraform workspace created (adoption is by it alone). */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { currentWorkspace, workspaceToken } from '../../../lib/resources/context/workspace.js';

const dirs: string[] = [];
async function dir(): Promise<string> {
  const made = await mkdtemp(join(tmpdir(), 'virtplane-ws-'));
  dirs.push(made);
  return made;
}

afterAll(async () => {
  for (const made of dirs) await rm(made, { recursive: true, force: true });
});

describe('workspace token', () => {
  it('is the same for the plan and apply processes of one workspace, and differs between directories', async () => {
    const [one, two] = [await dir(), await dir()];
    expect(currentWorkspace({}, one)).toEqual({ directory: one, workspace: 'default' });
    expect(workspaceToken(currentWorkspace({}, one))).toBe(workspaceToken(currentWorkspace({}, one)));
    expect(workspaceToken(currentWorkspace({}, one))).not.toBe(workspaceToken(currentWorkspace({}, two)));
    expect(workspaceToken(currentWorkspace({}, one))).toMatch(/^[0-9a-f]{32}$/);
  });

  it('follows the selected workspace: .terraform/environment, TF_DATA_DIR, TF_WORKSPACE', async () => {
    const here = await dir();
    const base = workspaceToken(currentWorkspace({}, here));
    await mkdir(join(here, '.terraform'));
    await writeFile(join(here, '.terraform', 'environment'), 'staging');
    expect(currentWorkspace({}, here).workspace).toBe('staging');
    const staging = workspaceToken(currentWorkspace({}, here));
    expect(staging).not.toBe(base);
    expect(currentWorkspace({ TF_WORKSPACE: 'prod' }, here).workspace).toBe('prod');
    await mkdir(join(here, 'data'));
    await writeFile(join(here, 'data', 'environment'), 'other');
    expect(currentWorkspace({ TF_DATA_DIR: 'data' }, here).workspace).toBe('other');
  });
});

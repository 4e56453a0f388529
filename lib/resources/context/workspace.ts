/**
 * Which Terraform workspace this provider process works for, as a token: what an apply writes into the
 * VMs it creates, so that only an apply of the same workspace adopts what an interrupted one left.
 *
 * Why a token in the domain and not a placement row 'reserved' for a plan id: Terraform gives a provider
 * no plan or workspace identity, and the plan and apply processes share nothing. The apply killed
 * between `define` and the state save may already have confirmed its placement ('placed'), so the row's
 * status cannot say whose the VM is; and the inventory can be lost or rebuilt, the hosts cannot. What is
 * stable across the plan, the apply and the next apply of one workspace is where Terraform runs (the
 * provider's cwd is the working directory; cdktf: cdktf.out/stacks/STACK) and the workspace selected
 * there (TF_WORKSPACE, or TF_DATA_DIR/.terraform's `environment` file, "default" when absent). The
 * token is a hash of those two: no path is written to the hosts, and another directory or another
 * workspace of the same directory gets another token, so it finds the VM "name taken", never adoptable.
 */
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface WorkspaceIdentity {
  readonly directory: string;
  readonly workspace: string;
}

export function currentWorkspace(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): WorkspaceIdentity {
  let directory = resolve(cwd);
  try {
    directory = realpathSync(directory);
  } catch {
    // keep the resolved path
  }
  let workspace = env.TF_WORKSPACE?.trim() ?? '';
  if (workspace === '') {
    const dataDir = env.TF_DATA_DIR ? resolve(cwd, env.TF_DATA_DIR) : join(cwd, '.terraform');
    try {
      workspace = readFileSync(join(dataDir, 'environment'), 'utf8').trim();
    } catch {
      workspace = '';
    }
  }
  return { directory, workspace: workspace === '' ? 'default' : workspace };
}

/** 32 hex digits of SHA-256 over the working directory and the workspace name. */
export function workspaceToken(identity: WorkspaceIdentity = currentWorkspace()): string {
  return createHash('sha256').update(`virtplane-workspace\0${identity.directory}\0${identity.workspace}`, 'utf8').digest('hex').slice(0, 32);
}

/**
 * Users, roles and permissions end to end with the real terraform, the suite's PostgreSQL and the two
 * states of examples/rbac: the administrator's state makes the users (database logins), the groups and
 * the permissions; the application team's state, connecting as its own login, is refused at plan with
 * the exact missing permit; a member of a group given DataCenterAdmin applies a cluster and the audit
 * log names them; a revoked permission refuses the next plan. Every refusal comes before any host is asked;
 * one diskless VM on the lab proves the team's own apply and destroy under the database's rules.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInventory, type Inventory } from '../../lib/inventory/index.js';
import { runCli } from '../support/cli.js';
import { useLab } from '../support/lab.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { REPO_ROOT, buildProvider, createTerraformWorkspace, type TerraformWorkspace } from '../support/terraform.js';

const alice = { name: 'alice', password: randomBytes(12).toString('base64url') };
const olivia = { name: 'olivia', password: randomBytes(12).toString('base64url') };
const suffix = randomBytes(3).toString('hex');

let server: PostgresServer;
let adminUrl: string;
let admin: Inventory;
const workspaces: TerraformWorkspace[] = [];

function urlAs(user: { name: string; password: string }): string {
  const url = new URL(adminUrl);
  url.username = user.name;
  url.password = user.password;
  return url.toString();
}

/** A workspace with one of examples/rbac's states (or `hcl`), its variables from the environment. */
async function workspace(
  env: Record<string, string>,
  source: { readonly example: 'platform' | 'team' } | { readonly hcl: string },
): Promise<TerraformWorkspace> {
  const tf = await createTerraformWorkspace({ entryPoint: await buildProvider(), env });
  workspaces.push(tf);
  if ('example' in source) await copyFile(join(REPO_ROOT, 'examples', 'rbac', source.example, 'main.tf'), join(tf.dir, 'main.tf'));
  else await tf.writeConfig(tf.requiredProviders() + source.hcl);
  await tf.init();
  return tf;
}

/** Terraform's diagnostics as one line: its box drawing and wrapping removed. */
const oneLine = (text: string): string => text.replace(/[\s│]+/g, ' ');

beforeAll(async () => {
  server = await startPostgres();
  adminUrl = await server.createDatabase(`rbac_${suffix}`);
  admin = await openInventory(adminUrl);
});

afterAll(async () => {
  for (const tf of workspaces) await tf.cleanup();
  await admin?.close();
  await server?.stop();
});

describe('users, roles and permissions through terraform (examples/rbac)', () => {
  let platformTf: TerraformWorkspace;
  let teamTf: TerraformWorkspace;
  let platformEnv: { readonly env: Record<string, string> } = { env: {} };

  it("the administrator's apply makes the logins, the groups and the permissions; a second plan is empty", async () => {
    platformTf = await workspace(
      { TF_VAR_inventory: adminUrl, TF_VAR_alice_password: alice.password, TF_VAR_olivia_password: olivia.password },
      { example: 'platform' },
    );
    await platformTf.apply();
    await platformTf.expectEmptyPlan();
    expect((await admin.users.list()).map((user) => user.name)).toEqual(['alice', 'olivia']);
    const apps = (await platformTf.stateAttributes('virtplane_cluster', 'apps')).id as string;
    expect(await admin.access.permitted('alice', 'vm.create', { type: 'cluster', id: apps })).toBe(true);
    // The password is nowhere in the inventory (the audit keeps only that one was set).
    const entries = await admin.audit.list({ resourceType: 'virtplane_user' });
    expect(JSON.stringify(entries)).not.toContain(alice.password);
    expect(entries.map((entry) => entry.actor)).toEqual(['postgres', 'postgres']);
  });

  it("refuses the team's VM in a cluster where its login holds no role, at plan, naming exactly what is missing", async () => {
    teamTf = await workspace({ TF_VAR_inventory: urlAs(alice) }, { example: 'team' });
    const { result } = await teamTf.plan(['-var', 'cluster=main'], { allowFailure: true });
    expect(result.exitCode).toBe(1);
    const output = oneLine(result.stderr);
    expect(output).toContain('Error: Permission denied with virtplane_vm.web');
    expect(output).toContain(
      'alice lacks vm.create on cluster main: their roles are Auditor on data center Default (through group apps_team), UserVmManager on cluster apps (through group apps_team).',
    );
  });

  it('lets the same VM past the permission check in the cluster where the team is UserVmManager', async () => {
    const { result } = await teamTf.plan([], { allowFailure: true });
    // The example's cluster has no host without a lab: a refusal of its own, not of permissions.
    expect(result.stdout + result.stderr).not.toContain('Permission denied');
  });

  it('on the lab: the team applies its VM in cluster apps as its own login, and destroys it; the audit names the login', async () => {
    const { lab } = await useLab();
    const labFile = join(platformTf.root, 'lab.json');
    await writeFile(labFile, JSON.stringify(lab));
    // From now on the platform has hosts, which its every plan reads over SSH.
    platformEnv = { env: { TF_VAR_lab_file: labFile } };
    await platformTf.apply([], platformEnv);
    const team = { env: { TF_VAR_ssh_private_key_file: lab.sshPrivateKeyFile } };
    await teamTf.apply([], team);
    const { hasChanges } = await teamTf.plan([], team);
    expect(hasChanges).toBe(false);
    const vm = await teamTf.stateAttributes('virtplane_vm', 'web');
    const apps = (await platformTf.stateAttributes('virtplane_cluster', 'apps')).id as string;
    expect((await admin.vmPlacements.get(vm.id as string))?.clusterId).toBe(apps);
    expect((await admin.audit.list({ resourceType: 'virtplane_vm', resourceId: vm.id as string }))[0]).toMatchObject({ actor: 'alice', action: 'create' });
    await teamTf.destroy(team);
    expect(await admin.vmPlacements.get(vm.id as string)).toBeUndefined();
    expect((await admin.audit.list({ resourceType: 'virtplane_vm', resourceId: vm.id as string }))[0]).toMatchObject({ actor: 'alice', action: 'delete' });
  });

  it('a member of a group given DataCenterAdmin applies a cluster in the data center; the audit names that login', async () => {
    const oliviaTf = await workspace(
      {},
      {
        hcl: `
provider "virtplane" {
  inventory = ${JSON.stringify(urlAs(olivia))}
}
data "virtplane_datacenter" "dc" {
  name = "Default"
}
resource "virtplane_cluster" "batch" {
  name          = "batch"
  datacenter_id = data.virtplane_datacenter.dc.id
}
`,
      },
    );
    await oliviaTf.apply();
    await oliviaTf.expectEmptyPlan();
    const [created] = await admin.audit.list({ resourceType: 'virtplane_cluster', actor: 'olivia' });
    expect(created).toMatchObject({ actor: 'olivia', action: 'create', resourceName: 'batch' });
    await oliviaTf.destroy();
    expect((await admin.audit.list({ resourceType: 'virtplane_cluster', actor: 'olivia' }))[0]).toMatchObject({ action: 'delete', resourceName: 'batch' });

    const listing = runCli(['audit', '--inventory', adminUrl, '--user', 'olivia']);
    expect(listing.status).toBe(0);
    expect(listing.stdout).toMatch(/olivia\s+delete\s+virtplane_cluster\s+batch/);
    expect(listing.stdout).toMatch(/olivia\s+create\s+virtplane_cluster\s+batch/);
    expect(listing.stdout).not.toContain('postgres');
  });

  it('a revoked permission refuses the very next plan', async () => {
    await platformTf.apply(['-var', 'grant_apps_team=false'], platformEnv);
    const { result } = await teamTf.plan([], { allowFailure: true });
    expect(result.exitCode).toBe(1);
    expect(oneLine(result.stderr)).toContain(
      'alice lacks vm.create on cluster apps: their roles are Auditor on data center Default (through group apps_team).',
    );
  });

  it("the administrator's destroy removes the users and their logins", async () => {
    await platformTf.destroy(platformEnv);
    expect(await admin.users.list()).toEqual([]);
    const sql = new pg.Client({ connectionString: adminUrl });
    await sql.connect();
    try {
      const { rows } = await sql.query('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [['alice', 'olivia']]);
      expect(rows).toEqual([]);
    } finally {
      await sql.end();
    }
  });
});

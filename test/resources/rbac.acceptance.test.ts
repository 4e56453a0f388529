/**
 * Users, roles and permissions end to end with the real terraform and the suite's PostgreSQL: the
 * administrator's state makes the users (database logins), a group and the permissions; an application
 * team's state, connecting as its own login, is refused at plan with the exact missing permit; a member
 * of a group given DataCenterAdmin applies a cluster and the audit log names them; a revoked permission
 * refuses the next plan. No lab host is needed: every refusal comes before any host is asked.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInventory, type Inventory } from '../../lib/inventory/index.js';
import { runCli } from '../support/cli.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { buildProvider, createTerraformWorkspace, type TerraformWorkspace } from '../support/terraform.js';

const suffix = randomBytes(3).toString('hex');
const alice = { name: `alice_${suffix}`, password: randomBytes(12).toString('base64url') };
const bob = { name: `bob_${suffix}`, password: randomBytes(12).toString('base64url') };

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

async function workspace(inventory: string, hcl: string): Promise<TerraformWorkspace> {
  const tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  workspaces.push(tf);
  await tf.writeConfig(`${tf.requiredProviders()}provider "virtplane" {\n  inventory = ${JSON.stringify(inventory)}\n}\n${hcl}`);
  await tf.init();
  return tf;
}

/** The platform state: data center, two clusters, two users, a group, and who holds what. */
function platform(options: { readonly aliceGrant: boolean }): string {
  return `
resource "virtplane_datacenter" "dc" {
  name = "Default"
}
resource "virtplane_cluster" "main" {
  name          = "main"
  datacenter_id = virtplane_datacenter.dc.id
}
resource "virtplane_cluster" "apps" {
  name          = "apps"
  datacenter_id = virtplane_datacenter.dc.id
}
resource "virtplane_user" "alice" {
  name     = "${alice.name}"
  password = "${alice.password}"
}
resource "virtplane_user" "bob" {
  name     = "${bob.name}"
  password = "${bob.password}"
}
resource "virtplane_group" "ops" {
  name       = "ops"
  member_ids = [virtplane_user.bob.id]
}
data "virtplane_role" "user_vm_manager" {
  name = "UserVmManager"
}
data "virtplane_role" "auditor" {
  name = "Auditor"
}
data "virtplane_role" "datacenter_admin" {
  name = "DataCenterAdmin"
}
resource "virtplane_permission" "ops_dc" {
  group_id    = virtplane_group.ops.id
  role_id     = data.virtplane_role.datacenter_admin.id
  object_type = "datacenter"
  object_id   = virtplane_datacenter.dc.id
}
resource "virtplane_permission" "alice_reads" {
  user_id     = virtplane_user.alice.id
  role_id     = data.virtplane_role.auditor.id
  object_type = "datacenter"
  object_id   = virtplane_datacenter.dc.id
}
${
  options.aliceGrant
    ? `resource "virtplane_permission" "alice_apps" {
  user_id     = virtplane_user.alice.id
  role_id     = data.virtplane_role.user_vm_manager.id
  object_type = "cluster"
  object_id   = virtplane_cluster.apps.id
}`
    : ''
}
`;
}

/** The application team's state: one VM in a cluster of the platform, found by name. */
function teamVm(cluster: string): string {
  return `
data "virtplane_datacenter" "dc" {
  name = "Default"
}
data "virtplane_cluster" "target" {
  name          = "${cluster}"
  datacenter_id = data.virtplane_datacenter.dc.id
}
resource "virtplane_vm" "web" {
  name       = "web"
  cluster_id = data.virtplane_cluster.target.id
  memory_mib = 32
  running    = false
  graphics   = "none"
}
`;
}

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

describe('users, roles and permissions through terraform', () => {
  let platformTf: TerraformWorkspace;
  let aliceTf: TerraformWorkspace;

  it("the administrator's apply makes the logins, the group and the permissions; a second plan is empty", async () => {
    platformTf = await workspace(adminUrl, platform({ aliceGrant: true }));
    await platformTf.apply();
    await platformTf.expectEmptyPlan();
    expect((await admin.users.list()).map((user) => user.name).sort()).toEqual([alice.name, bob.name].sort());
    expect(await admin.access.permitted(alice.name, 'vm.create', { type: 'cluster', id: (await platformTf.stateAttributes('virtplane_cluster', 'apps')).id as string })).toBe(true);
    // The password is nowhere in the inventory (the audit keeps only that one was set).
    const entries = await admin.audit.list({ resourceType: 'virtplane_user' });
    expect(JSON.stringify(entries)).not.toContain(alice.password);
    expect(entries.map((entry) => entry.actor)).toEqual(['postgres', 'postgres']);
  });

  it("refuses the team's VM in a cluster where its login holds no role, at plan, naming exactly what is missing", async () => {
    aliceTf = await workspace(urlAs(alice), teamVm('main'));
    const { result } = await aliceTf.plan([], { allowFailure: true });
    expect(result.exitCode).toBe(1);
    const output = result.stderr.replace(/[\s│]+/g, ' ');
    expect(output).toContain('Permission denied');
    expect(output).toContain(`${alice.name} lacks vm.create on cluster main: their roles are Auditor on data center Default, UserVmManager on cluster apps.`);
    expect(output).toContain('with virtplane_vm.web');
  });

  it('lets the same VM past the permission check in the cluster where the login is UserVmManager', async () => {
    await aliceTf.writeConfig(`${aliceTf.requiredProviders()}provider "virtplane" {\n  inventory = ${JSON.stringify(urlAs(alice))}\n}\n${teamVm('apps')}`);
    const { result } = await aliceTf.plan([], { allowFailure: true });
    // The cluster has no host to place it on: a refusal of its own, not of permissions.
    expect(result.stdout + result.stderr).not.toContain('Permission denied');
  });

  it('a member of a group given DataCenterAdmin applies a cluster in the data center; the audit names that login', async () => {
    const bobTf = await workspace(
      urlAs(bob),
      `
data "virtplane_datacenter" "dc" {
  name = "Default"
}
resource "virtplane_cluster" "bobs" {
  name          = "bobs"
  datacenter_id = data.virtplane_datacenter.dc.id
}
`,
    );
    await bobTf.apply();
    await bobTf.expectEmptyPlan();
    const [created] = await admin.audit.list({ resourceType: 'virtplane_cluster', actor: bob.name });
    expect(created).toMatchObject({ actor: bob.name, action: 'create', resourceName: 'bobs' });
    await bobTf.destroy();
    expect((await admin.audit.list({ resourceType: 'virtplane_cluster', actor: bob.name }))[0]).toMatchObject({ action: 'delete', resourceName: 'bobs' });

    const listing = runCli(['audit', '--inventory', adminUrl, '--user', bob.name]);
    expect(listing.status).toBe(0);
    expect(listing.stdout).toMatch(new RegExp(`${bob.name}\\s+delete\\s+virtplane_cluster\\s+bobs`));
    expect(listing.stdout).toMatch(new RegExp(`${bob.name}\\s+create\\s+virtplane_cluster\\s+bobs`));
    expect(listing.stdout).not.toContain('postgres');
  });

  it('a revoked permission refuses the very next plan', async () => {
    await platformTf.writeConfig(
      `${platformTf.requiredProviders()}provider "virtplane" {\n  inventory = ${JSON.stringify(adminUrl)}\n}\n${platform({ aliceGrant: false })}`,
    );
    await platformTf.apply();
    const { result } = await aliceTf.plan([], { allowFailure: true });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.replace(/[\s│]+/g, ' ')).toContain(`${alice.name} lacks vm.create on cluster apps: their roles are Auditor on data center Default.`);
  });

  it("the administrator's destroy removes the users and their logins", async () => {
    await platformTf.destroy();
    expect(await admin.users.list()).toEqual([]);
    const sql = new pg.Client({ connectionString: adminUrl });
    await sql.connect();
    try {
      const { rows } = await sql.query('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [[alice.name, bob.name]]);
      expect(rows).toEqual([]);
    } finally {
      await sql.end();
    }
  });
});

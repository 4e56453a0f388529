/**
 * Users, groups, roles and permissions enforced by PostgreSQL (migration 0006): two real logins of the
 * suite's PostgreSQL server, hand-written SQL refused by row-level security and grants, inheritance down
 * the object tree, revocation effective at once, and an audit log that names the acting login only.
 * Embedded: the built-in roles exist and PGlite's single user is the administrator.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  BUILTIN_ROLE_IDS,
  InvalidValueError,
  PERMIT_NAMES,
  openInventory,
  type Cluster,
  type Datacenter,
  type Host,
  type Inventory,
} from '../../lib/inventory/index.js';
import { BACKENDS, unique, useBackendLocations } from './backends.js';

const locations = useBackendLocations();

/** A login name (lower case, digits, _) no other test of the server uses. */
function loginName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** The same database, as another login. */
function asLogin(adminUrl: string, login: string, password: string): string {
  const url = new URL(adminUrl);
  url.username = login;
  url.password = password;
  return url.toString();
}

describe.each(BACKENDS)('built-in roles on %s', (backend) => {
  it('are the six of the code, with their fixed ids and known permits, and cannot be changed', async () => {
    const inventory = await locations.open(backend);
    const builtin = (await inventory.roles.list()).filter((role) => role.builtin);
    expect(Object.fromEntries(builtin.map((role) => [role.name, role.id]))).toEqual(BUILTIN_ROLE_IDS);
    for (const role of builtin) expect(PERMIT_NAMES).toEqual(expect.arrayContaining([...role.permits]));
    expect(builtin.find((role) => role.name === 'SuperUser')?.permits).toEqual(PERMIT_NAMES);
    expect(builtin.find((role) => role.name === 'Auditor')?.permits).toEqual([]);
    await expect(inventory.roles.update(BUILTIN_ROLE_IDS.UserVmManager, { permits: ['vm.create'] })).rejects.toBeInstanceOf(InvalidValueError);
    await expect(inventory.roles.create({ name: unique('Bad'), permits: ['vm.fly'] })).rejects.toBeInstanceOf(InvalidValueError);
    expect(await inventory.access.identity()).toMatchObject({ administrator: true });
  });
});

describe('permissions enforced by PostgreSQL', () => {
  let adminUrl: string;
  let admin: Inventory;
  let dc: Datacenter;
  let clusterA: Cluster;
  let clusterB: Cluster;
  let hostA: Host;
  let hostA2: Host;
  let hostB: Host;
  const alice = { name: loginName('alice'), password: randomBytes(12).toString('base64url'), id: '' };
  const bob = { name: loginName('bob'), password: randomBytes(12).toString('base64url'), id: '' };
  let aliceGrant: string;
  const clients: pg.Client[] = [];
  const inventories: Inventory[] = [];

  async function sqlAs(user: { name: string; password: string }): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: asLogin(adminUrl, user.name, user.password) });
    await client.connect();
    clients.push(client);
    return client;
  }

  async function inventoryAs(user: { name: string; password: string }): Promise<Inventory> {
    const inventory = await openInventory(asLogin(adminUrl, user.name, user.password));
    inventories.push(inventory);
    return inventory;
  }

  async function placedVm(cluster: Cluster, host: Host, name: string): Promise<string> {
    const vmId = randomUUID();
    await admin.vmPlacements.register({ vmId, name, clusterId: cluster.id, hostId: host.id, vcpus: 1, memoryMib: 32 });
    return vmId;
  }

  beforeAll(async () => {
    adminUrl = await locations.fresh('postgres');
    admin = await openInventory(adminUrl);
    dc = await admin.datacenters.create({ name: unique('dc') });
    clusterA = await admin.clusters.create({ datacenterId: dc.id, name: 'apps' });
    clusterB = await admin.clusters.create({ datacenterId: dc.id, name: 'main' });
    const facts = { cpus: 4, memoryMib: 4096, kvm: true, libvirtVersion: '9.0.0' };
    hostA = await admin.hosts.create({ clusterId: clusterA.id, name: unique('kvm'), address: '192.0.2.1', hostKey: 'k' });
    hostA2 = await admin.hosts.create({ clusterId: clusterA.id, name: unique('kvm'), address: '192.0.2.3', hostKey: 'k' });
    hostB = await admin.hosts.create({ clusterId: clusterB.id, name: unique('kvm'), address: '192.0.2.2', hostKey: 'k' });
    for (const host of [hostA, hostA2, hostB]) await admin.hosts.recordFacts(host.id, facts);
    for (const user of [alice, bob]) {
      user.id = (await admin.users.create({ name: user.name })).id;
      await admin.access.ensureLogin(user.name, user.password);
    }
    aliceGrant = (await admin.permissions.grant({ userId: alice.id, roleId: BUILTIN_ROLE_IDS.UserVmManager, object: { type: 'cluster', id: clusterA.id } })).id;
  });

  afterAll(async () => {
    for (const client of clients) await client.end().catch(() => undefined);
    for (const inventory of inventories) await inventory.close();
    for (const user of [alice, bob]) await admin.access.dropLogin(user.name).catch(() => undefined);
    await admin.close();
  });

  it('gives each login its own identity; only the owner is the administrator; a login with no role reads nothing', async () => {
    const asAlice = await inventoryAs(alice);
    const asBob = await inventoryAs(bob);
    expect(await admin.access.identity()).toEqual({ login: 'postgres', administrator: true });
    expect(await asAlice.access.identity()).toEqual({ login: alice.name, administrator: false });
    expect(await asBob.access.identity()).toEqual({ login: bob.name, administrator: false });
    expect((await asAlice.clusters.list()).map((cluster) => cluster.name).sort()).toEqual(['apps', 'main']);
    expect(await asBob.clusters.list()).toEqual([]);
    expect(await asAlice.access.heldRoles(alice.name)).toEqual([
      {
        roleName: 'UserVmManager',
        permits: expect.arrayContaining(['vm.create']),
        objectType: 'cluster',
        objectId: clusterA.id,
        objectName: 'apps',
        viaGroup: null,
      },
    ]);
  });

  it('refuses hand-written SQL outside what the roles allow (row-level security, grants, triggers)', async () => {
    const sql = await sqlAs(alice);
    const insertVm = (cluster: Cluster, host: Host, name: string) =>
      sql.query(`INSERT INTO vm_placements (vm_id, name, cluster_id, host_id, vcpus, memory_mib, status) VALUES ($1, $2, $3, $4, 1, 32, 'placed')`, [
        randomUUID(),
        name,
        cluster.id,
        host.id,
      ]);
    await expect(insertVm(clusterB, hostB, 'sneaky')).rejects.toThrow(/row-level security policy for table "vm_placements"/);
    await insertVm(clusterA, hostA, 'allowed');

    const othersVm = await placedVm(clusterB, hostB, 'db');
    expect((await sql.query('DELETE FROM vm_placements WHERE vm_id = $1', [othersVm])).rowCount).toBe(0);
    expect(await admin.vmPlacements.get(othersVm)).toBeDefined();

    // UserVmManager may not migrate, even its own VM.
    const ownVm = await placedVm(clusterA, hostA, 'web');
    await expect(sql.query('UPDATE vm_placements SET host_id = $2 WHERE vm_id = $1', [ownVm, hostA2.id])).rejects.toThrow(
      `${alice.name} lacks vm.migrate on VM web`,
    );
    await sql.query('UPDATE vm_placements SET memory_mib = 64 WHERE vm_id = $1', [ownVm]);
    expect((await sql.query('DELETE FROM vm_placements WHERE vm_id = $1', [ownVm])).rowCount).toBe(1);

    // No way up: no grant to oneself, no change of a built-in role, no new data center, no engine tables.
    await expect(
      sql.query(`INSERT INTO permissions (id, user_id, role_id, object_type) VALUES ($1, $2, $3, 'system')`, [
        randomUUID(),
        alice.id,
        BUILTIN_ROLE_IDS.SuperUser,
      ]),
    ).rejects.toThrow(/row-level security/);
    await expect(sql.query(`UPDATE roles SET permits = permits || '{vm.migrate}' WHERE name = 'UserVmManager'`)).resolves.toMatchObject({ rowCount: 0 });
    await expect(sql.query(`INSERT INTO datacenters (id, name) VALUES ($1, 'mine')`, [randomUUID()])).rejects.toThrow(/row-level security/);
    await expect(sql.query(`DELETE FROM host_statistics`)).rejects.toThrow(/permission denied/);
    await expect(sql.query(`ALTER TABLE vm_placements DISABLE ROW LEVEL SECURITY`)).rejects.toThrow(/must be owner/);
    await expect(sql.query(`CREATE TABLE mine (x int)`)).rejects.toThrow(/permission denied/);
  });

  it('the repositories, as the provider uses them, reserve and confirm in an allowed cluster and are refused elsewhere', async () => {
    const asAlice = await inventoryAs(alice);
    const vmId = randomUUID();
    await asAlice.vmPlacements.reserve({ vmId, name: 'reserved', clusterId: clusterA.id, hostId: hostA.id, vcpus: 1, memoryMib: 32 });
    expect((await asAlice.vmPlacements.confirm(vmId)).status).toBe('placed');
    await expect(asAlice.clusters.create({ datacenterId: dc.id, name: 'mine' })).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(
      asAlice.vmPlacements.reserve({ vmId: randomUUID(), name: 'elsewhere', clusterId: clusterB.id, hostId: hostB.id, vcpus: 1, memoryMib: 32 }),
    ).rejects.toThrow(/row-level security/);
  });

  it('inherits down the tree: a group given DataCenterAdmin on the data center may migrate and delete a VM of any of its clusters', async () => {
    const ops = await admin.groups.create({ name: unique('ops'), memberIds: [bob.id] });
    const grant = await admin.permissions.grant({ groupId: ops.id, roleId: BUILTIN_ROLE_IDS.DataCenterAdmin, object: { type: 'datacenter', id: dc.id } });
    const asBob = await inventoryAs(bob);
    const vmId = await placedVm(clusterA, hostA, 'cache');
    expect(await asBob.access.permitted(bob.name, 'vm.migrate', { type: 'vm', id: vmId })).toBe(true);
    expect(await asBob.access.permitted(bob.name, 'user.manage', { type: 'system' })).toBe(false);
    expect((await asBob.access.heldRoles(bob.name))[0]).toMatchObject({ roleName: 'DataCenterAdmin', objectName: dc.name, viaGroup: ops.name });
    const sql = await sqlAs(bob);
    expect((await sql.query('UPDATE vm_placements SET host_id = $2 WHERE vm_id = $1', [vmId, hostA2.id])).rowCount).toBe(1);
    expect((await sql.query('DELETE FROM vm_placements WHERE vm_id = $1', [vmId])).rowCount).toBe(1);
    // Out of the group, out of the role.
    await admin.groups.update(ops.id, { memberIds: [] });
    expect(await asBob.access.permitted(bob.name, 'vm.delete', { type: 'cluster', id: clusterA.id })).toBe(false);
    await admin.permissions.revoke(grant.id);
  });

  it('a revoked permission is gone for the very next statement', async () => {
    const sql = await sqlAs(alice);
    expect(await admin.access.permitted(alice.name, 'vm.create', { type: 'cluster', id: clusterA.id })).toBe(true);
    expect(await admin.permissions.revoke(aliceGrant)).toBe(true);
    expect(await admin.access.permitted(alice.name, 'vm.create', { type: 'cluster', id: clusterA.id })).toBe(false);
    await expect(
      sql.query(`INSERT INTO vm_placements (vm_id, name, cluster_id, host_id, vcpus, memory_mib, status) VALUES ($1, 'late', $2, $3, 1, 32, 'placed')`, [
        randomUUID(),
        clusterA.id,
        hostA.id,
      ]),
    ).rejects.toThrow(/row-level security/);
    aliceGrant = (await admin.permissions.grant({ userId: alice.id, roleId: BUILTIN_ROLE_IDS.UserVmManager, object: { type: 'cluster', id: clusterA.id } })).id;
  });

  it('the audit log takes entries under the acting login only, and nobody but the administrator rewrites it', async () => {
    const sql = await sqlAs(alice);
    const insert = (actor: string) => sql.query(`INSERT INTO audit_log (actor, resource_type, action) VALUES ($1, 'virtplane_vm', 'create')`, [actor]);
    await expect(insert('postgres')).rejects.toThrow(/row-level security policy for table "audit_log"/);
    await insert(alice.name);
    await expect(sql.query('DELETE FROM audit_log')).rejects.toThrow(/permission denied/);
    await expect(sql.query(`UPDATE audit_log SET actor = 'someone'`)).rejects.toThrow(/permission denied/);
    expect((await admin.audit.list({ actor: alice.name }))[0]).toMatchObject({ resourceType: 'virtplane_vm', action: 'create' });
  });

  it('a login holds its password as a SCRAM verifier only, and a dropped user can no longer connect', async () => {
    const adminSql = new pg.Client({ connectionString: adminUrl });
    await adminSql.connect();
    clients.push(adminSql);
    const { rows } = await adminSql.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [alice.name]);
    expect(rows[0]?.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);
    const carol = { name: loginName('carol'), password: randomBytes(12).toString('base64url') };
    await admin.access.ensureLogin(carol.name, carol.password);
    const probe = await sqlAs(carol);
    expect((await probe.query('SELECT current_user AS login')).rows[0]?.login).toBe(carol.name);
    await probe.end();
    clients.splice(clients.indexOf(probe), 1);
    await admin.access.dropLogin(carol.name);
    await expect(sqlAs(carol)).rejects.toThrow(/password authentication failed|does not exist/);
  });
});

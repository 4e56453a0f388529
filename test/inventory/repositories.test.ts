import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConflictError,
  InUseError,
  InvalidValueError,
  LATEST_SCHEMA_VERSION,
  NameTakenError,
  NotFoundError,
  type Cluster,
  type Datacenter,
  type Inventory,
  type PermissionObject,
} from '../../lib/inventory/index.js';
import { BACKENDS, unique, useBackendLocations } from './backends.js';

const locations = useBackendLocations();

describe.each(BACKENDS)('inventory repositories on %s', (backend) => {
  let inventory: Inventory;
  beforeAll(async () => {
    inventory = await locations.open(backend);
  });

  async function datacenter(): Promise<Datacenter> {
    return inventory.datacenters.create({ name: unique('dc') });
  }

  async function cluster(datacenterId?: string): Promise<Cluster> {
    return inventory.clusters.create({ datacenterId: datacenterId ?? (await datacenter()).id, name: unique('cluster') });
  }

  it('reports which backend it is', () => {
    expect(inventory.backend).toBe(backend);
    expect(inventory.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
  });

  it('creates, reads, updates, lists and deletes data centers', async () => {
    const name = unique('dc');
    const created = await inventory.datacenters.create({ name, description: 'first' });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created).toMatchObject({ name, description: 'first', storageType: 'shared' });
    expect(created.createdAt).toBeInstanceOf(Date);

    expect(await inventory.datacenters.get(created.id)).toEqual(created);
    expect(await inventory.datacenters.getByName(name)).toEqual(created);
    expect(await inventory.datacenters.get('not-a-uuid')).toBeUndefined();

    const updated = await inventory.datacenters.update(created.id, { description: 'second', storageType: 'local' });
    expect(updated).toMatchObject({ id: created.id, name, description: 'second', storageType: 'local' });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
    expect((await inventory.datacenters.list()).map((row) => row.id)).toContain(created.id);

    await inventory.datacenters.delete(created.id);
    expect(await inventory.datacenters.get(created.id)).toBeUndefined();
    await expect(inventory.datacenters.delete(created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(inventory.datacenters.update(created.id, { description: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(inventory.datacenters.require(created.id)).rejects.toThrow(/No data center/);
  });

  it('keeps the workspace mark a row was created with: an update, an upsert or a disk re-registration without one leaves it', async () => {
    const dc = await inventory.datacenters.create({ name: unique('dc'), createdByWorkspace: 'a'.repeat(32) });
    expect(dc.createdByWorkspace).toBe('a'.repeat(32));
    expect((await inventory.datacenters.update(dc.id, { description: 'changed' })).createdByWorkspace).toBe('a'.repeat(32));
    expect((await inventory.datacenters.upsert({ id: dc.id, name: dc.name, description: 'rebuilt' })).createdByWorkspace).toBe('a'.repeat(32));
    expect((await inventory.datacenters.create({ name: unique('dc') })).createdByWorkspace).toBeNull();
    const group = await inventory.affinityGroups.create({ clusterId: (await cluster(dc.id)).id, name: unique('group'), createdByWorkspace: 'b'.repeat(32) });
    expect(group.createdByWorkspace).toBe('b'.repeat(32));
    expect((await inventory.affinityGroups.upsert({ id: group.id, clusterId: group.clusterId, name: group.name })).createdByWorkspace).toBe('b'.repeat(32));
    const domain = await inventory.storageDomains.create({
      datacenterId: dc.id,
      name: unique('sd'),
      type: 'dir',
      path: '/srv/x',
      createdByWorkspace: 'c'.repeat(32),
    });
    expect(domain.createdByWorkspace).toBe('c'.repeat(32));
    const disk = { id: `${domain.id}/data.qcow2`, storageDomainId: domain.id, name: 'data', shareable: false, deletionProtection: false };
    expect((await inventory.disks.upsert({ ...disk, createdByWorkspace: 'd'.repeat(32) })).createdByWorkspace).toBe('d'.repeat(32));
    expect((await inventory.disks.upsert({ ...disk, deletionProtection: true })).createdByWorkspace).toBe('d'.repeat(32));
    expect((await inventory.disks.upsert({ ...disk, createdByWorkspace: 'e'.repeat(32) })).createdByWorkspace).toBe('d'.repeat(32));
  });

  it('keeps an id the caller gives, and refuses it twice', async () => {
    const id = randomUUID();
    const created = await inventory.datacenters.create({ id, name: unique('dc') });
    expect(created.id).toBe(id);
    const again = inventory.datacenters.create({ id, name: unique('dc') });
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    await expect(again).rejects.not.toBeInstanceOf(NameTakenError);
  });

  it('enforces unique names per scope with NameTakenError', async () => {
    const first = await datacenter();
    const duplicate = await inventory.datacenters.create({ name: first.name }).catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(NameTakenError);
    expect(duplicate).toMatchObject({ kind: 'datacenter', takenName: first.name, scope: '', constraint: 'datacenters_name_unique' });

    const second = await datacenter();
    const name = unique('cluster');
    await inventory.clusters.create({ datacenterId: first.id, name });
    // The same cluster name is fine in another data center...
    await expect(inventory.clusters.create({ datacenterId: second.id, name })).resolves.toMatchObject({ name });
    // ...but not twice in one, nor by renaming another cluster onto it.
    const clash = await inventory.clusters.create({ datacenterId: first.id, name }).catch((error: unknown) => error);
    expect(clash).toBeInstanceOf(NameTakenError);
    expect((clash as Error).message).toContain('in this data center');
    const other = await inventory.clusters.create({ datacenterId: first.id, name: unique('cluster') });
    await expect(inventory.clusters.update(other.id, { name })).rejects.toBeInstanceOf(NameTakenError);
  });

  it('refuses to delete what is still referenced, with InUseError', async () => {
    const dc = await datacenter();
    const cl = await cluster(dc.id);
    const host = await inventory.hosts.create({ clusterId: cl.id, name: unique('kvm'), address: unique('10.0.0'), hostKey: 'ssh-ed25519 AAAAkey' });

    const dcInUse = await inventory.datacenters.delete(dc.id).catch((error: unknown) => error);
    expect(dcInUse).toBeInstanceOf(InUseError);
    expect(dcInUse).toMatchObject({ kind: 'datacenter', id: dc.id, usedBy: 'clusters' });
    const clusterInUse = await inventory.clusters.delete(cl.id).catch((error: unknown) => error);
    expect(clusterInUse).toMatchObject({ kind: 'cluster', usedBy: 'hosts' });

    await inventory.hosts.recordFacts(host.id, { cpus: 2, memoryMib: 2048, kvm: true, libvirtVersion: '9.0.0' });
    const vm = await inventory.vmPlacements.reserve({ name: 'vm1', clusterId: cl.id, hostId: host.id, vcpus: 1, memoryMib: 64 });
    await expect(inventory.hosts.delete(host.id)).rejects.toMatchObject({ name: 'InUseError', usedBy: 'VMs' });

    // Still there after the refusals; then deletable child first.
    expect(await inventory.clusters.get(cl.id)).toBeDefined();
    expect(await inventory.vmPlacements.release(vm.vmId)).toBe(true);
    await inventory.hosts.delete(host.id);
    await inventory.clusters.delete(cl.id);
    await inventory.datacenters.delete(dc.id);
    expect(await inventory.datacenters.get(dc.id)).toBeUndefined();
  });

  it('names the missing parent with NotFoundError', async () => {
    const missing = randomUUID();
    const error = await inventory.clusters.create({ datacenterId: missing, name: unique('cluster') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ kind: 'datacenter', key: missing });
  });

  it('rejects values the schema forbids with InvalidValueError', async () => {
    const dc = await datacenter();
    const cases: Array<() => Promise<unknown>> = [
      () => inventory.clusters.create({ datacenterId: dc.id, name: unique('c'), memoryOvercommitPercent: 0 }),
      // A value outside the union type, as a user's config could carry it.
      () => inventory.clusters.create({ datacenterId: dc.id, name: unique('c'), schedulingPolicy: 'random' as 'none' }),
      () => inventory.networks.create({ datacenterId: dc.id, name: unique('n'), mode: 'nat', vlanId: 5000 }),
      () => inventory.networks.create({ datacenterId: dc.id, name: unique('n'), mode: 'bridge' }),
      () => inventory.networks.create({ datacenterId: dc.id, name: unique('n'), mode: 'nat', cidr: '10.0.0.0/33' }),
      () => inventory.storageDomains.create({ datacenterId: dc.id, name: unique('sd'), type: 'iscsi' }),
      () => inventory.storageDomains.create({ datacenterId: dc.id, name: unique('sd'), type: 'dir' }),
      () => inventory.datacenters.create({ name: '  ' }),
      () => inventory.datacenters.create({ id: 'not-a-uuid', name: unique('dc') }),
    ];
    for (const attempt of cases) await expect(attempt()).rejects.toBeInstanceOf(InvalidValueError);
    expect(await inventory.networks.list(dc.id)).toEqual([]);
  });

  it('keeps hosts with their pinned key, defaults and last facts', async () => {
    const cl = await cluster();
    const address = unique('192.0.2');
    const host = await inventory.hosts.create({ clusterId: cl.id, name: unique('kvm'), address, hostKey: 'ssh-ed25519 AAAApinned' });
    expect(host).toMatchObject({ port: 22, maintenance: false, cpus: null, memoryMib: null, kvm: null, libvirtVersion: null, factsCollectedAt: null });
    expect(host.hostKey).toBe('ssh-ed25519 AAAApinned');

    const withFacts = await inventory.hosts.recordFacts(host.id, { cpus: 4, memoryMib: 8192, kvm: true, libvirtVersion: '9.0.0' });
    expect(withFacts).toMatchObject({ cpus: 4, memoryMib: 8192, kvm: true, libvirtVersion: '9.0.0' });
    expect(withFacts.factsCollectedAt).toBeInstanceOf(Date);
    await expect(inventory.hosts.recordFacts(randomUUID(), { cpus: 1, memoryMib: 1, kvm: false, libvirtVersion: '1' })).rejects.toBeInstanceOf(NotFoundError);

    expect((await inventory.hosts.getByAddress(address))?.id).toBe(host.id);
    expect(await inventory.hosts.getByAddress(address, 2222)).toBeUndefined();
    expect((await inventory.hosts.list(cl.id)).map((row) => row.id)).toEqual([host.id]);

    const sameAddress = inventory.hosts.create({ clusterId: cl.id, name: unique('kvm'), address, hostKey: 'k' });
    await expect(sameAddress).rejects.toMatchObject({ name: 'ConflictError', constraint: 'hosts_address_unique' });
    await expect(inventory.hosts.create({ clusterId: cl.id, name: unique('kvm'), address, port: 2222, hostKey: 'k' })).resolves.toMatchObject({ port: 2222 });

    const maintenance = await inventory.hosts.update(host.id, { maintenance: true });
    expect(maintenance.maintenance).toBe(true);
    expect(maintenance.memoryMib).toBe(8192);
  });

  it('stores networks and storage domains per data center', async () => {
    const dc = await datacenter();
    const network = await inventory.networks.create({
      datacenterId: dc.id,
      name: 'ovirtmgmt',
      mode: 'bridge',
      bridge: 'br0',
      vlanId: 42,
      mtu: 9000,
      cidr: '10.1.0.0/24',
    });
    expect(network).toMatchObject({ mode: 'bridge', bridge: 'br0', vlanId: 42, mtu: 9000, cidr: '10.1.0.0/24' });
    expect((await inventory.networks.getByName(dc.id, 'ovirtmgmt'))?.id).toBe(network.id);
    expect(await inventory.networks.getByName(randomUUID(), 'ovirtmgmt')).toBeUndefined();
    const cleared = await inventory.networks.update(network.id, { mode: 'isolated', bridge: null, vlanId: null });
    expect(cleared).toMatchObject({ mode: 'isolated', bridge: null, vlanId: null, mtu: 9000 });

    const iscsi = await inventory.storageDomains.create({
      datacenterId: dc.id,
      name: 'san',
      type: 'iscsi',
      portal: '10.1.0.9:3260',
      iqn: 'iqn.2024-01.lab:storage',
    });
    const dir = await inventory.storageDomains.create({ datacenterId: dc.id, name: 'local', type: 'dir', path: '/var/lib/virtplane/images' });
    expect((await inventory.storageDomains.list(dc.id)).map((row) => row.name)).toEqual(['local', 'san']);
    expect(iscsi).toMatchObject({ iqn: 'iqn.2024-01.lab:storage', iscsiTargetId: null, path: null });
    expect(dir.path).toBe('/var/lib/virtplane/images');
    await expect(inventory.datacenters.delete(dc.id)).rejects.toMatchObject({ name: 'InUseError' });
  });

  it('upserts by id to re-register what a refresh finds', async () => {
    const dc = await datacenter();
    const id = randomUUID();
    const name = unique('cluster');
    const inserted = await inventory.clusters.upsert({ id, datacenterId: dc.id, name, memoryOvercommitPercent: 150 });
    expect(inserted).toMatchObject({ id, name, memoryOvercommitPercent: 150, schedulingPolicy: 'evenly_distributed' });
    const overwritten = await inventory.clusters.upsert({ id, datacenterId: dc.id, name, cpuModel: 'Skylake-Client', schedulingPolicy: 'power_saving' });
    expect(overwritten).toMatchObject({ id, cpuModel: 'Skylake-Client', schedulingPolicy: 'power_saving', memoryOvercommitPercent: 150 });
    expect((await inventory.clusters.list(dc.id)).filter((row) => row.name === name)).toHaveLength(1);

    const other = await cluster(dc.id);
    await expect(inventory.clusters.upsert({ id: other.id, datacenterId: dc.id, name })).rejects.toBeInstanceOf(NameTakenError);
  });

  it('commits a transaction across repositories, or nothing when it throws', async () => {
    const name = unique('dc');
    const committed = await inventory.transaction(async (tx) => {
      const dc = await tx.datacenters.create({ name });
      const cl = await tx.clusters.create({ datacenterId: dc.id, name: 'c1' });
      return { dc, cl };
    });
    expect(await inventory.clusters.get(committed.cl.id)).toBeDefined();

    const doomed = unique('dc');
    await expect(
      inventory.transaction(async (tx) => {
        const dc = await tx.datacenters.create({ name: doomed });
        await tx.clusters.create({ datacenterId: dc.id, name: 'c1' });
        throw new Error('apply failed half-way');
      }),
    ).rejects.toThrow('apply failed half-way');
    expect(await inventory.datacenters.getByName(doomed)).toBeUndefined();
  });

  it('lets a failed step inside a transaction be caught (savepoint) without losing the rest', async () => {
    const taken = (await datacenter()).name;
    const kept = unique('dc');
    const outcome = await inventory.transaction(async (tx) => {
      await tx.datacenters.create({ name: kept });
      const failed = await tx.transaction((inner) => inner.datacenters.create({ name: taken })).catch((error: unknown) => error);
      return failed;
    });
    expect(outcome).toBeInstanceOf(NameTakenError);
    expect(await inventory.datacenters.getByName(kept)).toBeDefined();
  });

  it('keeps affinity groups with their VM and host members', async () => {
    const cl = await cluster();
    const host = await inventory.hosts.create({ clusterId: cl.id, name: unique('kvm'), address: unique('198.51.100'), hostKey: 'k' });
    const [vmA, vmB, vmC] = [randomUUID(), randomUUID(), randomUUID()].sort();
    const group = await inventory.affinityGroups.create({
      clusterId: cl.id,
      name: 'web',
      positive: false,
      enforcing: true,
      vmIds: [vmA as string, vmB as string],
      hostIds: [host.id],
    });
    expect(group).toMatchObject({ positive: false, enforcing: true, vmIds: [vmA, vmB], hostIds: [host.id] });

    const changed = await inventory.affinityGroups.update(group.id, { vmIds: [vmC as string], enforcing: false });
    expect(changed).toMatchObject({ vmIds: [vmC], hostIds: [host.id], enforcing: false, positive: false });
    expect((await inventory.affinityGroups.listForVm(vmC as string)).map((row) => row.id)).toEqual([group.id]);
    expect(await inventory.affinityGroups.listForVm(vmA as string)).toEqual([]);

    await expect(inventory.affinityGroups.create({ clusterId: cl.id, name: 'web' })).rejects.toBeInstanceOf(NameTakenError);
    await expect(inventory.affinityGroups.create({ clusterId: cl.id, name: 'db', hostIds: [randomUUID()] })).rejects.toMatchObject({
      name: 'NotFoundError',
      kind: 'host',
    });
    expect(await inventory.affinityGroups.getByName(cl.id, 'db')).toBeUndefined();
    await expect(inventory.hosts.delete(host.id)).rejects.toMatchObject({ name: 'InUseError', usedBy: 'affinity groups' });

    await inventory.affinityGroups.delete(group.id);
    expect(await inventory.affinityGroups.get(group.id)).toBeUndefined();
    await inventory.hosts.delete(host.id);
  });

  it('grants roles on objects to users and groups, and answers permission checks through containment', async () => {
    const dc = await datacenter();
    const clusterA = await cluster(dc.id);
    const clusterB = await cluster(dc.id);
    const hostA = await inventory.hosts.create({ clusterId: clusterA.id, name: unique('kvm'), address: unique('203.0.113'), hostKey: 'k' });
    const alice = await inventory.users.create({ name: unique('alice').replace('-', '_') });
    await expect(inventory.users.create({ name: 'Not A Login' })).rejects.toBeInstanceOf(InvalidValueError);
    const roles = await inventory.roles.list();
    expect(roles.map((role) => role.name)).toEqual(expect.arrayContaining(['SuperUser', 'ClusterAdmin', 'UserVmManager', 'Auditor']));
    const clusterAdmin = (await inventory.roles.getByName('ClusterAdmin'))!;

    await inventory.permissions.grant({ userId: alice.id, roleId: clusterAdmin.id, object: { type: 'cluster', id: clusterA.id } });
    const allowed = (permit: string, object: PermissionObject) => inventory.access.permitted(alice.name, permit, object);
    expect(await allowed('host.manage', { type: 'host', id: hostA.id })).toBe(true);
    expect(await allowed('vm.create', { type: 'cluster', id: clusterA.id })).toBe(true);
    expect(await allowed('vm.create', { type: 'cluster', id: clusterB.id })).toBe(false);
    expect(await allowed('datacenter.manage', { type: 'datacenter', id: dc.id })).toBe(false);
    await expect(
      inventory.permissions.grant({ userId: alice.id, roleId: clusterAdmin.id, object: { type: 'cluster', id: clusterA.id } }),
    ).rejects.toBeInstanceOf(ConflictError);

    const bob = await inventory.users.create({ name: unique('bob').replace('-', '_') });
    const team = await inventory.groups.create({ name: unique('team'), memberIds: [bob.id] });
    expect(team.memberIds).toEqual([bob.id]);
    const dcAdmin = (await inventory.roles.getByName('DataCenterAdmin'))!;
    const systemGrant = await inventory.permissions.grant({ groupId: team.id, roleId: dcAdmin.id, object: { type: 'system' } });
    await expect(inventory.permissions.grant({ groupId: team.id, roleId: dcAdmin.id, object: { type: 'system' } })).rejects.toBeInstanceOf(ConflictError);
    expect(await inventory.access.permitted(bob.name, 'vm.migrate', { type: 'cluster', id: clusterB.id })).toBe(true);
    expect(await inventory.access.permitted(bob.name, 'user.manage', { type: 'system' })).toBe(false);
    expect(await inventory.permissions.revoke(systemGrant.id)).toBe(true);
    expect(await inventory.access.permitted(bob.name, 'vm.migrate', { type: 'cluster', id: clusterB.id })).toBe(false);

    const custom = await inventory.roles.create({ name: unique('Migrator'), permits: ['vm.migrate'] });
    await inventory.permissions.grant({ userId: bob.id, roleId: custom.id, object: { type: 'datacenter', id: dc.id } });
    expect(await inventory.access.permitted(bob.name, 'vm.migrate', { type: 'host', id: hostA.id })).toBe(true);
    await expect(inventory.roles.delete(custom.id)).rejects.toBeInstanceOf(InUseError);
    await expect(inventory.roles.delete(clusterAdmin.id)).rejects.toBeInstanceOf(InvalidValueError);
    await expect(inventory.roles.create({ name: unique('Bad'), permits: ['create vms'] })).rejects.toBeInstanceOf(InvalidValueError);

    // Permissions on a deleted object go with it; a deleted user or group takes theirs along.
    await inventory.hosts.delete(hostA.id);
    await inventory.clusters.delete(clusterA.id);
    expect(await inventory.permissions.list({ userId: alice.id })).toEqual([]);
    await inventory.users.delete(bob.id);
    expect(await inventory.permissions.list({ userId: bob.id })).toEqual([]);
    await inventory.groups.delete(team.id);
  });

  it('keeps host and VM statistics as time series', async () => {
    const cl = await cluster();
    const host = await inventory.hosts.create({ clusterId: cl.id, name: unique('kvm'), address: unique('100.64.0'), hostKey: 'k' });
    const base = Date.parse('2025-01-01T00:00:00Z');
    for (let minute = 0; minute < 3; minute += 1) {
      await inventory.statistics.recordHost({
        hostId: host.id,
        collectedAt: new Date(base + minute * 60_000),
        cpuPercent: 10 + minute,
        memoryUsedMib: 1000 + minute,
        memoryTotalMib: 4096,
        loadAverage: 0.5,
        vmCount: minute,
      });
    }
    const history = await inventory.statistics.hostHistory(host.id, { limit: 2 });
    expect(history.map((sample) => sample.cpuPercent)).toEqual([12, 11]);
    expect(history[0]?.collectedAt.toISOString()).toBe('2025-01-01T00:02:00.000Z');
    expect((await inventory.statistics.latestHosts(cl.id)).map((sample) => sample.vmCount)).toEqual([2]);

    const vmId = randomUUID();
    const big = 6_000_000_000;
    const vmSample = await inventory.statistics.recordVm({
      vmId,
      hostId: host.id,
      collectedAt: new Date(base),
      cpuPercent: 3.5,
      memoryUsedMib: 60,
      diskReadBytes: big,
      diskWriteBytes: 1,
      netRxBytes: 2,
      netTxBytes: 3,
    });
    expect(vmSample.diskReadBytes).toBe(big);
    expect((await inventory.statistics.vmHistory(vmId))[0]).toMatchObject({ diskReadBytes: big, cpuPercent: 3.5, hostId: host.id });
    await expect(
      inventory.statistics.recordHost({ hostId: randomUUID(), cpuPercent: 1, memoryUsedMib: 1, memoryTotalMib: 1, loadAverage: 0, vmCount: 0 }),
    ).rejects.toBeInstanceOf(NotFoundError);

    expect(await inventory.statistics.prune(new Date(base + 90_000))).toBe(3);
    expect((await inventory.statistics.hostHistory(host.id)).map((sample) => sample.cpuPercent)).toEqual([12]);
  });
});

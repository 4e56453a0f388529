/**
 * References are typed by kind: every id is a string, so without a brand a host passes where a
 * cluster goes and synthesizes cluster_id = the host's id, which only the provider notices (at
 * plan, against the lab). The `@ts-expect-error` lines below are what this file checks at compile
 * time: `npx tsc -p tsconfig.test.json` fails if any of them compiles (an unused @ts-expect-error is
 * an error). The tests check at run time that valid references synthesize to the right ids.
 */
import { Testing, TerraformStack } from 'cdktf';
import '../support/cdktfMatchers.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  AffinityGroup,
  Cluster,
  ClusterDataSource,
  DataCenter,
  DatacenterDataSource,
  Disk,
  Host,
  HostDataSource,
  IscsiTarget,
  Network,
  StorageDomain,
  VirtplaneProvider,
  Vm,
  fromId,
  type ICluster,
  type IDataCenter,
  type IDisk,
  type IHost,
  type IIscsiTarget,
  type INetwork,
  type IStorageDomain,
  type IVm,
} from '../../constructs/index.js';

interface Synthesized {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
}

const DATA_CENTER_ID = '11111111-1111-4111-8111-111111111111';
const CLUSTER_ID = '22222222-2222-4222-8222-222222222222';
const HOST_ID = '33333333-3333-4333-8333-333333333333';
const NETWORK_ID = '44444444-4444-4444-8444-444444444444';
const STORAGE_DOMAIN_ID = '55555555-5555-4555-8555-555555555555';
const DISK_ID = `${STORAGE_DOMAIN_ID}/lun/7`;
const VM_ID = '66666666-6666-4666-8666-666666666666';
const TARGET_ID = '10.0.0.2:3260/iqn.2025-01.dev.example:san';

function newStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'references');
  new VirtplaneProvider(stack, 'virtplane');
  return stack;
}

function synth(stack: TerraformStack): Synthesized {
  return JSON.parse(Testing.synth(stack, true)) as Synthesized;
}

function platform() {
  const stack = newStack();
  const dataCenter = new DataCenter(stack, 'dc', { name: 'Default' });
  const cluster = dataCenter.addCluster('main', { name: 'main' });
  const kvm1 = cluster.addHost('kvm1', { name: 'kvm1', address: '10.0.0.11' });
  const target = new IscsiTarget(stack, 'target', { serverAddress: '10.0.0.2', iqn: 'iqn.2025-01.dev.example:san', luns: [{ lun: 1, sizeMib: 64 }] });
  const san = dataCenter.addStorageDomain('san', { name: 'san', type: 'iscsi', iscsiTarget: target });
  const disk = san.addDisk('system', { name: 'system', lun: 1 });
  const lan = dataCenter.addNetwork('lan', { name: 'lan', mode: 'nat', cidr: '10.10.0.0/24' });
  return { stack, dataCenter, cluster, kvm1, target, san, disk, lan };
}

describe('references of the right kind', () => {
  it('write the id of the object given for each prop', () => {
    const { stack, dataCenter, cluster, kvm1, disk, lan } = platform();
    const web = new Vm(stack, 'web', { cluster, host: kvm1, name: 'web', memoryMib: 64, disks: [{ disk }], nics: [{ network: lan }] });
    new AffinityGroup(stack, 'together', { cluster, name: 'together', positive: true, vms: [web], hosts: [kvm1] });
    new Network(stack, 'storage-net', { dataCenter, name: 'storage-net', mode: 'isolated' });
    const out = synth(stack);
    expect(out.resource.virtplane_cluster!.main).toMatchObject({ datacenter_id: '${virtplane_datacenter.dc.id}' });
    expect(out.resource.virtplane_host!.kvm1).toMatchObject({ cluster_id: '${virtplane_cluster.main.id}' });
    expect(out.resource.virtplane_storage_domain!.san).toMatchObject({
      datacenter_id: '${virtplane_datacenter.dc.id}',
      iscsi_target_id: '${virtplane_iscsi_target.target.id}',
    });
    expect(out.resource.virtplane_disk!.system).toMatchObject({ storage_domain_id: '${virtplane_storage_domain.san.id}' });
    expect(out.resource.virtplane_network!['storage-net']).toMatchObject({ datacenter_id: '${virtplane_datacenter.dc.id}' });
    expect(out.resource.virtplane_vm!.web).toMatchObject({
      cluster_id: '${virtplane_cluster.main.id}',
      host_id: '${virtplane_host.kvm1.id}',
      disk: [{ disk_id: '${virtplane_disk.system.id}' }],
      nic: [{ network_id: '${virtplane_network.lan.id}' }],
    });
    expect(out.resource.virtplane_affinity_group!.together).toMatchObject({
      cluster_id: '${virtplane_cluster.main.id}',
      vm_ids: ['${virtplane_vm.web.id}'],
      host_ids: ['${virtplane_host.kvm1.id}'],
    });
  });

  it('write ids given by X.fromId as they are, each in its own prop', () => {
    const stack = newStack();
    const cluster = new Cluster(stack, 'main', { dataCenter: DataCenter.fromId(DATA_CENTER_ID), name: 'main' });
    new Host(stack, 'kvm3', { cluster: Cluster.fromId(CLUSTER_ID), name: 'kvm3', address: '10.0.0.13' });
    new StorageDomain(stack, 'san', { dataCenter: DataCenter.fromId(DATA_CENTER_ID), name: 'san', type: 'iscsi', iscsiTarget: IscsiTarget.fromId(TARGET_ID) });
    new Disk(stack, 'data', { storageDomain: StorageDomain.fromId(STORAGE_DOMAIN_ID), name: 'data', lun: 2 });
    const vm = new Vm(stack, 'web', {
      cluster,
      host: Host.fromId(HOST_ID),
      name: 'web',
      memoryMib: 64,
      disks: [{ disk: Disk.fromId(DISK_ID) }],
      nics: [{ network: Network.fromId(NETWORK_ID) }],
    });
    new AffinityGroup(stack, 'apart', { cluster, name: 'apart', positive: false, vms: [vm, Vm.fromId(VM_ID)], hosts: [Host.fromId(HOST_ID)] });
    const out = synth(stack);
    expect(out.resource.virtplane_cluster!.main).toMatchObject({ datacenter_id: DATA_CENTER_ID });
    expect(out.resource.virtplane_host!.kvm3).toMatchObject({ cluster_id: CLUSTER_ID });
    expect(out.resource.virtplane_storage_domain!.san).toMatchObject({ datacenter_id: DATA_CENTER_ID, iscsi_target_id: TARGET_ID });
    expect(out.resource.virtplane_disk!.data).toMatchObject({ storage_domain_id: STORAGE_DOMAIN_ID });
    expect(out.resource.virtplane_vm!.web).toMatchObject({
      cluster_id: '${virtplane_cluster.main.id}',
      host_id: HOST_ID,
      disk: [{ disk_id: DISK_ID }],
      nic: [{ network_id: NETWORK_ID }],
    });
    expect(out.resource.virtplane_affinity_group!.apart).toMatchObject({ vm_ids: ['${virtplane_vm.web.id}', VM_ID], host_ids: [HOST_ID] });
  });

  it('write the data source of X.fromName, which stays a data source of its type', () => {
    const stack = newStack();
    const dataCenter = DataCenter.fromName(stack, 'dc', 'Default');
    const cluster = Cluster.fromName(stack, 'main', { dataCenter, name: 'main' });
    const kvm2 = Host.fromName(stack, 'kvm2', 'kvm2');
    new Vm(stack, 'web', { cluster, host: kvm2, name: 'web', memoryMib: 64 });
    expect(dataCenter).toBeInstanceOf(DatacenterDataSource);
    expect(cluster).toBeInstanceOf(ClusterDataSource);
    expect(kvm2).toBeInstanceOf(HostDataSource);
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveDataSourceWithProperties(ClusterDataSource, { name: 'main', datacenter_id: '${data.virtplane_datacenter.dc.id}' });
    expect(synth(stack).resource.virtplane_vm!.web).toMatchObject({
      cluster_id: '${data.virtplane_cluster.main.id}',
      host_id: '${data.virtplane_host.kvm2.id}',
    });
  });
});

describe('the kind of a reference', () => {
  it('is there at run time on constructs, lookups and ids alike', () => {
    const { stack, dataCenter, cluster, kvm1, target, san, disk, lan } = platform();
    const web = cluster.addVm('web', { name: 'web', memoryMib: 64 });
    const kinds = (...objects: { readonly virtplaneKind: string }[]) => objects.map((object) => object.virtplaneKind);
    expect(kinds(dataCenter, cluster, kvm1, lan, target, san, disk, web)).toEqual([
      'datacenter',
      'cluster',
      'host',
      'network',
      'iscsi_target',
      'storage_domain',
      'disk',
      'vm',
    ]);
    const lookedUp = DataCenter.fromName(stack, 'default', 'Default');
    expect(kinds(lookedUp, Cluster.fromName(stack, 'other', { dataCenter: lookedUp, name: 'other' }), Host.fromName(stack, 'kvm9', 'kvm9'))).toEqual([
      'datacenter',
      'cluster',
      'host',
    ]);
    expect([
      DataCenter.fromId(DATA_CENTER_ID),
      Cluster.fromId(CLUSTER_ID),
      Host.fromId(HOST_ID),
      Network.fromId(NETWORK_ID),
      IscsiTarget.fromId(TARGET_ID),
      StorageDomain.fromId(STORAGE_DOMAIN_ID),
      Disk.fromId(DISK_ID),
      Vm.fromId(VM_ID),
    ]).toEqual([
      { id: DATA_CENTER_ID, virtplaneKind: 'datacenter' },
      { id: CLUSTER_ID, virtplaneKind: 'cluster' },
      { id: HOST_ID, virtplaneKind: 'host' },
      { id: NETWORK_ID, virtplaneKind: 'network' },
      { id: TARGET_ID, virtplaneKind: 'iscsi_target' },
      { id: STORAGE_DOMAIN_ID, virtplaneKind: 'storage_domain' },
      { id: DISK_ID, virtplaneKind: 'disk' },
      { id: VM_ID, virtplaneKind: 'vm' },
    ]);
  });

  it('stays out of the Terraform configuration', () => {
    const { stack, cluster } = platform();
    cluster.addVm('web', { name: 'web', memoryMib: 64 });
    Cluster.fromName(stack, 'other', { dataCenter: DataCenter.fromName(stack, 'default', 'Default'), name: 'other' });
    expect(Testing.synth(stack)).not.toMatch(/virtplane_?kind/i);
  });

  it('is the type X.fromId and X.fromName return', () => {
    const stack = newStack();
    expectTypeOf(DataCenter.fromId(DATA_CENTER_ID)).toEqualTypeOf<IDataCenter>();
    expectTypeOf(Cluster.fromId(CLUSTER_ID)).toEqualTypeOf<ICluster>();
    expectTypeOf(Host.fromId(HOST_ID)).toEqualTypeOf<IHost>();
    expectTypeOf(Network.fromId(NETWORK_ID)).toEqualTypeOf<INetwork>();
    expectTypeOf(IscsiTarget.fromId(TARGET_ID)).toEqualTypeOf<IIscsiTarget>();
    expectTypeOf(StorageDomain.fromId(STORAGE_DOMAIN_ID)).toEqualTypeOf<IStorageDomain>();
    expectTypeOf(Disk.fromId(DISK_ID)).toEqualTypeOf<IDisk>();
    expectTypeOf(Vm.fromId(VM_ID)).toEqualTypeOf<IVm>();
    const dataCenter = DataCenter.fromName(stack, 'dc', 'Default');
    expectTypeOf(dataCenter).toEqualTypeOf<IDataCenter>();
    expectTypeOf(Cluster.fromName(stack, 'main', { dataCenter, name: 'main' })).toEqualTypeOf<ICluster>();
    expectTypeOf(Host.fromName(stack, 'kvm1', 'kvm1')).toEqualTypeOf<IHost>();
    // The kinds are pairwise distinct: none is assignable to another.
    expectTypeOf<Host>().not.toExtend<ICluster>();
    expectTypeOf<ICluster>().not.toExtend<IDataCenter>();
    expectTypeOf<IDisk>().not.toExtend<INetwork>();
    expectTypeOf<IVm>().not.toExtend<IHost>();
    expectTypeOf<IStorageDomain>().not.toExtend<IIscsiTarget>();
  });
});

/**
 * Compile-time only, never called: what each `@ts-expect-error` line would synthesize is beside the
 * point, only that tsc refuses it. Each mistake sits next to the same call with the right kind, so a
 * line cannot pass by failing for another reason (the right one has to compile).
 */
function wrongKindsDoNotCompile(): void {
  const { stack, dataCenter, cluster, kvm1, san, disk, lan } = platform();

  // A host passed as a cluster.
  new Vm(stack, 'right-cluster', { cluster, name: 'right-cluster', memoryMib: 64 });
  // @ts-expect-error a Host is not an ICluster
  new Vm(stack, 'host-as-cluster', { cluster: kvm1, name: 'host-as-cluster', memoryMib: 64 });
  new Host(stack, 'right-host-cluster', { cluster: Cluster.fromId(CLUSTER_ID), name: 'kvm4', address: '10.0.0.14' });
  // @ts-expect-error Host.fromId is not an ICluster
  new Host(stack, 'host-id-as-cluster', { cluster: Host.fromId(HOST_ID), name: 'kvm5', address: '10.0.0.15' });
  new AffinityGroup(stack, 'right-lookup', {
    cluster: Cluster.fromName(stack, 'main-found', { dataCenter, name: 'main' }),
    name: 'right-lookup',
    positive: true,
  });
  // @ts-expect-error a host found by name is not an ICluster
  new AffinityGroup(stack, 'lookup-as-cluster', { cluster: Host.fromName(stack, 'kvm7', 'kvm7'), name: 'lookup-as-cluster', positive: true });

  // A disk passed as a network.
  new Vm(stack, 'right-network', { cluster, name: 'right-network', memoryMib: 64, nics: [{ network: lan }] });
  // @ts-expect-error a Disk is not an INetwork
  new Vm(stack, 'disk-as-network', { cluster, name: 'disk-as-network', memoryMib: 64, nics: [{ network: disk }] });
  // @ts-expect-error Disk.fromId is not an INetwork
  new Vm(stack, 'disk-id-as-network', { cluster, name: 'disk-id-as-network', memoryMib: 64, nics: [{ network: Disk.fromId(DISK_ID) }] });

  // A cluster passed as a data center.
  new Network(stack, 'right-dc', { dataCenter, name: 'right-dc' });
  // @ts-expect-error a Cluster is not an IDataCenter
  new Network(stack, 'cluster-as-dc', { dataCenter: cluster, name: 'cluster-as-dc' });
  // @ts-expect-error a Cluster is not an IDataCenter
  new Cluster(stack, 'nested', { dataCenter: cluster, name: 'nested' });
  const clusterFoundByName = Cluster.fromName(stack, 'found', { dataCenter, name: 'found' });
  new StorageDomain(stack, 'san2', {
    // @ts-expect-error a cluster found by name is not an IDataCenter
    dataCenter: clusterFoundByName,
    name: 'san2',
    type: 'dir',
    path: '/srv/san2',
    shared: true,
  });

  // Objects of no kind: a bare id, the untyped fromId, a storage domain where a disk goes.
  new Vm(stack, 'right-ids', {
    cluster: Cluster.fromId(CLUSTER_ID),
    name: 'right-ids',
    memoryMib: 64,
    disks: [{ disk: san.addDisk('d', { name: 'd', lun: 3 }) }],
  });
  // @ts-expect-error { id } has no kind
  new Vm(stack, 'bare-id', { cluster: { id: CLUSTER_ID }, name: 'bare-id', memoryMib: 64 });
  // @ts-expect-error the untyped fromId has no kind
  new Vm(stack, 'untyped-id', { cluster: fromId(CLUSTER_ID), name: 'untyped-id', memoryMib: 64 });
  // @ts-expect-error a StorageDomain is not an IDisk
  new Vm(stack, 'domain-as-disk', { cluster, name: 'domain-as-disk', memoryMib: 64, disks: [{ disk: san }] });
}

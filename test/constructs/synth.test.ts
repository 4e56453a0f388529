/**
 * The constructs as a cdktf app sees them: objects become references, props take Terraform's names,
 * implicit dependencies appear, and bad props fail the synth with every problem and the construct path.
 * Synth only: planning against the provider is in constructs.lab.test.ts.
 */
import { App, Testing, TerraformDataSource, TerraformElement, TerraformOutput, TerraformResource, TerraformStack, Token } from 'cdktf';
import { RESERVED_MEMBERS } from '../../lib/docs/constructCode.js';
import { ClusterDataSource, DatacenterDataSource, VmResource } from '../../constructs/index.js';
import '../support/cdktfMatchers.js';
import { describe, expect, it } from 'vitest';
import {
  AffinityGroup,
  Cluster,
  DataCenter,
  Group,
  Host,
  IscsiTarget,
  Permission,
  Role,
  User,
  VirtplaneProvider,
  Vm,
  type VmProps,
} from '../../constructs/index.js';

interface Synthesized {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly provider: Record<string, Record<string, unknown>[]>;
}

const FINGERPRINT = `SHA256:${'A'.repeat(43)}`;

function synth(stack: TerraformStack): Synthesized {
  return JSON.parse(Testing.synth(stack, true)) as Synthesized;
}

function platform() {
  const stack = new TerraformStack(Testing.app(), 'platform');
  new VirtplaneProvider(stack, 'virtplane', { inventory: '/tmp/inventory', sshPrivateKeyFile: '/tmp/key' });
  const dataCenter = new DataCenter(stack, 'dc', { name: 'Default' });
  const cluster = dataCenter.addCluster('main', { name: 'main', memoryOvercommitPercent: 150 });
  const kvm1 = cluster.addHost('kvm1', { name: 'kvm1', address: '10.0.0.11', hostKey: FINGERPRINT });
  const target = new IscsiTarget(stack, 'target', { serverAddress: '10.0.0.2', iqn: 'iqn.2025-01.dev.example:san', luns: [{ lun: 1, sizeMib: 64 }] });
  const san = dataCenter.addStorageDomain('san', { name: 'san', type: 'iscsi', iscsiTarget: target });
  const disk = san.addDisk('system', { name: 'system', lun: 1 });
  const lan = dataCenter.addNetwork('lan', { name: 'lan', mode: 'nat', cidr: '10.10.0.0/24' });
  return { stack, dataCenter, cluster, kvm1, san, disk, lan };
}

describe('constructs synthesize Terraform configuration', () => {
  it('turns objects into references and props into Terraform names, nested blocks included', () => {
    const { stack, cluster, kvm1, disk, lan } = platform();
    cluster.addVm('web', { name: 'web', memoryMib: 64, host: kvm1, disks: [{ disk, bootOrder: 1 }], nics: [{ network: lan, model: 'e1000' }] });
    const out = synth(stack);
    expect(out.provider.virtplane).toEqual([{ inventory: '/tmp/inventory', ssh_private_key_file: '/tmp/key' }]);
    expect(out.resource.virtplane_cluster!.main).toMatchObject({
      name: 'main',
      datacenter_id: '${virtplane_datacenter.dc.id}',
      memory_overcommit_percent: 150,
    });
    expect(out.resource.virtplane_host!.kvm1).toMatchObject({ cluster_id: '${virtplane_cluster.main.id}', host_key: FINGERPRINT });
    expect(out.resource.virtplane_iscsi_target!.target!.lun).toEqual([{ lun: 1, size_mib: 64 }]);
    expect(out.resource.virtplane_storage_domain!.san).toMatchObject({
      iscsi_target_id: '${virtplane_iscsi_target.target.id}',
      datacenter_id: '${virtplane_datacenter.dc.id}',
    });
    expect(out.resource.virtplane_disk!.system).toMatchObject({ storage_domain_id: '${virtplane_storage_domain.san.id}', lun: 1 });
    expect(out.resource.virtplane_vm!.web).toMatchObject({
      cluster_id: '${virtplane_cluster.main.id}',
      host_id: '${virtplane_host.kvm1.id}',
      memory_mib: 64,
      disk: [{ disk_id: '${virtplane_disk.system.id}', boot_order: 1 }],
      nic: [{ network_id: '${virtplane_network.lan.id}', model: 'e1000' }],
    });
    // Unset props stay unset: the provider's defaults apply.
    expect(out.resource.virtplane_vm!.web).not.toHaveProperty('vcpus');
  });

  it('makes VMs and storage domains wait for the hosts of their cluster and data center, even hosts declared later', () => {
    const { stack, cluster, kvm1 } = platform();
    cluster.addVm('web', { name: 'web', memoryMib: 64 });
    new Host(stack, 'kvm2', { cluster, name: 'kvm2', address: '10.0.0.12' });
    const out = synth(stack);
    const hosts = ['virtplane_host.kvm1', 'virtplane_host.kvm2'];
    expect(out.resource.virtplane_vm!.web!.depends_on).toEqual(hosts);
    expect(out.resource.virtplane_storage_domain!.san!.depends_on).toEqual(hosts);
    // A cluster known by id brings no hosts: nothing to wait for.
    new Vm(stack, 'elsewhere', { cluster: Cluster.fromId('0b6f3c8e-8a51-4bb8-9b6e-0a4f5c7f1a10'), name: 'elsewhere', memoryMib: 64 });
    expect(synth(stack).resource.virtplane_vm!.elsewhere).not.toHaveProperty('depends_on');
  });

  it("reads with cdktf's own matchers (Testing.setupJest under vitest)", () => {
    const { stack, cluster, kvm1 } = platform();
    cluster.addVm('web', { name: 'web', memoryMib: 64, host: kvm1 });
    const synthesized = Testing.synth(stack, true);
    expect(synthesized).toHaveProviderWithProperties(VirtplaneProvider, { inventory: '/tmp/inventory' });
    expect(synthesized).toHaveResourceWithProperties(VmResource, { name: 'web', host_id: '${virtplane_host.kvm1.id}', memory_mib: 64 });
    expect(synthesized).not.toHaveResourceWithProperties(VmResource, { name: 'web', memory_mib: 128 });
    expect(synthesized).not.toHaveDataSource(DatacenterDataSource);
  });

  it('looks objects up by name through data sources, and takes ids from elsewhere', () => {
    const stack = new TerraformStack(Testing.app(), 'consumer');
    new VirtplaneProvider(stack, 'virtplane');
    const dataCenter = DataCenter.fromName(stack, 'dc', 'Default');
    const cluster = Cluster.fromName(stack, 'main', { dataCenter, name: 'main' });
    const kvm2 = Host.fromName(stack, 'kvm2', 'kvm2');
    const web = new Vm(stack, 'web', { cluster, host: kvm2, name: 'web', memoryMib: 128 });
    new AffinityGroup(stack, 'apart', { cluster, name: 'apart', positive: false, vms: [web, Vm.fromId('6d1f0a4e-3f0b-5c2e-9a8d-1b2c3d4e5f60')] });
    const out = synth(stack);
    expect(Testing.synth(stack)).toHaveDataSourceWithProperties(ClusterDataSource, { name: 'main', datacenter_id: '${data.virtplane_datacenter.dc.id}' });
    expect(out.data!.virtplane_datacenter!.dc).toMatchObject({ name: 'Default' });
    expect(out.data!.virtplane_cluster!.main).toMatchObject({ name: 'main', datacenter_id: '${data.virtplane_datacenter.dc.id}' });
    expect(out.resource.virtplane_vm!.web).toMatchObject({ cluster_id: '${data.virtplane_cluster.main.id}', host_id: '${data.virtplane_host.kvm2.id}' });
    expect(out.resource.virtplane_affinity_group!.apart).toMatchObject({
      cluster_id: '${data.virtplane_cluster.main.id}',
      positive: false,
      vm_ids: ['${virtplane_vm.web.id}', '6d1f0a4e-3f0b-5c2e-9a8d-1b2c3d4e5f60'],
    });
  });

  it('gives roles to users and groups on objects: the holder, the role and the object become the right attributes', () => {
    const { stack, cluster, dataCenter } = platform();
    const alice = new User(stack, 'alice', { name: 'alice', password: 'correct horse battery' });
    const team = new Group(stack, 'team', { name: 'team', members: [alice] });
    const uvm = Role.fromName(stack, 'uvm', 'UserVmManager');
    const migrator = new Role(stack, 'migrator', { name: 'Migrator', permits: ['vm.migrate'] });
    new Permission(stack, 'team-vms', { holder: team, role: uvm, on: cluster });
    new Permission(stack, 'alice-moves', { holder: alice, role: migrator, on: dataCenter });
    new Permission(stack, 'alice-everywhere', { holder: alice, role: uvm, on: 'system' });
    const out = synth(stack);
    expect(out.resource.virtplane_group?.team?.member_ids).toEqual(['${virtplane_user.alice.id}']);
    expect(out.data?.virtplane_role?.uvm).toEqual({ name: 'UserVmManager' });
    expect(out.resource.virtplane_permission?.['team-vms']).toEqual({
      group_id: '${virtplane_group.team.id}',
      role_id: '${data.virtplane_role.uvm.id}',
      object_type: 'cluster',
      object_id: '${virtplane_cluster.main.id}',
    });
    expect(out.resource.virtplane_permission?.['alice-moves']).toMatchObject({ user_id: '${virtplane_user.alice.id}', object_type: 'datacenter' });
    expect(out.resource.virtplane_permission?.['alice-everywhere']).toEqual({
      user_id: '${virtplane_user.alice.id}',
      role_id: '${data.virtplane_role.uvm.id}',
      object_type: 'system',
    });
    expect(() =>
      synth(
        (() => {
          const bad = platform().stack;
          new Role(bad, 'bad', { name: 'Bad', permits: ['vm.fly'] });
          return bad;
        })(),
      ),
    ).toThrow(/permits/);
  });

  it('exposes computed attributes as tokens that synthesize to references', () => {
    const { stack, cluster, kvm1 } = platform();
    const web = cluster.addVm('web', { name: 'web', memoryMib: 64 });
    expect(Token.isUnresolved(web.currentHostId)).toBe(true);
    expect(Token.isUnresolved(kvm1.memoryMib)).toBe(true);
    new TerraformOutput(stack, 'placed', { value: { host: web.currentHostId, memory: kvm1.memoryMib, macs: web.macs, kvm: kvm1.kvm } });
    expect((JSON.parse(Testing.synth(stack)) as { output: Record<string, unknown> }).output.placed).toEqual({
      value: {
        host: '${virtplane_vm.web.current_host_id}',
        memory: '${virtplane_host.kvm1.memory_mib}',
        macs: '${virtplane_vm.web.macs}',
        kvm: '${virtplane_host.kvm1.kvm}',
      },
    });
  });
});

describe('props are checked at synth against the provider schema', () => {
  it('reports every problem of a construct at once, each with the construct path and the prop', () => {
    const { stack, cluster, disk } = platform();
    const bad = { name: 'web server', memoryMib: 8, vcpus: 2.5, graphics: 'rdp', disks: [{ disk, bus: 'usb' }] } as unknown as Omit<VmProps, 'cluster'>;
    cluster.addVm('web', bad);
    let message = '';
    try {
      Testing.synth(stack, true);
    } catch (error) {
      message = (error as Error).message;
    }
    const problems = message.split('\n').filter((line) => line.includes('[platform/web]'));
    expect(problems).toHaveLength(5);
    expect(message).toContain('[platform/web] name must match');
    expect(message).toContain('(got "web server")');
    expect(message).toContain('[platform/web] memoryMib must be at least 16 (got 8)');
    expect(message).toContain('[platform/web] vcpus must be of type integer (got 2.5)');
    expect(message).toContain('[platform/web] graphics must be one of "vnc", "spice", "none" (got "rdp")');
    expect(message).toContain('[platform/web] disk[0].bus must be one of "virtio", "scsi", "sata", "ide" (got "usb")');
  });

  it('refuses a missing required prop and a prop the resource does not have', () => {
    const stack = new TerraformStack(Testing.app(), 'platform');
    new VirtplaneProvider(stack, 'virtplane');
    new DataCenter(stack, 'dc', { name: 'Default', storgeType: 'local' } as unknown as { name: string });
    new DataCenter(stack, 'nameless', {} as unknown as { name: string });
    expect(() => Testing.synth(stack, true)).toThrow(
      /\[platform\/dc\] storgeType is not a prop of this construct[\s\S]*\[platform\/nameless\] name is required/,
    );
  });

  it('skips values that are tokens (known at apply) but checks the rest', () => {
    const { stack, cluster, kvm1 } = platform();
    // memoryMib from another resource's attribute: a number token, checked by the provider later.
    cluster.addVm('sized', { name: 'sized', memoryMib: kvm1.memoryMib });
    cluster.addVm('named', { name: `vm-${kvm1.name}`, memoryMib: 64 });
    expect(() => synth(stack)).not.toThrow();
    cluster.addVm('small', { name: kvm1.name, memoryMib: 1 });
    expect(() => synth(stack)).toThrow(/\[platform\/small\] memoryMib must be at least 16 \(got 1\)/);
  });

  it('never shows a sensitive value in an error', () => {
    const stack = new TerraformStack(Testing.app(), 'platform');
    new VirtplaneProvider(stack, 'virtplane');
    new IscsiTarget(stack, 'target', { serverAddress: '10.0.0.2', iqn: 'iqn.2025-01.dev.example:san', chapUsername: 'initiator', chapPassword: 'short' });
    let message = '';
    try {
      Testing.synth(stack, true);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('[platform/target] chapPassword');
    expect(message).not.toContain('short');
  });

  it("reads a cluster's capacity as a data source, for outputs and checks", () => {
    const { stack, cluster } = platform();
    const capacity = cluster.capacity('capacity');
    new TerraformOutput(stack, 'n-plus-one', { value: capacity.nPlusOne });
    new TerraformOutput(stack, 'kvm1-free', { value: capacity.hostFreeMemoryMib('kvm1') });
    new TerraformOutput(stack, 'kvm1-stranded', { value: capacity.strandedIfHostFails('kvm1') });
    const out = synth(stack) as Synthesized & { output: Record<string, { value: unknown }> };
    expect(out.data?.virtplane_cluster_capacity?.capacity).toEqual({ cluster_id: '${virtplane_cluster.main.id}' });
    expect(out.output['n-plus-one']?.value).toBe('${data.virtplane_cluster_capacity.capacity.n_plus_one}');
    expect(out.output['kvm1-free']?.value).toBe('${data.virtplane_cluster_capacity.capacity.hosts.kvm1.free_memory_mib}');
    expect(out.output['kvm1-stranded']?.value).toBe('${lookup(data.virtplane_cluster_capacity.capacity.stranded_if_host_fails, "kvm1", [])}');
  });

  it('checks the provider block too, and a whole app fails to synth', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const stack = new TerraformStack(app, 'platform');
    new VirtplaneProvider(stack, 'virtplane', { sshUser: 'Root User' });
    expect(() => app.synth()).toThrow(/\[platform\/virtplane\] sshUser must match .* \(got "Root User"\)\. A Linux user name/);
  });
});

describe('the generated classes', () => {
  it("know every public member of cdktf's resource and data source classes, so no attribute getter shadows one", () => {
    const members = [TerraformResource, TerraformDataSource, TerraformElement].flatMap((type) => Object.getOwnPropertyNames(type.prototype));
    expect(members.filter((name) => !name.startsWith('_') && !RESERVED_MEMBERS.has(name))).toEqual([]);
  });
});

/**
 * The constructs against the installed provider: a stack of every resource construct, synthesized by
 * cdktf, plans with the real terraform and provider (which checks it again, with the lab's hosts).
 */
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { Testing, TerraformStack } from 'cdktf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataCenter, IscsiTarget, VirtplaneProvider } from '../../constructs/index.js';
import { buildProvider, createTerraformWorkspace, type PlanJson, type TerraformWorkspace } from '../support/terraform.js';
import { useLab, type TestLab } from '../support/lab.js';

let lab: TestLab;
let tf: TerraformWorkspace;

beforeAll(async () => {
  lab = await useLab();
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
}, 300_000);

afterAll(async () => {
  await tf?.cleanup();
});

function referenceStack(chap: { chapUsername?: string } = {}): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'constructs');
  new VirtplaneProvider(stack, 'virtplane', { inventory: join(tf.root, 'inventory'), sshPrivateKeyFile: lab.lab.sshPrivateKeyFile });
  const dataCenter = new DataCenter(stack, 'dc', { name: 'Default' });
  const cluster = dataCenter.addCluster('main', { name: 'main' });
  const hosts = lab.lab.hosts.map((host) => cluster.addHost(host.name, { name: host.name, address: host.address, port: host.port, hostKey: host.hostKey }));
  const target = new IscsiTarget(stack, 'target', {
    serverAddress: lab.lab.storage.address,
    serverHostKey: lab.lab.storage.hostKey,
    iqn: 'iqn.2025-01.dev.virtplane.lab:vpt-constructs',
    luns: [{ lun: 1, sizeMib: 16 }],
    ...chap,
  });
  const san = dataCenter.addStorageDomain('san', { name: 'vpt-constructs-san', type: 'iscsi', iscsiTarget: target });
  const disk = san.addDisk('system', { name: 'system', lun: 1 });
  const lan = dataCenter.addNetwork('lan', { name: 'vpt-constructs-lan', mode: 'isolated', cidr: '10.204.0.0/24' });
  const web = cluster.addVm('web', { name: 'vpt-constructs-web', memoryMib: 64, host: hosts[0], disks: [{ disk }], nics: [{ network: lan }] });
  const db = cluster.addVm('db', { name: 'vpt-constructs-db', memoryMib: 64 });
  cluster.addAffinityGroup('apart', { name: 'apart', positive: false, vms: [web, db] });
  return stack;
}

async function plan(stack: TerraformStack) {
  await writeFile(join(tf.dir, 'cdk.tf.json'), Testing.synth(stack, true));
  await tf.init();
  return tf.plan(['-out=plan.out'], { allowFailure: true });
}

describe('a stack of constructs', () => {
  it('plans with the installed provider: every resource to create, VM ids known at plan time', async () => {
    const outcome = await plan(referenceStack());
    expect(outcome.result.exitCode).toBe(2);
    const planned = JSON.parse((await tf.run(['show', '-json', 'plan.out'])).stdout) as PlanJson;
    const created = (planned.resource_changes ?? [])
      .filter((change) => change.change.actions.join() === 'create')
      .map((change) => change.address)
      .sort();
    expect(created).toEqual(
      [
        'virtplane_affinity_group.apart',
        'virtplane_cluster.main',
        'virtplane_datacenter.dc',
        'virtplane_disk.system',
        ...lab.lab.hosts.map((host) => `virtplane_host.${host.name}`),
        'virtplane_iscsi_target.target',
        'virtplane_network.lan',
        'virtplane_storage_domain.san',
        'virtplane_vm.db',
        'virtplane_vm.web',
      ].sort(),
    );
  });

  it('leaves checks across attributes to the provider: the plan fails on the attribute, naming the resource', async () => {
    // Synth checks each prop against the schema; that CHAP needs both a user and a secret is the provider's.
    const outcome = await plan(referenceStack({ chapUsername: 'initiator' }));
    expect(outcome.result.exitCode).toBe(1);
    expect(outcome.result.stderr).toContain('Incomplete CHAP credentials');
    expect(outcome.result.stderr).toContain('virtplane_iscsi_target.target');
    expect(outcome.result.stderr).toContain('chap_password');
  });
});

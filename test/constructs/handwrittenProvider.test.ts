/**
 * The provider from a cdktf stack: a hand-written provider class, the stack synthesized by cdktf,
 * then the real terraform applying, planning and destroying what cdktf wrote.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Testing, TerraformResource, TerraformStack, type ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtplaneProvider } from '../../constructs/provider.js';
import { buildProvider, createTerraformWorkspace, type TerraformWorkspace } from '../support/terraform.js';
import { useLab, type TestLab } from '../support/lab.js';

/** A resource of the virtplane provider with its attributes given as they appear in HCL. */
class RawVirtplaneResource extends TerraformResource {
  constructor(scope: Construct, id: string, type: string, private readonly attributes: Record<string, unknown>, dependsOn?: ITerraformDependable[]) {
    super(scope, id, { terraformResourceType: type, terraformGeneratorMetadata: { providerName: 'virtplane' }, dependsOn });
  }

  protected override synthesizeAttributes(): { [name: string]: unknown } {
    return this.attributes;
  }
}

let lab: TestLab;
let tf: TerraformWorkspace;

beforeAll(async () => {
  lab = await useLab();
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
});

afterAll(async () => {
  await tf?.destroy({ allowFailure: true });
  await tf?.cleanup();
});

describe('a cdktf stack with the hand-written VirtplaneProvider', () => {
  it('synthesizes, applies, plans empty and destroys', async () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'platform');
    new VirtplaneProvider(stack, 'virtplane', { inventory: join(tf.root, 'inventory'), sshPrivateKeyFile: lab.lab.sshPrivateKeyFile });
    const datacenter = new RawVirtplaneResource(stack, 'dc', 'virtplane_datacenter', { name: 'Default' });
    const cluster = new RawVirtplaneResource(stack, 'cluster', 'virtplane_cluster', { name: 'main', datacenter_id: datacenter.getStringAttribute('id') });
    const kvm1 = lab.lab.hosts[0]!;
    const host = new RawVirtplaneResource(stack, 'kvm1', 'virtplane_host', {
      name: kvm1.name,
      cluster_id: cluster.getStringAttribute('id'),
      address: kvm1.address,
      host_key: kvm1.hostKey,
    });
    expect(host.getNumberAttribute('memory_mib')).toBeDefined();

    const synthesized = JSON.parse(Testing.synth(stack)) as {
      terraform: { required_providers: Record<string, unknown> };
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(synthesized.terraform.required_providers.virtplane).toEqual({ source: 'virtplane/virtplane', version: '0.1.0' });
    expect(synthesized.resource.virtplane_cluster?.cluster?.datacenter_id).toBe('${virtplane_datacenter.dc.id}');

    await rm(join(tf.dir, 'main.tf'), { force: true });
    await writeFile(join(tf.dir, 'cdk.tf.json'), JSON.stringify(synthesized, null, 2));
    await tf.init();
    await tf.apply();
    expect(await tf.stateAttributes('virtplane_host', 'kvm1')).toMatchObject({ name: 'kvm1', address: kvm1.address, maintenance: false });
    await tf.expectEmptyPlan();
    await tf.destroy();
    expect((await tf.statePull()).resources).toEqual([]);
  });
});

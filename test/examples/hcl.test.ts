/** examples/hcl as a user runs it, against the lab: apply, empty plan, destroy. */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProvider, createTerraformWorkspace, REPO_ROOT, type TerraformWorkspace } from '../support/terraform.js';
import { useLab, type TestLab } from '../support/lab.js';

let lab: TestLab;
let tf: TerraformWorkspace;
let variables: string[];

beforeAll(async () => {
  lab = await useLab();
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  await copyFile(join(REPO_ROOT, 'examples', 'hcl', 'main.tf'), join(tf.dir, 'main.tf'));
  variables = ['-var', `lab_file=${join(REPO_ROOT, '.virtplane', 'lab.json')}`, '-var', `inventory=${join(tf.root, 'inventory')}`];
  await tf.init();
});

afterAll(async () => {
  await tf?.run(['destroy', '-auto-approve', '-input=false', '-no-color', ...variables], { allowFailure: true });
  await tf?.cleanup();
});

describe('examples/hcl', () => {
  it('deploys the platform of the lab, then plans nothing', async () => {
    await tf.apply(variables);
    const outputs = JSON.parse((await tf.run(['output', '-json'])).stdout) as { hosts: { value: Record<string, { address: string; memory_mib: number }> } };
    expect(Object.keys(outputs.hosts.value).sort()).toEqual(lab.lab.hosts.map((host) => host.name).sort());
    expect(outputs.hosts.value.kvm1!.address).toBe(lab.lab.hosts[0]!.address);
    expect(outputs.hosts.value.kvm1!.memory_mib).toBeGreaterThan(0);
    const plan = await tf.plan(variables);
    expect(plan.hasChanges).toBe(false);
  });
});

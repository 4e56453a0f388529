/**
 * One construct library under both CDK cores: the same app (fixtures/coreApp.mjs) synthesized by cdktf
 * 0.21 through `virtplane` and by CDK Terrain 0.24 (cdktn) through `virtplane/cdktn`, each then planned
 * with the real terraform and the installed provider against the lab. Both give the same Terraform
 * configuration and the same plan; props the schema refuses fail the synth under both.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProvider, createTerraformWorkspace, REPO_ROOT, type PlanJson, type TerraformWorkspace } from '../support/terraform.js';
import { useLab, type TestLab } from '../support/lab.js';

let lab: TestLab;
let labFile: string;
const workspaces: TerraformWorkspace[] = [];

beforeAll(async () => {
  lab = await useLab();
  labFile = join(await mkdtemp(join(tmpdir(), 'vp-cores-')), 'lab.json');
  writeFileSync(labFile, JSON.stringify(lab.lab));
  await buildProvider();
  // The CDK Terrain entry is made from the cdktf build (npm run build does both).
  const entry = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-cdktn-entry.mjs')], { encoding: 'utf8' });
  if (entry.status !== 0) throw new Error(`build-cdktn-entry failed: ${entry.stderr}`);
}, 600_000);

afterAll(async () => {
  for (const tf of workspaces) await tf.cleanup();
});

function synth(core: 'cdktf' | 'cdktn', outdir: string, inventory: string, badProps = false) {
  return spawnSync(process.execPath, [join(REPO_ROOT, 'test', 'constructs', 'fixtures', 'coreApp.mjs')], {
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      VIRTPLANE_TEST_CORE: core,
      OUTDIR: outdir,
      VIRTPLANE_LAB_FILE: labFile,
      VIRTPLANE_INVENTORY: inventory,
      VIRTPLANE_TEST_BAD_PROPS: badProps ? '1' : '0',
    },
  });
}

interface Synthesized {
  readonly resource: unknown;
  readonly data: unknown;
  readonly provider: Record<string, { inventory: string }[]>;
  readonly output: unknown;
}

async function synthAndPlan(core: 'cdktf' | 'cdktn'): Promise<{ readonly config: Synthesized; readonly plan: PlanJson }> {
  const tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  workspaces.push(tf);
  const outdir = join(tf.root, 'cdktf.out');
  const result = synth(core, outdir, join(tf.root, 'inventory'));
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const text = readFileSync(join(outdir, 'stacks', 'cores', 'cdk.tf.json'), 'utf8');
  await tf.writeConfig(text, 'cdk.tf.json');
  await tf.init();
  const outcome = await tf.plan(['-out=cores.tfplan'], { allowFailure: true });
  expect(outcome.result.exitCode).toBe(2);
  const plan = JSON.parse((await tf.run(['show', '-json', 'cores.tfplan'])).stdout) as PlanJson;
  const config = JSON.parse(text) as Synthesized;
  // The inventory folder differs per workspace: compare the rest.
  for (const block of config.provider.virtplane ?? []) block.inventory = 'INVENTORY';
  return { config, plan };
}

const creates = (plan: PlanJson): string[] =>
  (plan.resource_changes ?? [])
    .filter((change) => change.change.actions.join() === 'create')
    .map((change) => change.address)
    .sort();

describe('the constructs under cdktf 0.21 and CDK Terrain 0.24', () => {
  it('synthesize the same configuration, which plans the same with the provider', async () => {
    const cdktf = await synthAndPlan('cdktf');
    const cdktn = await synthAndPlan('cdktn');
    expect(cdktn.config.resource).toEqual(cdktf.config.resource);
    expect(cdktn.config.data).toEqual(cdktf.config.data);
    expect(cdktn.config.provider).toEqual(cdktf.config.provider);
    expect(cdktn.config.output).toEqual(cdktf.config.output);
    const expected = [
      'virtplane_cluster.main',
      'virtplane_datacenter.dc',
      'virtplane_network.lan',
      'virtplane_vm.web',
      ...lab.lab.hosts.map((host) => `virtplane_host.${host.name}`),
    ].sort();
    expect(creates(cdktf.plan)).toEqual(expected);
    expect(creates(cdktn.plan)).toEqual(expected);
  });

  it('check props at synth under both cores, naming the construct', () => {
    for (const core of ['cdktf', 'cdktn'] as const) {
      const result = synth(core, join(tmpdir(), `vp-cores-bad-${core}`), '/tmp/unused', true);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/\[cores\/web\] memoryMib must be at least 16 \(got 8\)/);
    }
  });
});

/**
 * End to end with the real terraform 1.11 binary and the compiled provider, through the
 * acceptance harness, using the TEST-ONLY virtplane_test_file resource. Steps run in order and
 * share one workspace.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTerraformWorkspace, expectPlanChange, findResourceChange, TerraformCommandError, type TerraformWorkspace } from '../support/terraform.js';
import { buildFixtureProvider, PROVIDER_ENTRY_POINT } from './helpers/fixtureBuild.js';

let tf: TerraformWorkspace;
let files: string;

interface FileConfig {
  readonly path: string;
  readonly content: string;
  readonly mode?: string;
  readonly applyDelayMs?: number;
  readonly name?: string;
}

function config(resources: readonly FileConfig[], extra = ''): string {
  const blocks = resources.map(
    (r) => `
resource "virtplane_test_file" "${r.name ?? 'main'}" {
  path        = ${JSON.stringify(r.path)}
  content     = ${JSON.stringify(r.content)}
  secret_note = "s3cret-value"${r.mode !== undefined ? `\n  mode        = ${JSON.stringify(r.mode)}` : ''}${r.applyDelayMs !== undefined ? `\n  apply_delay_ms = ${r.applyDelayMs}` : ''}

  annotation {
    key   = "owner"
    value = "ops"
  }
}
`,
  );
  return `${tf.requiredProviders()}
provider "virtplane" {
  ssh_user = "operator"
}
${blocks.join('')}${extra}`;
}

const mainFile = (): string => join(files, 'main.txt');

beforeAll(async () => {
  const entryPoint = await buildFixtureProvider();
  tf = await createTerraformWorkspace({ entryPoint });
  files = join(tf.root, 'files');
  await mkdir(files);
  await tf.writeConfig(
    config(
      [{ path: mainFile(), content: 'hello' }],
      `
data "virtplane_test_file" "main" {
  path = virtplane_test_file.main.path
}

output "seen_by_data_source" {
  value = "\${data.virtplane_test_file.main.ssh_user}:\${data.virtplane_test_file.main.checksum}"
}
`,
    ),
  );
  await tf.init();
});

afterAll(async () => {
  await tf?.cleanup();
});

describe('virtplane_test_file through terraform 1.11', () => {
  it('validate finishes fast and the provider exits on Shutdown (not killed)', async () => {
    const result = await tf.run(['validate', '-no-color'], { env: { TF_LOG: 'debug' } });
    process.stderr.write(`[measure] terraform validate: ${result.durationMs.toFixed(0)} ms\n`);
    const exits = result.stderr.split('\n').filter((line) => line.includes('plugin process exited'));
    expect(exits.length).toBeGreaterThan(0);
    for (const line of exits) expect(line).not.toContain('error=');
    // Without GRPCController/Shutdown, go-plugin waits 2 s per provider process and then logs
    // error="signal: killed" (checked above). This bound only catches a hang, on a machine that may be loaded.
    expect(result.durationMs).toBeLessThan(30_000);
  });

  it('plans a create with "(known after apply)" values, a plan-time checksum and hidden secrets', async () => {
    const plan = await tf.planJson();
    const change = expectPlanChange(plan, 'virtplane_test_file.main', { actions: ['create'], unknownAttributes: ['id', 'inode'] });
    expect(change.change.after).toMatchObject({ content: 'hello', mode: '0644', apply_delay_ms: 0 });
    expect(change.change.after?.checksum).toMatch(/^[0-9a-f]{64}$/);
    const text = await tf.savedPlanText();
    expect(text).toMatch(/id\s+= \(known after apply\)/);
    expect(text).toMatch(/inode\s+= \(known after apply\)/);
    expect(text).toMatch(/secret_note\s+= \(sensitive value\)/);
    expect(text).not.toContain('s3cret-value');
  });

  it('applies: the file exists with the planned values and the data source reads it', async () => {
    const result = await tf.apply();
    expect(result.stdout).toContain('Apply complete! Resources: 1 added');
    expect(await readFile(mainFile(), 'utf8')).toBe('hello');
    expect((await stat(mainFile())).mode & 0o777).toBe(0o644);
    const attributes = await tf.stateAttributes('virtplane_test_file', 'main');
    expect(attributes).toMatchObject({ id: mainFile(), content: 'hello', inode: (await stat(mainFile())).ino });
    expect(attributes.annotation).toEqual([{ key: 'owner', value: 'ops', length: 3 }]);
    const output = await tf.run(['output', '-raw', 'seen_by_data_source']);
    expect(output.stdout).toBe(`operator:${String(attributes.checksum)}`);
  });

  it('plans nothing right after apply', async () => {
    const result = await tf.expectEmptyPlan();
    process.stderr.write(`[measure] no-op terraform plan (1 fixture resource + 1 data source): ${result.durationMs.toFixed(0)} ms\n`);
    expect(result.stdout).toContain('No changes.');
  });

  it('detects drift: a file changed out of band plans an in-place update', async () => {
    await writeFile(mainFile(), 'changed behind terraform');
    const plan = await tf.planJson();
    expectPlanChange(plan, 'virtplane_test_file.main', { actions: ['update'], changedAttributes: ['content', 'checksum'] });
    await tf.apply();
    expect(await readFile(mainFile(), 'utf8')).toBe('hello');
    await tf.expectEmptyPlan();
  });

  it('updates in place, keeping values marked useStateForUnknown', async () => {
    const inode = (await tf.stateAttributes('virtplane_test_file', 'main')).inode;
    await tf.writeConfig(config([{ path: mainFile(), content: 'hello again', mode: '0600' }]));
    const plan = await tf.planJson();
    const change = expectPlanChange(plan, 'virtplane_test_file.main', { actions: ['update'], changedAttributes: ['content', 'mode', 'checksum'] });
    expect(change.change.after?.inode).toBe(inode);
    await tf.apply();
    expect((await stat(mainFile())).mode & 0o777).toBe(0o600);
    await tf.expectEmptyPlan();
  });

  it('plans a replacement when a force-new attribute changes', async () => {
    const movedFile = join(files, 'moved.txt');
    await tf.writeConfig(config([{ path: movedFile, content: 'hello again', mode: '0600' }]));
    const plan = await tf.planJson();
    expectPlanChange(plan, 'virtplane_test_file.main', { actions: ['delete', 'create'], replacedBy: ['path'], unknownAttributes: ['id', 'inode'] });
    expect(await tf.savedPlanText()).toContain('# forces replacement');
    await tf.apply();
    expect(existsSync(mainFile())).toBe(false);
    expect(await readFile(movedFile, 'utf8')).toBe('hello again');
    await tf.writeConfig(config([{ path: mainFile(), content: 'hello again', mode: '0600' }]));
    await tf.apply();
  });

  it('imports an existing file, after which the plan is empty', async () => {
    await tf.run(['state', 'rm', 'virtplane_test_file.main']);
    const imported = await tf.import('virtplane_test_file.main', mainFile());
    expect(imported.stdout).toContain('Import successful!');
    const shown = await tf.stateShow('virtplane_test_file.main');
    expect(shown).toContain('content        = "hello again"');
    // secret_note is not on disk: import cannot know it, so the plan sets it again.
    const plan = await tf.planJson();
    expectPlanChange(plan, 'virtplane_test_file.main', { actions: ['update'], changedAttributes: ['secret_note'] });
    await tf.apply();
    await tf.expectEmptyPlan();
  });

  it("upgrades a state saved with schema version 0 through the resource's upgrader", async () => {
    const state = await tf.statePull();
    const resource = state.resources.find((r) => r.type === 'virtplane_test_file' && r.mode === 'managed')!;
    const instance = resource.instances[0]!;
    const { content, ...rest } = instance.attributes;
    const oldState = {
      ...state,
      serial: (state.serial as number) + 1,
      resources: state.resources.map((r) =>
        r === resource ? { ...r, instances: [{ ...instance, schema_version: 0, attributes: { ...rest, text: content } }] } : r,
      ),
    };
    await writeFile(join(tf.root, 'old.tfstate'), JSON.stringify(oldState));
    await tf.run(['state', 'push', join(tf.root, 'old.tfstate')]);
    expect((await tf.statePull()).resources.find((r) => r.type === 'virtplane_test_file')!.instances[0]!.schema_version).toBe(0);
    await tf.expectEmptyPlan();
    await tf.apply(['-refresh-only']);
    const upgraded = (await tf.statePull()).resources.find((r) => r.type === 'virtplane_test_file')!.instances[0]!;
    expect(upgraded.schema_version).toBe(1);
    expect(upgraded.attributes.content).toBe('hello again');
    expect(upgraded.attributes).not.toHaveProperty('text');
  });

  it('shows a validation error at the attribute that caused it', async () => {
    await tf.writeConfig(config([{ path: mainFile(), content: 'hello again', mode: '999' }]));
    const result = await tf.validate({ allowFailure: true });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Error: Invalid value for mode');
    // Terraform wraps details at 78 columns.
    expect(result.stderr.replace(/\s+/g, ' ')).toContain('mode must match the regular expression ^0[0-7]{3}$ (got "999"). Four octal digits, such as "0640".');
    // Terraform resolved the diagnostic's attribute path to the configuration line.
    expect(result.stderr).toMatch(/on main\.tf line \d+, in resource "virtplane_test_file" "main":\n\s*\d+:\s+mode\s+= "999"/);
    await tf.writeConfig(config([{ path: mainFile(), content: 'hello again', mode: '0600' }]));
  });

  it("validates the provider block with the provider's own rules, without showing secrets", async () => {
    const valid = config([{ path: mainFile(), content: 'hello again', mode: '0600' }]);
    await tf.writeConfig(
      valid.replace('ssh_user = "operator"', 'ssh_user = "operator"\n  ssh_private_key_file = "/dev/null"\n  ssh_private_key = "not-a-real-key"'),
    );
    const result = await tf.validate({ allowFailure: true });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Error: Conflicting SSH private keys');
    // Terraform quotes the configuration line the diagnostic points at; nothing else shows it.
    expect(result.stderr).toMatch(/\d+:\s+ssh_private_key = "not-a-real-key"/);
    const elsewhere = result.stderr.split('\n').filter((line) => line.includes('not-a-real-key') && !/^\s*\d+:/.test(line));
    expect(elsewhere).toEqual([]);
    await tf.writeConfig(valid);
  });

  it('Ctrl-C during apply: Terraform calls StopProvider and the operation stops promptly', async () => {
    const slowFile = join(files, 'slow.txt');
    await tf.writeConfig(
      config([
        { path: mainFile(), content: 'hello again', mode: '0600' },
        { name: 'slow', path: slowFile, content: 'slow', applyDelayMs: 120_000 },
      ]),
    );
    const running = tf.start(['apply', '-auto-approve', '-input=false', '-no-color']);
    await running.waitForOutput('virtplane_test_file.slow: Creating...');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const interruptedAt = performance.now();
    running.interrupt();
    const result = await running.done;
    const stopMs = performance.now() - interruptedAt;
    process.stderr.write(`[measure] terraform apply exited ${stopMs.toFixed(0)} ms after SIGINT (create was waiting 120 s)\n`);
    expect(result.exitCode).toBe(1);
    expect(stopMs).toBeLessThan(15_000);
    expect(result.stdout).toContain('Interrupt received');
    expect(result.stderr).toContain('Error: Operation cancelled');
    expect(existsSync(slowFile)).toBe(false);
    await tf.writeConfig(config([{ path: mainFile(), content: 'hello again', mode: '0600' }]));
    await tf.expectEmptyPlan();
  });

  it('destroys: the file and the state entry are gone', async () => {
    const plan = await tf.planJson(['-destroy']);
    expect(findResourceChange(plan, 'virtplane_test_file.main').change.actions).toEqual(['delete']);
    await tf.destroy();
    expect(existsSync(mainFile())).toBe(false);
    expect(existsSync(`${mainFile()}.annotations.json`)).toBe(false);
    expect((await tf.statePull()).resources).toEqual([]);
  });

  it('reports failed commands with their output', async () => {
    await expect(tf.run(['not-a-command'])).rejects.toBeInstanceOf(TerraformCommandError);
  });
});

describe('the real provider entry (lib/provider/main.ts, registry of real resources)', () => {
  let real: TerraformWorkspace;

  beforeAll(async () => {
    await buildFixtureProvider();
    real = await createTerraformWorkspace({ entryPoint: PROVIDER_ENTRY_POINT });
    await real.writeConfig(`${real.requiredProviders()}
provider "virtplane" {}
`);
    await real.init();
  });

  afterAll(async () => {
    await real?.cleanup();
  });

  it('serves the provider block schema terraform reads', async () => {
    const schemas = JSON.parse((await real.run(['providers', 'schema', '-json'])).stdout) as {
      provider_schemas: Record<
        string,
        { provider: { block: { attributes: Record<string, { optional?: boolean; sensitive?: boolean; description?: string }> } } }
      >;
    };
    const attributes = schemas.provider_schemas['registry.terraform.io/virtplane/virtplane']!.provider.block.attributes;
    expect(Object.keys(attributes).sort()).toEqual(['inventory', 'known_hosts_file', 'ssh_private_key', 'ssh_private_key_file', 'ssh_user']);
    expect(attributes.ssh_private_key).toMatchObject({ optional: true, sensitive: true });
    expect(attributes.inventory!.description).toContain('postgres://');
  });

  it('keeps a data center in an embedded inventory (PGlite, which the bundle loads from node_modules on first use)', async () => {
    await real.writeConfig(`${real.requiredProviders()}
provider "virtplane" {
  inventory = ${JSON.stringify(join(real.root, 'inventory'))}
}

resource "virtplane_datacenter" "dc" {
  name = "dc1"
}
`);
    await real.apply();
    await real.expectEmptyPlan();
    await real.destroy();
  });
});

/**
 * The construct library installs as a user installs it (issue 19): `npm pack` of this repository, the
 * tarball installed into a fresh cdktf app in a temporary folder OUTSIDE the repository (npm install from
 * the tarball; cdktf and constructs are peer dependencies the app brings; from npm's cache where it has
 * them, else from the registry `npm ci` used: the cache `npm ci` fills holds the tarballs of the lock but
 * not the packuments a plain install resolves versions from, so an --offline install failed (ERESOLVE,
 * "constructs@undefined") on a fresh machine), the app
 * synthesized, then `terraform init` and `terraform plan` of its stack with the provider the package
 * carries (installed by the package's own `virtplane provider install`, run through the launcher that
 * finds node_modules/virtplane). No lab: the plan only reads
 * the app's own inventory folder.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeWithInventoryServers } from '../support/inventoryFolders.js';
import { buildProvider, createTerraformWorkspace, REPO_ROOT, type TerraformWorkspace } from '../support/terraform.js';

const run = promisify(execFile);
let root: string;
let tf: TerraformWorkspace;

const packageJson = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  readonly version: string;
  readonly devDependencies: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { readonly optional?: boolean }>;
  readonly exports?: Record<string, unknown>;
  readonly files?: readonly string[];
  readonly private?: boolean;
};

const APP = `import { App, TerraformStack } from 'cdktf';
import { DataCenter, VirtplaneProvider } from 'virtplane';

class Packaged extends TerraformStack {
  constructor(scope, id) {
    super(scope, id);
    new VirtplaneProvider(this, 'virtplane', { inventory: process.env.APP_INVENTORY });
    const dataCenter = new DataCenter(this, 'dc', { name: 'packaged' });
    dataCenter.addCluster('main', { name: 'main', schedulingPolicy: 'power_saving' });
  }
}

const app = new App({ outdir: 'cdktf.out' });
new Packaged(app, 'packaged');
app.synth();
`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vp-installable-'));
  await buildProvider({ sourceDirs: ['lib', 'proto', 'constructs'] });
  // The `virtplane/cdktn` entry, as `npm run build` makes it after tsc.
  await run(process.execPath, [join(REPO_ROOT, 'scripts', 'build-cdktn-entry.mjs')], { cwd: REPO_ROOT });
  tf = await createTerraformWorkspace();
}, 600_000);

afterAll(async () => {
  await tf?.cleanup();
  // The app's inventory server runs from the installed package and writes its code cache there as it exits.
  if (root !== undefined) await removeWithInventoryServers(root);
});

describe('the construct library as a package', () => {
  it('declares what a package needs: not private, its files and entry points, constructs and one CDK core as peers', () => {
    expect(packageJson.private).toBeUndefined();
    expect(packageJson.files).toEqual(expect.arrayContaining(['dist/lib/', 'dist/constructs/', 'dist/constructs-cdktn/', 'dist/provider/', 'proto/']));
    expect(Object.keys(packageJson.exports ?? {}).sort()).toEqual(['.', './cdktn', './package.json']);
    expect(Object.keys(packageJson.peerDependencies ?? {}).sort()).toEqual(['cdktf', 'cdktn', 'constructs']);
    // The app brings cdktf or CDK Terrain, not both.
    expect(packageJson.peerDependenciesMeta).toEqual({ cdktf: { optional: true }, cdktn: { optional: true } });
  });

  it('packs, installs into a fresh cdktf app outside the repository, synthesizes and plans', async () => {
    expect(relative(REPO_ROOT, root).startsWith('..')).toBe(true);
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
    const [{ filename, files }] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    const paths = files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'dist/constructs/index.js',
        'dist/constructs/index.d.ts',
        'dist/constructs-cdktn/index.js',
        'dist/provider/virtplane-provider.cjs',
        'dist/provider/virtplane-provider.bundle.cjs',
        'dist/lib/cli/main.js',
        'proto/tfplugin6.proto',
      ]),
    );
    expect(paths.filter((path) => path.startsWith('test/') || path.startsWith('lib/') || path.endsWith('.map'))).toEqual([]);

    const app = join(root, 'app');
    await mkdir(app);
    await writeFile(
      join(app, 'package.json'),
      JSON.stringify(
        {
          name: 'packaged-app',
          private: true,
          type: 'module',
          dependencies: { virtplane: `file:../${filename}`, cdktf: packageJson.devDependencies.cdktf, constructs: packageJson.devDependencies.constructs },
        },
        null,
        2,
      ),
    );
    await writeFile(join(app, 'main.js'), APP);
    const started = Date.now();
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: app,
      timeout: 480_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    process.stderr.write(`[installable] ${filename}: ${files.length} files; npm install ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    expect(existsSync(join(app, 'node_modules', 'virtplane', 'dist', 'constructs', 'index.js'))).toBe(true);

    await run(process.execPath, ['main.js'], { cwd: app, env: { ...process.env, APP_INVENTORY: join(app, 'inventory') } });
    const stack = join(app, 'cdktf.out', 'stacks', 'packaged');
    const synthesized = JSON.parse(await readFile(join(stack, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, unknown>> };
    expect(Object.keys(synthesized.resource).sort()).toEqual(['virtplane_cluster', 'virtplane_datacenter']);

    // The provider is the installed package's: its own `virtplane provider install` (as README says), whose
    // launcher finds node_modules/virtplane upward from the stack's folder.
    const env = { TF_CLI_CONFIG_FILE: '', HOME: tf.home };
    const installed = await run(join(app, 'node_modules', '.bin', 'virtplane'), ['provider', 'install'], { cwd: app, env: { ...process.env, ...env } });
    expect(installed.stdout).toContain(join(tf.home, '.terraform.d', 'plugins'));
    await tf.runTool(stack, 'terraform', ['init', '-input=false', '-no-color'], { env });
    const plan = await tf.runTool(stack, 'terraform', ['plan', '-input=false', '-no-color'], { env });
    expect(plan.stdout).toContain('virtplane_datacenter.dc');
    expect(plan.stdout).toMatch(/Plan: 2 to add, 0 to change, 0 to destroy/);
  }, 900_000);
});

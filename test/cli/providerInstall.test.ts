/**
 * `virtplane provider install` per project and per version (issue 19): two checkouts with different code
 * never break each other. The machine-wide launcher has the same bytes whoever installs it (so no lock
 * file's hash changes), and runs the virtplane of Terraform's working directory: the checkout it is in,
 * node_modules/virtplane of a project, or what `--project DIR` pointed DIR at. Checked with stand-in
 * checkouts whose "provider" prints who it is, and with the real terraform's lock files.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_ENTRY, installProvider, PROVIDER_VERSION, providerLauncherPath } from '../../lib/cli/providerInstall.js';

const run = promisify(execFile);
let root: string;
let pluginsDir: string;

/** A stand-in virtplane checkout whose provider prints its name and arguments. */
async function fakeCheckout(name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, 'dist', 'provider'), { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'virtplane', version: PROVIDER_VERSION }, null, 2));
  await writeFile(join(dir, BUNDLE_ENTRY), `console.log(${JSON.stringify(name)}, process.argv.slice(2).join(' '));\n`);
  return dir;
}

async function launch(cwd: string): Promise<string> {
  await mkdir(cwd, { recursive: true });
  const { stdout } = await run(providerLauncherPath({ pluginsDir }), ['--x'], { cwd });
  return stdout.trim();
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vp-provider-install-'));
  pluginsDir = join(root, 'home', '.terraform.d', 'plugins');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('provider install per project and per version', () => {
  it('runs the code of the checkout (or project) Terraform works in, whichever checkout installed last', async () => {
    const a = await fakeCheckout('checkout-a');
    const b = await fakeCheckout('checkout-b');
    const first = await installProvider({ pluginsDir });
    expect(first.changed).toBe(true);
    expect(first.launcherPath).toContain(`/virtplane/virtplane/${PROVIDER_VERSION}/`);
    const bytes = await readFile(first.launcherPath, 'utf8');
    // A second install (from any checkout: nothing in it names one) changes nothing.
    expect((await installProvider({ pluginsDir })).changed).toBe(false);
    expect(await readFile(first.launcherPath, 'utf8')).toBe(bytes);

    // Terraform starts the provider in its working directory: cdktf's stacks folder, an example, the root.
    expect(await launch(join(a, 'examples', 'seed-lab', 'cdktf.out', 'stacks', 'seed-lab'))).toBe('checkout-a --x');
    expect(await launch(join(b, 'examples', 'hcl'))).toBe('checkout-b --x');
    expect(await launch(a)).toBe('checkout-a --x');

    // A project with the package installed runs that copy.
    const app = join(root, 'app');
    await mkdir(join(app, 'node_modules', 'virtplane', 'dist', 'provider'), { recursive: true });
    await writeFile(join(app, 'node_modules', 'virtplane', BUNDLE_ENTRY), 'console.log("installed package");\n');
    expect(await launch(join(app, 'cdktf.out', 'stacks', 'app'))).toBe('installed package');

    // A project outside any checkout, pointed at one (as `provider install --project DIR` does).
    const infra = join(root, 'infra');
    const pointed = await installProvider({ pluginsDir, project: infra });
    expect(pointed.changed).toBe(false);
    await writeFile(pointed.pointerPath!, `${join(b, BUNDLE_ENTRY)}\n`);
    expect(await launch(join(infra, 'prod'))).toBe('checkout-b --x');

    // Nowhere to find one: a clear refusal, not someone else's code.
    const lost = join(root, 'elsewhere');
    await expect(launch(lost)).rejects.toThrow(/virtplane provider: no virtplane for .*elsewhere.*provider install --project DIR/s);
  });

  it("keeps every project's lock file valid when another checkout installs (real terraform init)", async () => {
    const a = await fakeCheckout('lock-a');
    const b = await fakeCheckout('lock-b');
    const home = join(root, 'home');
    const required = `terraform {\n  required_providers {\n    virtplane = { source = "virtplane/virtplane", version = "${PROVIDER_VERSION}" }\n  }\n}\n`;
    const env = { ...process.env, HOME: home, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '' };
    const locks: string[] = [];
    for (const dir of [join(a, 'project'), join(b, 'project')]) {
      await installProvider({ pluginsDir }); // each checkout installs in turn
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'main.tf'), required);
      await run('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env });
      locks.push(await readFile(join(dir, '.terraform.lock.hcl'), 'utf8'));
    }
    expect(locks[0]).toBe(locks[1]);
    // The first project still initializes against its lock file after the second install.
    await run('terraform', ['init', '-input=false', '-no-color', '-lockfile=readonly'], { cwd: join(a, 'project'), env });
  }, 120_000);
});

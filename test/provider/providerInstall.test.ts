import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultEntryPoint,
  defaultPluginsDir,
  installProvider,
  providerLauncherPath,
  ProviderInstallError,
  uninstallProvider,
} from '../../lib/cli/providerInstall.js';
import { REPO_ROOT } from '../support/terraform.js';
import { buildFixtureProvider } from './helpers/fixtureBuild.js';

let home: string;
let pluginsDir: string;
let entryPoint: string;

beforeAll(async () => {
  entryPoint = await buildFixtureProvider();
  home = await mkdtemp(join(tmpdir(), 'virtplane-install-'));
  pluginsDir = defaultPluginsDir(home);
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('provider install', () => {
  it("defaults to Terraform's implied local mirror and the built entry point", () => {
    expect(defaultPluginsDir('/home/u')).toBe('/home/u/.terraform.d/plugins');
    expect(defaultEntryPoint()).toBe(join(REPO_ROOT, 'dist', 'provider', 'virtplane-provider.cjs'));
    expect(providerLauncherPath({ pluginsDir: '/p', platform: 'linux_amd64' })).toBe(
      '/p/registry.terraform.io/virtplane/virtplane/0.1.0/linux_amd64/terraform-provider-virtplane_v0.1.0',
    );
  });

  it('writes only an executable sh launcher that execs node on the entry point', async () => {
    const result = await installProvider({ pluginsDir, entryPoint });
    expect(result.changed).toBe(true);
    expect(result.launcherPath).toBe(providerLauncherPath({ pluginsDir }));
    const script = await readFile(result.launcherPath, 'utf8');
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain(`exec 'node' '${entryPoint}' "$@"`);
    expect((await stat(result.launcherPath)).mode & 0o777).toBe(0o755);
  });

  it('leaves an identical launcher untouched (Terraform lock hashes stay valid)', async () => {
    const { launcherPath } = await installProvider({ pluginsDir, entryPoint });
    const before = (await stat(launcherPath)).mtimeMs;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await installProvider({ pluginsDir, entryPoint });
    expect(again.changed).toBe(false);
    expect((await stat(launcherPath)).mtimeMs).toBe(before);
  });

  it('the launcher replaces itself with node (exec), so signals reach the provider', async () => {
    const child = spawn(providerLauncherPath({ pluginsDir }), [], {
      env: { PATH: process.env.PATH, VIRTPLANE_PROVIDER_DEBUG: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reattach line: ${stdout}`)), 15_000);
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('TF_REATTACH_PROVIDERS')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const pid = Number(/"Pid":(\d+)/.exec(stdout)?.[1]);
    expect(pid).toBe(child.pid);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('refuses a missing entry point and a file it did not write', async () => {
    await expect(installProvider({ pluginsDir, entryPoint: join(home, 'nope.js') })).rejects.toThrow(/not built/);
    const otherDir = join(home, 'other-plugins');
    const foreign = providerLauncherPath({ pluginsDir: otherDir });
    await mkdir(join(foreign, '..'), { recursive: true });
    await writeFile(foreign, 'a real binary');
    await expect(installProvider({ pluginsDir: otherDir, entryPoint })).rejects.toBeInstanceOf(ProviderInstallError);
    await expect(uninstallProvider({ pluginsDir: otherDir })).rejects.toBeInstanceOf(ProviderInstallError);
    expect(await readFile(foreign, 'utf8')).toBe('a real binary');
    expect((await installProvider({ pluginsDir: otherDir, entryPoint, force: true })).changed).toBe(true);
  });
});

describe('provider uninstall', () => {
  it('removes exactly the launcher and the folders that held only it', async () => {
    const sibling = join(pluginsDir, 'registry.terraform.io', 'hashicorp', 'null', '3.2.0', 'linux_amd64', 'terraform-provider-null');
    await mkdir(join(sibling, '..'), { recursive: true });
    await writeFile(sibling, 'other provider');
    const launcherPath = providerLauncherPath({ pluginsDir });
    expect(existsSync(launcherPath)).toBe(true);

    expect(await uninstallProvider({ pluginsDir })).toEqual({ launcherPath, removed: true });
    expect(existsSync(launcherPath)).toBe(false);
    expect(existsSync(join(pluginsDir, 'registry.terraform.io', 'virtplane'))).toBe(false);
    expect(await readFile(sibling, 'utf8')).toBe('other provider');
    expect(existsSync(pluginsDir)).toBe(true);

    expect((await uninstallProvider({ pluginsDir })).removed).toBe(false);
  });
});

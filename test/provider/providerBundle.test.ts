/**
 * The provider as `npm run build` makes it: one bundle started by scripts/provider-launcher.cjs, which
 * compiles it from V8's code cache once there is one, writes that cache once, and maps stack traces back
 * to the TypeScript sources. Speed is the bench's business (scripts/bench-provider.mjs); this checks that
 * a cache is written, kept, replaced when it does not fit, and that a start without one still serves.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAGIC_COOKIE_VALUE } from '../../lib/provider/handshake.js';
import { generateServerCertificate } from '../../lib/provider/tlsCertificate.js';
import { REPO_ROOT } from '../support/terraform.js';
import { connectToProvider } from './helpers/providerClient.js';

const clientCertificate = generateServerCertificate();
// Inside the repository, so the bundle finds node_modules and package.json as dist/provider does.
const outDir = join(REPO_ROOT, 'dist', 'test', 'provider', `bundle-${randomBytes(4).toString('hex')}`);
const launcher = join(outDir, 'bundled.cjs');

const caches = (): string[] => readdirSync(outDir).filter((name) => name.endsWith('.v8cache'));

interface Run {
  readonly code: number | null;
  readonly stderr: string;
  readonly resourceTypes: string[];
}

/** Starts the bundle as Terraform would, asks for the schema, and shuts it down. */
async function startAndShutDown(env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const child = spawn(process.execPath, [launcher], {
    env: { PATH: process.env.PATH, TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, PLUGIN_CLIENT_CERT: clientCertificate.certificatePem, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const line = await new Promise<string | undefined>((resolve) => {
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolve(stdout.slice(0, stdout.indexOf('\n')));
    });
    child.on('exit', () => resolve(undefined));
  });
  if (line === undefined) return { code: await exited, stderr, resourceTypes: [] };
  const client = connectToProvider(line, clientCertificate);
  const schema = await client.call('GetProviderSchema');
  await client.shutdown();
  client.close();
  return { code: await exited, stderr, resourceTypes: Object.keys(schema.resource_schemas as object) };
}

beforeAll(async () => {
  const args = ['--entry', 'test/provider/fixtures/testProviderMain.ts', '--out', outDir, '--name', 'bundled'];
  await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'scripts', 'build-provider.mjs'), ...args], { cwd: REPO_ROOT });
});

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('the bundled provider', () => {
  it('is one bundle with its source map and a launcher; no import() is left for vm.Script to resolve', () => {
    expect(readdirSync(outDir).sort()).toEqual(['bundled.bundle.cjs', 'bundled.bundle.cjs.map', 'bundled.cjs']);
    const bundle = readFileSync(join(outDir, 'bundled.bundle.cjs'), 'utf8');
    expect(/\bimport\(\s*["'`]/.test(bundle)).toBe(false);
    expect(bundle.trimEnd().endsWith('//# sourceMappingURL=bundled.bundle.cjs.map')).toBe(true);
    expect(readFileSync(launcher, 'utf8')).not.toContain('__BUNDLE_');
  });

  it('serves without a code cache, and writes one at exit', async () => {
    const run = await startAndShutDown();
    expect(run.code).toBe(0);
    expect(run.resourceTypes).toEqual(['virtplane_test_file']);
    expect(caches()).toEqual([
      expect.stringMatching(new RegExp(`^\\.bundled\\.bundle\\.cjs\\.[0-9a-f]{16}\\.${process.version.replace(/\./g, '\\.')}\\.${process.arch}\\.v8cache$`)),
    ]);
  });

  it('starts from that cache and leaves it as it is', async () => {
    const [cache] = caches();
    const before = statSync(join(outDir, cache!));
    const run = await startAndShutDown();
    expect(run.resourceTypes).toEqual(['virtplane_test_file']);
    expect(caches()).toEqual([cache]);
    const after = statSync(join(outDir, cache!));
    expect([after.mtimeMs, after.size]).toEqual([before.mtimeMs, before.size]);
  });

  it("replaces a cache V8 rejects, and removes caches of other bundles' builds", async () => {
    const [cache] = caches();
    writeFileSync(join(outDir, cache!), 'not a V8 code cache');
    const stale = '.bundled.bundle.cjs.0123456789abcdef.v0.0.0.x64.v8cache';
    writeFileSync(join(outDir, stale), 'from an older build');
    const run = await startAndShutDown();
    expect(run.resourceTypes).toEqual(['virtplane_test_file']);
    expect(caches()).toEqual([cache]);
    expect(readFileSync(join(outDir, cache!), 'utf8')).not.toBe('not a V8 code cache');
  });

  it('prints stack traces with the TypeScript files and lines, not the bundle', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = String((taken.address() as AddressInfo).port);
    try {
      const run = await startAndShutDown({ PLUGIN_MIN_PORT: port, PLUGIN_MAX_PORT: port });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`No free port between ${port} and ${port}`);
      expect(run.stderr).toMatch(/at listenInRange \(\/.*\/lib\/provider\/serve\.ts:\d+:\d+\)/);
      expect(run.stderr).not.toContain('bundle.cjs:');
    } finally {
      taken.close();
    }
  });
});

describe("the real provider's bundle", () => {
  const realOut = join(REPO_ROOT, 'dist', 'test', 'provider', `real-bundle-${randomBytes(4).toString('hex')}`);
  afterAll(async () => {
    await rm(realOut, { recursive: true, force: true });
  });

  it("holds ssh2's JavaScript, and requires its native addon by the package's path, which resolves from the bundle's folder", async () => {
    const args = ['--entry', 'lib/provider/main.ts', '--out', realOut, '--name', 'real'];
    await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'scripts', 'build-provider.mjs'), ...args], { cwd: REPO_ROOT });
    const bundle = readFileSync(join(realOut, 'real.bundle.cjs'), 'utf8');
    expect(bundle).not.toMatch(/require\("ssh2"\)/);
    const addons = [...bundle.matchAll(/require\("([^"]*sshcrypto\.node)"\)/g)].map((match) => match[1]);
    expect(addons).toEqual(['ssh2/lib/protocol/crypto/build/Release/sshcrypto.node']);
    // Node finds from the bundle the addon ssh2 finds from node_modules (ssh2 does without it where its
    // install could not build it: then neither finds it).
    const resolved = (from: string): string => {
      try {
        return createRequire(from).resolve(addons[0]!);
      } catch {
        return 'not built';
      }
    };
    expect(resolved(join(realOut, 'real.bundle.cjs'))).toBe(resolved(join(REPO_ROOT, 'node_modules', 'ssh2', 'package.json')));
  });
});

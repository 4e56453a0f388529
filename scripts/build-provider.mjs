#!/usr/bin/env node
// Bundles the Terraform provider into one file with its source map, plus the launcher that starts it
// (scripts/provider-launcher.cjs: V8's code cache, stack traces mapped back to lib/**.ts). Terraform starts
// the provider 2-3 times per command; resolving, reading and compiling several hundred separate modules was
// most of each start. The inventory server (lib/inventory/inventoryServerMain.ts), which the first process to
// open an embedded inventory folder starts, is bundled the same way. `npm run build` runs this after tsc.
//
//   node scripts/build-provider.mjs            the provider (dist/provider/) and the inventory server (dist/inventory-server/)
//   node scripts/build-provider.mjs --entry FILE.ts --out DIR --name NAME   another entry (tests' processes);
//     repeat the three for several entries, built in this one process (test/support/globalSetup.ts does)
//
// Writes DIR/NAME.cjs (the launcher: what Terraform runs), DIR/NAME.bundle.cjs and DIR/NAME.bundle.cjs.map.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Left to node_modules at run time, all loaded lazily on first use: PGlite reads its WebAssembly and
 * data files beside itself; pg-native and cpu-features are optional dependencies that may be absent;
 * gRPC loads proto-loader (with all of protobufjs) only for its channelz and ORCA services, which the
 * provider does not serve: a third of the bundle otherwise. ssh2 is bundled but for its native addon
 * (sshNativeAddon below).
 */
const EXTERNAL = ['@electric-sql/pglite', 'pg-native', 'cpu-features', '@grpc/proto-loader'];

/**
 * ssh2's JavaScript is bundled (loading its ~40 modules from node_modules, compiled without a code cache,
 * was 50-70 CPU-ms of every provider process that reaches a host, two per apply); its optional native
 * addon, which it requires in a try block and does without, stays in node_modules, required by its path
 * in the package so that Node resolves it from wherever the bundle is installed.
 */
const SSH2_ADDON = /[\\/]ssh2[\\/]lib[\\/]protocol[\\/]crypto[\\/]build[\\/]Release[\\/]sshcrypto\.node$/;
const sshNativeAddon = {
  name: 'ssh2-native-addon',
  setup(build) {
    build.onResolve({ filter: /sshcrypto\.node$/ }, (args) => {
      if (!SSH2_ADDON.test(join(args.resolveDir, args.path))) return undefined;
      return { path: 'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node', external: true };
    });
  },
};

/**
 * protobufjs uses long.js for 64-bit integers when it can load it, and loading it compiles a WebAssembly
 * module (about 8 ms of every start). Without it protobufjs reads and writes int64 as JS numbers, which is
 * what the provider asks for anyway (lib/provider/protocol.ts: longs: Number).
 */
const withoutLongJs = {
  name: 'without-long.js',
  setup(build) {
    build.onResolve({ filter: /^long$/ }, () => ({ path: 'long', namespace: 'without-long.js' }));
    build.onLoad({ filter: /.*/, namespace: 'without-long.js' }, () => ({ contents: 'module.exports = null;', loader: 'js' }));
  },
};

/**
 * pg decides at load whether it runs in a Cloudflare Worker; on Node 20 (no `navigator`) its probe constructs
 * a fetch Response, which loads all of Node's bundled undici: about half of what loading the provider cost.
 * The bundle only ever runs on Node, so the probe answers false without looking.
 */
const PG_CLOUDFLARE_PROBE = 'function isCloudflareRuntime() {';
const pgWithoutCloudflareProbe = {
  name: 'pg-without-cloudflare-probe',
  setup(build) {
    build.onLoad({ filter: /[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(PG_CLOUDFLARE_PROBE)) {
        return { errors: [{ text: `${args.path} has no "${PG_CLOUDFLARE_PROBE}" any more: see what pg probes now` }] };
      }
      return { contents: source.replace(PG_CLOUDFLARE_PROBE, `${PG_CLOUDFLARE_PROBE} return false;`), loader: 'js' };
    });
  },
};

export async function buildProvider({ entry, outDir, name }) {
  await mkdir(outDir, { recursive: true });
  const bundleFile = `${name}.bundle.cjs`;
  const bundlePath = join(outDir, bundleFile);
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile: bundlePath,
    bundle: true,
    platform: 'node',
    target: 'node20',
    // CommonJS, so the launcher can compile it through vm.Script with a code cache (Node 20 has no
    // code cache for ES modules); dynamic import() of our own modules stays lazy inside the bundle.
    format: 'cjs',
    external: EXTERNAL,
    // import() of an external package becomes require(): a vm.Script has no module loader of its own.
    supported: { 'dynamic-import': false },
    sourcemap: 'linked',
    // Not in the map: the stack-trace mapper needs only positions, and reads the map only on a bug report.
    sourcesContent: false,
    // import.meta.url is how lib/util/packageRoot.ts finds the package: from the bundle, as from dist/.
    define: { 'import.meta.url': '__virtplaneBundleUrl' },
    banner: { js: "var __virtplaneBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    // Whitespace and syntax only: names stay as written, for stack traces and profiles.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    // Written below, each file whole: a provider Terraform starts meanwhile runs the old bundle or the new one.
    write: false,
    plugins: [withoutLongJs, pgWithoutCloudflareProbe, sshNativeAddon],
  });
  for (const output of result.outputFiles) await writeWhole(output.path, output.contents);
  const bundle = await readFile(bundlePath);
  const launcherTemplate = await readFile(join(root, 'scripts', 'provider-launcher.cjs'), 'utf8');
  const launcher = launcherTemplate
    .replace('__BUNDLE_FILE__', bundleFile)
    .replace('__BUNDLE_HASH__', createHash('sha256').update(bundle).digest('hex').slice(0, 16));
  const launcherPath = join(outDir, `${name}.cjs`);
  await writeWhole(launcherPath, launcher);
  return { launcherPath, bundlePath, bytes: bundle.length, inputs: Object.keys(result.metafile.inputs).length };
}

/**
 * A temporary file renamed over the old one: tests build while other tests' Terraform starts the provider
 * (a fresh checkout builds the fixture provider mid-suite), and a reader must never see half a file.
 */
async function writeWhole(path, contents) {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}

/** What `npm run build` bundles; lib/inventory/embeddedClient.ts names the server's launcher too. */
export const PRODUCT_BUNDLES = [
  { entry: 'lib/provider/main.ts', out: 'dist/provider', name: 'virtplane-provider' },
  { entry: 'lib/inventory/inventoryServerMain.ts', out: 'dist/inventory-server', name: 'virtplane-inventory-server' },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { entry: { type: 'string', multiple: true }, out: { type: 'string', multiple: true }, name: { type: 'string', multiple: true } },
  });
  const entries = values.entry ?? [];
  if (entries.length > 0 && (values.out?.length !== entries.length || values.name?.length !== entries.length)) {
    process.stderr.write('build-provider: each --entry needs its own --out and --name\n');
    process.exit(2);
  }
  const bundles = entries.length === 0 ? PRODUCT_BUNDLES : entries.map((entry, index) => ({ entry, out: values.out[index], name: values.name[index] }));
  for (const bundle of bundles) {
    const built = await buildProvider({ entry: resolve(root, bundle.entry), outDir: resolve(root, bundle.out), name: bundle.name });
    process.stdout.write(`${relative(root, built.launcherPath)}: ${built.inputs} modules, ${(built.bytes / 1024).toFixed(0)} KiB bundled\n`);
  }
}

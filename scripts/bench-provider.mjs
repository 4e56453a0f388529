#!/usr/bin/env node
// Measures the Terraform provider as `npm run build` makes it (one bundle, started from V8's code cache),
// each figure beside its baseline:
//   1. process start -> handshake line -> first GetProviderSchema answer (mTLS), for the real provider
//      (every resource registered) beside the protocol-only fixture provider and, with --previous, another
//      build of the real one (its wall time, and the CPU time the provider process spent until it answered,
//      which a loaded machine distorts less); then, in fresh processes,
//      start -> ConfigureProvider answered after GetProviderSchema and ValidateProviderConfig (what a
//      plan's provider process does before its first resource);
//   2. a no-op `terraform plan`: an empty configuration (Terraform's own floor), one TEST-ONLY
//      virtplane_test_file, and the lab's platform (1 data center, 1 cluster, 2 hosts: inventory + SSH).
// The platform plan needs the lab up (`virtplane lab up`); without it that row is skipped.
// Build first:  npx tsc -p test/provider/tsconfig.fixtures.json   (this script then bundles what is stale)
// Run:          node scripts/bench-provider.mjs [--starts N] [--plans N]
//               [--fixture FILE --provider FILE]   (entry points of another build, to compare builds)
//               [--previous FILE]   (one more row: e.g. a copy of dist/provider/ from before a change)
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (path) => join(root, 'dist', path);
for (const required of [dist('test/provider/helpers/fixtureBuild.js'), dist('test/support/terraform.js'), dist('test/provider/helpers/providerClient.js')]) {
  if (!existsSync(required)) {
    process.stderr.write(`missing ${required}: run \`npx tsc -p test/provider/tsconfig.fixtures.json\` first\n`);
    process.exit(2);
  }
}

const { MAGIC_COOKIE_VALUE } = await import(dist('lib/provider/handshake.js'));
const { generateServerCertificate } = await import(dist('lib/provider/tlsCertificate.js'));
const { connectToProvider } = await import(dist('test/provider/helpers/providerClient.js'));
const { createTerraformWorkspace } = await import(dist('test/support/terraform.js'));
const { buildFixtureProvider, FIXTURE_ENTRY_POINT, PROVIDER_ENTRY_POINT } = await import(dist('test/provider/helpers/fixtureBuild.js'));
const { encodeValue } = await import(dist('lib/provider/msgpackCodec.js'));
const { blockType } = await import(dist('lib/framework/schema.js'));
const { providerConfigSchema } = await import(dist('lib/resources/index.js'));

const option = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : fallback;
};
const starts = Number(option('--starts', 10));
const plans = Number(option('--plans', 5));
await buildFixtureProvider();
const entryPoint = option('--fixture', FIXTURE_ENTRY_POINT);
const realEntryPoint = option('--provider', PROVIDER_ENTRY_POINT);
const previousEntryPoint = option('--previous', undefined);
// Every setting null, as Terraform sends an empty provider block.
const providerConfig = {
  msgpack: Buffer.from(
    encodeValue(Object.fromEntries(Object.keys(providerConfigSchema.attributes).map((name) => [name, null])), blockType(providerConfigSchema)),
  ),
};

const summary = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `median ${median.toFixed(0)} ms (min ${sorted[0].toFixed(0)}, max ${sorted.at(-1).toFixed(0)}, n=${values.length})`;
};

/** User + system CPU milliseconds a running process has spent so far (Linux /proc; clock ticks of 10 ms). */
function cpuMsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Until the handshake line and the first answer; `configure` goes on as a plan's provider process does. */
async function measureStart(clientCertificate, entry, { configure = false } = {}) {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [entry], {
    env: {
      PATH: process.env.PATH,
      TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE,
      PLUGIN_PROTOCOL_VERSIONS: '5,6',
      PLUGIN_CLIENT_CERT: clientCertificate.certificatePem,
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const line = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve(text.split('\n')[0]);
    });
    child.on('exit', () => reject(new Error('provider exited before the handshake')));
  });
  const handshakeMs = performance.now() - spawnedAt;
  const client = connectToProvider(line, clientCertificate);
  await client.call('GetProviderSchema');
  const schemaMs = performance.now() - spawnedAt;
  const schemaCpuMs = cpuMsOf(child.pid);
  let configureMs;
  if (configure) {
    await client.call('ValidateProviderConfig', { config: providerConfig });
    const { diagnostics } = await client.call('ConfigureProvider', { terraform_version: '1.11.4', config: providerConfig });
    if (diagnostics.length > 0) throw new Error(`ConfigureProvider: ${JSON.stringify(diagnostics)}`);
    configureMs = performance.now() - spawnedAt;
  }
  await client.shutdown();
  client.close();
  await exited;
  return { handshakeMs, schemaMs, schemaCpuMs, configureMs };
}

const clientCertificate = await generateServerCertificate();
const rows = [
  ['fixture provider (protocol only)', entryPoint],
  ['virtplane provider (all resources)', realEntryPoint],
  ...(previousEntryPoint === undefined ? [] : [['previous build (all resources)', previousEntryPoint]]),
].map(([label, entry]) => ({ label, entry, handshakes: [], schemas: [], schemaCpus: [], configures: [] }));
// Not measured: the first start after a build writes the code cache every later start reads.
for (const row of rows) await measureStart(clientCertificate, row.entry, { configure: true });
// Interleaved, one start of each in turn: whatever else loads the machine meanwhile weighs on every row alike.
for (let run = 0; run < starts; run++) {
  for (const row of rows) {
    const { handshakeMs, schemaMs, schemaCpuMs } = await measureStart(clientCertificate, row.entry);
    row.handshakes.push(handshakeMs);
    row.schemas.push(schemaMs);
    row.schemaCpus.push(schemaCpuMs);
  }
}
for (let run = 0; run < starts; run++) {
  for (const row of rows) row.configures.push((await measureStart(clientCertificate, row.entry, { configure: true })).configureMs);
}
for (const { label, handshakes, schemas, schemaCpus, configures } of rows) {
  console.log(`${label}: start -> handshake line:           ${summary(handshakes)}`);
  console.log(`${label}: start -> first GetProviderSchema:  ${summary(schemas)}; the provider's CPU until then ${summary(schemaCpus)}`);
  console.log(`${label}: start -> ConfigureProvider answered: ${summary(configures)}`);
}

const tf = await createTerraformWorkspace({ entryPoint });
try {
  const files = join(tf.root, 'files');
  await mkdir(files);
  await tf.writeConfig(`${tf.requiredProviders()}
resource "virtplane_test_file" "bench" {
  path    = ${JSON.stringify(join(files, 'bench.txt'))}
  content = "bench"
}
`);
  await tf.init();
  await tf.apply();
  const durations = [];
  for (let run = 0; run < plans; run++) durations.push((await tf.expectEmptyPlan()).durationMs);
  console.log(`no-op terraform plan (1 virtplane_test_file):  ${summary(durations)}`);
  await tf.destroy();
  await tf.writeConfig(tf.requiredProviders());
  const empty = [];
  for (let run = 0; run < plans; run++) empty.push((await tf.expectEmptyPlan()).durationMs);
  console.log(`no-op terraform plan (empty configuration):    ${summary(empty)}`);
} finally {
  await tf.cleanup();
}

const { environmentLabFile } = await import(dist('lib/lab/labPlan.js'));
// VIRTPLANE_LAB_FILE, or VIRTPLANE_LAB_PREFIX's lab, else the checkout's.
const labFile = environmentLabFile(join(root, '.virtplane', 'lab.json'));
if (!existsSync(labFile)) {
  console.log('no-op terraform plan (platform): skipped, no lab (run `virtplane lab up`)');
} else {
  const { platformHcl } = await import(dist('test/support/platformHcl.js'));
  const lab = JSON.parse(await readFile(labFile, 'utf8'));
  const platform = await createTerraformWorkspace({ entryPoint: realEntryPoint });
  try {
    await platform.writeConfig(platform.requiredProviders() + platformHcl(lab, { inventory: join(platform.root, 'inventory') }));
    await platform.init();
    await platform.apply();
    const durations = [];
    for (let run = 0; run < plans; run++) durations.push((await platform.expectEmptyPlan()).durationMs);
    console.log(`no-op terraform plan (1 DC, 1 cluster, 2 hosts): ${summary(durations)}`);
    await platform.destroy();
  } finally {
    await platform.cleanup();
  }
}

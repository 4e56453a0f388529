/**
 * The provider's gRPC service over real gRPC with AutoMTLS, driven as Terraform's client would
 * (requests encoded with the same msgpack rules). Terraform itself runs in terraform.e2e.test.ts.
 */
import { encode } from '@msgpack/msgpack';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from '../../lib/provider/msgpackCodec.js';
import { startProviderServer, type RunningProviderServer } from '../../lib/provider/serve.js';
import { generateServerCertificate } from '../../lib/provider/tlsCertificate.js';
import { buildVirtplaneProvider, providerConfigSchema } from '../../lib/resources/index.js';
import { blockType } from '../../lib/framework/schema.js';
import { isUnknown, unknown, type TerraformObject, type TerraformValue } from '../../lib/framework/values.js';
import { testFileDataSource, testFileResource } from './fixtures/testFileResource.js';
import { defineResource } from '../../lib/framework/resource.js';
import { blockSchema, stringAttribute } from '../../lib/framework/schema.js';
import type { ProviderContext } from '../../lib/resources/index.js';
import { connectToProvider, type ClientCertificate, type ProviderClient, type WireMessage } from './helpers/providerClient.js';
import { testFileConfig, testFileType } from './helpers/testFileValues.js';

const TYPE = 'virtplane_test_file';

/**
 * TEST ONLY: says, in its id, whether the inventory rows plans share were being served when Terraform
 * asked it to create (an ApplyResourceChange) and to read (a ReadResource) it: the provider's `changing` hook
 * must wrap the first and not the second.
 */
const changeProbeResource = defineResource<ProviderContext>()({
  typeName: 'virtplane_test_change_probe',
  description: 'TEST ONLY: reports whether shared plan reads were served during its create and read.',
  schema: blockSchema({
    description: 'TEST ONLY.',
    attributes: {
      id: stringAttribute({ description: 'What create saw.', computed: true }),
      seen_by_read: stringAttribute({ description: 'What the last read saw.', computed: true }),
    },
  }),
  create: async ({ provider }) => ({ id: provider.inventory.planReads.serving('cluster') ? 'served' : 'changing', seen_by_read: null }),
  read: async ({ provider, state }) => ({ ...state, seen_by_read: provider.inventory.planReads.serving('cluster') ? 'served' : 'changing' }),
  update: async ({ planned }) => planned as never,
  delete: async () => undefined,
});
const probeType = blockType(changeProbeResource.schema);
const providerType = blockType(providerConfigSchema);

let directory: string;
let clientCertificate: ClientCertificate;
let server: RunningProviderServer;
let client: ProviderClient;

const dynamic = (value: TerraformValue, type = testFileType) => ({ msgpack: Buffer.from(encodeValue(value, type)) });
const nullValue = { msgpack: Buffer.from(encode(null)) };
const stateOf = (message: unknown): TerraformObject => decodeValue((message as { msgpack: Buffer }).msgpack, testFileType) as TerraformObject;
const diagnosticsOf = (response: WireMessage) =>
  response.diagnostics as { severity: string; summary: string; detail: string; attribute: { steps: Record<string, unknown>[] } | null }[];

async function configure(config: Record<string, TerraformValue> = {}): Promise<void> {
  const full = { inventory: null, ssh_user: null, ssh_private_key_file: null, ssh_private_key: null, known_hosts_file: null, ...config };
  const response = await client.call('ConfigureProvider', { terraform_version: '1.11.4', config: dynamic(full, providerType) });
  expect(diagnosticsOf(response)).toEqual([]);
}

async function planAndApply(prior: TerraformObject | null, config: TerraformObject, proposed: TerraformObject = config) {
  const plan = await client.call('PlanResourceChange', {
    type_name: TYPE,
    prior_state: prior === null ? nullValue : dynamic(prior),
    proposed_new_state: dynamic(proposed),
    config: dynamic(config),
  });
  expect(diagnosticsOf(plan)).toEqual([]);
  const apply = await client.call('ApplyResourceChange', {
    type_name: TYPE,
    prior_state: prior === null ? nullValue : dynamic(prior),
    planned_state: plan.planned_state,
    config: dynamic(config),
    planned_private: plan.planned_private,
  });
  return { plan, apply };
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'virtplane-grpc-'));
  clientCertificate = await generateServerCertificate();
  server = await startProviderServer(buildVirtplaneProvider({ resources: [testFileResource, changeProbeResource], dataSources: [testFileDataSource] }), {
    env: { PLUGIN_CLIENT_CERT: clientCertificate.certificatePem },
  });
  client = connectToProvider(server.handshake, clientCertificate);
});

afterAll(async () => {
  client?.close();
  await server?.close();
  await rm(directory, { recursive: true, force: true });
});

describe('AutoMTLS', () => {
  it('serves TLS with the certificate from the handshake to a client presenting PLUGIN_CLIENT_CERT', async () => {
    expect(server.handshake).toMatch(/^1\|6\|tcp\|127\.0\.0\.1:\d+\|grpc\|[A-Za-z0-9+/]+$/);
    const response = await client.call('GetProviderSchema');
    expect(response.provider).toBeTruthy();
  });

  it('refuses a client without a certificate, or with one Terraform did not announce', async () => {
    const anonymous = connectToProvider(server.handshake, null);
    await expect(anonymous.call('GetProviderSchema')).rejects.toThrow();
    anonymous.close();
    const stranger = connectToProvider(server.handshake, await generateServerCertificate());
    await expect(stranger.call('GetProviderSchema')).rejects.toThrow();
    stranger.close();
  });

  it('does not start when PLUGIN_CLIENT_CERT holds no certificate', async () => {
    await expect(
      startProviderServer(buildVirtplaneProvider({ resources: [testFileResource], dataSources: [] }), { env: { PLUGIN_CLIENT_CERT: 'not a certificate' } }),
    ).rejects.toThrow('PLUGIN_CLIENT_CERT holds no PEM certificate');
  });
});

describe('GetProviderSchema', () => {
  it('describes the provider block, resources and data sources, and asks to plan destroys', async () => {
    const response = await client.call('GetProviderSchema');
    const provider = response.provider as { block: { attributes: { name: string }[] } };
    expect(provider.block.attributes.map((a) => a.name)).toContain('ssh_private_key');
    const resource = (
      response.resource_schemas as Record<
        string,
        { version: number; block: { attributes: { name: string; computed: boolean }[]; block_types: { type_name: string; nesting: string }[] } }
      >
    )[TYPE]!;
    expect(resource.version).toBe(1);
    expect(resource.block.attributes.find((a) => a.name === 'inode')!.computed).toBe(true);
    expect(resource.block.block_types).toEqual([expect.objectContaining({ type_name: 'annotation', nesting: 'LIST' })]);
    expect(Object.keys(response.data_source_schemas as object)).toEqual([TYPE]);
    expect(response.server_capabilities).toMatchObject({ plan_destroy: true });
  });
});

describe('validation RPCs', () => {
  it('returns constraint failures with attribute paths on the wire', async () => {
    const config = testFileConfig({ path: '/tmp/x', content: 'c', mode: '999', annotation: [{ key: 'Bad Key', value: null, length: null }] });
    const diagnostics = diagnosticsOf(await client.call('ValidateResourceConfig', { type_name: TYPE, config: dynamic(config) }));
    expect(diagnostics.map((d) => d.attribute?.steps.map((s) => s.attribute_name ?? s.element_key_int))).toEqual([['mode'], ['annotation', 0, 'key']]);
    expect(diagnostics[0]).toMatchObject({ severity: 'ERROR', summary: 'Invalid value for mode' });
  });

  it("runs the resource's own validate hook", async () => {
    const annotation = [
      { key: 'a', value: null, length: null },
      { key: 'a', value: null, length: null },
    ];
    const diagnostics = diagnosticsOf(
      await client.call('ValidateResourceConfig', { type_name: TYPE, config: dynamic(testFileConfig({ path: '/tmp/x', content: 'c', annotation })) }),
    );
    expect(diagnostics).toEqual([expect.objectContaining({ summary: 'Duplicate annotation' })]);
    expect(diagnostics[0]!.attribute!.steps).toEqual([
      expect.objectContaining({ attribute_name: 'annotation' }),
      expect.objectContaining({ element_key_int: 1 }),
    ]);
  });

  it('does not judge unknown values', async () => {
    const diagnostics = diagnosticsOf(
      await client.call('ValidateResourceConfig', { type_name: TYPE, config: dynamic(testFileConfig({ path: unknown, content: unknown, mode: unknown })) }),
    );
    expect(diagnostics).toEqual([]);
  });

  it('validates the provider block, including rules across attributes', async () => {
    const config = { inventory: null, ssh_user: 'Root!', ssh_private_key_file: '/k', ssh_private_key: 'PEM', known_hosts_file: null };
    const diagnostics = diagnosticsOf(await client.call('ValidateProviderConfig', { config: dynamic(config, providerType) }));
    expect(diagnostics.map((d) => d.summary)).toEqual(['Invalid value for ssh_user', 'Conflicting SSH private keys']);
    expect(diagnostics[1]!.detail).not.toContain('PEM');
  });

  it('names unknown resource types', async () => {
    const diagnostics = diagnosticsOf(await client.call('ValidateResourceConfig', { type_name: 'virtplane_nope', config: nullValue }));
    expect(diagnostics[0]).toMatchObject({ summary: 'Unknown resource type' });
  });
});

describe('resource lifecycle over the protocol', () => {
  it('configures, plans with unknowns, creates, reads, detects drift, replaces and deletes', async () => {
    await configure({ ssh_user: 'admin' });
    const path = join(directory, 'a.txt');
    const config = testFileConfig({ path, content: 'hello', annotation: [{ key: 'owner', value: 'me', length: null }] });

    const { plan, apply } = await planAndApply(null, config);
    const planned = stateOf(plan.planned_state);
    expect(isUnknown(planned.id)).toBe(true);
    expect(isUnknown(planned.inode)).toBe(true);
    expect(isUnknown((planned.annotation as TerraformObject[])[0]!.length)).toBe(true);
    expect(planned.mode).toBe('0644');
    expect(planned.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.requires_replace).toEqual([]);

    expect(diagnosticsOf(apply)).toEqual([]);
    const created = stateOf(apply.new_state);
    expect(created).toMatchObject({ id: path, content: 'hello', mode: '0644', inode: (await stat(path)).ino, checksum: planned.checksum });
    expect(await readFile(path, 'utf8')).toBe('hello');

    const read = await client.call('ReadResource', { type_name: TYPE, current_state: dynamic(created) });
    expect(stateOf(read.new_state)).toEqual(created);

    await writeFile(path, 'changed behind terraform');
    const drifted = stateOf((await client.call('ReadResource', { type_name: TYPE, current_state: dynamic(created) })).new_state);
    expect(drifted.content).toBe('changed behind terraform');

    const movedPath = join(directory, 'b.txt');
    const moved = testFileConfig({ ...config, path: movedPath });
    const replacePlan = await client.call('PlanResourceChange', {
      type_name: TYPE,
      prior_state: dynamic(drifted),
      proposed_new_state: dynamic({ ...drifted, path: movedPath, content: 'hello' }),
      config: dynamic(moved),
    });
    expect(replacePlan.requires_replace).toEqual([{ steps: [expect.objectContaining({ attribute_name: 'path' })] }]);

    const destroyPlan = await client.call('PlanResourceChange', {
      type_name: TYPE,
      prior_state: dynamic(drifted),
      proposed_new_state: nullValue,
      config: nullValue,
    });
    expect(decodeValue((destroyPlan.planned_state as { msgpack: Buffer }).msgpack, testFileType)).toBeNull();
    const deleted = await client.call('ApplyResourceChange', { type_name: TYPE, prior_state: dynamic(drifted), planned_state: nullValue, config: nullValue });
    expect(diagnosticsOf(deleted)).toEqual([]);
    expect(decodeValue((deleted.new_state as { msgpack: Buffer }).msgpack, testFileType)).toBeNull();
    await expect(stat(path)).rejects.toThrow(/ENOENT/);

    const gone = await client.call('ReadResource', { type_name: TYPE, current_state: dynamic(drifted) });
    expect(decodeValue((gone.new_state as { msgpack: Buffer }).msgpack, testFileType)).toBeNull();
  });

  it('hands the configured provider to operations (data source reads ssh_user)', async () => {
    await configure({ ssh_user: 'operator' });
    const path = join(directory, 'data.txt');
    await writeFile(path, 'data');
    const dataType = blockType(testFileDataSource.schema);
    const response = await client.call('ReadDataSource', {
      type_name: TYPE,
      config: dynamic({ path, content: null, checksum: null, ssh_user: null }, dataType),
    });
    expect(diagnosticsOf(response)).toEqual([]);
    expect(decodeValue((response.state as { msgpack: Buffer }).msgpack, dataType)).toMatchObject({ path, content: 'data', ssh_user: 'operator' });
  });

  it('refuses a provider configuration that is not known yet', async () => {
    const config = { inventory: unknown, ssh_user: null, ssh_private_key_file: null, ssh_private_key: null, known_hosts_file: null };
    const diagnostics = diagnosticsOf(await client.call('ConfigureProvider', { terraform_version: '1.11.4', config: dynamic(config, providerType) }));
    expect(diagnostics[0]).toMatchObject({ severity: 'ERROR', summary: 'Provider configuration is not known yet' });
  });

  it('imports by id, and says so when there is nothing to import', async () => {
    await configure();
    const path = join(directory, 'import.txt');
    await writeFile(path, 'imported');
    const response = await client.call('ImportResourceState', { type_name: TYPE, id: path });
    expect(diagnosticsOf(response)).toEqual([]);
    const [imported] = response.imported_resources as { type_name: string; state: unknown }[];
    expect(imported!.type_name).toBe(TYPE);
    expect(stateOf(imported!.state)).toMatchObject({ id: path, path, content: 'imported', annotation: [] });

    const missing = await client.call('ImportResourceState', { type_name: TYPE, id: join(directory, 'missing') });
    expect(diagnosticsOf(missing)[0]).toMatchObject({ summary: 'Cannot import non-existent remote object' });
  });
});

describe('changes and the reads plans share', () => {
  it("runs every ApplyResourceChange inside the provider's change hook, and a ReadResource outside it", async () => {
    await configure({ inventory: join(directory, 'probe-inventory') });
    const config = { id: null, seen_by_read: null };
    const plan = await client.call('PlanResourceChange', {
      type_name: changeProbeResource.typeName,
      prior_state: nullValue,
      proposed_new_state: dynamic(config, probeType),
      config: dynamic(config, probeType),
    });
    expect(diagnosticsOf(plan)).toEqual([]);
    const apply = await client.call('ApplyResourceChange', {
      type_name: changeProbeResource.typeName,
      prior_state: nullValue,
      planned_state: plan.planned_state,
      config: dynamic(config, probeType),
      planned_private: plan.planned_private,
    });
    expect(diagnosticsOf(apply)).toEqual([]);
    const created = decodeValue((apply.new_state as { msgpack: Buffer }).msgpack, probeType) as TerraformObject;
    expect(created.id).toBe('changing');
    const read = await client.call('ReadResource', { type_name: changeProbeResource.typeName, current_state: apply.new_state });
    expect(diagnosticsOf(read)).toEqual([]);
    expect((decodeValue((read.new_state as { msgpack: Buffer }).msgpack, probeType) as TerraformObject).seen_by_read).toBe('served');
  });
});

describe('UpgradeResourceState', () => {
  const rawState = (value: object) => ({ json: Buffer.from(JSON.stringify(value)) });

  it("migrates a version 0 state (text) through the resource's upgrader", async () => {
    const response = await client.call('UpgradeResourceState', {
      type_name: TYPE,
      version: 0,
      raw_state: rawState({
        id: '/f',
        path: '/f',
        text: 'old',
        mode: '0600',
        apply_delay_ms: 0,
        checksum: 'c',
        inode: 7,
        annotation: [{ key: 'k', value: 'v', length: 1 }],
      }),
    });
    expect(diagnosticsOf(response)).toEqual([]);
    expect(stateOf(response.upgraded_state)).toEqual({
      id: '/f',
      path: '/f',
      content: 'old',
      mode: '0600',
      apply_delay_ms: 0,
      checksum: 'c',
      inode: 7,
      secret_note: null,
      annotation: [{ key: 'k', value: 'v', length: 1 }],
    });
  });

  it('passes a current state through, dropping attributes the schema no longer has', async () => {
    const response = await client.call('UpgradeResourceState', {
      type_name: TYPE,
      version: 1,
      raw_state: rawState({ id: '/f', path: '/f', content: 'x', gone: true }),
    });
    expect(stateOf(response.upgraded_state)).toMatchObject({ id: '/f', content: 'x', annotation: [] });
  });

  it('refuses a state from a newer provider', async () => {
    const response = await client.call('UpgradeResourceState', { type_name: TYPE, version: 2, raw_state: rawState({}) });
    expect(diagnosticsOf(response)[0]).toMatchObject({ severity: 'ERROR', summary: 'State written by a newer provider' });
  });
});

describe('StopProvider and Shutdown', () => {
  it('StopProvider cancels an apply in flight, which returns promptly with a diagnostic', async () => {
    await configure();
    const path = join(directory, 'slow.txt');
    const config = testFileConfig({ path, content: 'slow', apply_delay_ms: 60_000 });
    const plan = await client.call('PlanResourceChange', {
      type_name: TYPE,
      prior_state: nullValue,
      proposed_new_state: dynamic(config),
      config: dynamic(config),
    });
    const started = performance.now();
    const applying = client.call('ApplyResourceChange', {
      type_name: TYPE,
      prior_state: nullValue,
      planned_state: plan.planned_state,
      config: dynamic(config),
    });
    while (server.service.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await client.call('StopProvider');
    const response = await applying;
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(diagnosticsOf(response)[0]).toMatchObject({ severity: 'ERROR', summary: 'Operation cancelled' });
    expect(diagnosticsOf(response)[0]!.detail).toContain(`Cannot create ${TYPE}: Terraform asked the provider to stop`);
    expect(decodeValue((response.new_state as { msgpack: Buffer }).msgpack, testFileType)).toBeNull();
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
    // Later calls are not affected by the earlier stop.
    expect(diagnosticsOf(await client.call('ValidateResourceConfig', { type_name: TYPE, config: dynamic(config) }))).toEqual([]);
  });

  it('GRPCController.Shutdown replies and signals the process to exit', async () => {
    let signalled = false;
    void server.shutdownRequested.then(() => {
      signalled = true;
    });
    await client.shutdown();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(signalled).toBe(true);
  });
});

/**
 * The provider loads the plugin protocol from lib/provider/pluginProtocol.generated.ts, not from the
 * .proto files: this fails when the two drift (regenerate with scripts/generate-plugin-protocol.ts),
 * and shows that the generated codecs put the same bytes on the wire as protobufjs's reflection over
 * the .proto files, and read them back the same.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPluginProtocol } from '../../lib/provider/protocol.js';
import { GENERATED_FILE, parseProtoFiles, pluginProtocolSource } from '../../scripts/plugin-protocol-source.js';

const CONVERSION = { longs: Number, enums: String, bytes: Buffer, defaults: true, oneofs: true };

describe('the generated plugin protocol', () => {
  it('is what proto/*.proto say (else: npx vite-node scripts/generate-plugin-protocol.ts)', async () => {
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(await pluginProtocolSource());
  });

  it('offers every RPC of tfplugin6.Provider and plugin.GRPCController, under their gRPC paths', () => {
    const parsed = parseProtoFiles();
    const protocol = loadPluginProtocol();
    for (const [service, definition] of [
      ['tfplugin6.Provider', protocol.providerService],
      ['plugin.GRPCController', protocol.controllerService],
    ] as const) {
      const methods = parsed.lookupService(service).methodsArray.map((method) => method.name);
      expect(Object.keys(definition).sort()).toEqual([...methods].sort());
      for (const name of methods) expect(definition[name]!.path).toBe(`/${service}/${name}`);
    }
    expect(Object.keys(protocol.providerService)).toContain('GetProviderSchema');
  });

  it('encodes as the parsed protocol does, and decodes to snake_case with numbers, enum names, Buffers and defaults', () => {
    const parsed = parseProtoFiles();
    const { providerService } = loadPluginProtocol();
    const response = {
      provider: {
        version: 3,
        block: {
          attributes: [
            { name: 'inventory', type: Buffer.from('"string"'), optional: true, description_kind: 'MARKDOWN' },
            { name: 'disks', nested_type: { nesting: 'LIST', attributes: [{ name: 'size', type: Buffer.from('"number"'), required: true }] } },
          ],
          block_types: [
            { type_name: 'nic', nesting: 'SET', min_items: 1, block: { attributes: [{ name: 'mac', type: Buffer.from('"string"'), computed: true }] } },
          ],
        },
      },
      diagnostics: [{ severity: 'WARNING', summary: 's', attribute: { steps: [{ attribute_name: 'a' }, { element_key_int: 7 }] } }],
    };
    const bytes = providerService.GetProviderSchema!.responseSerialize(response);
    const type = parsed.lookupType('tfplugin6.GetProviderSchema.Response');
    expect(Buffer.from(bytes).equals(Buffer.from(type.encode(type.fromObject(response)).finish()))).toBe(true);

    const decoded = providerService.GetProviderSchema!.responseDeserialize(bytes) as {
      provider: { version: number; block: { attributes: { type: Buffer; description_kind: string; computed: boolean }[]; block_types: unknown[] } };
      diagnostics: { detail: string; attribute: { steps: Record<string, unknown>[] } }[];
      server_capabilities: unknown;
    };
    expect(decoded.provider.version).toBe(3);
    expect(decoded.provider.block.attributes[0]!.type).toEqual(Buffer.from('"string"'));
    expect(decoded.provider.block.attributes[0]!.description_kind).toBe('MARKDOWN');
    expect(decoded.provider.block.attributes[0]!.computed).toBe(false);
    expect(decoded.provider.block.block_types).toHaveLength(1);
    expect(decoded.diagnostics[0]!.detail).toBe('');
    expect(decoded.diagnostics[0]!.attribute.steps[1]).toMatchObject({ element_key_int: 7, selector: 'element_key_int' });
    expect(decoded.server_capabilities).toBeNull();
    expect(decoded).toEqual(type.toObject(type.decode(bytes), CONVERSION));
  });

  it('reads every request Terraform sends as reflection over the .proto files does', () => {
    const parsed = parseProtoFiles();
    const { providerService } = loadPluginProtocol();
    const dynamic = { msgpack: Buffer.from([0x81, 0xa1, 0x61, 0x01]), json: Buffer.from('{"a":1}') };
    const requests: Record<string, object> = {
      PlanResourceChange: { type_name: 't', prior_state: dynamic, proposed_new_state: dynamic, config: dynamic, prior_private: Buffer.from('p') },
      UpgradeResourceState: { type_name: 't', version: 2, raw_state: { json: Buffer.from('{}'), flatmap: { a: 'b' } } },
      ReadResource: { type_name: 't', current_state: dynamic, private: Buffer.alloc(0) },
      ConfigureProvider: { terraform_version: '1.11.4', config: dynamic },
      ImportResourceState: { type_name: 't', id: 'x' },
      ApplyResourceChange: { type_name: 't', planned_state: dynamic, config: dynamic, planned_private: Buffer.from([1, 2]) },
    };
    for (const [name, request] of Object.entries(requests)) {
      const method = providerService[name]!;
      const type = parsed.lookupType(`tfplugin6.${name}.Request`);
      const bytes = Buffer.from(type.encode(type.fromObject(request)).finish());
      expect(method.requestSerialize(request), name).toEqual(bytes);
      expect(method.requestDeserialize(bytes), name).toEqual(type.toObject(type.decode(bytes), CONVERSION));
    }
  });
});

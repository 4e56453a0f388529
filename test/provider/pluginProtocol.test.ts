/**
 * The provider loads the plugin protocol from lib/provider/pluginProtocol.generated.ts, not from the
 * .proto files: this fails when the two drift (regenerate with scripts/generate-plugin-protocol.ts),
 * and shows that the generated protocol puts the same bytes on the wire as one parsed from the .proto.
 */
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { PLUGIN_PROTOCOL_DESCRIPTOR } from '../../lib/provider/pluginProtocol.generated.js';
import { loadPluginProtocol } from '../../lib/provider/protocol.js';
import { descriptorFromProtoFiles } from '../../lib/provider/protocolSource.js';

describe('the generated plugin protocol', () => {
  it('is what proto/*.proto say (else: npx vite-node scripts/generate-plugin-protocol.ts)', () => {
    expect(JSON.parse(JSON.stringify(PLUGIN_PROTOCOL_DESCRIPTOR))).toEqual(descriptorFromProtoFiles());
  });

  it('offers every RPC of tfplugin6.Provider and plugin.GRPCController, under their gRPC paths', () => {
    const parsed = protobuf.Root.fromJSON(descriptorFromProtoFiles());
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
    const parsed = protobuf.Root.fromJSON(descriptorFromProtoFiles());
    const { providerService } = loadPluginProtocol();
    const response = {
      provider: { version: 3, block: { attributes: [{ name: 'inventory', type: Buffer.from('"string"'), optional: true, description_kind: 'MARKDOWN' }] } },
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
    expect(decoded.provider.block.block_types).toEqual([]);
    expect(decoded.diagnostics[0]!.detail).toBe('');
    expect(decoded.diagnostics[0]!.attribute.steps[1]).toMatchObject({ element_key_int: 7, selector: 'element_key_int' });
    expect(decoded.server_capabilities).toBeNull();
  });
});

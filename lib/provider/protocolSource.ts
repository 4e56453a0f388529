/**
 * The plugin protocol read from proto/*.proto. Only the generator (scripts/generate-plugin-protocol.ts)
 * and the test that keeps pluginProtocol.generated.ts in step with the .proto files use this: parsing
 * .proto text took about 50 ms of every provider start, and Terraform starts the provider 2-3 times
 * per command.
 */
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { protoDirectory } from '../util/packageRoot.js';

/** keepCase keeps Terraform's snake_case field names, as the provider's handlers expect them. */
export function descriptorFromProtoFiles(): protobuf.INamespace {
  const directory = protoDirectory();
  const root = new protobuf.Root().loadSync(
    ['tfplugin6.proto', 'grpc_controller.proto'].map((name) => join(directory, name)),
    { keepCase: true },
  );
  root.resolveAll();
  return root.toJSON();
}

/** The TypeScript module holding the descriptor (unformatted: the generator runs Prettier over it). */
export function descriptorModuleSource(descriptor: protobuf.INamespace): string {
  return `// GENERATED from proto/*.proto by scripts/generate-plugin-protocol.ts: do not edit, regenerate.
export const PLUGIN_PROTOCOL_DESCRIPTOR = ${JSON.stringify(descriptor)};
`;
}

import { makeClientConstructor, type MethodDefinition, type ServiceClientConstructor, type ServiceDefinition } from '@grpc/grpc-js';
// The light build: reflection and codecs without the .proto parser (the descriptor is pre-generated).
import protobuf from 'protobufjs/light.js';
import { PLUGIN_PROTOCOL_DESCRIPTOR } from './pluginProtocol.generated.js';

interface PluginProtocol {
  /** tfplugin6.Provider */
  readonly providerService: ServiceDefinition;
  /** plugin.GRPCController (go-plugin) */
  readonly controllerService: ServiceDefinition;
  /** Client constructors, for tests that talk to the provider as Terraform does. */
  readonly ProviderClient: ServiceClientConstructor;
  readonly ControllerClient: ServiceClientConstructor;
}

/**
 * What @grpc/proto-loader would give with these options, without it: int64 fields become JS numbers,
 * enums are exchanged as their names, bytes as Buffers, absent fields get proto3 defaults (messages:
 * null) and a oneof names its present field. Field names are Terraform's snake_case (kept by the
 * generator).
 */
const CONVERSION: protobuf.IConversionOptions = { longs: Number, enums: String, bytes: Buffer, defaults: true, oneofs: true };

let cached: PluginProtocol | undefined;

/**
 * The protocol from pluginProtocol.generated.ts (made from proto/*.proto): no .proto parsing, and no
 * reflection descriptors for services the provider does not offer (proto-loader builds both on every
 * start; together they were about 100 ms of it).
 */
export function loadPluginProtocol(): PluginProtocol {
  if (cached !== undefined) return cached;
  // protobufjs's declarations lack map fields' keyType and require comments: its own toJSON output does not fit them.
  const root = protobuf.Root.fromJSON(PLUGIN_PROTOCOL_DESCRIPTOR as protobuf.INamespace);
  const providerService = serviceDefinition(root, 'tfplugin6.Provider');
  const controllerService = serviceDefinition(root, 'plugin.GRPCController');
  cached = {
    providerService,
    controllerService,
    ProviderClient: makeClientConstructor(providerService, 'tfplugin6.Provider'),
    ControllerClient: makeClientConstructor(controllerService, 'plugin.GRPCController'),
  };
  return cached;
}

function serviceDefinition(root: protobuf.Root, name: string): ServiceDefinition {
  const service = root.lookupService(name);
  const definition: Record<string, MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const request = method.resolvedRequestType;
    const response = method.resolvedResponseType;
    if (request === null || response === null) throw new Error(`${name}.${method.name}: unresolved message types`);
    definition[method.name] = {
      path: `/${name}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: serializer(request),
      requestDeserialize: deserializer(request),
      responseSerialize: serializer(response),
      responseDeserialize: deserializer(response),
      // grpc-js also accepts handlers and client methods under this name.
      originalName: method.name.charAt(0).toLowerCase() + method.name.slice(1),
    };
  }
  return definition;
}

function serializer(type: protobuf.Type): (value: object) => Buffer {
  // On Node, protobufjs writes into a Buffer.
  return (value: object) => type.encode(type.fromObject(value)).finish() as Buffer;
}

function deserializer(type: protobuf.Type): (bytes: Buffer) => object {
  return (bytes: Buffer) => type.toObject(type.decode(bytes), CONVERSION);
}

import { makeClientConstructor, type MethodDefinition, type ServiceClientConstructor, type ServiceDefinition } from '@grpc/grpc-js';
import type { IConversionOptions, Reader, Writer } from 'protobufjs';
import { plugin, RPCS, tfplugin6 } from './pluginProtocol.generated.js';

interface PluginProtocol {
  /** tfplugin6.Provider */
  readonly providerService: ServiceDefinition;
  /** plugin.GRPCController (go-plugin) */
  readonly controllerService: ServiceDefinition;
  /** Client constructors, for tests that talk to the provider as Terraform does. */
  readonly ProviderClient: ServiceClientConstructor;
  readonly ControllerClient: ServiceClientConstructor;
}

/** What pbjs's static code offers for each message type (the generated file is untyped JavaScript). */
interface MessageCodec {
  encode(message: object): Writer;
  decode(reader: Reader | Uint8Array): object;
  fromObject(object: object): object;
  toObject(message: object, options: IConversionOptions): object;
}

/**
 * What @grpc/proto-loader gave with these options: int64 fields become JS numbers, enums are exchanged
 * as their names, bytes as Buffers, absent fields get proto3 defaults (messages: null) and a oneof names
 * its present field. Field names are Terraform's snake_case (kept by the generator).
 */
const CONVERSION: IConversionOptions = { longs: Number, enums: String, bytes: Buffer, defaults: true, oneofs: true };

const PACKAGES: Record<string, unknown> = { tfplugin6, plugin };

let cached: PluginProtocol | undefined;

/**
 * The protocol from pluginProtocol.generated.ts (made from proto/*.proto): codecs written out at build
 * time, so a start neither parses .proto files nor builds codecs by reflection.
 */
export function loadPluginProtocol(): PluginProtocol {
  if (cached !== undefined) return cached;
  const providerService = serviceDefinition('tfplugin6.Provider');
  const controllerService = serviceDefinition('plugin.GRPCController');
  cached = {
    providerService,
    controllerService,
    ProviderClient: makeClientConstructor(providerService, 'tfplugin6.Provider'),
    ControllerClient: makeClientConstructor(controllerService, 'plugin.GRPCController'),
  };
  return cached;
}

function serviceDefinition(service: keyof typeof RPCS): ServiceDefinition {
  const definition: Record<string, MethodDefinition<object, object>> = {};
  for (const [name, rpc] of Object.entries(RPCS[service])) {
    const request = codec(rpc.request);
    const response = codec(rpc.response);
    definition[name] = {
      path: `/${service}/${name}`,
      requestStream: rpc.requestStream,
      responseStream: rpc.responseStream,
      requestSerialize: serializer(request),
      requestDeserialize: deserializer(request),
      responseSerialize: serializer(response),
      responseDeserialize: deserializer(response),
      // grpc-js also accepts handlers and client methods under this name.
      originalName: name.charAt(0).toLowerCase() + name.slice(1),
    };
  }
  return definition;
}

function codec(typeName: string): MessageCodec {
  const [packageName, ...path] = typeName.split('.');
  let found: unknown = PACKAGES[packageName!];
  for (const step of path) found = (found as Record<string, unknown> | undefined)?.[step];
  if (typeof (found as Partial<MessageCodec> | undefined)?.encode !== 'function') throw new Error(`${typeName} is missing from pluginProtocol.generated.ts`);
  return found as MessageCodec;
}

function serializer(type: MessageCodec): (value: object) => Buffer {
  // On Node, protobufjs writes into a Buffer.
  return (value: object) => type.encode(type.fromObject(value)).finish() as Buffer;
}

function deserializer(type: MessageCodec): (bytes: Buffer) => object {
  return (bytes: Buffer) => type.toObject(type.decode(bytes), CONVERSION);
}

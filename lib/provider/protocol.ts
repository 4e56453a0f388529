import { loadPackageDefinition, type GrpcObject, type ServiceClientConstructor, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { join } from 'node:path';
import { protoDirectory } from '../util/packageRoot.js';

interface PluginProtocol {
  /** tfplugin6.Provider */
  readonly providerService: ServiceDefinition;
  /** plugin.GRPCController (go-plugin) */
  readonly controllerService: ServiceDefinition;
  /** Client constructors, for tests that talk to the provider as Terraform does. */
  readonly ProviderClient: ServiceClientConstructor;
  readonly ControllerClient: ServiceClientConstructor;
}

let cached: PluginProtocol | undefined;

/**
 * Loads the .proto files at run time. keepCase keeps Terraform's snake_case field names;
 * int64 fields become JS numbers; enums are exchanged as their names; bytes as Buffers;
 * absent fields get proto3 defaults (messages: null).
 */
export function loadPluginProtocol(): PluginProtocol {
  if (cached !== undefined) return cached;
  const directory = protoDirectory();
  const definition = loadSync([join(directory, 'tfplugin6.proto'), join(directory, 'grpc_controller.proto')], {
    keepCase: true,
    longs: Number,
    enums: String,
    bytes: Buffer,
    defaults: true,
    oneofs: true,
    includeDirs: [directory],
  });
  const loaded = loadPackageDefinition(definition);
  const ProviderClient = serviceConstructor(loaded, 'tfplugin6', 'Provider');
  const ControllerClient = serviceConstructor(loaded, 'plugin', 'GRPCController');
  cached = {
    providerService: ProviderClient.service,
    controllerService: ControllerClient.service,
    ProviderClient,
    ControllerClient,
  };
  return cached;
}

function serviceConstructor(loaded: GrpcObject, packageName: string, serviceName: string): ServiceClientConstructor {
  const pkg = loaded[packageName] as GrpcObject | undefined;
  const service = pkg?.[serviceName] as ServiceClientConstructor | undefined;
  if (service === undefined || typeof service !== 'function') throw new Error(`${packageName}.${serviceName} is missing from the .proto files`);
  return service;
}

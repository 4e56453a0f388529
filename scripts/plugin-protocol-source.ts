/**
 * The source of lib/provider/pluginProtocol.generated.ts, made from proto/*.proto: pbjs's static code (an
 * encoder, decoder and object converters per message, written out instead of built by reflection at run
 * time) and the table of RPCs. Building the codecs by reflection was about 50 ms of every provider start
 * (parsing the definitions, then generating each codec on first use), and Terraform starts the provider
 * 2-3 times per command. scripts/generate-plugin-protocol.ts writes the file; test/provider/pluginProtocol.test.ts
 * fails when it drifts from the .proto files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pbjs } from 'protobufjs-cli';
import protobuf from 'protobufjs';
import { format, resolveConfig } from 'prettier';
import { findPackageRoot } from '../lib/util/packageRoot.js';

const ROOT = findPackageRoot(import.meta.url);
export const PROTO_FILES = ['tfplugin6.proto', 'grpc_controller.proto'].map((name) => join(ROOT, 'proto', name));
export const GENERATED_FILE = join(ROOT, 'lib', 'provider', 'pluginProtocol.generated.ts');

/** keepCase keeps Terraform's snake_case field names, which the provider's handlers use. */
export function parseProtoFiles(): protobuf.Root {
  const root = new protobuf.Root().loadSync(PROTO_FILES, { keepCase: true });
  root.resolveAll();
  return root;
}

/**
 * pbjs names each message's class after the message, so tfplugin6's Schema.Object would shadow the
 * global Object inside its own code (Object.create, Object.keys). Message names never reach the wire:
 * messages named after a global the generated code uses are renamed with a trailing underscore, and
 * the fields that use them follow.
 */
const SHADOWING = new Set(['Object', 'Array', 'String', 'Number', 'Boolean', 'BigInt', 'Error', 'RangeError', 'TypeError']);

function renameShadowing(namespace: protobuf.INamespace & { fields?: Record<string, { type: string }> }): void {
  for (const field of Object.values(namespace.fields ?? {})) {
    const last = field.type.split('.').at(-1)!;
    if (SHADOWING.has(last)) field.type = `${field.type}_`;
  }
  const nested = namespace.nested as Record<string, protobuf.INamespace> | undefined;
  for (const [name, inner] of Object.entries(nested ?? {})) {
    renameShadowing(inner);
    if (SHADOWING.has(name) && nested !== undefined) {
      nested[`${name}_`] = inner;
      delete nested[name];
    }
  }
}

async function staticCode(): Promise<string> {
  const descriptor = parseProtoFiles().toJSON();
  renameShadowing(descriptor);
  const folder = mkdtempSync(join(tmpdir(), 'virtplane-protocol-'));
  try {
    const input = join(folder, 'plugin-protocol.json');
    writeFileSync(input, JSON.stringify(descriptor));
    const args = ['--target', 'static-module', '--wrap', 'es6', '--es6', '--keep-case', '--root', 'virtplanePluginProtocol'];
    // Only what the service definitions use: codecs and converters.
    args.push('--no-create', '--no-verify', '--no-delimited', '--no-typeurl', '--no-service', '--no-comments', input);
    return await new Promise((resolve, reject) => {
      pbjs.main(args, (error, output) => (error ? reject(error) : resolve(output ?? '')));
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

interface RpcEntry {
  readonly request: string;
  readonly response: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
}

function rpcTable(root: protobuf.Root): Record<string, Record<string, RpcEntry>> {
  const table: Record<string, Record<string, RpcEntry>> = {};
  for (const service of ['tfplugin6.Provider', 'plugin.GRPCController']) {
    table[service] = {};
    for (const method of root.lookupService(service).methodsArray) {
      table[service][method.name] = {
        request: method.resolvedRequestType!.fullName.replace(/^\./, ''),
        response: method.resolvedResponseType!.fullName.replace(/^\./, ''),
        requestStream: method.requestStream === true,
        responseStream: method.responseStream === true,
      };
    }
  }
  return table;
}

export async function pluginProtocolSource(): Promise<string> {
  const code = (await staticCode())
    .replace(/^\/\*eslint-disable[^\n]*\*\/\n/, '')
    // ES module resolution wants the file name; protobufjs is CommonJS, so its exports are the default.
    .replace('import * as $protobuf from "protobufjs/minimal";', 'import $protobuf from "protobufjs/minimal.js";');
  if (!code.includes('import $protobuf from "protobufjs/minimal.js";')) throw new Error('pbjs output changed shape: update plugin-protocol-source.ts');
  const source = `// GENERATED from proto/*.proto by scripts/generate-plugin-protocol.ts (pbjs static code): do not edit, regenerate.
// @ts-nocheck -- pbjs writes JavaScript; lib/provider/protocol.ts gives it its types.
${code}
/** Every RPC of the services the provider serves, by service and method name. */
export const RPCS = ${JSON.stringify(rpcTable(parseProtoFiles()))};
`;
  return format(source, { ...(await resolveConfig(GENERATED_FILE)), filepath: GENERATED_FILE });
}

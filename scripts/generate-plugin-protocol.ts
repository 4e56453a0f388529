/**
 * Writes lib/provider/pluginProtocol.generated.ts from proto/*.proto, so the provider loads the
 * protocol as data instead of parsing .proto text on every start. Run it after changing a .proto file:
 *
 *   npx vite-node scripts/generate-plugin-protocol.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { descriptorFromProtoFiles, descriptorModuleSource } from '../lib/provider/protocolSource.js';
import { findPackageRoot } from '../lib/util/packageRoot.js';

const file = join(findPackageRoot(), 'lib', 'provider', 'pluginProtocol.generated.ts');
const source = descriptorModuleSource(descriptorFromProtoFiles());
writeFileSync(file, await format(source, { ...(await resolveConfig(file)), filepath: file }));
process.stdout.write(`wrote ${file}\n`);

/**
 * Writes lib/provider/pluginProtocol.generated.ts from proto/*.proto (see plugin-protocol-source.ts).
 * Run it after changing a .proto file:
 *
 *   npx vite-node scripts/generate-plugin-protocol.ts
 */
import { writeFileSync } from 'node:fs';
import { GENERATED_FILE, pluginProtocolSource } from './plugin-protocol-source.js';

writeFileSync(GENERATED_FILE, await pluginProtocolSource());
process.stdout.write(`wrote ${GENERATED_FILE}\n`);

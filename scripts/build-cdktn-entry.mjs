#!/usr/bin/env node
// The CDK Terrain entry point of the construct library (`virtplane/cdktn`): the constructs as tsc built
// them for cdktf (dist/constructs/), copied to dist/constructs-cdktn/ with the one module that names
// the core (framework/cdk) saying cdktn instead. Run after `tsc -p tsconfig.json` (npm run build does).
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'dist', 'constructs');
const to = join(root, 'dist', 'constructs-cdktn');
if (!existsSync(join(from, 'framework', 'cdk.js'))) {
  process.stderr.write(`build-cdktn-entry: ${from} is not built yet: run tsc -p tsconfig.json first\n`);
  process.exit(1);
}
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
const header = '// The CDK Terrain build of the constructs: written by scripts/build-cdktn-entry.mjs.\n';
writeFileSync(join(to, 'framework', 'cdk.js'), `${header}export * from 'cdktn';\n`);
writeFileSync(join(to, 'framework', 'cdk.d.ts'), `${header}export * from 'cdktn';\n`);
rmSync(join(to, 'framework', 'cdk.js.map'), { force: true });
process.stdout.write(`wrote ${to} (constructs on cdktn)\n`);

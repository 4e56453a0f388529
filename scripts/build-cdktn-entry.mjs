#!/usr/bin/env node
// The CDK Terrain entry point of the construct library (`virtplane/cdktn`): the constructs as tsc built
// them for cdktf (dist/constructs/), copied to dist/constructs-cdktn/ with the one module that names
// the core (framework/cdk) saying cdktn instead. Run after `tsc -p tsconfig.json` (npm run build does).
import { cpSync, existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'dist', 'constructs');
const to = join(root, 'dist', 'constructs-cdktn');
if (!existsSync(join(from, 'framework', 'cdk.js'))) {
  process.stderr.write(`build-cdktn-entry: ${from} is not built yet: run tsc -p tsconfig.json first\n`);
  process.exit(1);
}
// Built beside, then swapped in: tests rebuild it while other test files import the old one.
const building = `${to}.${process.pid}.tmp`;
const replaced = `${to}.${process.pid}.old`;
rmSync(building, { recursive: true, force: true });
cpSync(from, building, { recursive: true });
const header = '// The CDK Terrain build of the constructs: written by scripts/build-cdktn-entry.mjs.\n';
writeFileSync(join(building, 'framework', 'cdk.js'), `${header}export * from 'cdktn';\n`);
writeFileSync(join(building, 'framework', 'cdk.d.ts'), `${header}export * from 'cdktn';\n`);
rmSync(join(building, 'framework', 'cdk.js.map'), { force: true });
if (existsSync(to)) renameSync(to, replaced);
renameSync(building, to);
rmSync(replaced, { recursive: true, force: true });
process.stdout.write(`wrote ${to} (constructs on cdktn)\n`);

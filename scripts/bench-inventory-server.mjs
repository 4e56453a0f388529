#!/usr/bin/env node
// What one inventory server start costs (lib/inventory/inventoryServerMain.ts, started by the first process
// that opens an embedded folder), measured in the same run, interleaved, on a new folder each time:
//   bundle        dist/inventory-server/ (`npm run build`: one file, V8's code cache): built packages and tests
//   compiled      dist/lib/inventory/inventoryServerMain.js (tsc's modules): what built packages ran before
//   vite-node     the TypeScript sources through vite-node: what every server a test started ran before
// "listening" is from spawn to the log's "listening on" line; "cpu" the server process's CPU time until then
// (read from /proc, which a loaded machine distorts less than wall time).
// Build first:  npm run build
// Run:          node scripts/bench-inventory-server.mjs [--runs 5]
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const variants = {
  'bundle (dist/inventory-server)': [join(root, 'dist', 'inventory-server', 'virtplane-inventory-server.cjs')],
  'compiled (dist/lib/inventory)': [join(root, 'dist', 'lib', 'inventory', 'inventoryServerMain.js')],
  'vite-node (the sources)': [join(root, 'node_modules', 'vite-node', 'vite-node.mjs'), join(root, 'lib', 'inventory', 'inventoryServerMain.ts')],
};
for (const [first] of Object.values(variants)) {
  if (!existsSync(first)) {
    process.stderr.write(`missing ${first}: run \`npm run build\` first\n`);
    process.exit(2);
  }
}
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const { stopInventoryServer } = await import(join(root, 'dist', 'lib', 'inventory', 'index.js'));
const { serverLogPath } = await import(join(root, 'dist', 'lib', 'inventory', 'inventoryServerFiles.js'));

/** User + system CPU milliseconds a running process has spent so far (clock ticks of 10 ms). */
const cpuMsOf = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

const results = Object.fromEntries(Object.keys(variants).map((name) => [name, { listening: [], cpu: [] }]));
// Run 0 is not measured: the bundle's first start after a build writes the code cache later starts read.
for (let run = 0; run <= runs; run++) {
  for (const [name, command] of Object.entries(variants)) {
    const folder = await mkdtemp(join(tmpdir(), 'virtplane-bench-server-'));
    try {
      const log = openSync(serverLogPath(folder), 'a');
      const spawnedAt = performance.now();
      const child = spawn(process.execPath, [...command, folder], { detached: true, stdio: ['ignore', log, log], cwd: root });
      closeSync(log);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      while (!readFileSync(serverLogPath(folder), 'utf8').includes('listening on')) {
        if (child.exitCode !== null) throw new Error(`${name}: the server exited: ${readFileSync(serverLogPath(folder), 'utf8')}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      if (run > 0) {
        results[name].listening.push(performance.now() - spawnedAt);
        results[name].cpu.push(cpuMsOf(child.pid));
      }
      await stopInventoryServer(folder);
      await exited;
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }
}

const summary = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms (min ${sorted[0].toFixed(0)}, max ${sorted.at(-1).toFixed(0)}, n=${values.length})`;
};
for (const [name, { listening, cpu }] of Object.entries(results)) {
  console.log(`inventory server start, ${name}: start -> listening ${summary(listening)}; CPU until then ${summary(cpu)}`);
}

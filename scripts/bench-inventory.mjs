#!/usr/bin/env node
// How long a fresh process (as Terraform starts the provider, 2-3 times per command) takes to have the
// embedded inventory ready and to run one query, measured in the same run for:
//   in-process      PGlite opened in the process itself (VIRTPLANE_INVENTORY_SERVER=off): the baseline
//   server cold     through the folder's inventory server, which this process has to start first
//   server warm     through the folder's inventory server, already running (every process after the first)
// on one existing inventory folder, and on a NEW folder each time (every test workspace, a user's first use):
//   new, template   in-process, its data copied from the cached empty migrated database (embeddedTemplate.ts)
//   new, initdb     in-process, VIRTPLANE_INVENTORY_TEMPLATES=off: PGlite's initdb and the migrations, the old path
//   new, server     through a server this process starts, which copies the template
// Each row is the median of --runs fresh node processes. "import" is loading lib/inventory, "open"
// openInventory (connect or open PGlite, schema check), "query" one list of data centers, "close" closing
// it again; "process" the whole child process, start to exit; "cpu" the CPU time (every thread) of the child
// process and, through a server, of the server too (read from /proc before it is stopped).
// Build first:  npx tsc -p tsconfig.json   (or set VIRTPLANE_DIST to another build's folder)
// Run:          node scripts/bench-inventory.mjs [--runs 7]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.VIRTPLANE_DIST ?? join(root, 'dist');
const entry = join(dist, 'lib/inventory/index.js');
if (!existsSync(entry)) {
  process.stderr.write(`missing ${entry}: run \`npx tsc -p tsconfig.json\` first\n`);
  process.exit(2);
}
const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
const inventoryModule = await import(pathToFileURL(entry).href);

// The child: every figure from its own clock, from its start (performance.now() counts from process start).
const CHILD = `
const started = performance.now();
const { openInventory } = await import(${JSON.stringify(pathToFileURL(entry).href)});
const imported = performance.now();
const inventory = await openInventory(process.argv[1], { server: process.argv[2] === 'server' });
const opened = performance.now();
const rows = await inventory.datacenters.list();
const queried = performance.now();
await inventory.close();
const closed = performance.now();
if (rows.length !== Number(process.argv[3])) throw new Error('expected ' + process.argv[3] + ' data centers in the bench folder');
process.stdout.write(JSON.stringify({ boot: started, import: imported - started, open: opened - imported, query: queried - opened, close: closed - queried }));
`;

const TICKS_PER_SECOND = 100;
/** CPU milliseconds (user + system, every thread) a live process has used: Linux's /proc. */
function cpuOfProcess(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

function child(folder, mode, { dataCenters = 1, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const process_ = spawn(process.execPath, ['--input-type=module', '-e', CHILD, folder, mode, String(dataCenters)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let out = '';
    process_.stdout.on('data', (chunk) => (out += chunk));
    process_.once('exit', async (code) => {
      if (code !== 0) return reject(new Error(`bench child (${mode}) exited ${code}`));
      const times = readFileSync(`/proc/self/stat`, 'utf8').split(') ')[1].split(' ');
      // Children's CPU (cutime + cstime) of this process: the sum of every child waited for so far.
      const childrenCpu = ((Number(times[13]) + Number(times[14])) * 1000) / TICKS_PER_SECOND;
      const cpu = childrenCpu - childrenCpuSoFar;
      childrenCpuSoFar = childrenCpu;
      let serverCpu = 0;
      if (mode === 'server') {
        // The server's CPU since this bench last looked at it: its start too, for the process that started it.
        const { holder } = await inventoryModule.inventoryServerStatus(folder);
        if (holder) {
          const total = cpuOfProcess(holder.pid);
          serverCpu = total - (serverCpuSeen.get(holder.pid) ?? 0);
          serverCpuSeen.set(holder.pid, total);
        }
      }
      resolve({ ...JSON.parse(out), process: performance.now() - began, cpu: cpu + serverCpu });
    });
  });
}
let childrenCpuSoFar = 0;
const serverCpuSeen = new Map();

const median = (numbers) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const folder = join(await mkdtemp(join(tmpdir(), 'virtplane-bench-inventory-')), 'inventory');
try {
  const setup = await inventoryModule.openInventory(folder, { server: false });
  await setup.datacenters.create({ name: 'bench' });
  await setup.close();

  // The template is made once per machine and schema: made here, so that no row pays for it.
  const warmUp = join(dirname(folder), 'warm-up');
  await (await inventoryModule.openInventory(warmUp, { server: false })).close();

  const results = { 'in-process': [], 'server cold': [], 'server warm': [], 'new, template': [], 'new, initdb': [], 'new, server': [] };
  let fresh = 0;
  const newFolder = () => join(dirname(folder), `new-${(fresh += 1)}`);
  for (let run = 0; run < runs; run += 1) {
    // Interleaved, so that a busy moment of the machine falls on every row alike.
    await inventoryModule.stopInventoryServer(folder);
    results['in-process'].push(await child(folder, 'in-process'));
    results['server cold'].push(await child(folder, 'server'));
    results['server warm'].push(await child(folder, 'server'));
    await inventoryModule.stopInventoryServer(folder);
    results['new, template'].push(await child(newFolder(), 'in-process', { dataCenters: 0 }));
    results['new, initdb'].push(await child(newFolder(), 'in-process', { dataCenters: 0, env: { VIRTPLANE_INVENTORY_TEMPLATES: 'off' } }));
    const served = newFolder();
    results['new, server'].push(await child(served, 'server', { dataCenters: 0 }));
    await inventoryModule.stopInventoryServer(served);
  }

  const columns = ['import', 'open', 'query', 'close', 'process', 'cpu'];
  const ms = (value) => `${value.toFixed(1)} ms`.padStart(11);
  process.stdout.write(`fresh process, embedded inventory: median of ${runs} (ready = open + query)\n`);
  process.stdout.write(`${'mode'.padEnd(15)}${columns.map((column) => column.padStart(11)).join('')}${'ready'.padStart(11)}\n`);
  for (const [mode, samples] of Object.entries(results)) {
    const medians = Object.fromEntries(columns.map((column) => [column, median(samples.map((sample) => sample[column]))]));
    const ready = median(samples.map((sample) => sample.open + sample.query));
    process.stdout.write(`${mode.padEnd(15)}${columns.map((column) => ms(medians[column])).join('')}${ms(ready)}\n`);
  }
} finally {
  await inventoryModule.stopInventoryServer(folder).catch(() => undefined);
  await rm(dirname(folder), { recursive: true, force: true });
}

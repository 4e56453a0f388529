/**
 * Bulk read vs one virsh call per domain, on a lab host over the same pooled SSH connection.
 *
 *   npx vite-node scripts/bench-bulk-read.ts [--domains 24] [--runs 3] [--host kvm1]
 *
 * Defines N small domains (never started) named vpbench-<run>-NN, times `readHostInventory` (one
 * round trip) against the per-domain way (list, nodeinfo, version, then dominfo + dumpxml for each
 * domain: sequentially, and in parallel up to the pool's channel cap), prints them side by side with
 * the ratio, and undefines its domains.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SshPool } from '../lib/backends/ssh/index.js';
import { labEndpoints } from '../lib/lab/endpoints.js';
import { DEFAULT_LAB_FILE, readLabFile } from '../lib/lab/labFile.js';
import { environmentLabFile } from '../lib/lab/labPlan.js';
import { defineDomain, readHostInventory, sshLibvirtHost, undefineDomain, VirshError, type LibvirtHost } from '../lib/backends/libvirt/index.js';
import { parseDomainXml } from '../lib/backends/libvirt/domainXml.js';
import { listingLines, virsh } from '../lib/backends/libvirt/virsh.js';
import { tinyDomainModel } from '../test/support/tinyDomain.js';
import { median, time } from './benchTiming.js';

const { values } = parseArgs({
  options: { domains: { type: 'string', default: '24' }, runs: { type: 'string', default: '3' }, host: { type: 'string', default: 'kvm1' } },
});
const domainCount = Number(values.domains);
const runs = Number(values.runs);

async function perDomain(host: LibvirtHost, parallel: boolean): Promise<number> {
  const uuids = listingLines(await virsh(host, ['list', '--all', '--uuid']));
  await virsh(host, ['nodeinfo']);
  await virsh(host, ['version', '--daemon']);
  const readOne = async (uuid: string): Promise<string | undefined> => {
    try {
      await virsh(host, ['dominfo', '--domain', uuid]);
      const xml = await virsh(host, ['dumpxml', '--inactive', '--domain', uuid]);
      return parseDomainXml(xml).model.name;
    } catch (error) {
      // Other people's tests come and go on the lab hosts: a domain may vanish after the listing.
      if (error instanceof VirshError && error.kind === 'not-found') return undefined;
      throw error;
    }
  };
  if (parallel) return (await Promise.all(uuids.map(readOne))).length;
  let count = 0;
  for (const uuid of uuids) {
    await readOne(uuid);
    count += 1;
  }
  return count;
}

/**
 * Under load the lab's sshd sometimes refuses a new channel ("Channel open failure") although only
 * one is open: nothing ran, so the benchmark retries such a command once, after a pause, instead of
 * dying half way (with its domains still defined). Timed runs that needed a retry are flagged.
 */
let retries = 0;
function retryingChannelOpen(host: LibvirtHost): LibvirtHost {
  const notStarted = (error: unknown): boolean => error instanceof Error && error.name === 'CommandNotStartedError';
  const again = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (!notStarted(error)) throw error;
      retries += 1;
      await new Promise((resolve) => setTimeout(resolve, 250));
      return run();
    }
  };
  return {
    name: host.name,
    uri: host.uri,
    exec: (argv, options) => again(() => host.exec(argv, options)),
    script: (text, args, options) => again(() => host.script(text, args, options)),
  };
}

async function main(): Promise<void> {
  const lab = readLabFile(environmentLabFile(DEFAULT_LAB_FILE));
  const endpoint = labEndpoints(lab).hosts.find((candidate) => candidate.name === values.host);
  if (!endpoint) throw new Error(`No host ${values.host} in the lab`);
  const pool = new SshPool();
  const host = retryingChannelOpen(sshLibvirtHost(pool, endpoint));
  const run = randomBytes(3).toString('hex');
  const names = Array.from({ length: domainCount }, (_, index) => `vpbench-${run}-${String(index).padStart(2, '0')}`);
  try {
    process.stdout.write(`Defining ${domainCount} domains on ${endpoint.name}...\n`);
    for (const name of names) {
      await defineDomain(host, {
        ...tinyDomainModel(name, { memoryMib: 32, kvm: false }),
        owner: { managedBy: 'virtplane', resourceType: 'bench', resourceId: name },
      });
    }
    // Warm the SSH connection so no method pays for the handshake.
    await readHostInventory(host);

    const bulk: number[] = [];
    const sequential: number[] = [];
    const parallel: number[] = [];
    let total = 0;
    for (let index = 0; index < runs; index += 1) {
      const b = await time(() => readHostInventory(host));
      bulk.push(b.ms);
      total = b.value.domains.length;
      sequential.push((await time(() => perDomain(host, false))).ms);
      parallel.push((await time(() => perDomain(host, true))).ms);
    }
    const row = (label: string, samples: number[], calls: string): string =>
      `${label.padEnd(36)} ${median(samples).toFixed(0).padStart(8)} ms ${calls.padStart(14)} ${(median(samples) / median(bulk)).toFixed(1).padStart(8)}x`;
    process.stdout.write(`\n${endpoint.name}: ${total} domains on the host (${domainCount} of them the benchmark's), median of ${runs} runs\n`);
    process.stdout.write(`${'method'.padEnd(36)} ${'time'.padStart(11)} ${'round trips'.padStart(14)} ${'vs bulk'.padStart(9)}\n`);
    process.stdout.write(`${row('bulk read (one script)', bulk, '1')}\n`);
    process.stdout.write(`${row('per domain, sequential', sequential, String(3 + 2 * total))}\n`);
    process.stdout.write(`${row('per domain, parallel (8 channels)', parallel, String(3 + 2 * total))}\n`);
    if (retries > 0) process.stdout.write(`(${retries} command(s) retried after an SSH channel-open refusal)\n`);
  } finally {
    for (const name of names) await undefineDomain(host, name).catch(() => undefined);
    await pool.close();
  }
}

await main();

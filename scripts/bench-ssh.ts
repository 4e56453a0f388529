/**
 * What reaching a host over SSH costs: the product's pool (lib/backends/ssh) beside ssh2 used as it comes
 * (its own socket, Nagle's algorithm on), on the same lab host, rounds interleaved.
 *
 *   npx vite-node scripts/bench-ssh.ts [--runs 9] [--host kvm1]
 *
 * Each round, on a new connection: connect and authenticate, run `true`, then a command fed on stdin
 * (`cat >/dev/null`, as `virsh define` and the bulk read's script are), then ten `true` one after another.
 * Prints the medians side by side with their ratio.
 */
import { parseArgs } from 'node:util';
import { Client } from 'ssh2';
import { SshPool, type SshEndpoint } from '../lib/backends/ssh/index.js';
import { labEndpoints } from '../lib/lab/endpoints.js';
import { DEFAULT_LAB_FILE, readLabFile } from '../lib/lab/labFile.js';
import { environmentLabFile } from '../lib/lab/labPlan.js';
import { median, time } from './benchTiming.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' }, host: { type: 'string', default: 'kvm1' } } });
const runs = Number(values.runs);
const lab = await readLabFile(environmentLabFile(DEFAULT_LAB_FILE));
const endpoint = labEndpoints(lab).hosts.find((candidate) => candidate.name === values.host);
if (!endpoint) throw new Error(`no host ${values.host} in the lab`);

interface Steps {
  connectMs: number;
  firstCommandMs: number;
  stdinCommandMs: number;
  tenCommandsMs: number;
}

async function viaPool(target: SshEndpoint): Promise<Steps> {
  const pool = new SshPool();
  try {
    const connect = await time(() => pool.verifiedHostKeyFingerprint(target));
    const first = await time(() => pool.exec(target, ['true']));
    const stdin = await time(() => pool.exec(target, ['cat'], { stdin: 'x'.repeat(2000) }));
    const ten = await time(async () => {
      for (let index = 0; index < 10; index++) await pool.exec(target, ['true']);
    });
    return { connectMs: connect.ms, firstCommandMs: first.ms, stdinCommandMs: stdin.ms, tenCommandsMs: ten.ms };
  } finally {
    await pool.close();
  }
}

/** ssh2 as it comes: the host key is not checked here (the pool's is; this is only the baseline's wire). */
async function viaPlainSsh2(target: SshEndpoint): Promise<Steps> {
  const client = new Client();
  const exec = (command: string, stdin?: string): Promise<void> =>
    new Promise((resolve, reject) =>
      client.exec(command, (error, channel) => {
        if (error) return reject(error);
        channel.on('close', () => resolve());
        channel.resume();
        channel.stderr.resume();
        if (stdin !== undefined) channel.end(stdin);
      }),
    );
  try {
    const connect = await time(
      () =>
        new Promise<void>((resolve, reject) => {
          client.once('ready', () => resolve());
          client.once('error', reject);
          client.connect({ host: target.host, port: target.port, username: target.username, privateKey: target.privateKey, hostVerifier: () => true });
        }),
    );
    const first = await time(() => exec('true'));
    const stdin = await time(() => exec('cat >/dev/null', 'x'.repeat(2000)));
    const ten = await time(async () => {
      for (let index = 0; index < 10; index++) await exec('true');
    });
    return { connectMs: connect.ms, firstCommandMs: first.ms, stdinCommandMs: stdin.ms, tenCommandsMs: ten.ms };
  } finally {
    client.end();
  }
}

const pool: Steps[] = [];
const plain: Steps[] = [];
for (let round = 0; round < runs; round++) {
  plain.push(await viaPlainSsh2(endpoint));
  pool.push(await viaPool(endpoint));
}
const row = (label: string, pick: (steps: Steps) => number): string => {
  const ours = median(pool.map(pick));
  const theirs = median(plain.map(pick));
  return `| ${label} | ${ours.toFixed(1)} ms | ${theirs.toFixed(1)} ms | ${(ours / theirs).toFixed(2)}x |`;
};
console.log(`SSH to ${endpoint.name} (${endpoint.host}), medians of ${runs} rounds, interleaved`);
console.log('| step | virtplane pool | ssh2 as it comes (Nagle on) | ratio |');
console.log('|---|---|---|---|');
console.log(row('connect + authenticate', (steps) => steps.connectMs));
console.log(row('first command (`true`)', (steps) => steps.firstCommandMs));
console.log(row('a command fed on stdin', (steps) => steps.stdinCommandMs));
console.log(row('ten commands one after another', (steps) => steps.tenCommandsMs));

#!/usr/bin/env node
// VMs through the provider against the same work done by hand, measured in one run on the lab:
//   1. creating 20 VMs of 32 MiB over the lab's 2 hosts: `terraform apply` (refresh, plan, scheduler,
//      reservations, define, start) beside virsh define + start over SSH (the same pooled SSH
//      connections the provider uses, 10 at a time like Terraform's default parallelism);
//   2. a no-change `terraform plan` of those 20 VMs beside the same plan without VMs (the platform
//      only) and one bulk read of both hosts (what a refresh of all the VMs costs on the wire).
// Needs the lab up (`virtplane lab up`) and the built code:
//   npm run build && npx tsc -p test/provider/tsconfig.fixtures.json
// Run: node scripts/bench-vm.mjs [--vms N] [--runs N] [--plans N] [--profile] [--timeline] [--cpu-prof DIR] [--keep-log FILE]
//   --runs: rounds of baseline then apply (default 3), interleaved; the verdict is the median of their ratios.
//   --profile, --timeline, --cpu-prof add one round after them, profiled and outside the verdict.
//   --timeline: that round's apply logs at TRACE, and its timeline follows (provider processes, their
//   calls, inventory opens and closes, SSH connections, first remote command of each kind).
//   --cpu-prof DIR: that round's provider processes write V8 CPU profiles to DIR. --keep-log: its log.
//   --profile: the timed apply logs every remote command (TF_LOG_PROVIDER=DEBUG), and a table of them
//   follows: what the apply ran on the hosts, per kind of command, beside the baseline's two per VM.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchLab, dist, requireBuilt } from './benchLab.mjs';
import { commandKind, printTimeline } from './benchTimeline.mjs';

requireBuilt([
  dist('provider/virtplane-provider.cjs'),
  dist('test/support/terraform.js'),
  dist('test/support/platformHcl.js'),
  dist('test/support/tinyDomain.js'),
]);
const { lab } = await benchLab();

const { createTerraformWorkspace } = await import(dist('test/support/terraform.js'));
const { platformHcl } = await import(dist('test/support/platformHcl.js'));
const { tinyDomainXml } = await import(dist('test/support/tinyDomain.js'));
const { labEndpoints } = await import(dist('lib/lab/endpoints.js'));
const { SshPool } = await import(dist('lib/backends/ssh/index.js'));
const { destroyDomain, readHostInventory, sshLibvirtHost, undefineDomain } = await import(dist('lib/backends/libvirt/index.js'));

const option = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const VM_COUNT = option('--vms', 20);
const PROFILE = process.argv.includes('--profile');
const TIMELINE = process.argv.includes('--timeline');
const CPU_PROFILES = process.argv.includes('--cpu-prof') ? process.argv[process.argv.indexOf('--cpu-prof') + 1] : undefined;
const KEEP_LOG = process.argv.includes('--keep-log') ? process.argv[process.argv.indexOf('--keep-log') + 1] : undefined;
const PLANS = option('--plans', 3);
const RUNS = option('--runs', 3);
const PARALLELISM = 10;
const run = randomBytes(3).toString('hex');

const { hosts } = labEndpoints(lab);
const pool = new SshPool();
const libvirtHosts = hosts.map((endpoint) => sshLibvirtHost(pool, endpoint));
const kvm = (await pool.exec(hosts[0], ['test', '-c', '/dev/kvm'], { allowExitCodes: [1] })).exitCode === 0;

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timed(work) {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function inParallel(items, limit, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** The same shape of guest virtplane defines: 32 MiB, 1 vCPU (hot-plug room 4), no graphics, a serial console. */
function guestXml(name) {
  return tinyDomainXml(name, { memoryMib: 32, kvm, maxVcpus: 4 });
}

const tf = await createTerraformWorkspace({ entryPoint: dist('provider/virtplane-provider.cjs') });
const platform = tf.requiredProviders() + platformHcl(lab, { inventory: join(tf.root, 'inventory') });
/** The VMs of one timed round (each its own names, so no round meets another's leftovers). */
const vmNamesOf = (round) => Array.from({ length: VM_COUNT }, (_, index) => `vpbench-${run}-r${round}-${String(index + 1).padStart(2, '0')}`);
const vmsHclOf = (round) =>
  vmNamesOf(round)
    .map(
      (name) => `
resource "virtplane_vm" "${name}" {
  name                     = "${name}"
  cluster_id               = virtplane_cluster.main.id
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 0
}
`,
    )
    .join('');

try {
  await tf.writeConfig(platform);
  await tf.init();
  await tf.apply();

  const platformPlans = [];
  for (let index = 0; index < PLANS; index++) platformPlans.push(await timed(() => tf.plan()));

  // In the workspace's folder: removed with it.
  const logPath = join(tf.root, 'apply.log');
  // Rounds of the baseline then the apply, interleaved, so both see the same load; each round's VMs are
  // removed (untimed) before the next. The verdict is the median of the rounds' ratios. A profiled apply
  // (logs slow it) is one more round, after them and outside the verdict.
  const profiling = PROFILE || TIMELINE || CPU_PROFILES !== undefined;
  const roundCount = RUNS + (profiling ? 1 : 0);
  const rounds = [];
  for (let round = 1; round <= roundCount; round++) {
    const byHand = vmNamesOf(round).map((name) => `${name}-virsh`);
    const virshMs = await timed(() =>
      inParallel(byHand, PARALLELISM, async (name) => {
        const host = hosts[byHand.indexOf(name) % hosts.length];
        await pool.exec(host, ['virsh', '-q', 'define', '/dev/stdin'], { stdin: guestXml(name) });
        await pool.exec(host, ['virsh', '-q', 'start', name]);
      }),
    );
    await inParallel(byHand, PARALLELISM, async (name) => {
      const host = libvirtHosts[byHand.indexOf(name) % libvirtHosts.length];
      await destroyDomain(host, name);
      await undefineDomain(host, name);
    });

    await tf.writeConfig(platform + vmsHclOf(round));
    const profiled = profiling && round === roundCount;
    const applyMs = await timed(() =>
      tf.apply(
        [],
        profiled
          ? {
              env: {
                ...(TIMELINE ? { TF_LOG: 'TRACE' } : { TF_LOG_PROVIDER: 'DEBUG' }),
                TF_LOG_PATH: logPath,
                ...(CPU_PROFILES ? { PATH: `${profilingNode(CPU_PROFILES)}:${process.env.PATH}` } : {}),
              },
            }
          : {},
      ),
    );
    const spread = new Map();
    for (const host of libvirtHosts) {
      const inventory = await readHostInventory(host);
      spread.set(host.name, inventory.domains.filter((domain) => domain.name.startsWith(`vpbench-${run}-r${round}-`)).length);
    }
    rounds.push({ applyMs, virshMs, spread, profiled });
    process.stderr.write(
      `round ${round}/${roundCount}${profiled ? ' (profiled)' : ''}: apply ${seconds(applyMs)}, baseline ${seconds(virshMs)}, ${(applyMs / virshMs).toFixed(2)}x\n`,
    );
    // The last round's VMs stay for the plans below.
    if (round < roundCount) {
      await tf.writeConfig(platform);
      await tf.apply();
    }
  }

  const vmPlans = [];
  for (let index = 0; index < PLANS; index++) {
    vmPlans.push(
      await timed(async () => {
        const { hasChanges, result } = await tf.plan();
        if (hasChanges) throw new Error(`the plan of ${VM_COUNT} applied VMs is not empty:\n${result.stdout}`);
      }),
    );
  }
  const bulkReads = [];
  for (let index = 0; index < PLANS; index++) bulkReads.push(await timed(() => Promise.all(libvirtHosts.map((host) => readHostInventory(host)))));

  const ratios = rounds.map((round) => round.applyMs / round.virshMs);
  const verdict = ratios.filter((_, index) => !rounds[index].profiled);
  console.log(
    `VMs on the lab (${hosts.length} hosts, ${kvm ? 'KVM' : 'TCG'}), ${VM_COUNT} x 32 MiB; ${RUNS} rounds for creates, medians of ${PLANS} for plans`,
  );
  console.log(
    `| round | terraform apply (refresh, plan, placement, define, start) | baseline (virsh define + start over SSH, ${PARALLELISM} at a time) | ratio |`,
  );
  console.log(`|---|---|---|---|`);
  rounds.forEach((round, index) =>
    console.log(
      `| ${index + 1}${round.profiled ? ' (profiled, not in the median)' : ''} | ${seconds(round.applyMs)} (spread ${[...round.spread].map(([host, count]) => `${host} ${count}`).join(' / ')}) | ${seconds(round.virshMs)} | ${ratios[index].toFixed(2)}x |`,
    ),
  );
  console.log(
    `\ncreate ${VM_COUNT} VMs: median of ${RUNS} rounds ${median(verdict).toFixed(2)}x the baseline (rounds: ${verdict.map((ratio) => `${ratio.toFixed(2)}x`).join(', ')}; apply ${seconds(median(rounds.filter((round) => !round.profiled).map((round) => round.applyMs)))}, baseline ${seconds(median(rounds.filter((round) => !round.profiled).map((round) => round.virshMs)))}, medians)\n`,
  );
  console.log(`| measured | virtplane | baseline |`);
  console.log(`|---|---|---|`);
  console.log(
    `| no-change plan with ${VM_COUNT} VMs | ${seconds(median(vmPlans))} (terraform plan) | ${seconds(median(platformPlans))} (same plan without VMs); ${seconds(median(bulkReads))} (bulk read of both hosts) |`,
  );
  if (KEEP_LOG) copyFileSync(logPath, KEEP_LOG);
  if (PROFILE) printProfile(readFileSync(logPath, 'utf8'));
  if (TIMELINE) printTimeline(readFileSync(logPath, 'utf8'), 'apply');
} finally {
  await tf.writeConfig(platform);
  await tf.apply([], { allowFailure: true }).catch(() => undefined);
  await tf.destroy({ allowFailure: true });
  // Whatever a failure left behind (only this run's names).
  for (const host of libvirtHosts) {
    const left = (await readHostInventory(host)).domains.filter((domain) => domain.name.startsWith(`vpbench-${run}-`));
    for (const domain of left) {
      await destroyDomain(host, domain.uuid).catch(() => undefined);
      await undefineDomain(host, domain.uuid).catch(() => undefined);
    }
  }
  await tf.cleanup();
  await pool.close();
}

/**
 * The remote commands of the profiled apply, from the provider's debug lines in Terraform's log (see
 * lib/resources/context/providerLog.ts), grouped by program and subcommand.
 */
function printProfile(log) {
  const kinds = new Map();
  let count = 0;
  for (const line of log.split('\n')) {
    // Terraform prints the line's fields after the message, as key=value in any order.
    const found = /virtplane: ran on \S+: (.*?): ((?:\w+=\S*\s*)+)$/.exec(line);
    if (!found) continue;
    const fields = Object.fromEntries(
      found[2]
        .trim()
        .split(/\s+/)
        .map((pair) => pair.split('=')),
    );
    count += 1;
    const entry = kinds.get(commandKind(found[1])) ?? { count: 0, ranMs: 0, waitedMs: 0 };
    entry.count += 1;
    entry.ranMs += Number(fields.ran_ms);
    entry.waitedMs += Number(fields.waited_ms);
    kinds.set(commandKind(found[1]), entry);
  }
  console.log(`\nremote commands of the apply: ${count} (${(count / VM_COUNT).toFixed(1)} per VM; the baseline runs 2 per VM)`);
  console.log('| command | count | per VM | run time, sum | mean | waited for a channel, sum |');
  console.log('|---|---|---|---|---|---|');
  for (const [kind, entry] of [...kinds].sort((a, b) => b[1].ranMs - a[1].ranMs)) {
    console.log(
      `| ${kind} | ${entry.count} | ${(entry.count / VM_COUNT).toFixed(1)} | ${seconds(entry.ranMs)} | ${Math.round(entry.ranMs / entry.count)} ms | ${seconds(entry.waitedMs)} |`,
    );
  }
}

/** "sh -c 'cat | ...' sh env LC_ALL=C virsh -q -c qemu:///system define --validate /dev/stdin" -> "virsh define"; a script over stdin -> "sh (script)". */

/**
 * A folder whose `node` runs this node with --cpu-prof (not allowed in NODE_OPTIONS): first on the apply's
 * PATH, every provider process the launcher starts writes its profile to `folder`.
 */
function profilingNode(folder) {
  const bin = join(tf.root, 'profiling-node');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'node'), `#!/bin/sh\nexec '${process.execPath}' --cpu-prof --cpu-prof-dir='${folder}' "$@"\n`, { mode: 0o755 });
  return bin;
}

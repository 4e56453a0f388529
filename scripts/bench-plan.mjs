#!/usr/bin/env node
// No-op plans against their floors (issue 13), each figure beside its baseline measured in the same run:
//   1. floor: a no-op `terraform plan` of the reference platform (1 data center, 1 cluster, the lab's
//      hosts, 1 isolated network, 1 dir storage domain) with 10 stopped VMs of 32 MiB, beside the same
//      plan through the protocol-only fixture provider with as many resources (virtplane_test_file):
//      what virtplane adds to Terraform's own cost for that many resources (goal: at most 1.3x);
//   2. scale: a no-op plan of 200 stopped VMs beside the same with 20, on the lab's hosts (goal: at most
//      1.2x; the issue's figure is on 4 hosts: `virtplane lab up --hosts 4` first).
// Needs the lab up and the built code:  npm run build && npx tsc -p test/provider/tsconfig.fixtures.json
// Run: node scripts/bench-plan.mjs [--plans N] [--only floor|scale] [--small N] [--large N] [--timeline] [--keep-log FILE]
//   --timeline: one more plan of the reference platform, outside the figures, logged at TRACE and laid out
//   (provider processes, their calls, inventory opens, SSH connections, first remote command of each kind);
//   --keep-log FILE keeps that plan's log.
//   VIRTPLANE_LAB_FILE, or VIRTPLANE_LAB_PREFIX's lab, else the checkout's .virtplane/lab.json.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { benchLab, dist, requireBuilt } from './benchLab.mjs';
import { printTimeline } from './benchTimeline.mjs';

requireBuilt([dist('provider/virtplane-provider.cjs'), dist('test/support/terraform.js'), dist('test/provider/helpers/fixtureBuild.js')]);
const { lab } = await benchLab();

const { createTerraformWorkspace } = await import(dist('test/support/terraform.js'));
const { platformHcl, hclString } = await import(dist('test/support/platformHcl.js'));
const { buildFixtureProvider, FIXTURE_ENTRY_POINT, PROVIDER_ENTRY_POINT } = await import(dist('test/provider/helpers/fixtureBuild.js'));

const option = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : fallback;
};
const PLANS = Number(option('--plans', 5));
const ONLY = option('--only', 'all');
const SMALL = Number(option('--small', 20));
const LARGE = Number(option('--large', 200));
const FLOOR_VMS = 10;
const TIMELINE = process.argv.includes('--timeline');
const KEEP_LOG = option('--keep-log', undefined);
const run = randomBytes(3).toString('hex');

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function emptyPlans(tf) {
  const durations = [];
  for (let index = 0; index < PLANS; index++) durations.push((await tf.expectEmptyPlan()).durationMs);
  return median(durations);
}

/** The reference platform: the lab's platform, a network and a storage domain. */
function referencePlatform(tf) {
  return `${tf.requiredProviders()}${platformHcl(lab, { inventory: join(tf.root, 'inventory') })}
resource "virtplane_network" "lan" {
  name          = "vpbench-${run}-lan"
  datacenter_id = virtplane_datacenter.dc.id
  mode          = "isolated"
  depends_on    = [${lab.hosts.map((host) => `virtplane_host.${host.name}`).join(', ')}]
}

resource "virtplane_storage_domain" "local" {
  name          = "vpbench-${run}-local"
  datacenter_id = virtplane_datacenter.dc.id
  type          = "dir"
  path          = ${hclString(`/var/lib/virtplane/vpbench-${run}`)}
  host_id       = virtplane_host.${lab.hosts[0].name}.id
}
`;
}

/** `count` stopped, diskless VMs of 32 MiB: what a plan reads and compares, without guests loading the machine. */
function stoppedVms(count) {
  return `
resource "virtplane_vm" "bench" {
  count                    = ${count}
  name                     = "vpbench-${run}-\${format("%03d", count.index + 1)}"
  cluster_id               = virtplane_cluster.main.id
  memory_mib               = 32
  graphics                 = "none"
  running                  = false
  shutdown_timeout_seconds = 0
  depends_on               = [${lab.hosts.map((host) => `virtplane_host.${host.name}`).join(', ')}]
}
`;
}

/** Counts the resources of a configuration as Terraform would (count expanded). */
function resourceCount(hcl) {
  const blocks = [...hcl.matchAll(/^resource "[^"]+" "[^"]+" \{\n(?:\s+count\s+=\s+(\d+)\n)?/gm)];
  return blocks.reduce((sum, block) => sum + Number(block[1] ?? 1), 0);
}

const rows = [];

async function withWorkspace(entryPoint, work) {
  const tf = await createTerraformWorkspace({ entryPoint });
  try {
    return await work(tf);
  } finally {
    await tf.destroy({ allowFailure: true }).catch(() => undefined);
    await tf.cleanup();
  }
}

let timelineLog;
if (ONLY === 'all' || ONLY === 'floor') {
  await buildFixtureProvider();
  const virtplane = await withWorkspace(PROVIDER_ENTRY_POINT, async (tf) => {
    const hcl = referencePlatform(tf) + stoppedVms(FLOOR_VMS);
    await tf.writeConfig(referencePlatform(tf));
    await tf.init();
    await tf.apply();
    await tf.writeConfig(hcl);
    await tf.apply();
    const ms = await emptyPlans(tf);
    if (TIMELINE) {
      const logPath = join(tf.root, 'plan.log');
      await tf.plan([], { env: { TF_LOG: 'TRACE', TF_LOG_PATH: logPath } });
      timelineLog = await readFile(logPath, 'utf8');
      if (KEEP_LOG !== undefined) await copyFile(logPath, KEEP_LOG);
    }
    return { ms, resources: resourceCount(hcl) };
  });
  const fixture = await withWorkspace(FIXTURE_ENTRY_POINT, async (tf) => {
    const files = join(tf.root, 'files');
    await mkdir(files);
    const hcl = `${tf.requiredProviders()}
resource "virtplane_test_file" "bench" {
  count   = ${virtplane.resources}
  path    = "${files}/\${count.index}.txt"
  content = "bench"
}
`;
    await tf.writeConfig(hcl);
    await tf.init();
    await tf.apply();
    return { ms: await emptyPlans(tf), resources: resourceCount(hcl) };
  });
  rows.push(
    `| no-op plan, reference platform + ${FLOOR_VMS} VMs (${virtplane.resources} resources, ${lab.hosts.length} hosts) | ${seconds(virtplane.ms)} (${(virtplane.ms / fixture.ms).toFixed(2)}x; goal 1.3x) | ${seconds(fixture.ms)} (fixture provider, ${fixture.resources} resources) |`,
  );
  // What the plan of real hosts cannot skip and the fixture has not: a new SSH connection to each host
  // (the plan's provider process is new) and its bulk read, all hosts at once, as refresh does.
  const { hostsConnect, hostsRead } = await hostReadFloor();
  rows.push(
    `| of which the hosts: SSH connection to each, then its bulk read (${lab.hosts.length} at once, as a refresh) | ${seconds(hostsConnect + hostsRead)} (connect ${seconds(hostsConnect)}, read ${seconds(hostsRead)}) | |`,
  );
}

async function hostReadFloor() {
  const { labEndpoints } = await import(dist('lib/lab/endpoints.js'));
  const { SshPool } = await import(dist('lib/backends/ssh/index.js'));
  const { readHostInventory, sshLibvirtHost } = await import(dist('lib/backends/libvirt/index.js'));
  const endpoints = labEndpoints(lab).hosts;
  const connects = [];
  const reads = [];
  for (let index = 0; index < PLANS; index++) {
    const pool = new SshPool();
    try {
      let started = performance.now();
      await Promise.all(endpoints.map((endpoint) => pool.exec(endpoint, ['true'])));
      connects.push(performance.now() - started);
      started = performance.now();
      await Promise.all(endpoints.map((endpoint) => readHostInventory(sshLibvirtHost(pool, endpoint))));
      reads.push(performance.now() - started);
    } finally {
      await pool.close();
    }
  }
  return { hostsConnect: median(connects), hostsRead: median(reads) };
}

if (ONLY === 'all' || ONLY === 'scale') {
  const [small, large] = await withWorkspace(PROVIDER_ENTRY_POINT, async (tf) => {
    const platform = `${tf.requiredProviders()}${platformHcl(lab, { inventory: join(tf.root, 'inventory') })}`;
    await tf.writeConfig(platform);
    await tf.init();
    await tf.apply();
    const measured = [];
    for (const count of [SMALL, LARGE]) {
      await tf.writeConfig(platform + stoppedVms(count));
      await tf.apply(['-parallelism=20']);
      measured.push(await emptyPlans(tf));
    }
    return measured;
  });
  rows.push(
    `| no-op plan, ${LARGE} stopped VMs on ${lab.hosts.length} hosts | ${seconds(large)} (${(large / small).toFixed(2)}x; goal 1.2x) | ${seconds(small)} (${SMALL} stopped VMs) |`,
  );
  // Terraform's own share of that ratio: the same counts through the protocol-only fixture provider, whose
  // ReadResource and PlanResourceChange do almost nothing. virtplane cannot scale better than this.
  await buildFixtureProvider();
  const [fixtureSmall, fixtureLarge] = await withWorkspace(FIXTURE_ENTRY_POINT, async (tf) => {
    const files = join(tf.root, 'files');
    await mkdir(files);
    const measured = [];
    for (const count of [SMALL + 3 + lab.hosts.length, LARGE + 3 + lab.hosts.length]) {
      await tf.writeConfig(`${tf.requiredProviders()}
resource "virtplane_test_file" "bench" {
  count   = ${count}
  path    = "${files}/\${count.index}.txt"
  content = "bench"
}
`);
      if (measured.length === 0) await tf.init();
      await tf.apply(['-parallelism=20']);
      measured.push(await emptyPlans(tf));
    }
    return measured;
  });
  rows.push(
    `| the same counts, fixture provider (Terraform's own scaling) | ${seconds(fixtureLarge)} (${(fixtureLarge / fixtureSmall).toFixed(2)}x) | ${seconds(fixtureSmall)} |`,
  );
}

console.log(`No-op plans (medians of ${PLANS}); lab of ${lab.hosts.length} hosts`);
console.log('| measured | virtplane | baseline |');
console.log('|---|---|---|');
for (const row of rows) console.log(row);
if (timelineLog !== undefined) printTimeline(timelineLog, 'no-op plan of the reference platform');

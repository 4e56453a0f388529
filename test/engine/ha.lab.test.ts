/**
 * High availability against the lab, end to end: Terraform declares two hosts with their power
 * controllers (the lab's IPMI BMCs) and three tiny VMs on kvm1 (two HA, one not); two `virtplane
 * engine` processes watch the inventory. kvm1 is powered off through its BMC: the engine holding the
 * lease fences it and both HA VMs run on kvm2 within 60 s, started once each; the non-HA VM is
 * reported down; no VM ever runs on both hosts (QEMU processes counted in both namespaces); kvm1 comes
 * back with its stale copies removed, and `terraform plan` leaves the HA VMs alone. Then fencing fails
 * (kvm2's controller given a wrong password): nothing is restarted, and an event says why.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HaEvent } from '../../lib/inventory/index.js';
import type { LabHostEntry } from '../../lib/lab/labFile.js';
import { labPower } from '../../lib/lab/power.js';
import { waitForSshBanner } from '../../lib/lab/waitForSsh.js';
import { runCli } from '../support/cli.js';
import { Engines, haEvents as eventsOf, knownHaVms, partition, qemuGuests } from '../support/haLab.js';
import { useLab, type TestLab } from '../support/lab.js';
import { hclString, providerBlock } from '../support/platformHcl.js';
import { buildProvider, createTerraformWorkspace, findResourceChange, type TerraformWorkspace } from '../support/terraform.js';
import { uniqueName } from '../support/tinyDomain.js';

const tag = uniqueName('vpt-ha');
const vm = { a: `${tag}-a`, b: `${tag}-b`, plain: `${tag}-plain` };

let lab: TestLab;
let tf: TerraformWorkspace;
let inventoryDir: string;
let engines: Engines;

interface Scenario {
  readonly maintenanceKvm2: boolean;
  /** A wrong password for kvm2's power controller. */
  readonly brokenKvm2Power?: boolean;
  /** VM a pinned to kvm1. */
  readonly pinA?: boolean;
}

function host(name: string): LabHostEntry {
  return lab.lab.hosts.find((entry) => entry.name === name) ?? expect.fail(`the lab has no ${name}`);
}

function hcl(scenario: Scenario): string {
  const hosts = ['kvm1', 'kvm2'].map((name) => {
    const entry = host(name);
    const power = entry.power ?? expect.fail(`lab.json has no power controller for ${name}: lab up is older than this test`);
    const password = name === 'kvm2' && scenario.brokenKvm2Power ? 'not-the-password' : power.password;
    return `
resource "virtplane_host" ${hclString(name)} {
  name        = ${hclString(name)}
  cluster_id  = virtplane_cluster.main.id
  address     = ${hclString(entry.address)}
  host_key    = ${hclString(entry.hostKey)}
  maintenance = ${name === 'kvm2' && scenario.maintenanceKvm2}
  power_management {
    address  = ${hclString(power.address)}
    port     = ${power.port}
    username = ${hclString(power.username)}
    password = ${hclString(password)}
  }
}
`;
  });
  const vms = [
    [vm.a, true, 10],
    [vm.b, true, 5],
    [vm.plain, false, 0],
  ].map(
    ([name, ha, priority]) => `
resource "virtplane_vm" ${hclString(String(name))} {
  name                     = ${hclString(String(name))}
  cluster_id               = virtplane_cluster.main.id
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 1
  high_availability        = ${ha}
  ha_priority              = ${priority}${scenario.pinA && name === vm.a ? '\n  host_id                  = virtplane_host.kvm1.id' : ''}
  depends_on               = [virtplane_host.kvm1, virtplane_host.kvm2]
}
`,
  );
  return `${tf.requiredProviders()}${providerBlock(lab.lab, inventoryDir)}
resource "virtplane_datacenter" "dc" {
  name = "Default"
}

resource "virtplane_cluster" "main" {
  name          = "main"
  datacenter_id = virtplane_datacenter.dc.id
}
${hosts.join('')}${vms.join('')}`;
}

/**
 * Waits (60 s at most) until both HA VMs run on `target`, polling both hosts' QEMU processes every
 * 100 ms; prints the time since `since`. `seenTwice` lists any VM seen running on both at one poll.
 */
async function haVmsRunningOn(target: 'kvm1' | 'kvm2', since: number, what: string): Promise<{ elapsed: number; seenTwice: string[] }> {
  const seenTwice: string[] = [];
  const elapsed = await waitFor(
    `both HA VMs running on ${target}`,
    60_000,
    () => {
      const [on1, on2] = [qemuGuests('kvm1'), qemuGuests('kvm2')];
      seenTwice.push(...on1.filter((name) => on2.includes(name)));
      const there = target === 'kvm1' ? on1 : on2;
      return there.includes(vm.a) && there.includes(vm.b) ? Date.now() - since : undefined;
    },
    100,
  );
  process.stderr.write(`[ha] ${what} -> both HA VMs running on ${target} after ${(elapsed / 1000).toFixed(1)} s\n`);
  return { elapsed, seenTwice };
}

async function powerOn(name: string): Promise<void> {
  await labPower(host(name).power!, 'on');
  await waitForSshBanner(host(name).address, 22, 30_000);
}

beforeAll(async () => {
  lab = await useLab();
  // A host a failed run left off comes back first.
  for (const name of ['kvm1', 'kvm2']) if ((await labPower(host(name).power!, 'status')) === 'off') await powerOn(name);
  await buildProvider();
  tf = await createTerraformWorkspace();
  inventoryDir = join(tf.root, 'inventory');
  engines = new Engines(lab, inventoryDir);
}, 180_000);

const haEvents = (): Promise<HaEvent[]> => eventsOf(inventoryDir);
const waitFor = <T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined, everyMs?: number): Promise<T> =>
  engines.waitFor(what, timeoutMs, probe, everyMs);
const startEngine = (name: string): void => void engines.start(name);
const stopEngines = (): Promise<void> => engines.stopAll();

afterAll(async () => {
  await engines?.stopAll();
  await partition('kvm2', false);
  for (const name of ['kvm1', 'kvm2']) if ((await labPower(host(name).power!, 'status')) === 'off') await powerOn(name);
  if (tf) {
    await tf.writeConfig(hcl({ maintenanceKvm2: false }));
    await tf.run(['destroy', '-auto-approve', '-input=false', '-no-color'], { allowFailure: true });
    await tf.cleanup();
  }
}, 180_000);

describe('high availability (virtplane engine)', () => {
  it('fences a powered-off host and restarts its HA VMs on the other host, once, never twice at a time', async () => {
    // kvm2 in maintenance while the VMs are created puts all three on kvm1; then it takes VMs again.
    await tf.writeConfig(hcl({ maintenanceKvm2: true }));
    await tf.init();
    await tf.apply();
    await tf.writeConfig(hcl({ maintenanceKvm2: false }));
    await tf.apply();
    expect(qemuGuests('kvm1').sort()).toEqual([vm.a, vm.b, vm.plain].sort());

    startEngine('engine-A');
    startEngine('engine-B');
    // The active engine has read kvm1 once: it knows the HA VMs' definitions.
    await waitFor('the engine to know both HA VMs', 60_000, async () => {
      const names = await knownHaVms(inventoryDir);
      return names.includes(vm.a) && names.includes(vm.b) ? true : undefined;
    });

    const off = Date.now();
    expect(await labPower(host('kvm1').power!, 'off')).toBe('off');
    const { elapsed, seenTwice } = await haVmsRunningOn('kvm2', off, 'kvm1 powered off');
    expect(elapsed).toBeLessThan(60_000);
    expect(seenTwice).toEqual([]);
    expect(qemuGuests('kvm2')).not.toContain(vm.plain);

    // QEMU runs a moment before the engine records the start.
    const events = await waitFor('both restarts recorded', 10_000, async () => {
      const all = await haEvents();
      return all.filter((event) => event.kind === 'restarted').length >= 2 ? all : undefined;
    });
    const kinds = (kind: string): HaEvent[] => events.filter((event) => event.kind === kind);
    expect(kinds('fenced').map((event) => event.hostName)).toEqual(['kvm1']);
    const restarted = kinds('restarted');
    // Exactly one restart per VM, by one engine, the higher ha_priority first.
    expect(restarted.map((event) => event.vmName)).toEqual([vm.a, vm.b]);
    expect(new Set(restarted.map((event) => event.engine)).size).toBe(1);
    expect(kinds('vm_down').map((event) => event.vmName)).toEqual([vm.plain]);
    expect(events.findIndex((event) => event.kind === 'fenced')).toBeLessThan(events.findIndex((event) => event.kind === 'restarted'));

    // kvm1 comes back: its stale copies of the HA VMs go before it is up again; nothing starts there.
    await powerOn('kvm1');
    await waitFor('kvm1 up again', 30_000, async () =>
      (await haEvents()).some((event) => event.kind === 'host_up' && event.hostName === 'kvm1') ? true : undefined,
    );
    const removed = (await haEvents()).filter((event) => event.kind === 'stale_copy_removed').map((event) => event.vmName);
    expect(removed.sort()).toEqual([vm.a, vm.b].sort());
    expect(qemuGuests('kvm1')).toEqual([]);
    expect(qemuGuests('kvm2').sort()).toEqual([vm.a, vm.b].sort());

    // `virtplane status` shows each host's health and the engine's events.
    const status = runCli(['status', '--inventory', inventoryDir, '--ssh-key', lab.lab.sshPrivateKeyFile, '--known-hosts', lab.lab.knownHostsFile]);
    expect(status.stdout).toMatch(/host kvm1 .*; health up/);
    expect(status.stdout).toMatch(/recent HA events/);
    expect(status.stdout).toContain(`restarted host kvm2 vm ${vm.a}`);

    await stopEngines();
    expect([...engines.output.values()].filter((text) => text.includes('stopped')).length).toBe(2);

    // Terraform stays calm: the unpinned HA VMs moved (current_host_id) and plan nothing.
    const plan = await tf.planJson();
    for (const name of [vm.a, vm.b]) expect(findResourceChange(plan, `virtplane_vm.${name}`).change.actions).toEqual(['no-op']);
    // Pinned to kvm1: a live migration back, and the plan says why it is on kvm2.
    await tf.writeConfig(hcl({ maintenanceKvm2: false, pinA: true }));
    const pinned = await tf.plan();
    expect(pinned.hasChanges).toBe(true);
    const text = (pinned.result.stdout + pinned.result.stderr).replace(/\s+/g, ' ');
    const warning = text.slice(text.indexOf('Warning: Live migration'), text.indexOf('Warning: Live migration') + 500);
    expect(warning).toMatch(/moves from kvm2 to kvm1 by live migration.*because the HA engine restarted it there/);
  }, 240_000);

  it('restarts nothing when fencing fails, and says why', async () => {
    // kvm2 (running both HA VMs now) gets a controller it cannot log in to: the plan warns.
    await tf.writeConfig(hcl({ maintenanceKvm2: false, brokenKvm2Power: true }));
    const applied = await tf.apply();
    expect(applied.stdout + applied.stderr).toMatch(/Power controller not answering/);

    // The engine's own secrets (the inventory keeps no password) give it the same wrong password.
    const secrets = join(tf.root, 'power-secrets.json');
    await writeFile(secrets, JSON.stringify({ kvm1: host('kvm1').power!.password, kvm2: 'not-the-password' }), { mode: 0o600 });
    engines.start('engine-C', ['--power-secrets', secrets]);
    await labPower(host('kvm2').power!, 'off');
    const failed = await waitFor('a fence_failed event for kvm2', 30_000, async () =>
      (await haEvents()).find((event) => event.kind === 'fence_failed' && event.hostName === 'kvm2'),
    );
    expect(failed.message).toMatch(/refused the login/);
    expect(failed.message).toMatch(/NOT restarted/);
    // Two more passes: still no HA VM started anywhere (the apply above started the non-HA one on kvm1).
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(qemuGuests('kvm1')).toEqual([vm.plain]);
    expect((await haEvents()).filter((event) => event.kind === 'restarted' && event.hostName === 'kvm1')).toEqual([]);
    const status = runCli(['status', '--inventory', inventoryDir, '--ssh-key', lab.lab.sshPrivateKeyFile, '--known-hosts', lab.lab.knownHostsFile]);
    expect(status.stdout).toMatch(/host kvm2 .*; health FENCE FAILED/);
    await stopEngines();
    await powerOn('kvm2');
  }, 120_000);

  it('fences a host that runs but cannot be reached, and its old QEMU is really gone', async () => {
    // The controller's password is right again; the apply starts the HA VMs on kvm2 again (they went down with it).
    await tf.writeConfig(hcl({ maintenanceKvm2: false }));
    await tf.apply();
    expect(qemuGuests('kvm2').sort()).toEqual([vm.a, vm.b].sort());
    const before = (await haEvents()).length;
    startEngine('engine-D');
    await waitFor('the engine to see kvm2 up', 60_000, async () =>
      (await haEvents()).slice(before).some((event) => event.kind === 'host_up' && event.hostName === 'kvm2') ? true : undefined,
    );

    const cut = Date.now();
    await partition('kvm2', true);
    const { elapsed, seenTwice } = await haVmsRunningOn('kvm1', cut, 'kvm2 partitioned (SSH dropped)');
    expect(elapsed).toBeLessThan(60_000);
    expect(seenTwice).toEqual([]);
    expect(qemuGuests('kvm2')).toEqual([]);
    const events = (await haEvents()).slice(before);
    expect(events.filter((event) => event.kind === 'fenced').map((event) => event.hostName)).toEqual(['kvm2']);
    // Healed and powered on: it rejoins only once its stale copies are gone.
    await partition('kvm2', false);
    await powerOn('kvm2');
    await waitFor('kvm2 up again', 30_000, async () =>
      (await haEvents()).slice(before).some((event) => event.kind === 'host_up' && event.hostName === 'kvm2' && event.at.getTime() > cut) ? true : undefined,
    );
    const removed = (await haEvents()).slice(before).filter((event) => event.kind === 'stale_copy_removed' && event.hostName === 'kvm2');
    expect(removed.map((event) => event.vmName).sort()).toEqual([vm.a, vm.b].sort());
    await stopEngines();
  }, 120_000);
});

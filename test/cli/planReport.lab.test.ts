/**
 * `virtplane plan-report` on four plans of the reference lab (the platform with db, then web and cache
 * created; a live migration; kvm1 entering maintenance; a destructive change), with the real terraform:
 * the report shows the hosts the plan shows, the drain the apply will do, the destructive changes and the
 * provider's warnings, and reading the inventory writes nothing.
 *
 * With VIRTPLANE_UPDATE_PLAN_REPORT_FIXTURES=1 it also writes what it captured (the plan as
 * `terraform show -json`, the `terraform plan -json` log, the inventory as the report reads it, and
 * the report in Markdown and JSON) to test/cli/fixtures/planReport/<case>/: the golden files that
 * test/cli/planReport.test.ts compares the report with, without a lab.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlanReport, parsePlanLog, type PlanJson } from '../../lib/cli/planReport.js';
import { readInventoryView } from '../../lib/cli/planReportCommand.js';
import { renderPlanReportMarkdown } from '../../lib/cli/planReportMarkdown.js';
import { buildProvider, createTerraformWorkspace, REPO_ROOT, type TerraformWorkspace } from '../support/terraform.js';
import { useLab, type TestLab } from '../support/lab.js';
import { hclString, platformHcl } from '../support/platformHcl.js';
import { inventoryDump } from '../support/inventoryDump.js';
import { runCli } from '../support/cli.js';
import { VmTestLab } from '../resources/vm/testLab.js';

const UPDATE = process.env.VIRTPLANE_UPDATE_PLAN_REPORT_FIXTURES === '1';
const FIXTURES = join(REPO_ROOT, 'test', 'cli', 'fixtures', 'planReport');

let lab: TestLab;
let tf: TerraformWorkspace;
let vms: VmTestLab;
let clusterId: string | undefined;
let names: { readonly iqn: string; readonly network: string; readonly domain: string };

interface Shape {
  readonly vms: readonly ('db' | 'web' | 'cache')[];
  /** web pinned to this host. */
  readonly webHost?: string;
  readonly maintenance?: string;
  /** The spare disk's LUN (2; another one replaces the disk). */
  readonly spareLun?: number;
}

const inventoryDir = (): string => join(tf.root, 'inventory');

function vmHcl(name: string, shape: Shape): string {
  const disk = name === 'db' ? '  disk {\n    disk_id = virtplane_disk.db.id\n  }\n' : '';
  const pin = name === 'web' && shape.webHost !== undefined ? `  host_id                  = virtplane_host.${shape.webHost}.id\n` : '';
  return `
resource "virtplane_vm" ${hclString(name)} {
  name                     = ${hclString(name)}
  cluster_id               = virtplane_cluster.main.id
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 0
${pin}${disk}  nic {
    network_id = virtplane_network.lan.id
  }
  depends_on = [virtplane_host.kvm1, virtplane_host.kvm2]
}
`;
}

function config(shape: Shape): string {
  const platform = platformHcl(lab.lab, { inventory: inventoryDir() }).replace(
    /(resource "virtplane_host" "(kvm\d)" \{[\s\S]*?host_key   = [^\n]+\n)/g,
    (block: string, _whole: string, host: string) => (shape.maintenance === host ? `${block}  maintenance = true\n` : block),
  );
  return `${tf.requiredProviders()}${platform}
resource "virtplane_network" "lan" {
  name          = ${hclString(names.network)}
  datacenter_id = virtplane_datacenter.dc.id
  mode          = "isolated"
}

resource "virtplane_iscsi_target" "shared" {
  server_address  = ${hclString(lab.lab.storage.address)}
  server_host_key = ${hclString(lab.lab.storage.hostKey)}
  iqn             = ${hclString(names.iqn)}
  lun {
    lun      = 1
    size_mib = 4
  }
  lun {
    lun      = 2
    size_mib = 4
  }
  lun {
    lun      = 3
    size_mib = 4
  }
}

resource "virtplane_storage_domain" "shared" {
  name            = ${hclString(names.domain)}
  datacenter_id   = virtplane_datacenter.dc.id
  type            = "iscsi"
  iscsi_target_id = virtplane_iscsi_target.shared.id
  depends_on      = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_disk" "db" {
  name              = "db"
  storage_domain_id = virtplane_storage_domain.shared.id
  lun               = 1
}

resource "virtplane_disk" "spare" {
  name              = "spare"
  storage_domain_id = virtplane_storage_domain.shared.id
  lun               = ${shape.spareLun ?? 2}
}
${shape.vms.map((name) => vmHcl(name, shape)).join('')}`;
}

interface Captured {
  readonly plan: PlanJson;
  readonly log: string;
  readonly markdown: string;
  readonly reportMs: number;
}

/** terraform plan -json -out, show -json, then the report through the CLI (timed), the inventory checked unchanged. */
async function capture(name: string, shape: Shape): Promise<Captured> {
  await tf.writeConfig(config(shape));
  const planned = await tf.run(['plan', '-json', '-input=false', `-out=${name}.tfplan`]);
  const plan = JSON.parse((await tf.run(['show', '-json', `${name}.tfplan`])).stdout) as PlanJson;
  const planPath = join(tf.root, `${name}.plan.json`);
  const logPath = join(tf.root, `${name}.plan.log`);
  await writeFile(planPath, JSON.stringify(plan));
  await writeFile(logPath, planned.stdout);
  const before = await inventoryDump(inventoryDir());
  const started = performance.now();
  const cli = runCli(['plan-report', planPath, '--log', logPath, '--inventory', inventoryDir()]);
  const reportMs = performance.now() - started;
  expect(cli.stderr).toBe('');
  expect(cli.status).toBe(0);
  expect(await inventoryDump(inventoryDir())).toEqual(before);
  const json = runCli(['plan-report', planPath, '--log', logPath, '--inventory', inventoryDir(), '--format', 'json']);
  expect(json.status).toBe(0);
  const view = await readInventoryView(inventoryDir());
  const report = buildPlanReport(plan, view, parsePlanLog(planned.stdout));
  expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(report)));
  expect(cli.stdout).toBe(renderPlanReportMarkdown(report));
  process.stderr.write(`[plan-report] ${name}: ${reportMs.toFixed(0)} ms (CLI, node start included)\n`);
  if (UPDATE) {
    const dir = join(FIXTURES, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'plan.json'), `${JSON.stringify(plan, null, 1)}\n`);
    await writeFile(join(dir, 'plan.log'), planned.stdout);
    await writeFile(join(dir, 'inventory.json'), `${JSON.stringify(view, null, 1)}\n`);
    await writeFile(join(dir, 'report.md'), cli.stdout);
    await writeFile(join(dir, 'report.json'), json.stdout);
  }
  return { plan, log: planned.stdout, markdown: cli.stdout, reportMs };
}

const change = (plan: PlanJson, address: string) => plan.resource_changes?.find((candidate) => candidate.address === address);

let hostNames: Record<string, string> = {};
let placed: Record<string, string> = {};

beforeAll(async () => {
  lab = await useLab();
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  vms = new VmTestLab(lab, inventoryDir());
  names = { iqn: `iqn.2025-01.dev.virtplane.test:rep-${vms.run}`, network: `vprep-${vms.run}-lan`, domain: `vprep-${vms.run}-shared` };
  await tf.writeConfig(config({ vms: ['db'] }));
  await tf.init();
  await tf.apply();
  clusterId = String((await tf.stateAttributes('virtplane_cluster', 'main')).id);
  for (const host of ['kvm1', 'kvm2']) hostNames[String((await tf.stateAttributes('virtplane_host', host)).id)] = host;
}, 600_000);

afterAll(async () => {
  if (tf) {
    await tf.writeConfig(config({ vms: [] }));
    await tf.destroy({ allowFailure: true });
  }
  await vms?.cleanup(clusterId, { networks: [names.network], pools: [names.domain], targetIqn: names.iqn });
  await tf?.cleanup();
});

describe('plan-report on the reference lab', () => {
  it('create: shows where web and cache land, as the plan shows and the apply does, with why', async () => {
    const { plan, markdown } = await capture('create', { vms: ['db', 'web', 'cache'] });
    for (const name of ['web', 'cache']) {
      const hostId = String(change(plan, `virtplane_vm.${name}`)?.change.after?.current_host_id);
      const host = hostNames[hostId]!;
      expect(markdown).toContain(`| ${name} | main | create |  | ${host} | new | 32 MiB | 1 |`);
      expect(markdown).toMatch(new RegExp(`- ${name} -> ${host}: evenly_distributed, `));
      placed[name] = host;
    }
    expect(markdown).toMatch(/\*\*2 to create, 0 to update, 0 to replace, 0 to destroy\*\*/);
    expect(markdown).toMatch(/Warning: \*\*Placement of VM "web"\*\* \(`virtplane_vm.web`\)/);
    expect(markdown).toMatch(/before: \*\*ok\*\*/);
    await tf.apply(['create.tfplan']);
    for (const name of ['web', 'cache']) expect((await vms.domainNamed(clusterId!, name)).host).toBe(placed[name]);
    await tf.expectEmptyPlan();
  });

  it('migration: web pinned to the other host moves live', async () => {
    const other = placed.web === 'kvm1' ? 'kvm2' : 'kvm1';
    const { markdown } = await capture('migration', { vms: ['db', 'web', 'cache'], webHost: other });
    expect(markdown).toContain(`| web | main | move | ${placed.web} | ${other} | live migration | 32 MiB | 1 |`);
    expect(markdown).toMatch(/Warning: \*\*Live migration\*\*/);
  });

  it('maintenance: every VM of kvm1 is drained to kvm2, live', async () => {
    const onKvm1 = (await vms.domainsOf(clusterId!)).filter((domain) => domain.host === 'kvm1').map((domain) => domain.name);
    const { markdown } = await capture('maintenance', { vms: ['db', 'web', 'cache'], maintenance: 'kvm1' });
    for (const name of onKvm1) expect(markdown).toContain(`| ${name} | main | maintenance drain | kvm1 | kvm2 | live migration | 32 MiB | 1 |`);
    expect(markdown).toMatch(/\| kvm1 \|[^\n]*\| enters maintenance \|/);
    expect(markdown).toMatch(/Warning: \*\*Host will be drained\*\*/);
  });

  it('destructive: a VM destroyed and a disk replaced are called out with what is at risk', async () => {
    const { markdown } = await capture('destructive', { vms: ['db', 'web'], spareLun: 3 });
    expect(markdown).toContain('- **destroy** `virtplane_vm.cache`: the VM is shut down and removed; its disks are kept');
    expect(markdown).toContain('- **replace** `virtplane_disk.spare` (`lun` cannot change in place): the disk is deleted and created empty: its data is lost');
    expect(markdown).toMatch(/\| cache \| main \| destroy \| kvm\d \|  \| removed \| 32 MiB \| 1 \|/);
  });
});

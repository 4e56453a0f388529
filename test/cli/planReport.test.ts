/**
 * `virtplane plan-report`'s exact Markdown and JSON for four plans of the reference lab, captured from
 * the lab by test/cli/planReport.lab.test.ts into test/cli/fixtures/planReport/<case>/ (plan.json:
 * `terraform show -json`; plan.log: `terraform plan -json`; inventory.json: the inventory as the report
 * read it). To regenerate:
 *   - the inputs, from the lab: VIRTPLANE_UPDATE_PLAN_REPORT_FIXTURES=1 npx vitest run test/cli/planReport.lab.test.ts
 *   - the golden reports only, from the inputs (after a deliberate change of the report):
 *     VIRTPLANE_UPDATE_PLAN_REPORT_FIXTURES=1 npx vitest run test/cli/planReport.test.ts
 * and review the diff of report.md and report.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlanReport, parsePlanLog, type InventoryView, type PlanJson } from '../../lib/cli/planReport.js';
import { renderPlanReportMarkdown } from '../../lib/cli/planReportMarkdown.js';
import { runCli } from '../support/cli.js';
import { REPO_ROOT } from '../support/terraform.js';

const FIXTURES = join(REPO_ROOT, 'test', 'cli', 'fixtures', 'planReport');
const UPDATE = process.env.VIRTPLANE_UPDATE_PLAN_REPORT_FIXTURES === '1';

function fixture(name: string) {
  const read = (file: string): string => readFileSync(join(FIXTURES, name, file), 'utf8');
  const plan = JSON.parse(read('plan.json')) as PlanJson;
  const inventory = JSON.parse(read('inventory.json')) as InventoryView;
  const report = buildPlanReport(plan, inventory, parsePlanLog(read('plan.log')));
  const markdown = renderPlanReportMarkdown(report);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (UPDATE) {
    writeFileSync(join(FIXTURES, name, 'report.md'), markdown);
    writeFileSync(join(FIXTURES, name, 'report.json'), json);
  }
  return { report, markdown, json, golden: { markdown: read('report.md'), json: read('report.json') } };
}

describe('plan-report golden files', () => {
  for (const name of ['create', 'migration', 'maintenance', 'destructive']) {
    it(`${name}: the exact Markdown and JSON`, () => {
      const { markdown, json, golden } = fixture(name);
      expect(markdown).toBe(golden.markdown);
      expect(json).toBe(golden.json);
    });
  }

  it('create: both new VMs on the host the plan shows, with the reason of the plan warning', () => {
    const { report } = fixture('create');
    const created = report.vms.filter((vm) => vm.change === 'create');
    expect(created.map((vm) => vm.name).sort()).toEqual(['cache', 'web']);
    for (const vm of created) {
      const warning = report.diagnostics?.find((diagnostic) => diagnostic.summary === `Placement of VM "${vm.name}"`);
      expect(warning?.detail).toBe(`${vm.reason}.`);
      expect(vm.reason).toMatch(new RegExp(`^${vm.name} -> ${vm.to}: evenly_distributed, `));
    }
  });

  it('maintenance: the drain leaves the cluster without N+1 headroom, and says so', () => {
    const { report, markdown } = fixture('maintenance');
    expect(report.clusters[0]?.headroomBefore.ok).toBe(true);
    expect(report.clusters[0]?.headroomAfter.ok).toBe(false);
    expect(markdown).toMatch(/- after: \*\*not N\+1\*\*:\n {2}- if kvm2 fails, stranded: cache, db, web \(96 MiB\): kvm1 is in maintenance/);
  });

  it('destructive: replacements and destroys are called out with what is at risk', () => {
    const { report } = fixture('destructive');
    expect(report.destructive).toEqual([
      { address: 'virtplane_disk.spare', action: 'replace', because: ['lun'], risk: 'the disk is deleted and created empty: its data is lost' },
      { address: 'virtplane_vm.cache', action: 'destroy', because: [], risk: 'the VM is shut down and removed; its disks are kept' },
    ]);
  });
});

describe('virtplane plan-report', () => {
  it('prints its usage for --help, and refuses a file that is not a plan (usage error: exit 2)', () => {
    const help = runCli(['plan-report', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: virtplane plan-report PLAN\.json /);
    const wrong = runCli(['plan-report', join(FIXTURES, 'create', 'inventory.json'), '--inventory', '/nonexistent']);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/is not a plan: give the output of terraform show -json PLANFILE/);
    const noInventory = runCli(['plan-report', join(FIXTURES, 'create', 'plan.json'), '--inventory', '/nonexistent/inventory']);
    expect(noInventory.status).toBe(1);
    expect(noInventory.stderr).toMatch(/no inventory at \/nonexistent\/inventory/);
  });
});

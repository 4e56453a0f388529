/** A plan report as Markdown for a pull-request comment (GitHub-flavoured: tables, no HTML). */
import { formatMib, type ClusterReport, type HeadroomSummary, type PlanReport, type VmLine } from './planReport.js';

/** Table cells never break the table: pipes escaped, newlines flattened. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(header: readonly string[], align: readonly ('l' | 'r')[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${align.map((side) => (side === 'r' ? '---:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

const CHANGE_WORDS: Readonly<Record<VmLine['change'], string>> = {
  create: 'create',
  move: 'move',
  resize: 'resize',
  replace: 'replace',
  destroy: 'destroy',
  drain: 'maintenance drain',
  affinity: 'affinity group',
};

function vmSection(report: PlanReport): string[] {
  const lines = ['### VM placements and moves', ''];
  if (report.vms.length === 0) return [...lines, 'No VM is created, moved or removed.', ''];
  lines.push(
    ...table(
      ['VM', 'cluster', 'change', 'from', 'to', 'how', 'memory', 'vCPUs'],
      ['l', 'l', 'l', 'l', 'l', 'l', 'r', 'r'],
      report.vms.map((vm) => [
        vm.name,
        vm.cluster ?? '(new)',
        CHANGE_WORDS[vm.change],
        vm.from ?? '',
        vm.to ?? (vm.change === 'destroy' ? '' : '(known after apply)'),
        vm.how,
        vm.memoryMib === null ? '?' : formatMib(vm.memoryMib),
        vm.vcpus === null ? '?' : String(vm.vcpus),
      ]),
    ),
    '',
  );
  const reasons = report.vms.filter((vm) => vm.reason !== undefined);
  if (reasons.length > 0) {
    lines.push('Why there:', '', ...reasons.map((vm) => `- ${vm.reason}`), '');
  }
  return lines;
}

function memory(used: number, capacity: number): string {
  return `${formatMib(used)} / ${formatMib(capacity)}`;
}

function vcpus(count: number, cpus: number | null): string {
  return cpus === null ? `${count}` : `${count} / ${plural(cpus, 'CPU')}`;
}

function headroomLines(label: string, headroom: HeadroomSummary): string[] {
  if (headroom.ok) return [`- ${label}: **ok**: if any one host fails, its VMs fit on the others.`];
  return [
    `- ${label}: **not N+1**:`,
    ...headroom.atRisk.map((risk) => {
      // VMs refused for the same reason are named together: "cache, db (64 MiB): kvm1 is in maintenance".
      const byReason = new Map<string, { names: string[]; memoryMib: number }>();
      for (const vm of risk.stranded) {
        const entry = byReason.get(vm.reason) ?? { names: [], memoryMib: 0 };
        entry.names.push(vm.name);
        entry.memoryMib += vm.memoryMib;
        byReason.set(vm.reason, entry);
      }
      const parts = [...byReason.entries()].map(([reason, entry]) => `${entry.names.join(', ')} (${formatMib(entry.memoryMib)}): ${reason}`);
      return `  - if ${risk.host} fails, stranded: ${parts.join('; ')}`;
    }),
  ];
}

function clusterSection(cluster: ClusterReport): string[] {
  const rows = cluster.hosts.map((host) => {
    const state = [
      host.remains ? '' : 'removed',
      host.maintenanceBefore !== host.maintenanceAfter
        ? host.maintenanceAfter
          ? 'enters maintenance'
          : 'leaves maintenance'
        : host.maintenanceAfter
          ? 'in maintenance'
          : '',
    ]
      .filter(Boolean)
      .join(', ');
    const changed = host.usedBeforeMib !== host.usedAfterMib || host.vcpusBefore !== host.vcpusAfter;
    return [
      host.name,
      memory(host.usedBeforeMib, host.capacityMib),
      changed ? memory(host.usedAfterMib, host.capacityMib) : 'unchanged',
      formatMib(host.capacityMib - host.usedAfterMib),
      vcpus(host.vcpusBefore, host.cpus),
      changed ? vcpus(host.vcpusAfter, host.cpus) : 'unchanged',
      `${host.vmsBefore} -> ${host.vmsAfter}`,
      state,
    ];
  });
  return [
    `#### Cluster ${cluster.name} (${cluster.policy}, memory overcommit ${cluster.overcommitPercent}%)`,
    '',
    ...table(['host', 'memory before', 'memory after', 'free after', 'vCPUs before', 'vCPUs after', 'VMs', ''], ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'], rows),
    '',
    'N+1 headroom:',
    '',
    ...headroomLines('before', cluster.headroomBefore),
    ...headroomLines('after', cluster.headroomAfter),
    '',
  ];
}

export function renderPlanReportMarkdown(report: PlanReport): string {
  const { total } = report.summary;
  const lines = [
    '## virtplane plan report',
    '',
    `**${total.create} to create, ${total.update} to update, ${total.replace} to replace, ${total.destroy} to destroy**` +
      (report.terraformVersion === null ? '' : ` (Terraform ${report.terraformVersion})`),
    '',
  ];
  if (report.summary.byType.length > 0) {
    lines.push(
      ...table(
        ['resource type', 'create', 'update', 'replace', 'destroy'],
        ['l', 'r', 'r', 'r', 'r'],
        report.summary.byType.map((row) => [`\`${row.type}\``, String(row.create), String(row.update), String(row.replace), String(row.destroy)]),
      ),
      '',
    );
  } else {
    lines.push('No change.', '');
  }

  lines.push('### Destructive changes', '');
  if (report.destructive.length === 0) lines.push('None: nothing is replaced or destroyed.', '');
  else {
    lines.push(
      ...report.destructive.map(
        (change) =>
          `- **${change.action}** \`${change.address}\`${change.because.length > 0 ? ` (${change.because.map((path) => `\`${path}\``).join(', ')} cannot change in place)` : ''}: ${change.risk}`,
      ),
      '',
    );
  }

  lines.push(...vmSection(report));

  lines.push('### Host capacity', '');
  if (report.clusters.length === 0) lines.push('No cluster of the inventory is affected.', '');
  else for (const cluster of report.clusters) lines.push(...clusterSection(cluster));

  lines.push('### Provider warnings', '');
  if (report.diagnostics === null) {
    lines.push('Not included: pass the log of `terraform plan -json` with `--log` (the saved plan does not keep them).', '');
  } else if (report.diagnostics.length === 0) {
    lines.push('None.', '');
  } else {
    for (const diagnostic of report.diagnostics) {
      const where = diagnostic.address === undefined ? '' : ` (\`${diagnostic.address}\`)`;
      lines.push(
        `- ${diagnostic.severity === 'error' ? 'Error' : 'Warning'}: **${diagnostic.summary}**${where}: ${diagnostic.detail.replace(/\s*\n\s*/g, ' ')}`,
      );
    }
    lines.push('');
  }

  if (report.notes.length > 0) lines.push('### Notes', '', ...report.notes.map((note) => `- ${note}`), '');
  return `${lines.join('\n').trimEnd()}\n`;
}

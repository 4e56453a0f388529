import { readLabFile } from '../lab/labFile.js';
import { isHealthy, labStatus, type MachineStatus } from '../lab/labStatus.js';

function describe(status: MachineStatus): [string, string, string, string] {
  const ssh = status.sshError === null ? 'ok' : `FAILED: ${status.sshError.split('\n')[0]}`;
  const service = status.serviceError === null ? (status.service ?? '') : `FAILED: ${status.serviceError}`;
  const workload =
    status.role === 'hypervisor'
      ? status.vmsRunning === undefined
        ? '-'
        : `${status.vmsRunning} running / ${status.vmsDefined} defined`
      : status.targets === undefined
        ? '-'
        : `${status.targets} target${status.targets === 1 ? '' : 's'}`;
  const hostnameNote = status.hostname && status.hostname !== status.name ? ` (hostname ${status.hostname}!)` : '';
  return [`${status.name}${hostnameNote}`, ssh, service, workload];
}

export async function printLabStatus(_prefix: string | undefined, labFilePath: string | undefined): Promise<number> {
  const lab = readLabFile(labFilePath);
  const statuses = await labStatus(lab);
  const rows = [
    ['MACHINE', 'ADDRESS', 'SSH', 'SERVICE', 'VMS / TARGETS'],
    ...statuses.map((status) => {
      const [name, ssh, service, workload] = describe(status);
      return [name, status.address, ssh, service, workload];
    }),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows)
    process.stdout.write(
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd() + '\n',
    );
  const unhealthy = statuses.filter((status) => !isHealthy(status));
  process.stdout.write(
    unhealthy.length === 0
      ? `all ${statuses.length} machines healthy\n`
      : `${unhealthy.length} of ${statuses.length} machines unhealthy: run \`virtplane lab up\` to repair\n`,
  );
  return unhealthy.length === 0 ? 0 : 1;
}

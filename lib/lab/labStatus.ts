import { SshPool, type SshEndpoint } from '../backends/ssh/index.js';
import { labEndpoints } from './endpoints.js';
import type { LabFile } from './labFile.js';

export interface MachineStatus {
  readonly name: string;
  readonly address: string;
  readonly role: 'hypervisor' | 'storage';
  /** null when SSH answered; else why not. */
  readonly sshError: string | null;
  /** The hostname the machine reports about itself. */
  readonly hostname?: string;
  /** null when the machine's service (libvirt or tgtd) answered; else what it said. */
  readonly serviceError: string | null;
  /** "libvirt 9.0.0" or "tgtd". */
  readonly service?: string;
  readonly vmsRunning?: number;
  readonly vmsDefined?: number;
  readonly targets?: number;
}

const SECTION = '@@virtplane-section@@';

// One round trip per machine: every fact in one script, sections split by a marker line.
const HYPERVISOR_PROBE = `
hostname
echo "${SECTION}"
virsh -q -c qemu:///system version --daemon 2>&1 | sed -n 's/^Running against daemon: *//p'
echo "${SECTION}"
virsh -q -c qemu:///system list --name 2>&1 || echo "virsh failed"
echo "${SECTION}"
virsh -q -c qemu:///system list --all --name 2>&1 || echo "virsh failed"
`;

const STORAGE_PROBE = `
hostname
echo "${SECTION}"
tgtadm --lld iscsi --mode target --op show 2>&1 || echo "tgtadm failed"
`;

function lines(text: string): string[] {
  return text.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
}

async function probe(pool: SshPool, endpoint: SshEndpoint, role: 'hypervisor' | 'storage'): Promise<MachineStatus> {
  const base = { name: endpoint.name, address: endpoint.host, role };
  let output: string;
  try {
    output = (await pool.script(endpoint, role === 'hypervisor' ? HYPERVISOR_PROBE : STORAGE_PROBE, [], { timeoutMs: 15_000 })).stdout;
  } catch (error) {
    return { ...base, sshError: (error as Error).message, serviceError: 'not checked' };
  }
  const sections = output.split(`${SECTION}\n`);
  const hostname = (sections[0] ?? '').trim();
  if (role === 'storage') {
    const show = sections[1] ?? '';
    if (/tgtadm failed|can't connect|not connected/i.test(show)) {
      return { ...base, sshError: null, hostname, serviceError: lines(show)[0] ?? 'tgtd did not answer' };
    }
    return { ...base, sshError: null, hostname, serviceError: null, service: 'tgtd', targets: (show.match(/^Target \d+:/gm) ?? []).length };
  }
  const version = (sections[1] ?? '').trim();
  const running = sections[2] ?? '';
  const defined = sections[3] ?? '';
  if (!/^\d+\.\d+/.test(version) || running.includes('virsh failed')) {
    return { ...base, sshError: null, hostname, serviceError: lines(running)[0] ?? 'libvirt did not answer' };
  }
  return {
    ...base,
    sshError: null,
    hostname,
    serviceError: null,
    service: `libvirt ${version}`,
    vmsRunning: lines(running).length,
    vmsDefined: lines(defined).length,
  };
}

/** Asks every machine of the lab, over SSH with pinned host keys, whether it and its service answer. */
export async function labStatus(lab: LabFile): Promise<MachineStatus[]> {
  const pool = new SshPool({ readyTimeoutMs: 5000 });
  try {
    const endpoints = labEndpoints(lab);
    return await Promise.all([
      ...endpoints.hosts.map((endpoint) => probe(pool, endpoint, 'hypervisor')),
      probe(pool, endpoints.storage, 'storage'),
    ]);
  } finally {
    await pool.close();
  }
}

export function isHealthy(status: MachineStatus): boolean {
  return status.sshError === null && status.serviceError === null && status.hostname === status.name;
}

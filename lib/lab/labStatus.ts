import { readHostInventory } from '../backends/libvirt/bulkRead.js';
import { sshLibvirtHost } from '../backends/libvirt/host.js';
import { SshError, SshPool, type SshEndpoint } from '../backends/ssh/index.js';
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

const STORAGE_PROBE = `
hostname
echo "${SECTION}"
tgtadm --lld iscsi --mode target --op show 2>&1 || echo "tgtadm failed"
`;

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** A hypervisor through the libvirt backend's bulk read: facts and every domain in one round trip. */
async function probeHypervisor(pool: SshPool, endpoint: SshEndpoint): Promise<MachineStatus> {
  const base = { name: endpoint.name, address: endpoint.host, role: 'hypervisor' as const };
  try {
    const { facts, domains } = await readHostInventory(sshLibvirtHost(pool, endpoint), { timeoutMs: 15_000 });
    return {
      ...base,
      sshError: null,
      hostname: facts.hostname,
      serviceError: null,
      service: `libvirt ${facts.libvirtVersion}`,
      vmsRunning: domains.filter((domain) => domain.state === 'running').length,
      vmsDefined: domains.length,
    };
  } catch (error) {
    if (error instanceof SshError) return { ...base, sshError: error.message, serviceError: 'not checked' };
    return { ...base, sshError: null, serviceError: (error as Error).message.split('\n')[0] ?? 'libvirt did not answer' };
  }
}

async function probeStorage(pool: SshPool, endpoint: SshEndpoint): Promise<MachineStatus> {
  const base = { name: endpoint.name, address: endpoint.host, role: 'storage' as const };
  let output: string;
  try {
    output = (await pool.script(endpoint, STORAGE_PROBE, [], { timeoutMs: 15_000 })).stdout;
  } catch (error) {
    return { ...base, sshError: (error as Error).message, serviceError: 'not checked' };
  }
  const [hostnameSection = '', show = ''] = output.split(`${SECTION}\n`);
  const hostname = hostnameSection.trim();
  if (/tgtadm failed|can't connect|not connected/i.test(show)) {
    return { ...base, sshError: null, hostname, serviceError: lines(show)[0] ?? 'tgtd did not answer' };
  }
  return { ...base, sshError: null, hostname, serviceError: null, service: 'tgtd', targets: (show.match(/^Target \d+:/gm) ?? []).length };
}

/** Asks every machine of the lab, over SSH with pinned host keys, whether it and its service answer. */
export async function labStatus(lab: LabFile): Promise<MachineStatus[]> {
  const pool = new SshPool({ readyTimeoutMs: 5000 });
  try {
    const endpoints = labEndpoints(lab);
    return await Promise.all([...endpoints.hosts.map((endpoint) => probeHypervisor(pool, endpoint)), probeStorage(pool, endpoints.storage)]);
  } finally {
    await pool.close();
  }
}

export function isHealthy(status: MachineStatus): boolean {
  return status.sshError === null && status.serviceError === null && status.hostname === status.name;
}

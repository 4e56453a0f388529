/**
 * The lab's hypervisors as LibvirtHosts over one SshPool, plus bookkeeping so a test file removes
 * exactly the domains, networks and pools it created (other engineers' tests share these hosts).
 */
import { randomBytes } from 'node:crypto';
import { SshPool, type SshEndpoint } from '../../../../lib/backends/ssh/index.js';
import { sshLibvirtHost, type LibvirtHost } from '../../../../lib/backends/libvirt/host.js';
import { destroyDomain, lookupDomain, undefineDomain } from '../../../../lib/backends/libvirt/domains.js';
import { destroyNetwork, undefineNetwork } from '../../../../lib/backends/libvirt/networks.js';
import { destroyPool, lookupPool, undefinePool } from '../../../../lib/backends/libvirt/pools.js';
import type { DomainModel } from '../../../../lib/backends/libvirt/domainModel.js';
import type { LabHostEntry } from '../../../../lib/lab/labFile.js';
import { useLab, type TestLab } from '../../../support/lab.js';

export interface LabHosts {
  readonly lab: TestLab;
  readonly pool: SshPool;
  readonly kvm1: LibvirtHost;
  readonly kvm2: LibvirtHost;
  readonly endpoints: readonly SshEndpoint[];
  /** The storage host (tgtd). */
  readonly storage: SshEndpoint;
  /** lab.json's entries for the hypervisors: names (their hostnames) and addresses. */
  readonly hostEntries: readonly LabHostEntry[];
  /** Guests are `type='kvm'` when the hosts have /dev/kvm, else TCG. */
  readonly virtType: 'kvm' | 'qemu';
  /** A name unique to this run, e.g. "vplv-3fa9c2-web". */
  name(suffix: string): string;
  /** Registers objects to remove in cleanup(). */
  track(kind: 'domain' | 'network' | 'pool', name: string): string;
  cleanup(): Promise<void>;
}

export async function useLabHosts(): Promise<LabHosts> {
  const lab = await useLab();
  const [first, second] = lab.hosts;
  if (!first || !second) throw new Error('These tests need a lab with at least two hypervisors');
  const pool = new SshPool();
  const kvm1 = sshLibvirtHost(pool, first);
  const kvm2 = sshLibvirtHost(pool, second);
  const kvm = await pool.exec(first, ['test', '-c', '/dev/kvm'], { allowExitCodes: [1] });
  const run = randomBytes(3).toString('hex');
  const tracked: { kind: 'domain' | 'network' | 'pool'; name: string }[] = [];
  return {
    lab,
    pool,
    kvm1,
    kvm2,
    endpoints: lab.hosts,
    storage: lab.storage,
    hostEntries: lab.lab.hosts,
    virtType: kvm.exitCode === 0 ? 'kvm' : 'qemu',
    name: (suffix) => `vplv-${run}-${suffix}`,
    track(kind, name) {
      tracked.push({ kind, name });
      return name;
    },
    async cleanup() {
      for (const host of [kvm1, kvm2]) {
        for (const { name } of tracked.filter((entry) => entry.kind === 'domain')) {
          if ((await lookupDomain(host, name)) === null) continue;
          await destroyDomain(host, name);
          await undefineDomain(host, name);
        }
        for (const { kind, name } of tracked) {
          if (kind === 'network') {
            await destroyNetwork(host, name).catch(() => undefined);
            await undefineNetwork(host, name);
          }
          if (kind === 'pool') {
            const record = await lookupPool(host, name);
            await destroyPool(host, name).catch(() => undefined);
            await undefinePool(host, name);
            // virtplane never deletes a pool's storage; the test's own scratch directory goes here.
            if (record?.model.type === 'dir' && record.model.path.startsWith('/var/lib/libvirt/images/vplv-')) {
              await host.exec(['rm', '-rf', '--', record.model.path]);
            }
          }
        }
      }
      await pool.close();
    },
  };
}

/** A guest with no disk: it stays `running` at the BIOS, enough for lifecycle and migration. */
export function tinyGuest(name: string, virtType: 'kvm' | 'qemu', overrides: Partial<DomainModel> = {}): DomainModel {
  return {
    name,
    type: virtType,
    memoryMiB: 32,
    currentMemoryMiB: 32,
    vcpu: { current: 1, max: 1 },
    os: { bootDevices: [] },
    features: { acpi: true, apic: true },
    disks: [],
    interfaces: [],
    graphics: { type: 'none' },
    serialConsole: true,
    owner: { managedBy: 'virtplane', resourceType: 'virtplane_vm', resourceId: name, cluster: 'lab' },
    ...overrides,
  };
}

/**
 * The smallest guest a lab test needs: no disk, it stays `running` at the BIOS. Its XML comes from the
 * libvirt backend's serializer, like every piece of XML in the project.
 */
import { randomBytes } from 'node:crypto';
import { buildDomainXml } from '../../lib/backends/libvirt/domainXml.js';
import type { DomainModel } from '../../lib/backends/libvirt/domainModel.js';
import type { SshEndpoint, SshPool } from '../../lib/backends/ssh/index.js';

export function uniqueName(prefix = 'vptest'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export interface TinyDomainOptions {
  /** @default 64 */
  readonly memoryMib?: number;
  /** No default: a machine without /dev/kvm refuses type='kvm' (see hostHasKvm). */
  readonly kvm: boolean;
  /** vCPUs it may grow to by hot-plug. @default 1 */
  readonly maxVcpus?: number;
}

/** The model of the smallest guest: no disk, no NIC, no graphics, a serial console; 1 vCPU. */
export function tinyDomainModel(name: string, options: TinyDomainOptions): DomainModel {
  const memoryMiB = options.memoryMib ?? 64;
  return {
    name,
    type: options.kvm ? 'kvm' : 'qemu',
    memoryMiB,
    currentMemoryMiB: memoryMiB,
    vcpu: { current: 1, max: options.maxVcpus ?? 1 },
    os: { bootDevices: ['hd'] },
    features: { acpi: true, apic: true },
    disks: [],
    interfaces: [],
    graphics: { type: 'none' },
    serialConsole: true,
  };
}

export function tinyDomainXml(name: string, options: TinyDomainOptions): string {
  return buildDomainXml(tinyDomainModel(name, options));
}

/** True when the host can run KVM guests; otherwise tests fall back to TCG (type='qemu'). */
export async function hostHasKvm(pool: SshPool, host: SshEndpoint): Promise<boolean> {
  const result = await pool.exec(host, ['test', '-c', '/dev/kvm'], { allowExitCodes: [1] });
  return result.exitCode === 0;
}

export async function defineAndStart(pool: SshPool, host: SshEndpoint, name: string, kvm: boolean): Promise<void> {
  await pool.exec(host, ['virsh', '-q', 'define', '/dev/stdin'], { stdin: tinyDomainXml(name, { kvm }) });
  await pool.exec(host, ['virsh', '-q', 'start', name]);
}

/** Removes a test domain wherever it is; a domain that is not there is fine. */
export async function removeDomainEverywhere(pool: SshPool, hosts: readonly SshEndpoint[], name: string): Promise<void> {
  await Promise.all(
    hosts.map(async (host) => {
      await pool.exec(host, ['virsh', '-q', 'destroy', name], { allowExitCodes: [1] });
      await pool.exec(host, ['virsh', '-q', 'undefine', name], { allowExitCodes: [1] });
    }),
  );
}

export async function domainState(pool: SshPool, host: SshEndpoint, name: string): Promise<string | null> {
  const result = await pool.exec(host, ['virsh', '-q', 'domstate', name], { allowExitCodes: [1] });
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

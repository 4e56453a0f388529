/**
 * The smallest guest a lab test needs: no disk, it stays `running` at the BIOS. Its XML comes from the
 * libvirt backend's serializer, like every piece of XML in the project.
 */
import { randomBytes } from 'node:crypto';
import { buildDomainXml } from '../../lib/backends/libvirt/domainXml.js';
import type { SshEndpoint, SshPool } from '../../lib/backends/ssh/index.js';

export function uniqueName(prefix = 'vptest'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** `kvm` has no default: a machine without /dev/kvm refuses type='kvm' (see hostHasKvm). */
export function tinyDomainXml(name: string, options: { readonly memoryMib?: number; readonly kvm: boolean }): string {
  const memoryMiB = options.memoryMib ?? 64;
  return buildDomainXml({
    name,
    type: options.kvm ? 'kvm' : 'qemu',
    memoryMiB,
    currentMemoryMiB: memoryMiB,
    vcpu: { current: 1, max: 1 },
    os: { bootDevices: ['hd'] },
    features: { acpi: true, apic: true },
    disks: [],
    interfaces: [],
    graphics: { type: 'none' },
    serialConsole: true,
  });
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

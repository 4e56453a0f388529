/**
 * The smallest guest a lab test needs: no disk, it stays `running` at the BIOS. Built with xml-js,
 * never by string concatenation, like every piece of XML in the project.
 */
import { randomBytes } from 'node:crypto';
import { js2xml } from 'xml-js';
import type { SshEndpoint, SshPool } from '../../lib/backends/ssh/index.js';

export function uniqueName(prefix = 'vptest'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function tinyDomainXml(name: string, options: { memoryMib?: number; kvm?: boolean } = {}): string {
  return js2xml(
    {
      domain: {
        _attributes: { type: options.kvm === false ? 'qemu' : 'kvm' },
        name: { _text: name },
        memory: { _attributes: { unit: 'MiB' }, _text: String(options.memoryMib ?? 64) },
        vcpu: { _text: '1' },
        os: { type: { _attributes: { arch: 'x86_64' }, _text: 'hvm' } },
        devices: { serial: { _attributes: { type: 'pty' } } },
      },
    },
    { compact: true },
  );
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

/**
 * cloud-init's NoCloud seed: user-data, meta-data and network-config built as data by code (JSON,
 * which cloud-init reads as the YAML it is), never by pasting user input into text, and written as an
 * ISO 9660 volume labelled `cidata` (genisoimage, on the machine that runs Terraform).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CloudInitUser {
  readonly name: string;
  readonly sshAuthorizedKeys: readonly string[];
  /** Passwordless sudo. */
  readonly sudo: boolean;
}

export interface CloudInitFile {
  readonly path: string;
  readonly content: string;
  /** Octal as text, e.g. "0644". */
  readonly permissions: string;
}

export interface CloudInitConfig {
  readonly hostname?: string;
  readonly users: readonly CloudInitUser[];
  readonly writeFiles: readonly CloudInitFile[];
  readonly runcmd: readonly string[];
  /** Raw user-data (a #cloud-config document or any format cloud-init takes); replaces what the fields above build. */
  readonly userData?: string;
  /** Raw network-config (version 1 or 2, YAML or JSON). */
  readonly networkConfig?: string;
}

/** The user-data document: `#cloud-config` then JSON. */
export function cloudConfigUserData(config: CloudInitConfig): string {
  if (config.userData !== undefined) return config.userData;
  const document: Record<string, unknown> = {
    ...(config.hostname === undefined ? {} : { hostname: config.hostname, fqdn: config.hostname, preserve_hostname: false }),
    ...(config.users.length === 0
      ? {}
      : {
          users: [
            'default',
            ...config.users.map((user) => ({
              name: user.name,
              shell: '/bin/bash',
              lock_passwd: true,
              ssh_authorized_keys: [...user.sshAuthorizedKeys],
              ...(user.sudo ? { sudo: 'ALL=(ALL) NOPASSWD:ALL', groups: 'sudo' } : {}),
            })),
          ],
        }),
    ssh_pwauth: false,
    ...(config.writeFiles.length === 0
      ? {}
      : { write_files: config.writeFiles.map((file) => ({ path: file.path, content: file.content, permissions: file.permissions, owner: 'root:root' })) }),
    ...(config.runcmd.length === 0 ? {} : { runcmd: [...config.runcmd] }),
  };
  return `#cloud-config\n${JSON.stringify(document, null, 2)}\n`;
}

/**
 * cloud-init runs its once-per-instance steps (users, files, runcmd, hostname, SSH host keys) when the
 * instance-id changes: the VM's id plus a digest of what those steps read, so a changed configuration
 * runs again at the next boot and an unchanged one never does.
 */
export function instanceIdOf(vmId: string, config: CloudInitConfig): string {
  const digest = createHash('sha256').update(cloudConfigUserData(config)).digest('hex').slice(0, 12);
  return `${vmId}-${digest}`;
}

export function noCloudMetaData(instanceId: string, hostname: string | undefined): string {
  return `${JSON.stringify({ 'instance-id': instanceId, ...(hostname === undefined ? {} : { 'local-hostname': hostname }) }, null, 2)}\n`;
}

/** The seed as an ISO 9660 image (label cidata), in memory: a few KiB. */
export async function buildNoCloudSeed(instanceId: string, config: CloudInitConfig): Promise<Buffer> {
  const staging = await mkdtemp(join(tmpdir(), 'virtplane-cidata-'));
  try {
    const files = join(staging, 'files');
    await mkdir(files, { mode: 0o700 });
    await writeFile(join(files, 'user-data'), cloudConfigUserData(config), { mode: 0o600 });
    await writeFile(join(files, 'meta-data'), noCloudMetaData(instanceId, config.hostname), { mode: 0o600 });
    if (config.networkConfig !== undefined) await writeFile(join(files, 'network-config'), config.networkConfig, { mode: 0o600 });
    const iso = join(staging, 'seed.iso');
    // Loaded here, not at import: every provider start loads this module, few processes write a seed.
    const { execFile } = await import('node:child_process');
    await new Promise<void>((resolve, reject) => {
      execFile('genisoimage', ['-quiet', '-output', iso, '-volid', 'cidata', '-joliet', '-rock', files], (error, _stdout, stderr) => {
        if (error) reject(new Error(`genisoimage could not write the cloud-init seed (install the genisoimage package): ${stderr || error.message}`));
        else resolve();
      });
    });
    return await readFile(iso);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runLocal } from './localCommand.js';

/**
 * A NoCloud seed for the lab's guest image: an ISO 9660 volume labelled `cidata` holding user-data and
 * meta-data, which cloud-init in the guest reads at first boot. It must reach the guest as a virtio disk:
 * the image's cloud kernel has no driver for a SATA CD-ROM (LAB-NOTES "Real guests").
 */

export interface GuestUser {
  readonly name: string;
  readonly sshAuthorizedKeys: readonly string[];
  /** Passwordless sudo, as cloud images give their default user. */
  readonly sudo?: boolean;
}

export interface GuestFile {
  /** Absolute path in the guest. */
  readonly path: string;
  readonly content: string;
  /** Octal as a string, as cloud-init wants it: "0644". */
  readonly permissions?: string;
}

export interface NoCloudSeed {
  /** Changing it makes cloud-init treat the next boot as a new instance. */
  readonly instanceId: string;
  readonly hostname: string;
  readonly users: readonly GuestUser[];
  readonly writeFiles?: readonly GuestFile[];
}

interface CloudConfig {
  readonly hostname: string;
  readonly users: readonly Record<string, string | boolean | readonly string[]>[];
  readonly ssh_pwauth: boolean;
  readonly write_files?: readonly Record<string, string>[];
}

/**
 * The user-data file: `#cloud-config` and then JSON, which is YAML too, so no value needs YAML quoting
 * rules to come through intact.
 */
export function cloudConfigUserData(seed: NoCloudSeed): string {
  const config: CloudConfig = {
    hostname: seed.hostname,
    users: seed.users.map((user) => ({
      name: user.name,
      shell: '/bin/bash',
      lock_passwd: true,
      ssh_authorized_keys: user.sshAuthorizedKeys,
      ...(user.sudo ? { sudo: 'ALL=(ALL) NOPASSWD:ALL', groups: 'sudo' } : {}),
    })),
    ssh_pwauth: false,
    ...(seed.writeFiles && {
      write_files: seed.writeFiles.map((file) => ({ path: file.path, content: file.content, permissions: file.permissions ?? '0644', owner: 'root:root' })),
    }),
  };
  return `#cloud-config\n${JSON.stringify(config, null, 2)}\n`;
}

export function noCloudMetaData(seed: NoCloudSeed): string {
  return `${JSON.stringify({ 'instance-id': seed.instanceId, 'local-hostname': seed.hostname }, null, 2)}\n`;
}

/** Writes the seed as an ISO 9660 image at isoPath (genisoimage, Debian package of the same name). */
export async function writeNoCloudSeed(isoPath: string, seed: NoCloudSeed): Promise<void> {
  const staging = await mkdtemp(`${isoPath}.files-`);
  try {
    await writeFile(join(staging, 'user-data'), cloudConfigUserData(seed));
    await writeFile(join(staging, 'meta-data'), noCloudMetaData(seed));
    await runLocal(['genisoimage', '-quiet', '-output', isoPath, '-volid', 'cidata', '-joliet', '-rock', staging]);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

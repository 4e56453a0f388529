import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { locateLabFile, readLabFile } from '../lab/labFile.js';
import type { HostReadCredentials } from '../engine/hostReads.js';
import { UsageError } from './args.js';

/** How `virtplane status` (and the engine) log in to hosts: the same three settings as the provider block. */
export type StatusCredentials = HostReadCredentials;

interface CredentialFlags {
  readonly sshKey?: string | undefined;
  readonly sshUser?: string | undefined;
  readonly knownHosts?: string | undefined;
  /** An explicit --lab-file must exist; else .virtplane/lab.json here or above, when there is one. */
  readonly labFile?: string | undefined;
}

/**
 * Explicit flags win, one by one; what they leave open comes from lab.json when there is one. No key
 * anywhere means no credentials: the caller then shows the inventory only.
 */
export function resolveStatusCredentials(flags: CredentialFlags): StatusCredentials | null {
  if (flags.labFile !== undefined && !existsSync(resolve(flags.labFile))) {
    throw new UsageError(`--lab-file ${flags.labFile}: no such file`);
  }
  const labPath = flags.labFile ?? locateLabFile();
  const lab = labPath === undefined ? undefined : readLabFile(labPath);
  const privateKeyFile = flags.sshKey ?? lab?.sshPrivateKeyFile;
  if (privateKeyFile === undefined) return null;
  return {
    sshUser: flags.sshUser ?? lab?.sshUser ?? 'root',
    privateKeyFile: resolve(privateKeyFile),
    knownHostsFile: flags.knownHosts !== undefined ? resolve(flags.knownHosts) : lab?.knownHostsFile ? resolve(lab.knownHostsFile) : null,
  };
}

/**
 * Where `virtplane engine` finds the passwords of the hosts' power controllers: the inventory keeps none
 * (a secret there would be copied in clear by every dump and backup). A JSON file of the engine's own,
 * `{ "HOST NAME": "PASSWORD", ... }`, readable by its owner only (like an SSH key); or, in the lab,
 * lab.json's `hosts[].power.password`.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { locateLabFile, readLabFile } from '../lab/labFile.js';
import { UsageError } from './args.js';

export function readPowerSecrets(file: string): Map<string, string> {
  const path = resolve(file);
  const mode = statSync(path).mode;
  // Never the password itself in a message: only where it is and what is wrong.
  if ((mode & 0o077) !== 0) throw new UsageError(`--power-secrets ${path}: readable by others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new UsageError(`--power-secrets ${path}: not JSON; expected { "HOST NAME": "PASSWORD", ... }`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new UsageError(`--power-secrets ${path}: expected { "HOST NAME": "PASSWORD", ... }`);
  const secrets = new Map<string, string>();
  for (const [host, password] of Object.entries(parsed)) {
    if (typeof password !== 'string' || password === '')
      throw new UsageError(`--power-secrets ${path}: the entry of ${JSON.stringify(host)} is not a password string`);
    secrets.set(host, password);
  }
  return secrets;
}

/** The --power-secrets file when given; otherwise lab.json's controllers (--lab-file, or the one here or above). */
export function resolvePowerSecrets(flags: { readonly powerSecrets?: string | undefined; readonly labFile?: string | undefined }): Map<string, string> {
  if (flags.powerSecrets !== undefined) return readPowerSecrets(flags.powerSecrets);
  const labPath = flags.labFile ?? locateLabFile();
  const lab = labPath === undefined ? undefined : readLabFile(labPath);
  return new Map((lab?.hosts ?? []).flatMap((host) => (host.power === undefined ? [] : [[host.name, host.power.password] as const])));
}

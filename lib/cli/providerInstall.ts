import { chmod, lstat, readFile, rename, rmdir, unlink, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { findPackageRoot } from '../util/packageRoot.js';

/** Where Terraform finds virtplane/virtplane without a registry. */
export const PROVIDER_HOSTNAME = 'registry.terraform.io';
export const PROVIDER_NAMESPACE = 'virtplane';
export const PROVIDER_TYPE = 'virtplane';
export const PROVIDER_VERSION = '0.1.0';

interface ProviderInstallOptions {
  /** The plugins folder; default Terraform's implied local mirror, $HOME/.terraform.d/plugins. */
  readonly pluginsDir?: string;
  /** The provider's entry point; default the launcher of the bundle `npm run build` makes (dist/provider/). */
  readonly entryPoint?: string;
  /** How the launcher starts node; default `node` from the PATH Terraform passes on. */
  readonly nodeCommand?: string;
  /** Replace a file at the launcher's path that virtplane did not write. */
  readonly force?: boolean;
  /** linux_amd64 ... default: this machine's. */
  readonly platform?: string;
}

interface ProviderInstallResult {
  readonly launcherPath: string;
  readonly entryPoint: string;
  /** False when an identical launcher was already there (Terraform's lock hash is unchanged). */
  readonly changed: boolean;
}

export class ProviderInstallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderInstallError';
  }
}

const LAUNCHER_MARK = '# virtplane provider launcher';

export function defaultPluginsDir(home: string = homedir()): string {
  return join(home, '.terraform.d', 'plugins');
}

function currentPlatform(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  return `${os}_${arch}`;
}

/** HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/terraform-provider-TYPE_vVERSION under the plugins folder. */
export function providerLauncherPath(options: Pick<ProviderInstallOptions, 'pluginsDir' | 'platform'> = {}): string {
  return join(
    resolve(options.pluginsDir ?? defaultPluginsDir()),
    PROVIDER_HOSTNAME,
    PROVIDER_NAMESPACE,
    PROVIDER_TYPE,
    PROVIDER_VERSION,
    options.platform ?? currentPlatform(),
    `terraform-provider-${PROVIDER_TYPE}_v${PROVIDER_VERSION}`,
  );
}

/** One bundled file, started from V8's code cache (scripts/build-provider.mjs). */
export function defaultEntryPoint(): string {
  return join(findPackageRoot(), 'dist', 'provider', 'virtplane-provider.cjs');
}

/**
 * The launcher is the only file in the provider package: Terraform's lock file hashes that
 * folder, so rebuilding the JavaScript it points at does not invalidate existing lock files.
 * `exec` makes node replace the shell, so Terraform's kill reaches node itself.
 */
function launcherScript(entryPoint: string, nodeCommand = 'node'): string {
  return `#!/bin/sh\n${LAUNCHER_MARK}\nexec ${shellQuote(nodeCommand)} ${shellQuote(entryPoint)} "$@"\n`;
}

export async function installProvider(options: ProviderInstallOptions = {}): Promise<ProviderInstallResult> {
  const entryPoint = resolve(options.entryPoint ?? defaultEntryPoint());
  if (!existsSync(entryPoint)) {
    throw new ProviderInstallError(`The provider is not built: ${entryPoint} does not exist. Run \`npm run build\` first.`);
  }
  const launcherPath = providerLauncherPath(options);
  const script = launcherScript(entryPoint, options.nodeCommand);
  const existing = await readIfFile(launcherPath);
  if (existing === script) return { launcherPath, entryPoint, changed: false };
  if (existing !== undefined && !existing.includes(LAUNCHER_MARK) && options.force !== true) {
    throw new ProviderInstallError(`${launcherPath} exists and was not written by virtplane; pass force to replace it.`);
  }
  await mkdir(dirname(launcherPath), { recursive: true });
  // Write then rename, so Terraform never sees a half-written launcher.
  const temporary = `${launcherPath}.tmp-${process.pid}`;
  await writeFile(temporary, script, { mode: 0o755 });
  await chmod(temporary, 0o755);
  await rename(temporary, launcherPath);
  return { launcherPath, entryPoint, changed: true };
}

interface ProviderUninstallResult {
  readonly launcherPath: string;
  readonly removed: boolean;
}

/** Removes the launcher (only one virtplane wrote) and the folders left empty by that. */
export async function uninstallProvider(options: Pick<ProviderInstallOptions, 'pluginsDir' | 'platform' | 'force'> = {}): Promise<ProviderUninstallResult> {
  const pluginsDir = resolve(options.pluginsDir ?? defaultPluginsDir());
  const launcherPath = providerLauncherPath({ ...options, pluginsDir });
  const existing = await readIfFile(launcherPath);
  if (existing === undefined) return { launcherPath, removed: false };
  if (!existing.includes(LAUNCHER_MARK) && options.force !== true) {
    throw new ProviderInstallError(`${launcherPath} was not written by virtplane; not removing it.`);
  }
  await unlink(launcherPath);
  let directory = dirname(launcherPath);
  while (isInside(pluginsDir, directory)) {
    try {
      await rmdir(directory);
    } catch {
      break; // not empty: something else lives there
    }
    directory = dirname(directory);
  }
  return { launcherPath, removed: true };
}

async function readIfFile(path: string): Promise<string | undefined> {
  try {
    if (!(await lstat(path)).isFile()) throw new ProviderInstallError(`${path} exists and is not a file`);
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isInside(parent: string, child: string): boolean {
  const path = relative(parent, child);
  return path !== '' && !path.startsWith('..') && !isAbsolute(path);
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

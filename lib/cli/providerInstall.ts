import { chmod, lstat, readFile, rename, rmdir, unlink, writeFile, mkdir } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { findPackageRoot } from '../util/packageRoot.js';

/** Where Terraform finds virtplane/virtplane without a registry. */
export const PROVIDER_HOSTNAME = 'registry.terraform.io';
export const PROVIDER_NAMESPACE = 'virtplane';
export const PROVIDER_TYPE = 'virtplane';
/** This package's version: each version has its own launcher, so installing one never replaces another's. */
export const PROVIDER_VERSION = (JSON.parse(readFileSync(join(findPackageRoot(), 'package.json'), 'utf8')) as { version: string }).version;

/** A project's pointer to the virtplane it uses (written by `provider install --project DIR`). */
export const PROJECT_POINTER = join('.virtplane', 'provider-entry');

interface ProviderInstallOptions {
  /** The plugins folder; default Terraform's implied local mirror, $HOME/.terraform.d/plugins. */
  readonly pluginsDir?: string;
  /**
   * A launcher pinned to this compiled provider entry point (a test's own mirror). Default: the launcher
   * that finds the virtplane of Terraform's working directory at each start (see resolvingLauncherScript).
   */
  readonly entryPoint?: string;
  /** Also point the project in this folder (and its subfolders) at this package's provider. */
  readonly project?: string;
  /** How the launcher starts node; default `node` from the PATH Terraform passes on. */
  readonly nodeCommand?: string;
  /** Replace a file at the launcher's path that virtplane did not write. */
  readonly force?: boolean;
  /** linux_amd64 ... default: this machine's. */
  readonly platform?: string;
}

interface ProviderInstallResult {
  readonly launcherPath: string;
  /** What the launcher runs: a path, or how it finds one. */
  readonly entryPoint: string;
  /** The project pointer written (with `project`). */
  readonly pointerPath?: string;
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

/** The bundle's launcher in a package (one bundled file, started from V8's code cache: scripts/build-provider.mjs). */
export const BUNDLE_ENTRY = join('dist', 'provider', 'virtplane-provider.cjs');

export function defaultEntryPoint(): string {
  return join(findPackageRoot(), BUNDLE_ENTRY);
}

/**
 * The launcher is the only file in the provider package: Terraform's lock file hashes that
 * folder, so rebuilding the JavaScript it points at does not invalidate existing lock files.
 * `exec` makes node replace the shell, so Terraform's kill reaches node itself.
 */
function launcherScript(entryPoint: string, nodeCommand = 'node'): string {
  return `#!/bin/sh\n${LAUNCHER_MARK}\nexec ${shellQuote(nodeCommand)} ${shellQuote(entryPoint)} "$@"\n`;
}

export const RESOLVING_ENTRY =
  'the virtplane of the working directory (a .virtplane/provider-entry, node_modules/virtplane or a virtplane checkout, found upward)';

/**
 * The machine-wide launcher: the same bytes whichever checkout installs it (so a second checkout or
 * project never changes the hash in another's lock file), and at each start it runs the provider of
 * the virtplane Terraform's working directory belongs to (Terraform starts providers there; cdktf runs
 * Terraform in cdktf.out/stacks/NAME, inside its project): the nearest folder upward with a
 * .virtplane/provider-entry (`provider install --project DIR`), a node_modules/virtplane (the package
 * installed in a project), or a virtplane checkout itself (its package.json and dist/). Two checkouts
 * with different code thus each run their own.
 */
export function resolvingLauncherScript(nodeCommand = 'node'): string {
  return `#!/bin/sh
${LAUNCHER_MARK} (virtplane/virtplane ${PROVIDER_VERSION}): runs the virtplane of Terraform's working directory.
entry=
dir=$(pwd -P)
while :; do
  if [ -f "$dir/${PROJECT_POINTER}" ]; then entry=$(cat "$dir/${PROJECT_POINTER}"); break; fi
  if [ -f "$dir/node_modules/virtplane/${BUNDLE_ENTRY}" ]; then entry="$dir/node_modules/virtplane/${BUNDLE_ENTRY}"; break; fi
  if [ -f "$dir/${BUNDLE_ENTRY}" ] && grep -q '"name": *"virtplane"' "$dir/package.json" 2>/dev/null; then entry="$dir/${BUNDLE_ENTRY}"; break; fi
  [ "$dir" = / ] && break
  dir=$(dirname "$dir")
done
if [ -z "$entry" ] || [ ! -f "$entry" ]; then
  echo "virtplane provider: no virtplane for $(pwd -P)\${entry:+ ($entry is missing: rebuild it with npm run build)}. Install virtplane in the project (npm install virtplane), or run 'virtplane provider install --project DIR' from the virtplane to use." >&2
  exit 1
fi
exec ${shellQuote(nodeCommand)} "$entry" "$@"
`;
}

export async function installProvider(options: ProviderInstallOptions = {}): Promise<ProviderInstallResult> {
  const entryPoint = resolve(options.entryPoint ?? defaultEntryPoint());
  if (!existsSync(entryPoint)) {
    throw new ProviderInstallError(`The provider is not built: ${entryPoint} does not exist. Run \`npm run build\` first.`);
  }
  let pointerPath: string | undefined;
  if (options.project !== undefined) {
    pointerPath = join(resolve(options.project), PROJECT_POINTER);
    await mkdir(dirname(pointerPath), { recursive: true });
    await writeFile(pointerPath, `${entryPoint}\n`);
  }
  const launcherPath = providerLauncherPath(options);
  const pinned = options.entryPoint !== undefined;
  const script = pinned ? launcherScript(entryPoint, options.nodeCommand) : resolvingLauncherScript(options.nodeCommand);
  const shown = pinned ? entryPoint : RESOLVING_ENTRY;
  const existing = await readIfFile(launcherPath);
  if (existing === script) return { launcherPath, entryPoint: shown, changed: false, ...(pointerPath === undefined ? {} : { pointerPath }) };
  if (existing !== undefined && !existing.includes(LAUNCHER_MARK) && options.force !== true) {
    throw new ProviderInstallError(`${launcherPath} exists and was not written by virtplane; pass force to replace it.`);
  }
  await mkdir(dirname(launcherPath), { recursive: true });
  // Write then rename, so Terraform never sees a half-written launcher.
  const temporary = `${launcherPath}.tmp-${process.pid}`;
  await writeFile(temporary, script, { mode: 0o755 });
  await chmod(temporary, 0o755);
  await rename(temporary, launcherPath);
  return { launcherPath, entryPoint: shown, changed: true, ...(pointerPath === undefined ? {} : { pointerPath }) };
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

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readdir, readFile, readlink, rename, rm, rmdir, stat, truncate, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { debianMirrorFor } from './debianMirror.js';
import { DEBIAN_12_RECIPE, recipeHash, syslinuxConfig, type GuestImageRecipe, type StripRule } from './guestImageRecipe.js';
import type { LabGuestImage } from './labFile.js';
import { runLocal, type LocalCommandOptions } from './localCommand.js';
import { isRunning, signalAll, waitForExit } from './processes.js';

/**
 * `virtplane lab image`: the lab's guest image, built once per recipe from the Debian mirror apt uses
 * here (debootstrap, ext4 on an unpartitioned disk, extlinux, compressed qcow2) and cached machine-wide,
 * because it takes minutes and every checkout, test and demo on the machine can share it. Nothing but
 * a complete image ever has the cache's name: the build runs in a folder of its own and moves the image
 * into place at the end, and a build that was killed is cleaned up (mounts, loop devices, processes
 * left in its root, files) by the next one.
 */

const DEFAULT_IMAGE_CACHE_DIR = '/var/cache/virtplane/images';

/** What is known of a built image; also the JSON file beside it (without `path`). */
export interface GuestImageFacts {
  readonly path: string;
  readonly format: 'qcow2';
  readonly sha256: string;
  /** Bytes of the qcow2 file. */
  readonly sizeBytes: number;
  /** Bytes the guest sees as its disk. */
  readonly virtualSizeBytes: number;
  readonly buildSeconds: number;
  readonly recipeName: string;
  readonly recipeHash: string;
  readonly kernelVersion: string;
  readonly mirror: string;
  /** ISO time the build finished. */
  readonly builtAt: string;
}

export interface GuestImageOptions {
  readonly cacheDir?: string;
  readonly recipe?: GuestImageRecipe;
  /** Where apt's sources are read from to find the mirror. */
  readonly aptDir?: string;
}

export interface EnsureGuestImageResult {
  readonly facts: GuestImageFacts;
  /** False when the cached image was used. */
  readonly built: boolean;
}

export type ImageProgress = (message: string) => void;

interface CachePaths {
  readonly cacheDir: string;
  readonly hash: string;
  readonly image: string;
  readonly facts: string;
  readonly lock: string;
}

function cachePaths(options: GuestImageOptions): CachePaths {
  const cacheDir = options.cacheDir ?? process.env.VIRTPLANE_IMAGE_CACHE ?? DEFAULT_IMAGE_CACHE_DIR;
  const recipe = options.recipe ?? DEBIAN_12_RECIPE;
  const hash = recipeHash(recipe);
  const stem = join(cacheDir, `${recipe.name}-${hash}`);
  return { cacheDir, hash, image: `${stem}.qcow2`, facts: `${stem}.json`, lock: join(cacheDir, '.build.lock') };
}

/** The image of the current recipe if it was built here and is whole; never builds. */
export async function cachedGuestImage(options: GuestImageOptions = {}): Promise<GuestImageFacts | undefined> {
  const paths = cachePaths(options);
  let recorded: Omit<GuestImageFacts, 'path'>;
  try {
    recorded = JSON.parse(await readFile(paths.facts, 'utf8')) as Omit<GuestImageFacts, 'path'>;
  } catch {
    return undefined;
  }
  const size = await stat(paths.image).then(
    (found) => found.size,
    () => undefined,
  );
  // A file of another size is not the image the facts describe (a hashing check would cost a second).
  if (recorded.recipeHash !== paths.hash || size !== recorded.sizeBytes) return undefined;
  return { ...recorded, path: paths.image };
}

/** What `lab up` records in lab.json: the cached image if there is one (it never builds: that takes minutes). */
export async function labGuestImageEntry(options: GuestImageOptions = {}): Promise<LabGuestImage | undefined> {
  const facts = await cachedGuestImage(options);
  return facts && { path: facts.path, sha256: facts.sha256, format: facts.format };
}

/** The image of the current recipe, built (a few minutes) when it is not cached yet. */
export async function ensureGuestImage(options: GuestImageOptions = {}, progress: ImageProgress = () => {}): Promise<EnsureGuestImageResult> {
  const cached = await cachedGuestImage(options);
  if (cached) return { facts: cached, built: false };
  const paths = cachePaths(options);
  await assertBuildPrerequisites();
  await mkdir(paths.cacheDir, { recursive: true, mode: 0o755 });
  const releaseLock = await acquireBuildLock(paths.lock, progress);
  try {
    // Another process may have built it while this one waited for the lock.
    const builtMeanwhile = await cachedGuestImage(options);
    if (builtMeanwhile) return { facts: builtMeanwhile, built: false };
    await removeAbandonedBuilds(paths.cacheDir, progress);
    return { facts: await buildGuestImage(options, paths, progress), built: true };
  } finally {
    await releaseLock();
  }
}

const BUILD_PROGRAMS = ['debootstrap', 'chroot', 'mkfs.ext4', 'losetup', 'mount', 'umount', 'extlinux', 'qemu-img'];

async function assertBuildPrerequisites(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('Building the guest image needs root (debootstrap, chroot, a loop mount): run `virtplane lab image` as root.');
  const missing: string[] = [];
  for (const program of BUILD_PROGRAMS) {
    const found = await runLocal(['sh', '-c', 'command -v "$1" || test -x "/usr/sbin/$1" || test -x "/sbin/$1"', 'sh', program], { allowExitCodes: [1, 127] });
    if (found.exitCode !== 0) missing.push(program);
  }
  if (missing.length > 0) throw new Error(`Missing programs to build the guest image: ${missing.join(', ')}. Run \`bash scripts/install-packages.sh\`.`);
}

/**
 * One build at a time per cache: the lock file holds the builder's PID, and a lock whose process is gone
 * is taken over. Concurrent builds would still be correct (each publishes by rename), only wasteful.
 */
async function acquireBuildLock(lockPath: string, progress: ImageProgress): Promise<() => Promise<void>> {
  let reportedWait = false;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o644);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return async () => {
        const owner = await readFile(lockPath, 'utf8').catch(() => '');
        if (owner.trim() === String(process.pid)) await rm(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
      if (!reportedWait) progress(`another build (PID ${owner}) is under way: waiting for it`);
      reportedWait = true;
      await sleep(1000);
    } else {
      await rm(lockPath, { force: true });
    }
  }
}

const BUILD_DIR_PREFIX = '.build-';
const UNSAFE_IO_CONFIG = '/etc/dpkg/dpkg.cfg.d/00-virtplane-build-unsafe-io';

/** Build folders whose builder died (its PID is in the name) are cleaned up before a new build. */
async function removeAbandonedBuilds(cacheDir: string, progress: ImageProgress): Promise<void> {
  for (const entry of await readdir(cacheDir)) {
    if (!entry.startsWith(BUILD_DIR_PREFIX)) continue;
    const builder = Number(entry.slice(BUILD_DIR_PREFIX.length).split('-')[0]);
    if (Number.isInteger(builder) && builder !== process.pid && isRunning(builder)) continue;
    progress(`removing the remains of an interrupted build: ${join(cacheDir, entry)}`);
    await cleanUpBuildDir(join(cacheDir, entry));
  }
}

/** Mount points at or below `dir` in this mount namespace, deepest first. */
async function mountsBelow(dir: string): Promise<string[]> {
  const mountInfo = await readFile('/proc/self/mountinfo', 'utf8');
  const points = mountInfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined)
    // mountinfo escapes space, tab, newline and backslash as octal.
    .map((point) => point.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))))
    .filter((point) => point === dir || point.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/**
 * Undoes whatever a build left in its folder, then removes it: processes still running inside its root
 * (a killed debootstrap leaves dpkg behind), mounts below it (debootstrap's /proc and /sys, the image
 * mounted for extlinux), loop devices backed by its files. Only what belongs to this folder is touched.
 */
async function cleanUpBuildDir(dir: string): Promise<void> {
  const inside: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const root = await readlink(`/proc/${entry}/root`).catch(() => '');
    if (root.startsWith(`${dir}/`)) inside.push(Number(entry));
  }
  signalAll(inside, 'SIGKILL');
  await waitForExit(inside, 5000);
  for (const point of await mountsBelow(dir)) {
    const unmounted = await runLocal(['umount', point], { allowExitCodes: [1, 32] });
    if (unmounted.exitCode !== 0) await runLocal(['umount', '--lazy', point], { allowExitCodes: [1, 32] });
  }
  const loops = JSON.parse((await runLocal(['losetup', '--list', '--json', '--output', 'NAME,BACK-FILE'])).stdout || '{"loopdevices":[]}') as {
    loopdevices: { name: string; 'back-file': string | null }[];
  };
  for (const loop of loops.loopdevices) {
    if (loop['back-file']?.startsWith(`${dir}/`)) await runLocal(['losetup', '--detach', loop.name], { allowExitCodes: [1] });
  }
  const left = await mountsBelow(dir);
  if (left.length > 0) throw new Error(`${dir} still has mounts (${left.join(', ')}); not removing it`);
  await rm(dir, { recursive: true, force: true });
}

async function buildGuestImage(options: GuestImageOptions, paths: CachePaths, progress: ImageProgress): Promise<GuestImageFacts> {
  const recipe = options.recipe ?? DEBIAN_12_RECIPE;
  const mirror = debianMirrorFor(recipe.suite, options.aptDir);
  const started = Date.now();
  const buildDir = await mkdtemp(join(paths.cacheDir, `${BUILD_DIR_PREFIX}${process.pid}-`));
  // Ctrl-C or a plain kill ends the running step; the finally below then cleans up. (SIGKILL leaves the
  // folder to the next build's removeAbandonedBuilds.)
  const abort = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    progress(`${signal}: stopping the build and cleaning up`);
    stoppedBy = signal;
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const run = (argv: readonly string[], runOptions: LocalCommandOptions = {}) => {
    if (abort.signal.aborted) throw new Error('the build was interrupted');
    return runLocal(argv, { ...runOptions, signal: abort.signal });
  };
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const stepStarted = Date.now();
    progress(`${name} ...`);
    const result = await work();
    progress(`${name}: done in ${seconds(Date.now() - stepStarted)}`);
    return result;
  };
  try {
    progress(`building guest image ${recipe.name} (recipe ${paths.hash}) in ${buildDir}`);
    const root = join(buildDir, 'root');
    const phases = debootstrapPhases(progress);
    await step(`debootstrap ${recipe.suite}, first stage (${recipe.variant} + ${recipe.packages.length} packages) from ${mirror}`, async () => {
      await run(
        ['debootstrap', '--foreign', `--variant=${recipe.variant}`, '--components=main', `--include=${recipe.packages.join(',')}`, recipe.suite, root, mirror],
        { onStdoutLine: phases },
      );
    });
    await step('debootstrap, second stage (installs the packages inside the root)', async () => {
      // dpkg without fsync for the build only (about a minute less here); the image's dpkg stays safe.
      await writeFileInRoot(root, UNSAFE_IO_CONFIG, 'force-unsafe-io\n', 0o644);
      await run(['chroot', root, '/debootstrap/debootstrap', '--second-stage'], { onStdoutLine: phases });
      await rm(join(root, UNSAFE_IO_CONFIG));
    });
    const kernelVersion = await step('configure the root (files, locale, units, initramfs, bootloader config, strip)', async () => {
      for (const file of recipe.files) await writeFileInRoot(root, file.path, file.content, file.mode);
      await run(['chroot', root, 'locale-gen']);
      for (const unit of recipe.enableUnits) await run(['chroot', root, 'systemctl', 'enable', unit]);
      if (recipe.maskUnits.length > 0) await run(['chroot', root, 'systemctl', 'mask', ...recipe.maskUnits]);
      const version = await kernelVersionIn(root);
      // Made again from the recipe's initramfs-tools configuration (the package made it before that was written).
      await run(['chroot', root, 'update-initramfs', '-u', '-k', version]);
      await writeFileInRoot(root, '/boot/syslinux/syslinux.cfg', syslinuxConfig(recipe, version), 0o644);
      for (const rule of recipe.strip) await strip(root, rule);
      return version;
    });
    const rawDisk = join(buildDir, 'disk.raw');
    await step(`make the ext4 disk (${recipe.diskSizeBytes / 1024 ** 3} GiB, no partitions)`, async () => {
      await writeFile(rawDisk, '');
      await truncate(rawDisk, recipe.diskSizeBytes);
      await run(['mkfs.ext4', '-q', '-F', '-L', recipe.filesystemLabel, '-d', root, rawDisk]);
    });
    await step('install extlinux', () => installExtlinux(rawDisk, join(buildDir, 'mnt'), run));
    const qcow2 = join(buildDir, 'image.qcow2');
    await step('compress to qcow2', () => run(['qemu-img', 'convert', '-c', '-O', 'qcow2', rawDisk, qcow2]));
    const info = JSON.parse((await run(['qemu-img', 'info', '--output=json', qcow2])).stdout) as { 'virtual-size': number; format: string };
    if (info.format !== 'qcow2') throw new Error(`qemu-img made a ${info.format} image, not qcow2`);
    const facts: GuestImageFacts = {
      path: paths.image,
      format: 'qcow2',
      sha256: await sha256Of(qcow2),
      sizeBytes: (await stat(qcow2)).size,
      virtualSizeBytes: info['virtual-size'],
      buildSeconds: Math.round((Date.now() - started) / 100) / 10,
      recipeName: recipe.name,
      recipeHash: paths.hash,
      kernelVersion,
      mirror,
      builtAt: new Date().toISOString(),
    };
    // The image first, then its facts: an image without facts is not taken as built.
    await chmod(qcow2, 0o644);
    await rename(qcow2, paths.image);
    const factsTemp = join(buildDir, 'facts.json');
    const { path: _path, ...recorded } = facts;
    await writeFile(factsTemp, JSON.stringify(recorded, null, 2) + '\n', { mode: 0o644 });
    await rename(factsTemp, paths.facts);
    progress(`guest image built in ${seconds(Date.now() - started)}: ${paths.image}`);
    const older = (await readdir(paths.cacheDir)).filter(
      (name) => name.startsWith(`${recipe.name}-`) && name.endsWith('.qcow2') && join(paths.cacheDir, name) !== paths.image,
    );
    if (older.length > 0) progress(`older images kept (overlays of guests may still use them; remove them by hand): ${older.join(', ')}`);
    return facts;
  } catch (error) {
    throw stoppedBy ? new Error(`the guest image build was stopped by ${stoppedBy}; nothing was cached`) : error;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await cleanUpBuildDir(buildDir);
  }
}

/** extlinux installs only into a mounted filesystem: the disk is mounted on a loop device for it. */
async function installExtlinux(rawDisk: string, mountPoint: string, run: (argv: readonly string[]) => Promise<unknown>): Promise<void> {
  await mkdir(mountPoint);
  const attached = (await runLocal(['losetup', '--find', '--show', rawDisk])).stdout.trim();
  if (!/^\/dev\/loop\d+$/.test(attached)) throw new Error(`losetup attached ${rawDisk} as "${attached}"`);
  try {
    await runLocal(['mount', '-t', 'ext4', attached, mountPoint]);
    try {
      await run(['extlinux', '--install', join(mountPoint, 'boot', 'syslinux')]);
    } finally {
      await runLocal(['umount', mountPoint]);
    }
  } finally {
    await runLocal(['losetup', '--detach', attached]);
  }
}

/** Turns debootstrap's "I: Retrieving x" lines into one progress line per phase. */
function debootstrapPhases(progress: ImageProgress): (line: string) => void {
  const phases: Record<string, string> = {
    Retrieving: 'resolving and downloading packages',
    Extracting: 'extracting the base',
    Installing: 'installing the core',
    Unpacking: 'unpacking',
    Configuring: 'configuring',
  };
  let current = '';
  let phaseStarted = Date.now();
  let count = 0;
  return (line) => {
    const word = /^I: (\w+)/.exec(line)?.[1];
    const phase = word === undefined ? undefined : phases[word];
    if (line.startsWith('I: Base system installed')) {
      if (current) progress(`  ${current}: ${count} in ${seconds(Date.now() - phaseStarted)}`);
      current = '';
      return;
    }
    if (phase === undefined) return;
    if (phase !== current) {
      if (current) progress(`  ${current}: ${count} in ${seconds(Date.now() - phaseStarted)}`);
      current = phase;
      phaseStarted = Date.now();
      count = 0;
    }
    count += 1;
  };
}

/**
 * Writes a file into the image's root. What was there is removed first, so that a symbolic link left by
 * a package cannot point the write at the build machine's own file.
 */
async function writeFileInRoot(root: string, path: string, content: string, mode: number): Promise<void> {
  const target = join(root, path);
  await mkdir(dirname(target), { recursive: true });
  await rm(target, { force: true });
  await writeFile(target, content, { flag: 'wx', mode });
  await chmod(target, mode);
}

async function kernelVersionIn(root: string): Promise<string> {
  const kernels = (await readdir(join(root, 'boot'))).filter((name) => name.startsWith('vmlinuz-')).map((name) => name.slice('vmlinuz-'.length));
  if (kernels.length !== 1) throw new Error(`expected one kernel in ${root}/boot, found ${kernels.length}: ${kernels.join(', ')}`);
  return kernels[0]!;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

async function strip(root: string, rule: StripRule): Promise<void> {
  const dir = join(root, rule.dir);
  const names = globToRegExp(rule.names ?? '*');
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!names.test(entry.name)) continue;
    await removeExcept(join(dir, entry.name), entry.isDirectory(), rule.keepFileNames ?? []);
  }
}

/** Removes path, but keeps files named one of keepNames (and the folders that hold them). */
async function removeExcept(path: string, isDirectory: boolean, keepNames: readonly string[]): Promise<void> {
  if (!isDirectory) {
    if (!keepNames.includes(path.slice(path.lastIndexOf('/') + 1))) await rm(path, { force: true });
    return;
  }
  if (keepNames.length === 0) {
    await rm(path, { recursive: true, force: true });
    return;
  }
  for (const entry of await readdir(path, { withFileTypes: true })) {
    await removeExcept(join(path, entry.name), entry.isDirectory(), keepNames);
  }
  await rmdir(path).catch(() => undefined);
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What `virtplane lab image` prints: where the image is, how big, and how long it took to build. */
export function describeGuestImage({ facts, built }: EnsureGuestImageResult): string {
  const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
  return [
    `guest image ${facts.recipeName} (recipe ${facts.recipeHash}): ${facts.path}`,
    `  ${megabytes(facts.sizeBytes)} ${facts.format}, virtual size ${(facts.virtualSizeBytes / 1024 ** 3).toFixed(1)} GiB, kernel ${facts.kernelVersion}`,
    `  sha256 ${facts.sha256}`,
    `  ${built ? 'built now' : 'cached'}: build took ${facts.buildSeconds.toFixed(1)} s (${facts.builtAt}, from ${facts.mirror})`,
  ].join('\n');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}

/**
 * Acceptance harness: runs the REAL terraform binary (1.11, from PATH) against the provider
 * built as `npm run build` builds it (one bundle and its launcher), in a throwaway folder with its
 * own HOME, CLI config and plugins mirror.
 * Nothing here depends on vitest: failures are thrown as errors with terraform's output.
 *
 *   const entry = await buildProvider();                       // tsc and the bundle, once, if sources changed
 *   const tf = await createTerraformWorkspace({ entryPoint: entry });
 *   await tf.writeConfig(`${tf.requiredProviders()} resource "virtplane_datacenter" "dc" { ... }`);
 *   await tf.init(); await tf.apply(); await tf.expectEmptyPlan(); await tf.destroy();
 *   await tf.cleanup();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installProvider } from '../../lib/cli/providerInstall.js';
import { findPackageRoot } from '../../lib/util/packageRoot.js';
import { removeWithInventoryServers } from './inventoryFolders.js';

/** The package root, from test/support (vitest) or dist/test/support (compiled, for scripts). */
export const REPO_ROOT = findPackageRoot(import.meta.url);
export const PROVIDER_SOURCE = 'registry.terraform.io/virtplane/virtplane';

/** One provider bundle (scripts/build-provider.mjs): OUT_DIR/NAME.cjs is the launcher Terraform runs. */
export interface ProviderBundle {
  /** The TypeScript entry point, relative to the repository. */
  readonly source: string;
  /** Relative to the repository. */
  readonly outDir: string;
  readonly name: string;
}

/** The provider as `npm run build` makes it and `virtplane provider install` runs it. */
export const PROVIDER_BUNDLE: ProviderBundle = { source: 'lib/provider/main.ts', outDir: 'dist/provider', name: 'virtplane-provider' };

export function launcherOf(bundle: ProviderBundle): string {
  return join(REPO_ROOT, bundle.outDir, `${bundle.name}.cjs`);
}

export const DEFAULT_ENTRY_POINT = launcherOf(PROVIDER_BUNDLE);
const SAVED_PLAN = 'virtplane-test.tfplan';

export interface TerraformResult {
  readonly args: readonly string[];
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

export class TerraformCommandError extends Error {
  readonly result: TerraformResult;

  constructor(result: TerraformResult, expectation: string) {
    super(
      `terraform ${result.args.join(' ')} ${expectation} (exit ${result.exitCode}, ${result.durationMs.toFixed(0)} ms)\n` +
        `--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`,
    );
    this.name = 'TerraformCommandError';
    this.result = result;
  }
}

// ---------------------------------------------------------------------------------------------
// Building the provider.

export interface BuildProviderOptions {
  /**
   * tsconfig to compile dist/ with before bundling, relative to the repository; default the project's.
   * null: bundle only (esbuild reads the TypeScript itself), leaving dist/'s compiled files alone.
   */
  readonly tsconfig?: string | null;
  /** The bundles to make; the first one's launcher is returned. Default: the provider. */
  readonly bundles?: readonly ProviderBundle[];
  /** Folders whose .ts files the entry depends on (for the staleness check). */
  readonly sourceDirs?: readonly string[];
}

const builds = new Map<string, Promise<string>>();

/**
 * Compiles with tsc and bundles the provider (scripts/build-provider.mjs, as `npm run build` does)
 * where a launcher is older than a source (only those bundles). Type errors elsewhere in the tree (other work in
 * flux) do not stop tsc from emitting nor esbuild from bundling, so a non-zero tsc exit is only
 * reported on stderr; a failed bundle is an error.
 */
export function buildProvider(options: BuildProviderOptions = {}): Promise<string> {
  const tsconfig = options.tsconfig === undefined ? 'tsconfig.json' : options.tsconfig;
  const bundles = options.bundles ?? [PROVIDER_BUNDLE];
  const key = `${tsconfig ?? 'bundle only'}|${bundles.map(launcherOf).join('|')}`;
  let build = builds.get(key);
  if (build === undefined) {
    build = runBuild(tsconfig, bundles, options.sourceDirs ?? ['lib', 'proto']);
    builds.set(key, build);
  }
  return build;
}

async function runBuild(tsconfig: string | null, bundles: readonly ProviderBundle[], sourceDirs: readonly string[]): Promise<string> {
  const launchers = bundles.map(launcherOf);
  const newestSource = Math.max(
    ...[...sourceDirs, 'scripts/build-provider.mjs', 'scripts/provider-launcher.cjs'].map((dir) => newestMtime(join(REPO_ROOT, dir))),
  );
  // Only what is stale: a fresh checkout's suite builds the fixture provider while other test files run
  // the real one (built by set-up), which must not be rewritten under them.
  const stale = bundles.filter((bundle) => !existsSync(launcherOf(bundle)) || statSync(launcherOf(bundle)).mtimeMs < newestSource);
  if (stale.length === 0) return launchers[0]!;
  if (tsconfig !== null) {
    const result = await runProcess(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], {
      cwd: REPO_ROOT,
      env: process.env,
      timeoutMs: 300_000,
    });
    if (result.exitCode !== 0) {
      process.stderr.write(`[terraform harness] tsc -p ${tsconfig} reported errors (emitted anyway):\n${result.stdout.slice(0, 4000)}\n`);
    }
  }
  for (const bundle of stale) {
    const args = ['--entry', bundle.source, '--out', bundle.outDir, '--name', bundle.name];
    const bundled = await runProcess(process.execPath, [join(REPO_ROOT, 'scripts', 'build-provider.mjs'), ...args], {
      cwd: REPO_ROOT,
      env: process.env,
      timeoutMs: 120_000,
    });
    if (bundled.exitCode !== 0) throw new Error(`bundling ${bundle.source} failed:\n${bundled.stdout}${bundled.stderr}`);
  }
  return launchers[0]!;
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return /\.(ts|proto|mjs|cjs)$/.test(path) && !path.endsWith('.d.ts') ? stats.mtimeMs : 0;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

// ---------------------------------------------------------------------------------------------
// Workspaces.

export interface WorkspaceOptions {
  /** The compiled provider entry point the installed launcher runs. */
  readonly entryPoint?: string;
  /** Extra environment for every terraform command (TF_LOG, TF_VAR_x ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Keep the folder after cleanup() (also VIRTPLANE_KEEP_TERRAFORM=1), to look at a failure. */
  readonly keep?: boolean;
  /** Default time limit per command. */
  readonly timeoutMs?: number;
}

export interface RunOptions {
  /** Do not throw when terraform exits non-zero. */
  readonly allowFailure?: boolean;
  readonly timeoutMs?: number;
  readonly env?: Readonly<Record<string, string>>;
}

export interface PlanOutcome {
  readonly result: TerraformResult;
  /** From -detailed-exitcode: 0 no changes, 2 changes. */
  readonly hasChanges: boolean;
}

/** The parts of `terraform show -json PLANFILE` tests look at. */
export interface PlanJson {
  readonly resource_changes?: readonly ResourceChangeJson[];
  readonly [key: string]: unknown;
}

export interface ResourceChangeJson {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before: Record<string, unknown> | null;
    readonly after: Record<string, unknown> | null;
    readonly after_unknown?: Record<string, unknown>;
    readonly replace_paths?: readonly (readonly (string | number)[])[];
  };
}

export interface StateJson {
  readonly version: number;
  readonly resources: readonly {
    readonly mode: string;
    readonly type: string;
    readonly name: string;
    readonly provider: string;
    readonly instances: readonly { readonly schema_version: number; readonly attributes: Record<string, unknown>; readonly private?: string }[];
  }[];
  readonly [key: string]: unknown;
}

/** A running terraform command (for interrupt tests). */
export interface RunningTerraform {
  readonly child: ChildProcess;
  /** Sends SIGINT to terraform, as Ctrl-C would. */
  interrupt(): void;
  readonly done: Promise<TerraformResult>;
  /** Resolves when stdout has shown the text. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
}

export class TerraformWorkspace {
  /** Root of the throwaway folder. */
  readonly root: string;
  /** Where the .tf files go and terraform runs. */
  readonly dir: string;
  readonly home: string;
  readonly pluginsDir: string;
  readonly cliConfigPath: string;
  readonly #env: Readonly<Record<string, string>>;
  readonly #keep: boolean;
  readonly #timeoutMs: number;

  constructor(root: string, options: WorkspaceOptions) {
    this.root = root;
    this.dir = join(root, 'config');
    this.home = join(root, 'home');
    this.pluginsDir = join(root, 'plugins');
    this.cliConfigPath = join(root, 'terraform.rc');
    this.#env = options.env ?? {};
    this.#keep = options.keep === true || process.env.VIRTPLANE_KEEP_TERRAFORM === '1';
    this.#timeoutMs = options.timeoutMs ?? 180_000;
  }

  /** The terraform { required_providers } block pinning virtplane/virtplane 0.1.0. */
  requiredProviders(): string {
    return `terraform {\n  required_providers {\n    virtplane = {\n      source  = "virtplane/virtplane"\n      version = "0.1.0"\n    }\n  }\n}\n`;
  }

  async writeConfig(hcl: string, fileName = 'main.tf'): Promise<void> {
    await writeFile(join(this.dir, fileName), hcl);
  }

  async run(args: readonly string[], options: RunOptions = {}): Promise<TerraformResult> {
    const result = await runProcess('terraform', args, {
      cwd: this.dir,
      env: this.#environment(options.env),
      timeoutMs: options.timeoutMs ?? this.#timeoutMs,
    });
    if (result.exitCode !== 0 && options.allowFailure !== true) throw new TerraformCommandError(result, 'failed');
    return result;
  }

  /**
   * Any command (cdktf, say) with this workspace's Terraform set-up (HOME, CLI config, provider mirror),
   * in another folder.
   */
  async runTool(cwd: string, command: string, args: readonly string[], options: RunOptions = {}): Promise<TerraformResult> {
    const result = await runProcess(command, args, { cwd, env: this.#environment(options.env), timeoutMs: options.timeoutMs ?? this.#timeoutMs });
    if (result.exitCode !== 0 && options.allowFailure !== true) throw new TerraformCommandError(result, 'failed');
    return result;
  }

  /** Starts a command without waiting (to interrupt it). */
  start(args: readonly string[], options: RunOptions = {}): RunningTerraform {
    return startProcess('terraform', args, {
      cwd: this.dir,
      env: this.#environment(options.env),
      timeoutMs: options.timeoutMs ?? this.#timeoutMs,
    });
  }

  init(options: RunOptions = {}): Promise<TerraformResult> {
    return this.run(['init', '-input=false', '-no-color'], options);
  }

  validate(options: RunOptions = {}): Promise<TerraformResult> {
    return this.run(['validate', '-no-color'], options);
  }

  apply(extraArgs: readonly string[] = [], options: RunOptions = {}): Promise<TerraformResult> {
    return this.run(['apply', '-auto-approve', '-input=false', '-no-color', ...extraArgs], options);
  }

  /** `terraform plan -detailed-exitcode`: exit 2 (changes) is not a failure. */
  async plan(extraArgs: readonly string[] = [], options: RunOptions = {}): Promise<PlanOutcome> {
    const result = await this.run(['plan', '-detailed-exitcode', '-input=false', '-no-color', ...extraArgs], { ...options, allowFailure: true });
    if (result.exitCode === 0 || result.exitCode === 2) return { result, hasChanges: result.exitCode === 2 };
    if (options.allowFailure === true) return { result, hasChanges: false };
    throw new TerraformCommandError(result, 'failed');
  }

  /** Fails unless the plan is empty (what every apply must leave behind). */
  async expectEmptyPlan(): Promise<TerraformResult> {
    const { result, hasChanges } = await this.plan();
    if (hasChanges) throw new TerraformCommandError(result, 'was expected to plan no changes');
    return result;
  }

  /** Plans into a file and returns `terraform show -json` of it. */
  async planJson(extraArgs: readonly string[] = []): Promise<PlanJson> {
    await this.run(['plan', '-input=false', '-no-color', `-out=${SAVED_PLAN}`, ...extraArgs]);
    const shown = await this.run(['show', '-json', '-no-color', SAVED_PLAN]);
    return JSON.parse(shown.stdout) as PlanJson;
  }

  /** The human-readable form of the plan saved by the last planJson() (no new plan). */
  async savedPlanText(): Promise<string> {
    return (await this.run(['show', '-no-color', SAVED_PLAN])).stdout;
  }

  import(address: string, id: string, options: RunOptions = {}): Promise<TerraformResult> {
    return this.run(['import', '-input=false', '-no-color', address, id], options);
  }

  async stateShow(address: string): Promise<string> {
    return (await this.run(['state', 'show', '-no-color', address])).stdout;
  }

  async statePull(): Promise<StateJson> {
    return JSON.parse((await this.run(['state', 'pull'])).stdout) as StateJson;
  }

  /** The attributes of one resource instance in the state. */
  async stateAttributes(type: string, name: string): Promise<Record<string, unknown>> {
    const state = await this.statePull();
    const resource = state.resources.find((r) => r.mode === 'managed' && r.type === type && r.name === name);
    const instance = resource?.instances[0];
    if (instance === undefined) throw new Error(`${type}.${name} is not in the state`);
    return instance.attributes;
  }

  destroy(options: RunOptions = {}): Promise<TerraformResult> {
    return this.run(['destroy', '-auto-approve', '-input=false', '-no-color'], options);
  }

  async cleanup(): Promise<void> {
    if (this.#keep) {
      process.stderr.write(`[terraform harness] kept ${this.root}\n`);
      return;
    }
    await removeWithInventoryServers(this.root);
  }

  #environment(extra: Readonly<Record<string, string>> | undefined): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    // Nothing of the caller's terraform setup leaks in: this workspace is self-contained.
    for (const key of Object.keys(env)) if (key.startsWith('TF_') && key !== 'TF_LOG' && key !== 'TF_LOG_PATH') delete env[key];
    // Node parses every certificate of that file when it starts (about 90 ms with a system bundle), and
    // Terraform starts the provider 2-3 times per command. No test's provider makes a TLS connection
    // that needs it (terraform itself, in Go, ignores it).
    delete env.NODE_EXTRA_CA_CERTS;
    return {
      ...env,
      HOME: this.home,
      TF_CLI_CONFIG_FILE: this.cliConfigPath,
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      ...this.#env,
      ...extra,
    };
  }
}

/**
 * A temp folder with HOME, a CLI config whose filesystem_mirror serves only virtplane/virtplane
 * (everything else would need the network), and the provider's launcher installed in it.
 */
export async function createTerraformWorkspace(options: WorkspaceOptions = {}): Promise<TerraformWorkspace> {
  const root = await mkdtemp(join(tmpdir(), 'virtplane-tf-'));
  const workspace = new TerraformWorkspace(root, options);
  await mkdir(workspace.dir, { recursive: true });
  await mkdir(workspace.home, { recursive: true });
  await installProvider({ pluginsDir: workspace.pluginsDir, entryPoint: options.entryPoint ?? DEFAULT_ENTRY_POINT });
  await writeFile(
    workspace.cliConfigPath,
    `provider_installation {\n` +
      `  filesystem_mirror {\n    path    = ${JSON.stringify(workspace.pluginsDir)}\n    include = [${JSON.stringify(PROVIDER_SOURCE)}]\n  }\n` +
      `  direct {\n    exclude = [${JSON.stringify(PROVIDER_SOURCE)}]\n  }\n` +
      `}\n`,
  );
  return workspace;
}

// ---------------------------------------------------------------------------------------------
// Plan assertions.

export function findResourceChange(plan: PlanJson, address: string): ResourceChangeJson {
  const change = plan.resource_changes?.find((candidate) => candidate.address === address);
  if (change === undefined) {
    throw new Error(`The plan has no change for ${address}; it has: ${(plan.resource_changes ?? []).map((c) => c.address).join(', ') || 'none'}`);
  }
  return change;
}

export interface ExpectedChange {
  /** e.g. ['update'], ['create'], ['delete', 'create'] (replace), ['no-op'], ['read']. */
  readonly actions: readonly string[];
  /** Attributes whose planned value must differ from the prior one. */
  readonly changedAttributes?: readonly string[];
  /** Attributes that must be "(known after apply)". */
  readonly unknownAttributes?: readonly string[];
  /** Attributes named in replace_paths (what forces the replacement). */
  readonly replacedBy?: readonly string[];
}

/** Asserts the plan shows the given change for a resource; throws a readable error otherwise. */
export function expectPlanChange(plan: PlanJson, address: string, expected: ExpectedChange): ResourceChangeJson {
  const resourceChange = findResourceChange(plan, address);
  const { change } = resourceChange;
  const problems: string[] = [];
  const actions = [...change.actions].sort();
  const wanted = [...expected.actions].sort();
  if (actions.join(',') !== wanted.join(',')) problems.push(`actions are [${change.actions.join(', ')}], expected [${expected.actions.join(', ')}]`);
  for (const attribute of expected.changedAttributes ?? []) {
    const before = JSON.stringify(change.before?.[attribute]);
    const after = JSON.stringify(change.after?.[attribute]);
    const unknown = change.after_unknown?.[attribute] === true;
    if (before === after && !unknown) problems.push(`${attribute} does not change (${before})`);
  }
  for (const attribute of expected.unknownAttributes ?? []) {
    if (change.after_unknown?.[attribute] !== true) problems.push(`${attribute} is not "(known after apply)"`);
  }
  for (const attribute of expected.replacedBy ?? []) {
    if (!(change.replace_paths ?? []).some((path) => path[0] === attribute)) {
      problems.push(`${attribute} is not among the replace paths ${JSON.stringify(change.replace_paths ?? [])}`);
    }
  }
  if (problems.length > 0) throw new Error(`Unexpected plan for ${address}: ${problems.join('; ')}\n${JSON.stringify(change, null, 2)}`);
  return resourceChange;
}

// ---------------------------------------------------------------------------------------------
// Processes (only ones this harness starts; ended by their own PID).

interface ProcessOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
}

function runProcess(command: string, args: readonly string[], options: ProcessOptions): Promise<TerraformResult> {
  return startProcess(command, args, options).done;
}

function startProcess(command: string, args: readonly string[], options: ProcessOptions): RunningTerraform {
  const started = performance.now();
  const child = spawn(command, [...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const waiter of waiters.filter((w) => stdout.includes(w.text))) waiter.resolve();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<TerraformResult>((resolveDone, rejectDone) => {
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      rejectDone(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs} ms\n${stdout}\n${stderr}`));
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      rejectDone(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveDone({ args, exitCode: code ?? (signal !== null ? 128 : 1), stdout, stderr, durationMs: performance.now() - started });
    });
  });
  return {
    child,
    done,
    interrupt: () => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGINT');
    },
    waitForOutput: (text, timeoutMs = 60_000) =>
      new Promise<void>((resolveWait, rejectWait) => {
        if (stdout.includes(text)) return resolveWait();
        const timer = setTimeout(() => rejectWait(new Error(`"${text}" did not appear in:\n${stdout}\n${stderr}`)), timeoutMs);
        waiters.push({
          text,
          resolve: () => {
            clearTimeout(timer);
            resolveWait();
          },
        });
      }),
  };
}

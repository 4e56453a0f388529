import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLocal } from '../lab/localCommand.js';
import { findPackageRoot } from '../util/packageRoot.js';

interface DoctorCheck {
  readonly name: string;
  readonly ok: boolean;
  /** What was found. */
  readonly detail: string;
  /** How to fix it, when not ok. */
  readonly fix?: string;
  /** A warning does not make the machine unfit (e.g. no KVM: VMs run, slower, under TCG). */
  readonly warningOnly?: boolean;
}

const MIN_TERRAFORM = [1, 11];

function debianPackages(): string[] {
  return readFileSync(join(findPackageRoot(), 'scripts', 'debian-packages.txt'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

async function installedPackages(names: readonly string[]): Promise<Set<string>> {
  const result = await runLocal(['dpkg-query', '-W', '-f=${Package} ${db:Status-Status}\\n', ...names], { allowExitCodes: [1] }).catch(() => undefined);
  const installed = new Set<string>();
  for (const line of result?.stdout.split('\n') ?? []) {
    const [name, status] = line.split(' ');
    if (name && status === 'installed') installed.add(name.replace(/:.*$/, ''));
  }
  return installed;
}

async function terraformCheck(): Promise<DoctorCheck> {
  const result = await runLocal(['terraform', 'version', '-json'], { allowExitCodes: [1, 127] }).catch(() => undefined);
  const version = result?.exitCode === 0 ? ((JSON.parse(result.stdout) as { terraform_version?: string }).terraform_version ?? '') : '';
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const ok = major > MIN_TERRAFORM[0]! || (major === MIN_TERRAFORM[0] && minor >= MIN_TERRAFORM[1]!);
  return {
    name: 'terraform',
    ok,
    detail: version ? `Terraform ${version}` : 'not found on PATH',
    fix: ok ? undefined : `install Terraform ${MIN_TERRAFORM.join('.')} or later (or OpenTofu) and put it on PATH; it is not a Debian package`,
  };
}

/** Everything virtplane needs on this machine, each with how to fix it. */
export async function runDoctor(): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const isRoot = process.getuid?.() === 0;
  checks.push({
    name: 'root',
    ok: isRoot,
    detail: isRoot ? 'running as root' : `running as uid ${process.getuid?.()}`,
    fix: isRoot ? undefined : 'run the lab and the tests as root (namespaces, mounts and daemons need it)',
  });
  const kvm = existsSync('/dev/kvm');
  checks.push({
    name: 'kvm',
    ok: kvm,
    warningOnly: true,
    detail: kvm ? '/dev/kvm present: guests use KVM' : 'no /dev/kvm: guests run under QEMU TCG (software, slower)',
    fix: kvm ? undefined : 'enable virtualization (or nested virtualization) for this machine to use KVM; TCG works meanwhile',
  });
  const [nodeMajor = 0] = process.versions.node.split('.').map(Number);
  checks.push({
    name: 'node',
    ok: nodeMajor >= 20,
    detail: `Node.js ${process.versions.node}`,
    fix: nodeMajor >= 20 ? undefined : 'install Node.js 20 or later',
  });
  const wanted = debianPackages();
  const installed = await installedPackages(wanted);
  const missing = wanted.filter((name) => !installed.has(name));
  checks.push({
    name: 'debian packages',
    ok: missing.length === 0,
    detail: missing.length === 0 ? `all ${wanted.length} installed` : `missing: ${missing.join(', ')}`,
    fix: missing.length === 0 ? undefined : 'run `bash scripts/install-packages.sh` as root (installs only what is missing)',
  });
  checks.push(await terraformCheck());
  return checks;
}

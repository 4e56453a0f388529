/**
 * The shared lab for tests: `useLab()` brings the default lab up (a no-op when it is whole, a repair
 * when it is half-dead) and hands out SSH endpoints pinned to its host keys. VIRTPLANE_LAB_PREFIX and
 * VIRTPLANE_LAB_SUBNET choose another lab (two checkouts testing at once each keep their own).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { labUp } from '../../lib/lab/lab.js';
import { labEndpoints, type LabEndpoints } from '../../lib/lab/endpoints.js';
import { labOptionsFromEnvironment } from '../../lib/lab/labPlan.js';
import type { LabFile } from '../../lib/lab/labFile.js';

export interface TestLab extends LabEndpoints {
  readonly lab: LabFile;
  /**
   * This lab's own lab.json (in its state folder): what tests hand to examples, `status --lab-file` and
   * HCL's lab_file. Never the checkout's .virtplane/lab.json, which every lab brought up from the
   * checkout overwrites (the suite runs two labs at once).
   */
  readonly labFile: string;
}

let shared: Promise<TestLab> | undefined;

/**
 * `hosts`: a test that needs more hypervisors than the default two brings the lab up with that many
 * (the next file that asks for the default takes it back to two).
 */
export function useLab(options: { readonly hosts?: number } = {}): Promise<TestLab> {
  const lab = { ...labOptionsFromEnvironment(), ...(options.hosts === undefined ? {} : { hosts: options.hosts }) };
  shared ??= labUp(lab, (message) => process.stderr.write(`[lab] ${message}\n`)).then(({ lab, ownLabFilePath }) => ({
    lab,
    labFile: ownLabFilePath,
    ...labEndpoints(lab),
  }));
  return shared;
}

/**
 * `virsh ARGS` on a lab host through the ssh client (the lab's key and known_hosts): for tests that
 * look at a host as an operator would. The arguments are the test's own words, each quoted for the
 * remote shell.
 */
export async function virshOnLabHost(lab: TestLab, hostName: string, args: readonly string[]): Promise<string> {
  const host = lab.lab.hosts.find((candidate) => candidate.name === hostName);
  if (host === undefined) throw new Error(`The lab has no host ${hostName}`);
  const quoted = args.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const { stdout } = await promisify(execFile)('ssh', [
    '-i',
    lab.lab.sshPrivateKeyFile,
    '-o',
    `UserKnownHostsFile=${lab.lab.knownHostsFile}`,
    '-o',
    'BatchMode=yes',
    `root@${host.address}`,
    `virsh -q -c qemu:///system ${quoted}`,
  ]);
  return stdout;
}

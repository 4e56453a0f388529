/**
 * The lab's power controller for the `ssh` fence agent: an sshd of its own in the storage machine's
 * namespace (beside the IPMI BMCs), with its own host key, that lets the lab's client key run one
 * command only: `power HOST status|on|off`, which drives the same chassis script as HOST's BMC (so a
 * lying BMC lies here too). lab.json records it per host as `hosts[].sshPower`. `lab down` ends it with
 * every process of the storage machine's namespace.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabHostSshPower } from './labFile.js';
import type { LabMachinePlan, LabPlan } from './labPlan.js';
import { generateKey, publicKeyOf } from './machineFiles.js';
import { isRunning } from './processes.js';
import { waitForSshBanner } from './waitForSsh.js';

const CONTROLLER_PORT = 2200;

/** The forced command: checks the words it was given, then asks HOST's chassis script. */
function controllerScript(bmcRoot: string, hosts: readonly string[]): string {
  return `#!/bin/sh
# The lab's ssh power controller (written by virtplane lab up): power HOST status|on|off.
set -eu
# virtplane's SSH transport sends "printf <its pid marker>; exec 'power' 'kvm1' 'off'": the words after
# the last "exec ", plain words whose quotes go.
words=\${SSH_ORIGINAL_COMMAND##*exec }
set -- $(printf '%s' "$words" | tr -d "'")
[ "$#" -eq 3 ] && [ "$1" = power ] || { echo "usage: power HOST status|on|off" >&2; exit 2; }
case " ${hosts.join(' ')} " in *" $2 "*) ;; *) echo "no such host: $2" >&2; exit 2 ;; esac
chassis="${bmcRoot}/$2/chassis.sh"
case "$3" in
  status) ;;
  off) "$chassis" 0x20 set power 0 ;;
  on) "$chassis" 0x20 set power 1 ;;
  *) echo "usage: power HOST status|on|off" >&2; exit 2 ;;
esac
case "$("$chassis" 0x20 get power)" in *1) echo on ;; *) echo off ;; esac
`;
}

/** Makes sure the controller answers (starting it when not) and returns each hypervisor's entry for lab.json. */
export async function ensureLabSshPowerController(plan: LabPlan, clientKeyPath: string): Promise<Map<string, LabHostSshPower>> {
  const storage = plan.machines.find((machine) => machine.role === 'storage')!;
  const hypervisors = plan.machines.filter((machine) => machine.role === 'hypervisor');
  const bmcRoot = join(plan.stateDir, 'bmc');
  const dir = join(bmcRoot, 'ssh-controller');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const hostKeyFile = join(dir, 'ssh_host_ed25519_key');
  await generateKey(hostKeyFile, 'virtplane-lab power controller');
  const script = join(dir, 'power.sh');
  await writeFile(
    script,
    controllerScript(
      bmcRoot,
      hypervisors.map((machine) => machine.name),
    ),
  );
  await chmod(script, 0o700);
  const clientKey = (await readFile(`${clientKeyPath}.pub`, 'utf8')).trim();
  await writeFile(join(dir, 'authorized_keys'), `restrict,command="${script}" ${clientKey}\n`, { mode: 0o600 });
  const config = join(dir, 'sshd_config');
  const pidFile = join(dir, 'sshd.pid');
  await writeFile(
    config,
    [
      `ListenAddress ${storage.address}`,
      `Port ${CONTROLLER_PORT}`,
      `HostKey ${hostKeyFile}`,
      `PidFile ${pidFile}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin forced-commands-only',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      '',
    ].join('\n'),
  );
  if (!(await running(pidFile))) await start(storage, config, join(dir, 'sshd.log'));
  await waitForSshBanner(storage.address, CONTROLLER_PORT, 10_000);
  const hostKey = await publicKeyOf(hostKeyFile);
  return new Map(
    hypervisors.map((machine) => [
      machine.name,
      { agent: 'ssh', address: storage.address, port: CONTROLLER_PORT, username: 'root', hostKey, command: `power ${machine.name}` },
    ]),
  );
}

async function running(pidFile: string): Promise<boolean> {
  if (!existsSync(pidFile)) return false;
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  return Number.isInteger(pid) && pid > 0 && isRunning(pid) && (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim() === 'sshd';
}

async function start(storage: LabMachinePlan, config: string, logPath: string): Promise<void> {
  // \`ip netns exec\` keeps this machine's own /run (the lab machines' private /run belongs to their daemons'
  // mount namespace), and sshd refuses to start without its privilege separation folder there. A fresh
  // machine has none until something else started an sshd: its first \`lab up\` failed here.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const log = openSync(logPath, 'a');
  try {
    // sshd daemonizes and writes its pid file; it needs its full path.
    const child = spawn('ip', ['netns', 'exec', storage.namespace, '/usr/sbin/sshd', '-f', config, '-E', logPath], { stdio: ['ignore', log, log] });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the lab's ssh power controller did not start (exit ${code}); see ${logPath}`))));
    });
  } finally {
    closeSync(log);
  }
}

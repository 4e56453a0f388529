/**
 * A power controller for every hypervisor of the lab, so that fencing is real: one IPMI BMC per host
 * (OpenIPMI's ipmi_sim, reached with ipmitool like a server's BMC), running in the storage machine's
 * namespace so that it stays up while "its" host is off. Its chassis-control script powers the host
 * off by killing every process of the host's network namespace at once (libvirtd, virtlogd, QEMU
 * guests, sshd, dnsmasq: found by namespace, never by name, since the lab's machines share one PID
 * namespace) and on by starting the machine's daemons again, as a boot would.
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { powerStatus, setPower, type PowerDevice, type PowerState } from '../backends/power/index.js';
import { quoteArgv } from '../backends/ssh/index.js';
import type { LabHostPower } from './labFile.js';
import type { LabMachinePlan, LabPlan } from './labPlan.js';
import { machineStartArgv } from './machineRuntime.js';
import { isRunning, signalAll, waitForExit } from './processes.js';

/** BMC n (kvmN) listens on the storage machine's address at this port + n. */
const BMC_PORT_BASE = 6230;
const BMC_USER = 'admin';

function bmcDir(plan: Pick<LabPlan, 'stateDir'>, machine: Pick<LabMachinePlan, 'name'>): string {
  return join(plan.stateDir, 'bmc', machine.name);
}

/** While this file is in a BMC's folder, the BMC lies: power off does nothing and power status says off. */
const LYING_FLAG = 'lying';

/**
 * Makes a lab host's BMC report success falsely (or tell the truth again): the fault the second guard
 * against two running copies exists for (docs/ha.md). `stateDir`: the lab's, where lab.json's key is.
 */
export async function setLabBmcLying(stateDir: string, hostName: string, lying: boolean): Promise<void> {
  const flag = join(bmcDir({ stateDir }, { name: hostName }), LYING_FLAG);
  if (lying) await writeFile(flag, 'power status says off, power off does nothing\n');
  else await rm(flag, { force: true });
}

async function labBmcPassword(plan: LabPlan): Promise<string> {
  const path = join(plan.stateDir, 'bmc', 'password');
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  await mkdir(join(plan.stateDir, 'bmc'), { recursive: true, mode: 0o700 });
  // IPMI passwords are at most 16 bytes (20 for IPMI 2.0); 16 hex digits fit both.
  const password = randomBytes(8).toString('hex');
  await writeFile(path, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * The chassis-control script ipmi_sim calls as `SCRIPT 0x20 get power` (answers "power: 1|0") and
 * `SCRIPT 0x20 set power 0|1`. Off is immediate (SIGKILL: a pulled plug, not a shutdown) and returns
 * once nothing of the host runs; on starts the daemons in the background (a BMC answers at once, the
 * machine boots after).
 */
function chassisScript(machine: LabMachinePlan, logPath: string): string {
  return `#!/bin/sh
# Power of lab host ${machine.name} for its BMC (written by virtplane lab up).
ns=${quoteArgv([machine.namespace])}
pids() { ip netns pids "$ns" 2>/dev/null; }
# A lying BMC (setLabBmcLying): reports off and leaves the host running.
if [ -e "$(dirname "$0")/${LYING_FLAG}" ]; then
  case "$2 $3" in "get power") echo "power: 0" ;; esac
  exit 0
fi
case "$2 $3" in
  "get power")
    if [ -n "$(pids)" ]; then echo "power: 1"; else echo "power: 0"; fi ;;
  "set power")
    if [ "$4" = 0 ]; then
      tries=0
      while [ -n "$(pids)" ] && [ "$tries" -lt 50 ]; do
        kill -9 $(pids) 2>/dev/null
        tries=$((tries + 1))
        sleep 0.1
      done
    elif [ -z "$(pids)" ]; then
      setsid ${quoteArgv(machineStartArgv(machine))} >>${quoteArgv([logPath])} 2>&1 </dev/null &
    fi ;;
esac
exit 0
`;
}

function lanConf(machine: LabMachinePlan, address: string, port: number, password: string, script: string): string {
  // The shape of OpenIPMI's sample lanserv/lan.conf (LAB-NOTES "Power controllers for fencing").
  const guid = randomBytes(16).toString('hex');
  return [
    `name "${machine.name}"`,
    'set_working_mc 0x20',
    '  startlan 1',
    `    addr ${address} ${port}`,
    '    priv_limit admin',
    '    allowed_auths_callback none md2 md5 straight',
    '    allowed_auths_user none md2 md5 straight',
    '    allowed_auths_operator none md2 md5 straight',
    '    allowed_auths_admin none md2 md5 straight',
    `    guid ${guid}`,
    '  endlan',
    `  chassis_control "${script} 0x20"`,
    `  user 2 true "${BMC_USER}" "${password}" admin 10 none md2 md5 straight`,
    '',
  ].join('\n');
}

/** The emulator's commands: the BMC itself must come first, or ipmi_sim exits ("No bmc_ipmb specified"). */
const SIM_EMU = [
  'mc_setbmc 0x20',
  'mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr',
  'sel_enable 0x20 1000 0x0a',
  'mc_enable 0x20',
  '',
].join('\n');

function deviceOf(entry: LabHostPower): PowerDevice {
  return { agent: 'ipmilan', address: entry.address, port: entry.port, username: entry.username, password: entry.password };
}

async function answers(entry: LabHostPower): Promise<boolean> {
  try {
    await powerStatus(deviceOf(entry));
    return true;
  } catch {
    return false;
  }
}

/** Written at every `lab up`, running BMCs included: ipmi_sim runs the script anew for each command. */
async function writeChassisScript(plan: LabPlan, machine: LabMachinePlan): Promise<string> {
  const dir = bmcDir(plan, machine);
  await mkdir(join(dir, 'state'), { recursive: true, mode: 0o700 });
  const script = join(dir, 'chassis.sh');
  await writeFile(script, chassisScript(machine, join(dir, 'power-on.log')));
  await chmod(script, 0o700);
  return script;
}

async function startBmc(plan: LabPlan, storage: LabMachinePlan, machine: LabMachinePlan, entry: LabHostPower): Promise<void> {
  const dir = bmcDir(plan, machine);
  const script = await writeChassisScript(plan, machine);
  await writeFile(join(dir, 'lan.conf'), lanConf(machine, entry.address, entry.port, entry.password, script), { mode: 0o600 });
  await writeFile(join(dir, 'sim.emu'), SIM_EMU);
  // A BMC of an earlier run (its pid recorded here) that no longer answers goes first.
  const pidFile = join(dir, 'ipmi_sim.pid');
  if (existsSync(pidFile)) {
    const old = Number((await readFile(pidFile, 'utf8')).trim());
    if (Number.isInteger(old) && old > 0 && isRunning(old) && (await readFile(`/proc/${old}/comm`, 'utf8').catch(() => '')).trim() === 'ipmi_sim') {
      signalAll([old], 'SIGKILL');
      await waitForExit([old], 2000);
    }
  }
  const log = openSync(join(dir, 'ipmi_sim.log'), 'a');
  try {
    const child = spawn(
      'ip',
      ['netns', 'exec', storage.namespace, 'ipmi_sim', '-c', join(dir, 'lan.conf'), '-f', join(dir, 'sim.emu'), '-s', join(dir, 'state'), '-n'],
      { detached: true, stdio: ['ignore', log, log] },
    );
    child.unref();
    // `ip netns exec` execs ipmi_sim, so the child's pid is the BMC's.
    await writeFile(pidFile, `${child.pid}\n`);
  } finally {
    closeSync(log);
  }
  const deadline = Date.now() + 10_000;
  while (!(await answers(entry))) {
    if (Date.now() > deadline)
      throw new Error(`${machine.name}: its BMC (ipmi_sim) did not answer at ${entry.address}:${entry.port}; see ${join(dir, 'ipmi_sim.log')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Makes sure every hypervisor's BMC answers (starting those that do not) and returns each one's entry
 * for lab.json, by host name.
 */
export async function ensureLabBmcs(plan: LabPlan): Promise<Map<string, LabHostPower>> {
  const storage = plan.machines.find((machine) => machine.role === 'storage')!;
  const password = await labBmcPassword(plan);
  const entries = new Map<string, LabHostPower>();
  const hypervisors = plan.machines.filter((machine) => machine.role === 'hypervisor');
  await Promise.all(
    hypervisors.map(async (machine, index) => {
      const entry: LabHostPower = { agent: 'ipmilan', address: storage.address, port: BMC_PORT_BASE + index + 1, username: BMC_USER, password };
      await writeChassisScript(plan, machine);
      if (!(await answers(entry))) await startBmc(plan, storage, machine, entry);
      entries.set(machine.name, entry);
    }),
  );
  return entries;
}

/** `virtplane lab power HOST off|on|status`, through the host's BMC as any fence agent would. */
export async function labPower(entry: LabHostPower, action: 'on' | 'off' | 'status'): Promise<PowerState> {
  const device = deviceOf(entry);
  if (action !== 'status') await setPower(device, action);
  return powerStatus(device);
}

import { runLocal } from './localCommand.js';
import { signalAll, waitForExit } from './processes.js';
import type { LabMachinePlan, LabPlan } from './labPlan.js';

async function linkExists(name: string): Promise<boolean> {
  const result = await runLocal(['ip', 'link', 'show', 'dev', name], { allowExitCodes: [1] });
  return result.exitCode === 0;
}

export async function listNamespaces(): Promise<string[]> {
  const { stdout } = await runLocal(['ip', 'netns', 'list']);
  // Lines look like "vp-kvm1 (id: 3)" or just "vp-kvm1".
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name.length > 0);
}

export async function listLinks(): Promise<string[]> {
  const { stdout } = await runLocal(['ip', '-o', 'link', 'show']);
  return stdout
    .split('\n')
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

/** PIDs of every process living in a network namespace (daemons, sshd sessions, QEMU). */
export async function namespacePids(namespace: string): Promise<number[]> {
  const result = await runLocal(['ip', 'netns', 'pids', namespace], { allowExitCodes: [1, 255] });
  if (result.exitCode !== 0) return [];
  return result.stdout
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

export async function ensureBridge(plan: LabPlan): Promise<void> {
  if (!(await linkExists(plan.bridge))) {
    await runLocal(['ip', 'link', 'add', plan.bridge, 'type', 'bridge']);
  }
  const { stdout } = await runLocal(['ip', '-o', '-4', 'addr', 'show', 'dev', plan.bridge]);
  const wanted = `${plan.bridgeAddress}/${plan.prefixLength}`;
  if (!stdout.includes(` ${wanted} `)) {
    await runLocal(['ip', 'addr', 'flush', 'dev', plan.bridge]);
    await runLocal(['ip', 'addr', 'add', wanted, 'dev', plan.bridge]);
  }
  await runLocal(['ip', 'link', 'set', plan.bridge, 'up']);
}

export async function removeBridge(bridge: string): Promise<void> {
  if (await linkExists(bridge)) await runLocal(['ip', 'link', 'del', bridge]);
}

/** A locally administered unicast MAC, 02:76:70 ("vp") then the address's last three bytes. */
export function macFor(address: string): string {
  const bytes = address
    .split('.')
    .slice(1)
    .map((part) => Number(part).toString(16).padStart(2, '0'));
  return ['02', '76', '70', ...bytes].join(':');
}

/** A namespace joined to the lab's bridge by a veth pair, eth0 inside with the machine's address. */
export async function createMachineNetwork(plan: LabPlan, machine: LabMachinePlan): Promise<void> {
  await runLocal(['ip', 'netns', 'add', machine.namespace]);
  // A MAC derived from the address survives a rebuild, so neighbours' ARP caches stay right.
  await runLocal([
    'ip',
    'link',
    'add',
    machine.hostLink,
    'type',
    'veth',
    'peer',
    'name',
    'eth0',
    'address',
    macFor(machine.address),
    'netns',
    machine.namespace,
  ]);
  await runLocal(['ip', 'link', 'set', machine.hostLink, 'master', plan.bridge]);
  await runLocal(['ip', 'link', 'set', machine.hostLink, 'up']);
  const inside = ['ip', 'netns', 'exec', machine.namespace];
  await runLocal([...inside, 'ip', 'link', 'set', 'lo', 'up']);
  await runLocal([...inside, 'ip', 'addr', 'add', `${machine.address}/${plan.prefixLength}`, 'dev', 'eth0']);
  await runLocal([...inside, 'ip', 'link', 'set', 'eth0', 'up']);
}

/** Ends every process in the namespace (TERM, then KILL), then deletes the namespace and its link. */
export async function removeMachineNetwork(namespace: string, hostLink: string | undefined, graceMs = 3000): Promise<void> {
  await stopNamespaceProcesses(namespace, graceMs);
  if ((await listNamespaces()).includes(namespace)) await runLocal(['ip', 'netns', 'del', namespace]);
  // Deleting the namespace takes its veth pair along, but not always before we look again.
  if (hostLink && (await linkExists(hostLink))) await runLocal(['ip', 'link', 'del', hostLink], { allowExitCodes: [1] });
}

export async function stopNamespaceProcesses(namespace: string, graceMs: number): Promise<void> {
  const pids = await namespacePids(namespace);
  signalAll(pids, 'SIGTERM');
  const stubborn = await waitForExit(pids, graceMs);
  // tgtd ignores TERM while it has targets, and QEMU may outlive a killed libvirtd: KILL what is left,
  // including anything started in the namespace meanwhile.
  const late = [...new Set([...stubborn, ...(await namespacePids(namespace))])];
  signalAll(late, 'SIGKILL');
  const survivors = await waitForExit(late, 5000);
  if (survivors.length > 0) throw new Error(`processes ${survivors.join(', ')} in namespace ${namespace} survived SIGKILL`);
}

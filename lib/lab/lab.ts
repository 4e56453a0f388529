import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { labGuestImageEntry } from './guestImage.js';
import { DEFAULT_LAB_FILE, type LabFile, type LabHostEntry, type LabStorageEntry } from './labFile.js';
import { runLocal } from './localCommand.js';
import {
  bindMountsOf,
  generateKey,
  hasCapabilitiesCache,
  hostKeyPath,
  LAB_NFS_EXPORT,
  prepareMachineFiles,
  publicKeyOf,
  seedCapabilitiesCache,
  writeKnownHosts,
  sharedDirectoryOf,
  haLeaseDirectoryOf,
} from './machineFiles.js';
import { missingDaemons, startMachineDaemons } from './machineRuntime.js';
import { createMachineNetwork, ensureBridge, listLinks, listNamespaces, removeBridge, removeMachineNetwork } from './network.js';
import { ensureLabBmcs } from './power.js';
import { ensureLabSshPowerController } from './sshPowerController.js';
import { planLab, type LabMachinePlan, type LabOptions, type LabPlan } from './labPlan.js';
import { waitForSshBanner } from './waitForSsh.js';

/** What `lab up` remembers between runs, in the lab's state folder. */
interface LabRecord {
  /** The machine layout this lab was built with; machines of an older layout are rebuilt. */
  readonly layout: number;
  readonly prefix: string;
  readonly subnet: string;
  readonly machines: readonly string[];
}

/**
 * Mount points that did not exist on this machine before a lab made them. Kept beside all labs'
 * state folders (not in one lab's), because labs of other prefixes mount them too.
 */
function createdMountPointsPath(plan: LabPlan): string {
  return join(dirname(plan.stateDir), 'created-mount-points.json');
}

async function readCreatedMountPoints(plan: LabPlan): Promise<Set<string>> {
  try {
    return new Set(JSON.parse(await readFile(createdMountPointsPath(plan), 'utf8')) as string[]);
  } catch {
    return new Set();
  }
}

export interface LabUpResult {
  readonly lab: LabFile;
  readonly labFilePath: string;
  /**
   * The lab's own copy of its lab file, in its state folder: unlike labFilePath (the checkout's, which
   * every lab brought up from there overwrites) no other lab ever writes it, so two labs can run at once.
   */
  readonly ownLabFilePath: string;
  /** Machines built (or rebuilt) by this run; empty when the lab was already whole. */
  readonly built: readonly string[];
  readonly removed: readonly string[];
  readonly elapsedMs: number;
}

export type LabProgress = (message: string) => void;

/**
 * Bump when what a machine is made of changes (mounts, daemons, configuration). 3: libvirtd must start
 * after iptables and dnsmasq are installed (it looks for them once, at start, and NAT and isolated
 * networks fail to start until it is restarted). 5: the /dev/kvm stand-in is read-only (libvirtd
 * re-probed QEMU at every lookup while it looked writable). 6: the storage machine serves NFS
 * (rpcbind and nfs-ganesha). 7: hypervisors run virtlockd with lockd leases on the shared directory, and the
 * storage machine runs an SSH power controller (both layouts of 6 merged). 8: nfs-ganesha serves no RQUOTA.
 */
const LAB_LAYOUT = 8;

const REQUIRED_PROGRAMS = [
  'ip',
  'unshare',
  'ssh-keygen',
  'sshd',
  'libvirtd',
  'virtlogd',
  'virtlockd',
  'virsh',
  'tgtd',
  'tgtadm',
  'tgt-admin',
  // The storage machine's NFS server, and the hosts' user-space NFS client tools.
  'rpcbind',
  'rpcinfo',
  'ganesha.nfsd',
  'nfs-ls',
  'qemu-system-x86_64',
  // libvirt's NAT and isolated networks: firewall rules and DHCP/DNS (dnsmasq drops to user nobody).
  'iptables',
  'dnsmasq',
  // Every hypervisor's power controller (a BMC simulator) and the fence agent's client.
  'ipmi_sim',
  'ipmitool',
];

function recordPath(plan: LabPlan): string {
  return join(plan.stateDir, 'lab-record.json');
}

async function readRecord(plan: LabPlan): Promise<LabRecord | undefined> {
  try {
    return JSON.parse(await readFile(recordPath(plan), 'utf8')) as LabRecord;
  } catch {
    return undefined;
  }
}

async function assertPrerequisites(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('The lab needs root (network namespaces, mounts, daemons): run it as root.');
  const missing: string[] = [];
  for (const program of REQUIRED_PROGRAMS) {
    const found = await runLocal(['sh', '-c', 'command -v "$1" || test -x "/usr/sbin/$1"', 'sh', program], { allowExitCodes: [1, 127] });
    if (found.exitCode !== 0) missing.push(program);
  }
  if (missing.length > 0) {
    throw new Error(`Missing programs: ${missing.join(', ')}. Run \`bash scripts/install-packages.sh\` (or \`virtplane doctor\` for details).`);
  }
}

/**
 * libvirt's qemu driver looks its compiled-in user up at start even when qemu.conf names another;
 * libvirt-daemon-system would create it but needs systemd. Like a package's system user, it stays
 * after `lab down`.
 */
async function ensureQemuSystemUser(): Promise<void> {
  const exists = await runLocal(['id', 'libvirt-qemu'], { allowExitCodes: [1] });
  if (exists.exitCode === 0) return;
  await runLocal(['groupadd', '-f', '--system', 'kvm']);
  await runLocal(['groupadd', '-f', '--system', 'libvirt-qemu']);
  await runLocal(['useradd', '--system', '--no-create-home', '-g', 'libvirt-qemu', '-G', 'kvm', '-s', '/usr/sbin/nologin', 'libvirt-qemu']);
}

async function isMachineWhole(machine: LabMachinePlan, namespaces: readonly string[], links: readonly string[]): Promise<boolean> {
  if (!namespaces.includes(machine.namespace) || !links.includes(machine.hostLink)) return false;
  if (!existsSync(join(machine.dir, 'etc-ssh', 'sshd_config'))) return false;
  if ((await missingDaemons(machine)).length > 0) return false;
  try {
    await waitForSshBanner(machine.address, 22, 2000);
    return true;
  } catch {
    return false;
  }
}

async function buildMachine(plan: LabPlan, machine: LabMachinePlan, clientKeyPath: string): Promise<void> {
  await removeMachineNetwork(machine.namespace, machine.hostLink, 1000);
  await prepareMachineFiles(plan, machine, clientKeyPath);
  await createMachineNetwork(plan, machine);
  await startMachineDaemons(machine);
  const missing = await missingDaemons(machine);
  if (missing.length > 0) {
    throw new Error(`${machine.name}: ${missing.join(', ')} did not start; see ${join(machine.dir, 'var-log-libvirt')} and run \`virtplane doctor\``);
  }
}

/**
 * Brings the lab up, or makes a lab that is up whole again: machines that are healthy are left alone,
 * half-dead ones (namespace left over, daemons gone) are rebuilt with their old keys.
 */
export async function labUp(options: LabOptions = {}, progress: LabProgress = () => {}, labFilePath = DEFAULT_LAB_FILE): Promise<LabUpResult> {
  const started = Date.now();
  const plan = planLab(options);
  await assertPrerequisites();
  const previous = await readRecord(plan);
  const removed: string[] = [];
  if (previous && previous.subnet !== plan.subnet) {
    progress(`subnet changes from ${previous.subnet} to ${plan.subnet}: rebuilding the lab`);
    await labDown({ prefix: plan.prefix, stateDir: plan.stateDir }, progress, labFilePath, { keepKeys: true });
  }
  await mkdir(plan.stateDir, { recursive: true, mode: 0o700 });
  await ensureQemuSystemUser();
  const clientKeyPath = join(plan.stateDir, 'id_ed25519');
  await generateKey(clientKeyPath, 'virtplane-lab client');

  const planned = new Set(plan.machines.map((machine) => machine.namespace));
  for (const namespace of await listNamespaces()) {
    if (namespace.startsWith(`${plan.prefix}-`) && !planned.has(namespace)) {
      const name = namespace.slice(plan.prefix.length + 1);
      progress(`removing ${name} (not in a lab of ${plan.machines.length - 1} hosts)`);
      await removeMachineNetwork(namespace, `${plan.prefix}h-${name}`);
      await rm(join(plan.stateDir, 'machines', name), { recursive: true, force: true });
      removed.push(name);
    }
  }

  const createdMountPoints = await readCreatedMountPoints(plan);
  for (const machine of plan.machines) {
    for (const mountPoint of Object.keys(bindMountsOf(machine))) {
      if (!existsSync(mountPoint)) {
        await mkdir(mountPoint, { recursive: true });
        createdMountPoints.add(mountPoint);
      }
    }
  }
  await writeFile(createdMountPointsPath(plan), JSON.stringify([...createdMountPoints]) + '\n');
  await ensureBridge(plan);

  const namespaces = await listNamespaces();
  const links = await listLinks();
  const sameLayout = previous?.layout === LAB_LAYOUT;
  if (previous && !sameLayout) progress('the lab was built by an older virtplane: rebuilding its machines (keys are kept)');
  const whole = await Promise.all(plan.machines.map(async (machine) => sameLayout && (await isMachineWhole(machine, namespaces, links))));
  const toBuild = plan.machines.filter((_, index) => !whole[index]);
  for (const machine of plan.machines.filter((_, index) => whole[index])) progress(`${machine.name}: up already`);
  const build = async (machine: LabMachinePlan): Promise<void> => {
    progress(`${machine.name}: starting at ${machine.address}`);
    const probed = plan.machines.find((other) => other !== machine && other.role === 'hypervisor' && hasCapabilitiesCache(other));
    if (machine.role === 'hypervisor' && probed) await seedCapabilitiesCache(probed, machine);
    await buildMachine(plan, machine, clientKeyPath);
  };
  // With no QEMU probe to copy yet, one hypervisor makes it before the others start.
  const first = plan.machines.some((machine) => machine.role === 'hypervisor' && hasCapabilitiesCache(machine))
    ? undefined
    : toBuild.find((machine) => machine.role === 'hypervisor');
  const firstBuild = first ? build(first) : Promise.resolve();
  const others = toBuild.filter((machine) => machine !== first);
  await Promise.all([firstBuild, ...others.filter((machine) => machine.role !== 'hypervisor').map(build)]);
  await Promise.all(others.filter((machine) => machine.role === 'hypervisor').map(build));

  const entries: LabHostEntry[] = [];
  for (const machine of plan.machines) {
    entries.push({ name: machine.name, address: machine.address, port: 22, hostKey: await publicKeyOf(hostKeyPath(machine)) });
  }
  const knownHostsFile = join(plan.stateDir, 'known_hosts');
  await writeKnownHosts(
    knownHostsFile,
    entries.map((entry) => ({ names: [entry.address, entry.name], key: entry.hostKey })),
  );
  for (const machine of plan.machines) {
    // Inside the lab, machines verify each other (migration over qemu+ssh) against the same pins.
    await writeKnownHosts(
      join(machine.dir, 'etc-ssh', 'ssh_known_hosts'),
      entries.map((entry) => ({ names: [entry.name, entry.address], key: entry.hostKey })),
    );
  }
  await Promise.all(toBuild.map((machine) => waitForSshBanner(machine.address, 22, 20_000)));

  const storage: LabStorageEntry = { ...entries.find((entry) => entry.name === 'storage')!, nfsExport: LAB_NFS_EXPORT };
  const bmcs = await ensureLabBmcs(plan);
  const sshPower = await ensureLabSshPowerController(plan, clientKeyPath);
  const guestImage = await labGuestImageEntry();
  progress(guestImage ? `guest image: ${guestImage.path}` : 'no guest image yet: `virtplane lab image` builds one (a few minutes, once per machine)');
  // Outside every machine's private bind mounts, so all of them see it (and this machine too).
  const sharedDirectory = sharedDirectoryOf(plan);
  await mkdir(sharedDirectory, { recursive: true, mode: 0o755 });
  const lab: LabFile = {
    sshUser: 'root',
    sshPrivateKeyFile: clientKeyPath,
    knownHostsFile,
    hosts: entries
      .filter((entry) => entry.name !== 'storage')
      .map((entry) => ({
        ...entry,
        ...(bmcs.has(entry.name) && { power: bmcs.get(entry.name)! }),
        ...(sshPower.has(entry.name) && { sshPower: sshPower.get(entry.name)! }),
      })),
    storage,
    ...(guestImage && { guestImage }),
    sharedDirectory,
    haLeaseDirectory: haLeaseDirectoryOf(plan),
  };
  const record: LabRecord = {
    layout: LAB_LAYOUT,
    prefix: plan.prefix,
    subnet: plan.subnet,
    machines: plan.machines.map((machine) => machine.name),
  };
  await writeFile(recordPath(plan), JSON.stringify(record, null, 2) + '\n');
  const ownLabFilePath = join(plan.stateDir, 'lab.json');
  await writeFile(ownLabFilePath, JSON.stringify(lab, null, 2) + '\n');
  const absoluteLabFile = resolve(labFilePath);
  await mkdir(dirname(absoluteLabFile), { recursive: true });
  await writeFile(absoluteLabFile, JSON.stringify(lab, null, 2) + '\n');
  return { lab, labFilePath: absoluteLabFile, ownLabFilePath, built: toBuild.map((machine) => machine.name), removed, elapsedMs: Date.now() - started };
}

export interface LabDownResult {
  readonly removedNamespaces: readonly string[];
  readonly elapsedMs: number;
}

/**
 * Removes every namespace, process, link, mount and file of the lab with this prefix, found by name
 * on the machine (not only those the record lists, so a half-made lab goes too), and nothing else.
 */
export async function labDown(
  options: Pick<LabOptions, 'prefix' | 'stateDir'> = {},
  progress: LabProgress = () => {},
  labFilePath = DEFAULT_LAB_FILE,
  internal: { keepKeys?: boolean } = {},
): Promise<LabDownResult> {
  const started = Date.now();
  const plan = planLab({ prefix: options.prefix, stateDir: options.stateDir, hosts: 1 });
  const namespaces = (await listNamespaces()).filter((namespace) => namespace.startsWith(`${plan.prefix}-`));
  await Promise.all(
    namespaces.map(async (namespace) => {
      const name = namespace.slice(plan.prefix.length + 1);
      progress(`${name}: stopping`);
      await removeMachineNetwork(namespace, `${plan.prefix}h-${name}`);
    }),
  );
  for (const link of await listLinks()) {
    if (link.startsWith(`${plan.prefix}h-`)) await runLocal(['ip', 'link', 'del', link], { allowExitCodes: [1] });
  }
  await removeBridge(plan.bridge);
  if (internal.keepKeys) {
    await rm(recordPath(plan), { force: true });
  } else {
    await rm(plan.stateDir, { recursive: true, force: true });
    const labsRoot = dirname(plan.stateDir);
    const otherLabs = existsSync(labsRoot) ? (await readdir(labsRoot)).filter((entry) => entry !== 'created-mount-points.json') : [];
    if (otherLabs.length === 0) {
      // The last lab is gone: the empty mount points it made go too (rmdir refuses a folder with content).
      for (const mountPoint of await readCreatedMountPoints(plan)) await rmdir(mountPoint).catch(() => undefined);
      await rm(labsRoot, { recursive: true, force: true });
    }
  }
  const absoluteLabFile = resolve(labFilePath);
  if (existsSync(absoluteLabFile)) {
    const text = await readFile(absoluteLabFile, 'utf8');
    if (text.includes(plan.stateDir)) await rm(absoluteLabFile, { force: true });
  }
  return { removedNamespaces: namespaces, elapsedMs: Date.now() - started };
}

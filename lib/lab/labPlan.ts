import { join } from 'node:path';

/** What a user may choose about a lab. */
export interface LabOptions {
  /**
   * Number of hypervisor hosts (kvm1..kvmN).
   * @default 2
   */
  readonly hosts?: number;
  /**
   * IPv4 subnet of the lab's bridge, at least a /28 (the bridge takes .1, storage .2, kvmN .(10+N)).
   * @default 10.77.0.0/24
   */
  readonly subnet?: string;
  /**
   * Prefix of every namespace, link and folder the lab makes, so that two labs (the demo's and a
   * test's) can live side by side.
   * @default vp
   */
  readonly prefix?: string;
  /**
   * Machine-wide folder holding the lab's keys and the hosts' private folders. Namespaces are
   * machine-wide, so their state is too: a second checkout finds the same lab.
   * @default /var/lib/virtplane-lab/PREFIX
   */
  readonly stateDir?: string;
}

/**
 * VIRTPLANE_LAB_PREFIX and VIRTPLANE_LAB_SUBNET: another lab for everything run in this environment
 * (the `lab` commands as well as the tests), so that two checkouts testing at once never share one.
 */
export function labOptionsFromEnvironment(environment: NodeJS.ProcessEnv = process.env): Pick<LabOptions, 'prefix' | 'subnet'> {
  const prefix = environment.VIRTPLANE_LAB_PREFIX;
  const subnet = environment.VIRTPLANE_LAB_SUBNET;
  return { ...(prefix ? { prefix } : {}), ...(subnet ? { subnet } : {}) };
}

export type LabRole = 'hypervisor' | 'storage';

export interface LabMachinePlan {
  readonly name: string;
  readonly role: LabRole;
  readonly address: string;
  /** Network namespace name. */
  readonly namespace: string;
  /** veth end in the root namespace (the other end is eth0 inside). */
  readonly hostLink: string;
  /** Folder holding this machine's private /etc/libvirt, /var/lib/libvirt, /etc/ssh, ... */
  readonly dir: string;
}

export interface LabPlan {
  readonly prefix: string;
  readonly subnet: string;
  readonly prefixLength: number;
  readonly bridge: string;
  readonly bridgeAddress: string;
  readonly stateDir: string;
  readonly machines: readonly LabMachinePlan[];
}

export const DEFAULT_SUBNET = '10.77.0.0/24';
export const DEFAULT_PREFIX = 'vp';
const MAX_HOSTS = 16;

export class LabOptionsError extends Error {
  override name = 'LabOptionsError';
}

function parseIpv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) {
    throw new LabOptionsError(`"${text}" is not an IPv4 address`);
  }
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Works out every name and address of a lab from its options, validating them all at once. */
export function planLab(options: LabOptions = {}): LabPlan {
  const problems: string[] = [];
  const hostCount = options.hosts ?? 2;
  if (!Number.isInteger(hostCount) || hostCount < 1 || hostCount > MAX_HOSTS) {
    problems.push(`--hosts must be a whole number from 1 to ${MAX_HOSTS} (got ${hostCount})`);
  }
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  // Link names are limited to 15 bytes: PREFIX + "h-" + "storage" must fit.
  if (!/^[a-z][a-z0-9]{0,4}$/.test(prefix)) {
    problems.push(`prefix must be 1 to 5 lower-case letters or digits, starting with a letter (got "${prefix}")`);
  }
  const subnet = options.subnet ?? DEFAULT_SUBNET;
  let network = 0;
  let prefixLength = 24;
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(subnet);
  if (!match) {
    problems.push(`--subnet must be an IPv4 CIDR such as ${DEFAULT_SUBNET} (got "${subnet}")`);
  } else {
    try {
      network = parseIpv4(match[1]!);
      prefixLength = Number(match[2]);
      if (prefixLength < 8 || prefixLength > 28) problems.push(`--subnet needs a prefix length from /8 to /28 (got /${prefixLength})`);
      const size = 2 ** (32 - prefixLength);
      if (network % size !== 0) problems.push(`--subnet ${subnet} has host bits set; did you mean ${formatIpv4(network - (network % size))}/${prefixLength}?`);
      else if (10 + hostCount >= size - 1) problems.push(`--subnet ${subnet} is too small for ${hostCount} hosts`);
    } catch (error) {
      problems.push(`--subnet: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new LabOptionsError(problems.join('\n'));

  const stateDir = options.stateDir ?? `/var/lib/virtplane-lab/${prefix}`;
  const machine = (name: string, role: LabRole, offset: number): LabMachinePlan => ({
    name,
    role,
    address: formatIpv4(network + offset),
    namespace: `${prefix}-${name}`,
    hostLink: `${prefix}h-${name}`,
    dir: join(stateDir, 'machines', name),
  });
  const machines: LabMachinePlan[] = [];
  for (let index = 1; index <= hostCount; index += 1) machines.push(machine(`kvm${index}`, 'hypervisor', 10 + index));
  machines.push(machine('storage', 'storage', 2));
  return {
    prefix,
    subnet,
    prefixLength,
    bridge: `${prefix}-br`,
    bridgeAddress: formatIpv4(network + 1),
    stateDir,
    machines,
  };
}

/**
 * The lab file of this environment's lab, for scripts that are not `lab` commands (the benchmarks):
 * VIRTPLANE_LAB_FILE when set; else, with VIRTPLANE_LAB_PREFIX, that lab's own copy in its state folder
 * (the checkout's .virtplane/lab.json is whichever lab was last brought up from it); else `fallback`.
 */
export function environmentLabFile(fallback: string, environment: NodeJS.ProcessEnv = process.env): string {
  if (environment.VIRTPLANE_LAB_FILE) return environment.VIRTPLANE_LAB_FILE;
  const { prefix } = labOptionsFromEnvironment(environment);
  return prefix === undefined ? fallback : join(planLab({ prefix, hosts: 1 }).stateDir, 'lab.json');
}

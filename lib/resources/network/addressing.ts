/**
 * A logical network's IPv4 subnet ("10.20.0.0/24") and what libvirt makes of it on every host: the
 * host's address on the network is the first one (the guests' gateway), DHCP hands out the rest.
 */
import type { NetworkIpv4 } from '../../backends/libvirt/index.js';

/** libvirt's network model takes prefixes 1 to 30 (a /31 or /32 leaves no address for guests). */
const MIN_PREFIX = 8;
const MAX_PREFIX = 30;

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

interface Subnet {
  /** The network address as a 32-bit unsigned integer. */
  readonly network: number;
  readonly prefix: number;
}

function toText(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 255).join('.');
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Why `cidr` is not a subnet virtplane can give a network, or undefined when it is one. */
export function cidrProblem(cidr: string): string | undefined {
  const match = CIDR.exec(cidr);
  if (!match) return 'must be an IPv4 subnet such as "10.20.0.0/24"';
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((octet) => octet > 255)) return 'has an octet above 255';
  const prefix = Number(match[5]);
  if (prefix < MIN_PREFIX || prefix > MAX_PREFIX) return `must have a prefix length from /${MIN_PREFIX} to /${MAX_PREFIX}`;
  const address = octets.reduce((value, octet) => value * 256 + octet, 0) >>> 0;
  const network = (address & maskOf(prefix)) >>> 0;
  if (network !== address) return `has host bits set: the subnet is ${toText(network)}/${prefix}`;
  return undefined;
}

function parseCidr(cidr: string): Subnet {
  const problem = cidrProblem(cidr);
  if (problem !== undefined) throw new Error(`"${cidr}" ${problem}`);
  const match = CIDR.exec(cidr) as RegExpExecArray;
  const network =
    match
      .slice(1, 5)
      .map(Number)
      .reduce((value, octet) => value * 256 + octet, 0) >>> 0;
  return { network, prefix: Number(match[5]) };
}

/** The libvirt addressing of a subnet: gateway .1, DHCP from .2 to the last address before broadcast. */
export function ipv4Of(cidr: string): NetworkIpv4 {
  const { network, prefix } = parseCidr(cidr);
  const broadcast = (network | (~maskOf(prefix) >>> 0)) >>> 0;
  return {
    address: toText(network + 1),
    prefix,
    dhcpRange: { start: toText(network + 2), end: toText(broadcast - 1) },
  };
}

/** True when the two subnets share an address (one contains the other, or they are the same). */
export function cidrsOverlap(a: string, b: string): boolean {
  if (cidrProblem(a) !== undefined || cidrProblem(b) !== undefined) return false;
  const left = parseCidr(a);
  const right = parseCidr(b);
  const prefix = Math.min(left.prefix, right.prefix);
  return (left.network & maskOf(prefix)) >>> 0 === (right.network & maskOf(prefix)) >>> 0;
}

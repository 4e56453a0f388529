/**
 * A host's `power_management` block: how the HA engine fences it (powers it off for certain before its
 * VMs start elsewhere). Kept in the inventory, which is where the engine finds it, except its password:
 * that stays in Terraform's state (sensitive) and in the engine's own credentials file; checked at every
 * plan (so at create and after every refresh) by asking the controller for the power status: a
 * controller that does not answer is a warning, because the host itself works and only HA is at risk.
 */
import { POWER_AGENTS, powerDeviceOf, powerStatus } from '../../backends/power/index.js';
import type { HostPowerManagement } from '../../inventory/index.js';
import { blockSchema, errorDiagnostic, nestedBlock, numberAttribute, stringAttribute, warningDiagnostic, type Diagnostic } from '../../framework/index.js';

export const powerManagementBlock = nestedBlock(
  blockSchema({
    description: "The host's power controller (fence device), through which the HA engine powers it off before restarting its HA VMs elsewhere.",
    attributes: {
      agent: stringAttribute({
        description:
          'The fence agent: `ipmilan` (IPMI over LAN, with ipmitool on the machine running the engine and Terraform) or `ssh` (a command on a power controller reached over SSH, its host key pinned, logged in to with the SSH key that reaches the hosts).',
        optional: true,
        default: 'ipmilan',
        validation: { enum: [...POWER_AGENTS] },
      }),
      address: stringAttribute({
        description: "The power controller's address (the BMC's, not the host's).",
        required: true,
        validation: { pattern: '^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$', hint: 'An IPv4 or IPv6 address or a DNS name.' },
      }),
      port: numberAttribute({
        description: "The controller's port: IPMI's UDP port (623, the default), or for the ssh agent its SSH port (give it: usually 22).",
        optional: true,
        default: 623,
        validation: { integer: true, minimum: 1, maximum: 65535 },
      }),
      username: stringAttribute({
        description: 'The user to log in to the controller as.',
        required: true,
        validation: { pattern: '^[^\\u0000-\\u001f]{1,32}$', hint: '1 to 32 characters, no control characters (IPMI allows 16).' },
      }),
      password: stringAttribute({
        description:
          "ipmilan: the controller's password (required). It reaches ipmitool in its environment, never a command line. Not kept in the inventory: `virtplane engine` reads it from its own credentials file (--power-secrets, docs/ha.md). The ssh agent takes none.",
        optional: true,
        sensitive: true,
        validation: { minLength: 1, maxLength: 20, hint: '1 to 20 characters (IPMI 2.0 limit).' },
      }),
      host_key: stringAttribute({
        description: 'ssh: the power controller\'s host key ("ssh-ed25519 AAAA...") or its SHA256 fingerprint, always verified (required).',
        optional: true,
        validation: {
          pattern: '^(ssh-[a-z0-9-]+ [A-Za-z0-9+/=]+|ecdsa-sha2-[a-z0-9-]+ [A-Za-z0-9+/=]+|SHA256:[A-Za-z0-9+/=]+)$',
          hint: 'A public key as in known_hosts, or SHA256:...',
        },
      }),
      command: stringAttribute({
        description:
          'ssh: the command run on the controller, words separated by spaces (no shell), the action (`status`, `on`, `off`) appended; it prints the power state (`on` or `off`) as its last word.',
        optional: true,
        default: 'power',
        validation: { pattern: '^[A-Za-z0-9_./=:-]+( [A-Za-z0-9_./=:-]+)*$', hint: 'Words of letters, digits and _./=:- separated by single spaces.' },
      }),
    },
  }),
  {
    nesting: 'list',
    maxItems: 1,
    description: "How the HA engine fences this host (see docs/ha.md). Without it the host's HA VMs are never restarted elsewhere.",
  },
);

export interface PowerManagementState {
  readonly agent: string;
  readonly address: string;
  readonly port: number;
  readonly username: string;
  readonly password: string | null;
  readonly host_key: string | null;
  readonly command: string;
}

/** What the inventory keeps of the block: everything but the password. */
export function powerManagementOf(blocks: readonly PowerManagementState[] | null | undefined): HostPowerManagement | null {
  const block = blocks?.[0];
  if (block === undefined) return null;
  const base = { address: block.address, port: block.port ?? 623, username: block.username };
  return block.agent === 'ssh' ? { agent: 'ssh', ...base, hostKey: block.host_key, command: block.command } : { agent: 'ipmilan', ...base };
}

/** The block's password (sensitive), which only Terraform's state keeps. */
export function powerPasswordOf(blocks: readonly PowerManagementState[] | null | undefined): string | null {
  return blocks?.[0]?.password ?? null;
}

/** The block as state: the inventory's row with the password the configuration or prior state gave. */
export function powerManagementState(row: HostPowerManagement | null, password: string | null): PowerManagementState[] {
  if (row === null) return [];
  const ssh = row.agent === 'ssh';
  return [
    {
      agent: row.agent,
      address: row.address,
      port: row.port,
      username: row.username,
      password: ssh ? null : password,
      host_key: ssh ? (row.hostKey ?? null) : null,
      command: ssh ? (row.command ?? 'power') : 'power',
    },
  ];
}

/** Bad combinations of the block's attributes, as errors at their paths. */
export function powerManagementErrors(blocks: readonly PowerManagementState[]): Diagnostic[] {
  const block = blocks[0];
  if (block === undefined) return [];
  const at = (attribute: string) => ['power_management', 0, attribute];
  if (block.agent === 'ssh') {
    if (block.password !== null && block.password !== undefined)
      return [errorDiagnostic('Password not used', "The ssh agent logs in with the provider's SSH key: remove password.", at('password'))];
    if (block.host_key === null || block.host_key === undefined)
      return [errorDiagnostic('Host key required', "The ssh agent verifies the controller's host key: set host_key.", at('host_key'))];
    return [];
  }
  if (block.password === null) return [errorDiagnostic('Password required', "The ipmilan agent needs the controller's password.", at('password'))];
  return [];
}

/** A warning when the controller does not answer a power status (never an error: the host works). */
export async function checkPowerManagement(
  hostName: string,
  blocks: readonly PowerManagementState[],
  privateKey: Buffer | undefined,
  signal?: AbortSignal,
): Promise<Diagnostic[]> {
  const row = powerManagementOf(blocks);
  if (row === null) return [];
  try {
    await powerStatus(powerDeviceOf(row, { password: powerPasswordOf(blocks), privateKey: privateKey ?? null }), signal);
    return [];
  } catch (error) {
    return [
      warningDiagnostic(
        'Power controller not answering',
        `The power controller of ${hostName} at ${row.address}:${row.port} did not answer a power status: ${(error as Error).message}. Until it does, the HA engine cannot fence ${hostName}, and its HA VMs will not be restarted elsewhere if it fails.`,
        ['power_management', 0],
      ),
    ];
  }
}

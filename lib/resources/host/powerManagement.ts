/**
 * A host's `power_management` block: how the HA engine fences it (powers it off for certain before its
 * VMs start elsewhere). Kept in the inventory, which is where the engine finds it; checked at every
 * plan (so at create and after every refresh) by asking the controller for the power status: a
 * controller that does not answer is a warning, because the host itself works and only HA is at risk.
 */
import { POWER_AGENTS, powerStatus, type PowerDevice } from '../../backends/power/index.js';
import type { HostPowerManagement } from '../../inventory/index.js';
import { blockSchema, nestedBlock, numberAttribute, stringAttribute, warningDiagnostic, type Diagnostic } from '../../framework/index.js';

export const powerManagementBlock = nestedBlock(
  blockSchema({
    description: "The host's power controller (fence device), through which the HA engine powers it off before restarting its HA VMs elsewhere.",
    attributes: {
      agent: stringAttribute({
        description: 'The fence agent: `ipmilan` (IPMI over LAN, with ipmitool on the machine running the engine and Terraform).',
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
        description: "The controller's UDP port (IPMI: 623).",
        optional: true,
        default: 623,
        validation: { integer: true, minimum: 1, maximum: 65535 },
      }),
      username: stringAttribute({
        description: 'The user to log in to the controller as.',
        required: true,
        validation: { pattern: '^[^\\u0000-\\u001f]{1,16}$', hint: '1 to 16 characters, no control characters (IPMI limit).' },
      }),
      password: stringAttribute({
        description:
          "The controller's password. It reaches ipmitool in its environment, never a command line; it is kept in the inventory, where the engine reads it.",
        required: true,
        sensitive: true,
        validation: { minLength: 1, maxLength: 20, hint: '1 to 20 characters (IPMI 2.0 limit).' },
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
  readonly password: string;
}

export function powerManagementOf(blocks: readonly PowerManagementState[] | null | undefined): HostPowerManagement | null {
  const block = blocks?.[0];
  if (block === undefined) return null;
  return { agent: 'ipmilan', address: block.address, port: block.port ?? 623, username: block.username, password: block.password };
}

export function powerManagementState(row: HostPowerManagement | null): PowerManagementState[] {
  return row === null ? [] : [{ agent: row.agent, address: row.address, port: row.port, username: row.username, password: row.password }];
}

/** A warning when the controller does not answer a power status (never an error: the host works). */
export async function checkPowerManagement(hostName: string, device: HostPowerManagement | null, signal?: AbortSignal): Promise<Diagnostic[]> {
  if (device === null) return [];
  try {
    await powerStatus(device satisfies PowerDevice, signal);
    return [];
  } catch (error) {
    return [
      warningDiagnostic(
        'Power controller not answering',
        `The power controller of ${hostName} at ${device.address}:${device.port} did not answer a power status: ${(error as Error).message}. Until it does, the HA engine cannot fence ${hostName}, and its HA VMs will not be restarted elsewhere if it fails.`,
        ['power_management', 0],
      ),
    ];
  }
}

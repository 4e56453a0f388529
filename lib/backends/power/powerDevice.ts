/** What every fence agent shares: how a power controller is reached, what it answers, how it fails. */

export type PowerAgent = 'ipmilan' | 'ssh';
export const POWER_AGENTS: readonly PowerAgent[] = ['ipmilan', 'ssh'];

/** A BMC reached with IPMI over LAN (ipmitool). */
export interface IpmiPowerDevice {
  readonly agent: 'ipmilan';
  readonly address: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
}

/**
 * A power controller reached over SSH, its host key pinned, logged in to with an SSH key: `command`
 * (words, no shell) runs with the action (`status`, `on`, `off`) as its last argument and prints the
 * power state ("on" or "off") as its last word.
 */
export interface SshPowerDevice {
  readonly agent: 'ssh';
  readonly address: string;
  readonly port: number;
  readonly username: string;
  /** The controller's public key ("ssh-ed25519 AAAA...") or its SHA256 fingerprint. */
  readonly hostKey: string;
  readonly command: string;
  readonly privateKey: string | Buffer;
}

/** How to reach one host's power controller. */
export type PowerDevice = IpmiPowerDevice | SshPowerDevice;

export type PowerState = 'on' | 'off';

/** Why a power controller did not do what was asked; `kind` says what a person fixes. */
export type PowerFailureKind = 'unreachable' | 'authentication' | 'tool-missing' | 'unexpected';

export class PowerControlError extends Error {
  override name = 'PowerControlError';
  constructor(
    readonly kind: PowerFailureKind,
    message: string,
  ) {
    super(message);
  }
}

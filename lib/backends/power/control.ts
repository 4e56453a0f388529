/** Power control whatever the agent: the one place that picks ipmitool or SSH, and fencing's confirmation. */
import { ipmiPowerStatus, ipmiSetPower } from './ipmi.js';
import { PowerControlError, type PowerAgent, type PowerDevice, type PowerState } from './powerDevice.js';
import { sshPowerStatus, sshSetPower } from './sshAgent.js';

/** The power as the controller reports it. */
export function powerStatus(device: PowerDevice, signal?: AbortSignal): Promise<PowerState> {
  return device.agent === 'ssh' ? sshPowerStatus(device, signal) : ipmiPowerStatus(device, signal);
}

/** Asks for the power to go off or on; confirm with powerStatus (see powerOffConfirmed). */
export function setPower(device: PowerDevice, state: PowerState, signal?: AbortSignal): Promise<void> {
  return device.agent === 'ssh' ? sshSetPower(device, state, signal) : ipmiSetPower(device, state, signal);
}

/**
 * Fencing's one question: is the machine off now? Powers it off, then polls until the controller
 * says off (at most `timeoutMs`). Throws when it cannot be confirmed: a VM must then not start elsewhere.
 */
export async function powerOffConfirmed(device: PowerDevice, timeoutMs = 20_000, signal?: AbortSignal): Promise<{ readonly wasOn: boolean }> {
  const before = await powerStatus(device, signal);
  if (before === 'on') await setPower(device, 'off', signal);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await powerStatus(device, signal)) === 'off') return { wasOn: before === 'on' };
    if (Date.now() > deadline) throw new PowerControlError('unexpected', `the power controller still reports power on ${timeoutMs / 1000} s after power off`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A controller as configured (no secrets), whatever the agent. */
export interface PowerControllerSpec {
  readonly agent: PowerAgent;
  readonly address: string;
  readonly port: number;
  readonly username: string;
  /** ssh: the controller's pinned host key. */
  readonly hostKey?: string | null;
  /** ssh: the command, the action appended. */
  readonly command?: string | null;
}

/**
 * The device to drive, from its configuration and the secret its agent needs: ipmilan a password, ssh
 * the SSH private key (the same that reaches the hosts). Says what is missing when it cannot.
 */
export function powerDeviceOf(
  spec: PowerControllerSpec,
  secrets: { readonly password?: string | null; readonly privateKey?: string | Buffer | null },
): PowerDevice {
  const { address, port, username } = spec;
  if (spec.agent === 'ssh') {
    if (!spec.hostKey) throw new PowerControlError('unexpected', `the ssh power controller at ${address}:${port} has no pinned host_key`);
    if (!secrets.privateKey) throw new PowerControlError('authentication', `no SSH private key to log in to the power controller at ${address}:${port} with`);
    return { agent: 'ssh', address, port, username, hostKey: spec.hostKey, command: spec.command ?? 'power', privateKey: secrets.privateKey };
  }
  if (!secrets.password) throw new PowerControlError('authentication', `no password for the power controller at ${address}:${port}`);
  return { agent: 'ipmilan', address, port, username, password: secrets.password };
}

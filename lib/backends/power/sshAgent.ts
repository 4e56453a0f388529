/**
 * The `ssh` fence agent: a command on a power controller reached over SSH (a PDU's or a management
 * host's shell, as fence_virsh or fence_ilo_ssh do), the controller's host key pinned like every host's.
 * The command's words go as quoted argv, the action last; its answer is the power state as its last word.
 */
import { SshPool, describeSshFailure, sshEndpoint } from '../ssh/index.js';
import { PowerControlError, type PowerState, type SshPowerDevice } from './powerDevice.js';

const TIMEOUT_MS = 10_000;

function commandArgv(device: SshPowerDevice, action: 'status' | 'on' | 'off'): string[] {
  return [...device.command.trim().split(/\s+/), action];
}

async function runOnController(device: SshPowerDevice, action: 'status' | 'on' | 'off', signal?: AbortSignal): Promise<string> {
  const pool = new SshPool();
  try {
    const endpoint = sshEndpoint(
      { name: `power controller ${device.address}:${device.port}`, address: device.address, port: device.port, hostKey: device.hostKey },
      { username: device.username, privateKey: device.privateKey, knownHostsFile: undefined },
    );
    const result = await pool.exec(endpoint, commandArgv(device, action), { timeoutMs: TIMEOUT_MS, ...(signal === undefined ? {} : { signal }) });
    return result.stdout;
  } catch (error) {
    const failure = describeSshFailure(error);
    const cause = failure?.cause ?? (error instanceof Error ? error.message : String(error));
    const kind =
      failure?.kind === 'login' || failure?.kind === 'host-key'
        ? 'authentication'
        : failure?.kind === 'unreachable' || failure?.kind === 'timeout'
          ? 'unreachable'
          : 'unexpected';
    const what = { authentication: 'refused the login or showed another host key', unreachable: 'did not answer', unexpected: 'failed' }[kind];
    throw new PowerControlError(kind, `the power controller (over SSH) ${what}: ${cause}`);
  } finally {
    await pool.close();
  }
}

export async function sshPowerStatus(device: SshPowerDevice, signal?: AbortSignal): Promise<PowerState> {
  const out = await runOnController(device, 'status', signal);
  const last = out.trim().split(/\s+/).pop()?.toLowerCase();
  if (last !== 'on' && last !== 'off') throw new PowerControlError('unexpected', `unexpected answer from the power controller: ${out.trim().slice(0, 200)}`);
  return last;
}

export async function sshSetPower(device: SshPowerDevice, state: PowerState, signal?: AbortSignal): Promise<void> {
  await runOnController(device, state, signal);
}

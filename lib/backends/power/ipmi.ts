/**
 * Power controllers (fence devices) over IPMI on the LAN, through ipmitool run on this machine: the
 * fence agent of oVirt's model (fence_ipmilan). The password reaches ipmitool in its environment
 * (`-E` reads IPMI_PASSWORD), never on a command line that `ps` would show.
 */
import { PowerControlError, type IpmiPowerDevice, type PowerState } from './powerDevice.js';

/**
 * One second per try, one try: a dead BMC is known in about 2 s, not 10. `-v` makes ipmitool say why a
 * session failed ("RAKP 2 HMAC is invalid": a wrong password), which it otherwise keeps to itself.
 */
const SESSION_ARGS = ['-N', '1', '-R', '1', '-v'];
const TOOL_TIMEOUT_MS = 10_000;

/**
 * ipmitool's argv for a chassis power command. Cipher suite 3 (RAKP-HMAC-SHA1, AES): without `-C`,
 * ipmitool first tries suite 17, which many BMCs (and OpenIPMI's simulator) lack, and spends 10 s on it.
 */
export function ipmitoolArgv(device: Omit<IpmiPowerDevice, 'password'>, action: 'status' | 'on' | 'off'): string[] {
  return [
    '-I',
    'lanplus',
    '-C',
    '3',
    ...SESSION_ARGS,
    '-H',
    device.address,
    '-p',
    String(device.port),
    '-U',
    device.username,
    '-E',
    'chassis',
    'power',
    action,
  ];
}

function classify(stderr: string, exitCode: number | null): PowerControlError {
  // -v adds chatter ("Loading IANA PEN Registry..."); the lines that say why are kept.
  const lines = stderr
    .split('\n')
    .map((line) => line.replace(/^>\s*/, '').trim())
    .filter((line) => line !== '' && !/^Loading IANA/i.test(line));
  const text = lines.slice(-2).join('; ') || `ipmitool exited with ${exitCode}`;
  if (/RAKP|password|unauthori[sz]ed|invalid user|Invalid role|authentication/i.test(stderr)) {
    return new PowerControlError('authentication', `the power controller refused the login (wrong username or password?): ${text}`);
  }
  if (/Unable to establish|timeout|No response|Connection refused|Address lookup/i.test(stderr)) {
    return new PowerControlError('unreachable', `the power controller did not answer: ${text}`);
  }
  return new PowerControlError('unexpected', text);
}

async function runIpmitool(device: IpmiPowerDevice, action: 'status' | 'on' | 'off', signal?: AbortSignal): Promise<string> {
  // Loaded here, not at import: the provider process that loads this module only rarely fences.
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn('ipmitool', ipmitoolArgv(device, action), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, IPMI_PASSWORD: device.password },
      signal,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), TOOL_TIMEOUT_MS);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new PowerControlError('tool-missing', 'ipmitool is not installed on this machine (Debian package ipmitool)')
          : new PowerControlError('unexpected', error.message),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else
        reject(
          code === null
            ? new PowerControlError('unreachable', `the power controller did not answer within ${TOOL_TIMEOUT_MS / 1000} s`)
            : classify(stderr, code),
        );
    });
  });
}

/** The chassis power as the controller reports it. */
export async function ipmiPowerStatus(device: IpmiPowerDevice, signal?: AbortSignal): Promise<PowerState> {
  const out = await runIpmitool(device, 'status', signal);
  const match = /Chassis Power is (on|off)/i.exec(out);
  if (!match) throw new PowerControlError('unexpected', `unexpected answer from the power controller: ${out.trim()}`);
  return match[1]!.toLowerCase() as PowerState;
}

/** Asks for the power to go off or on; confirm with ipmiPowerStatus. */
export async function ipmiSetPower(device: IpmiPowerDevice, state: PowerState, signal?: AbortSignal): Promise<void> {
  await runIpmitool(device, state, signal);
}

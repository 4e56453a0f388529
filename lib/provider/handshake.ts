/** go-plugin's handshake, as Terraform's plugin client expects it. */

const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
const CORE_PROTOCOL_VERSION = 1;
const APP_PROTOCOL_VERSION = 6;
export const PROVIDER_ADDRESS = 'registry.terraform.io/virtplane/virtplane';

export class PluginEnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PluginEnvironmentError';
  }
}

/** Refuses to run unless started by Terraform (go-plugin's magic cookie) speaking protocol 6. */
export function checkPluginEnvironment(env: NodeJS.ProcessEnv): void {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    throw new PluginEnvironmentError(
      'This binary is a plugin. These are not meant to be executed directly. Please execute the program that consumes these plugins, which will load any plugins automatically. (For debugging, run it with VIRTPLANE_PROVIDER_DEBUG=1.)',
    );
  }
  const offered = env.PLUGIN_PROTOCOL_VERSIONS;
  if (
    offered !== undefined &&
    offered !== '' &&
    !offered
      .split(',')
      .map((v) => v.trim())
      .includes(String(APP_PROTOCOL_VERSION))
  ) {
    throw new PluginEnvironmentError(
      `Terraform offers plugin protocol versions ${offered}, but virtplane speaks version ${APP_PROTOCOL_VERSION} only: use Terraform 1.0 or later.`,
    );
  }
}

/** `1|6|tcp|127.0.0.1:PORT|grpc|CERT`; CERT is empty when TLS is off. */
export function handshakeLine(address: string, certificate: string): string {
  return `${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|tcp|${address}|grpc|${certificate}`;
}

/** The TF_REATTACH_PROVIDERS value that points Terraform at a provider started by hand. */
export function reattachValue(address: string, pid: number): string {
  return JSON.stringify({
    [PROVIDER_ADDRESS]: {
      Protocol: 'grpc',
      ProtocolVersion: APP_PROTOCOL_VERSION,
      Pid: pid,
      Test: true,
      Addr: { Network: 'tcp', String: address },
    },
  });
}

/** The port range go-plugin asks for (PLUGIN_MIN_PORT/PLUGIN_MAX_PORT), if any. */
export function portRange(env: NodeJS.ProcessEnv): { readonly min: number; readonly max: number } | undefined {
  const min = Number(env.PLUGIN_MIN_PORT);
  const max = Number(env.PLUGIN_MAX_PORT);
  if (!Number.isInteger(min) || !Number.isInteger(max) || min <= 0 || max < min || max > 65535) return undefined;
  return { min, max };
}

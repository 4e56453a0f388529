import { credentials, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadPluginProtocol } from '../../../lib/provider/protocol.js';

/** A response message as proto-loader gives it; tests look inside with their own casts. */
export type WireMessage = Record<string, unknown>;

export interface ClientCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/** Talks to a provider the way Terraform's go-plugin client does (for protocol tests). */
export interface ProviderClient {
  call(method: string, request?: object): Promise<WireMessage>;
  shutdown(): Promise<void>;
  close(): void;
}

export interface ParsedHandshake {
  readonly coreVersion: string;
  readonly protocolVersion: string;
  readonly network: string;
  readonly address: string;
  readonly protocol: string;
  readonly certificate: string;
}

export function parseHandshake(line: string): ParsedHandshake {
  const parts = line.trim().split('|');
  if (parts.length !== 6) throw new Error(`handshake has ${parts.length} fields, expected 6: ${line}`);
  const [coreVersion, protocolVersion, network, address, protocol, certificate] = parts as [string, string, string, string, string, string];
  return { coreVersion, protocolVersion, network, address, protocol, certificate };
}

/** The handshake carries unpadded base64 DER; TLS wants PEM. */
export function pemFromHandshakeCertificate(certificate: string): string {
  const padded = certificate + '='.repeat((4 - (certificate.length % 4)) % 4);
  const body = Buffer.from(padded, 'base64')
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

export function connectToProvider(handshake: string, client: ClientCertificate | null): ProviderClient {
  const { address, certificate } = parseHandshake(handshake);
  const protocol = loadPluginProtocol();
  const channelCredentials =
    certificate === ''
      ? credentials.createInsecure()
      : credentials.createSsl(
          Buffer.from(pemFromHandshakeCertificate(certificate)),
          client === null ? null : Buffer.from(client.privateKeyPem),
          client === null ? null : Buffer.from(client.certificatePem),
        );
  // Terraform dials 127.0.0.1 but verifies the name "localhost", as this does.
  const options = { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' };
  const provider = new protocol.ProviderClient(address, channelCredentials, options);
  const controller = new protocol.ControllerClient(address, channelCredentials, options);
  const unary = (target: Client, method: string, request: object): Promise<WireMessage> =>
    new Promise((resolve, reject) => {
      const fn = (target as unknown as Record<string, (r: object, o: object, cb: (e: ServiceError | null, v: WireMessage) => void) => void>)[method];
      if (fn === undefined) return reject(new Error(`no method ${method}`));
      fn.call(target, request, { deadline: Date.now() + 30_000 }, (error, value) => (error ? reject(error) : resolve(value)));
    });
  return {
    call: (method, request = {}) => unary(provider, method, request),
    shutdown: async () => {
      await unary(controller, 'Shutdown', {});
    },
    close: () => {
      provider.close();
      controller.close();
    },
  };
}

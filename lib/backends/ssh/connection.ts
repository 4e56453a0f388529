/**
 * One authenticated SSH connection to one endpoint: opened with the host key verified, then shared by
 * every command to that endpoint until it drops or the pool closes it.
 */
import type { Client } from 'ssh2';
import { classifyConnectError, endpointAddress } from './classify.js';
import { runCommand, type CommandRequest, type StoppableCommand } from './command.js';
import { SshCancelledError, SshConfigurationError, SshUnreachableError, type HostKeyRefusedError, type SshError } from './errors.js';
import { hostKeyCheckFor, hostKeyPolicyId } from './hostKeyPolicy.js';
import { hostKeyAlgorithmsPreferring } from './hostKeys.js';
import type { ExecResult, SshEndpoint } from './types.js';

export interface ConnectionSettings {
  readonly readyTimeoutMs: number;
  readonly keepaliveIntervalMs: number;
}

/** Unanswered keepalives in a row before the connection is declared dead. */
const KEEPALIVE_COUNT_MAX = 3;
/** How long a graceful end may take before the socket is destroyed. */
const END_GRACE_MS = 2_000;

export class SshConnection {
  private open = true;
  private endedByPool = false;
  private readonly closeListeners: Array<() => void> = [];
  private readonly acceptedPolicies = new Set<string>();
  private readonly running = new Set<StoppableCommand>();
  private readonly closed: Promise<void>;

  private constructor(
    private readonly client: Client,
    private readonly endpoint: SshEndpoint,
    /** The host key (wire format) this connection verified. */
    readonly hostKey: Buffer,
    acceptedPolicyId: string,
  ) {
    this.acceptedPolicies.add(acceptedPolicyId);
    // After 'ready', errors (keepalive timeout, reset) are always followed by 'close'.
    client.on('error', () => this.markDown());
    client.on('end', () => this.markDown());
    this.closed = new Promise((resolve) =>
      client.on('close', () => {
        this.markDown();
        resolve();
      }),
    );
  }

  private markDown(): void {
    if (!this.open) return;
    this.open = false;
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  static async open(endpoint: SshEndpoint, settings: ConnectionSettings): Promise<SshConnection> {
    const check = await hostKeyCheckFor(endpoint);
    const policyId = hostKeyPolicyId(endpoint.hostKey);
    // Loaded on the first connection: a provider process that only answers schema or validation never needs it.
    const { Client } = await import('ssh2');
    return new Promise<SshConnection>((resolve, reject) => {
      const client = new Client();
      let settled = false;
      let refusal: HostKeyRefusedError | undefined;
      let verifiedKey: Buffer | undefined;
      const fail = (error: SshError | SshConfigurationError): void => {
        if (settled) return;
        settled = true;
        client.destroy();
        reject(error);
      };
      client.on('ready', () => {
        if (settled) return;
        if (verifiedKey === undefined) {
          // Cannot happen with ssh2 as it is; refusing is the only safe answer if it ever does.
          fail(
            new SshUnreachableError(endpoint.name, endpointAddress(endpoint), `${endpoint.name}: host key was not verified`, {
              reason: 'the host key was not verified',
            }),
          );
          return;
        }
        settled = true;
        resolve(new SshConnection(client, endpoint, verifiedKey, policyId));
      });
      client.on('error', (error: Error) => fail(refusal ?? classifyConnectError(error, endpoint, settings.readyTimeoutMs)));
      client.on('close', () =>
        fail(
          refusal ??
            new SshUnreachableError(
              endpoint.name,
              endpointAddress(endpoint),
              `${endpoint.name} (${endpointAddress(endpoint)}) closed the connection before the SSH session was ready`,
              { reason: 'the connection was closed before the SSH session was ready' },
            ),
        ),
      );
      try {
        client.connect({
          host: endpoint.host,
          port: endpoint.port,
          username: endpoint.username,
          privateKey: endpoint.privateKey,
          tryKeyboard: false,
          readyTimeout: settings.readyTimeoutMs,
          keepaliveInterval: settings.keepaliveIntervalMs,
          keepaliveCountMax: KEEPALIVE_COUNT_MAX,
          algorithms: { serverHostKey: hostKeyAlgorithmsPreferring(check.trustedKeyTypes) },
          hostVerifier: (offeredKey: Buffer): boolean => {
            refusal = check.refusalOf(offeredKey);
            if (refusal !== undefined) return false;
            verifiedKey = Buffer.from(offeredKey);
            return true;
          },
        });
        // Without TCP_NODELAY (ssh2 leaves Nagle on), a message sent right behind another waits for the
        // host's delayed ACK, 40 ms on Linux: after the key exchange (the userauth service request), when a
        // channel opens and when a command's input ends. Measured on the lab, idle: session ready in 41 ms
        // instead of 85, a first command answered in ~50 ms instead of 90-140.
        client.setNoDelay(true);
      } catch (error) {
        // ssh2 parses the private key synchronously and throws when it cannot.
        fail(
          new SshConfigurationError(endpoint.name, `Cannot use the SSH private key for ${endpoint.name}: ${(error as Error).message}`, {
            cause: error,
            problem: 'private-key',
          }),
        );
      }
    });
  }

  get isOpen(): boolean {
    return this.open;
  }

  onClose(listener: () => void): void {
    if (this.open) this.closeListeners.push(listener);
    else listener();
  }

  /**
   * A caller may name another host-key policy than the one this connection was opened with: the key
   * the host showed must satisfy it too, or the caller is refused (the connection stays for others).
   */
  async admit(endpoint: SshEndpoint): Promise<void> {
    const policyId = hostKeyPolicyId(endpoint.hostKey);
    if (this.acceptedPolicies.has(policyId)) return;
    const refusal = (await hostKeyCheckFor(endpoint)).refusalOf(this.hostKey);
    if (refusal !== undefined) throw refusal;
    this.acceptedPolicies.add(policyId);
  }

  run(request: CommandRequest): Promise<ExecResult> {
    const address = endpointAddress(this.endpoint);
    return runCommand(
      this.client,
      {
        host: this.endpoint.name,
        address,
        isConnectionOpen: () => this.open,
        connectionFoundClosed: () => this.markDown(),
        track: (command) => {
          this.running.add(command);
          return () => this.running.delete(command);
        },
        lostError: (argv) =>
          this.endedByPool
            ? poolClosedError(this.endpoint.name, argv)
            : new SshUnreachableError(
                this.endpoint.name,
                address,
                `${this.endpoint.name} (${address}): the connection was lost while \`${argv[0] ?? ''}\` ran; ` + 'it may or may not have completed',
                { reason: `the connection was lost while \`${argv[0] ?? ''}\` ran (it may or may not have completed)`, whileConnected: true },
              ),
      },
      request,
    );
  }

  /** Ends the connection; commands still running fail with SshCancelledError and are stopped on the host first. */
  async end(): Promise<void> {
    this.endedByPool = true;
    const stopped = [...this.running].map((command) => command.stop(poolClosedError(this.endpoint.name, command.argv)));
    await Promise.race([Promise.all(stopped), delay(END_GRACE_MS)]);
    this.client.end();
    await Promise.race([this.closed, delay(END_GRACE_MS)]);
    this.client.destroy();
  }
}

function poolClosedError(host: string, argv: readonly string[]): SshCancelledError {
  return new SshCancelledError(host, `${host}: \`${argv[0] ?? ''}\` was cancelled: the SSH pool was closed`);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

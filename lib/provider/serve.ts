import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import type { ProviderDefinition } from '../framework/provider.js';
import type { BlockSchema } from '../framework/schema.js';
import { checkPluginEnvironment, handshakeLine, PluginEnvironmentError, portRange, PROVIDER_ADDRESS, reattachValue } from './handshake.js';
import { silentLogger, stderrLogger, type Logger } from './logger.js';
import { listenForPinnedClient } from './pinnedClientTls.js';
import { loadPluginProtocol } from './protocol.js';
import { ProviderService } from './providerService.js';
import { generateServerCertificate } from './tlsCertificate.js';

/** Terraform sends whole states and schemas in one message: allow big ones. */
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

interface ProviderServerOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
  /** No TLS (debug/reattach mode, or TF_DISABLE_PLUGIN_TLS). */
  readonly plaintext?: boolean;
}

export interface RunningProviderServer {
  /** 127.0.0.1:PORT */
  readonly address: string;
  /** The line go-plugin expects on stdout. */
  readonly handshake: string;
  readonly service: ProviderService<unknown>;
  /** Resolves when Terraform calls plugin.GRPCController/Shutdown. */
  readonly shutdownRequested: Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the gRPC server on loopback: tfplugin6.Provider plus go-plugin's controller, with
 * AutoMTLS when Terraform gave a client certificate (PLUGIN_CLIENT_CERT).
 */
export async function startProviderServer<Ctx>(
  provider: ProviderDefinition<BlockSchema, Ctx>,
  options: ProviderServerOptions = {},
): Promise<RunningProviderServer> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? silentLogger;
  const protocol = loadPluginProtocol();
  const service = new ProviderService(provider, { logger });
  const server = new Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });
  server.addService(protocol.providerService, service.handlers());
  let requestShutdown: () => void = () => {};
  const shutdownRequested = new Promise<void>((resolve) => {
    requestShutdown = resolve;
  });
  server.addService(protocol.controllerService, {
    Shutdown: (_call: ServerUnaryCall<object, object>, callback: sendUnaryData<object>) => {
      callback(null, {});
      requestShutdown();
    },
  });

  const range = portRange(env);
  const clientCertificate = env.PLUGIN_CLIENT_CERT;
  let port: number;
  let certificate = '';
  let closeListener = async (): Promise<void> => {};
  if (options.plaintext === true || clientCertificate === undefined || clientCertificate === '') {
    port = await listenInRange(range, (candidate) => bindPlaintext(server, candidate));
  } else {
    const generated = generateServerCertificate();
    certificate = generated.handshakeCertificate;
    const listener = await listenForPinnedClient(server, generated, clientCertificate, (listen) => listenInRange(range, listen));
    port = listener.port;
    closeListener = () => listener.close();
  }
  const address = `127.0.0.1:${port}`;
  logger.debug(`serving plugin protocol 6 on ${address}${certificate === '' ? ' (plaintext)' : ' (mTLS)'}`);
  return {
    address,
    handshake: handshakeLine(address, certificate),
    service: service as ProviderService<unknown>,
    shutdownRequested,
    close: async () => {
      await closeServer(server);
      await closeListener();
    },
  };
}

function bindPlaintext(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort)));
  });
}

/** Any free port without PLUGIN_MIN_PORT/PLUGIN_MAX_PORT; else one of the range, from a random start. */
async function listenInRange(range: { min: number; max: number } | undefined, listen: (port: number) => Promise<number>): Promise<number> {
  if (range === undefined) return listen(0);
  const span = range.max - range.min + 1;
  const offset = Math.floor(Math.random() * span);
  let lastError: unknown;
  for (let attempt = 0; attempt < Math.min(span, 64); attempt++) {
    try {
      return await listen(range.min + ((offset + attempt) % span));
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`No free port between ${range.min} and ${range.max}: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, 1000);
    force.unref();
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}

// ---------------------------------------------------------------------------------------------

interface ServeOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
}

/**
 * Runs this process as a Terraform provider plugin: checks the magic cookie, serves, prints the
 * handshake, and exits when Terraform says Shutdown or when Terraform itself goes away.
 * With VIRTPLANE_PROVIDER_DEBUG=1 it serves plaintext and prints TF_REATTACH_PROVIDERS instead.
 */
export async function serveProvider<Ctx>(provider: ProviderDefinition<BlockSchema, Ctx>, options: ServeOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? stderrLogger();
  // The parent as it was when this process started, not when the watch begins: Terraform killed while
  // the server starts would otherwise be taken for the parent it is re-parented to.
  const terraform = process.ppid;
  keepStdoutForHandshake();
  const debug = env.VIRTPLANE_PROVIDER_DEBUG === '1';
  if (!debug) {
    try {
      checkPluginEnvironment(env);
    } catch (error) {
      if (!(error instanceof PluginEnvironmentError)) throw error;
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
  }

  // Handlers go in before anything is printed: whoever reads the handshake may signal at once.
  let running: RunningProviderServer | undefined;
  if (debug) {
    process.on('SIGINT', () => {
      void (running?.close() ?? Promise.resolve()).then(() => process.exit(0));
    });
  } else {
    // Ctrl-C reaches the whole process group; Terraform answers it with StopProvider and then
    // Shutdown, so the provider must not die on the signal itself.
    process.on('SIGINT', () => logger.debug('ignoring SIGINT: Terraform will call StopProvider'));
  }

  running = await startProviderServer(provider, {
    env,
    logger,
    plaintext: debug,
  });
  if (debug) {
    process.stdout.write(
      `virtplane provider serving ${PROVIDER_ADDRESS} in debug mode (plaintext) on ${running.address}.\n` +
        `In another shell, run Terraform with:\n\n` +
        `  export TF_REATTACH_PROVIDERS='${reattachValue(running.address, process.pid)}'\n\n` +
        `Press Ctrl-C to stop.\n`,
    );
    void running.shutdownRequested.then(() => logger.info('Shutdown requested; staying up in debug mode (Ctrl-C stops)'));
    return;
  }

  watchParent(terraform, () => {
    logger.warn('Terraform went away; exiting');
    process.exit(0);
  });
  process.stdout.write(`${running.handshake}\n`);
  const server = running;
  void server.shutdownRequested.then(async () => {
    await server.close();
    process.exit(0);
  });
}

/** Exits when re-parented: Terraform was killed and will never call Shutdown. */
function watchParent(parent: number, onGone: () => void): void {
  const timer = setInterval(() => {
    if (process.ppid !== parent) onGone();
  }, 500);
  timer.unref();
}

/** Nothing but the handshake may reach stdout: send any library's console output to stderr. */
function keepStdoutForHandshake(): void {
  const toStderr = (...args: unknown[]): void => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
}

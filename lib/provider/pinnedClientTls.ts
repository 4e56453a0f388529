/**
 * go-plugin's AutoMTLS, server side: TLS on loopback that admits exactly the client certificate Terraform
 * handed over in PLUGIN_CLIENT_CERT, and gives each admitted connection to the gRPC server.
 *
 * Why not grpc-js's own TLS (ServerCredentials.createSsl with that certificate as the CA): handing Node any
 * CA makes it build its store of the ~140 root certificates bundled with Node first, on the first TLS context
 * of the process; 30-50 ms of CPU on every provider start, which Terraform pays 2-3 times per command. This
 * context has no CA at all, so that store is never built. Comparing the presented certificate with
 * Terraform's byte for byte is also stricter than trusting it as a CA (which would admit any certificate
 * signed with its key); TLS itself still proves that the client holds the certificate's private key (the
 * handshake's CertificateVerify), which OpenSSL checks whatever the chain's verdict.
 */
import type { Server } from '@grpc/grpc-js';
import { ServerCredentials } from '@grpc/grpc-js';
import { createServer, type TLSSocket } from 'node:tls';
import type { ServerCertificate } from './tlsCertificate.js';

export interface PinnedClientListener {
  readonly port: number;
  close(): Promise<void>;
}

/** The DER of the first certificate in a PEM text; undefined when it holds none. */
export function firstCertificateDer(pem: string): Buffer | undefined {
  const match = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  if (match === null) return undefined;
  const der = Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64');
  return der.length > 0 ? der : undefined;
}

/**
 * Listens on 127.0.0.1 (a port from `listenOn`), hands connections whose client certificate is exactly
 * `clientCertificatePem` to `grpcServer`, and drops every other connection after the TLS handshake.
 */
export async function listenForPinnedClient(
  grpcServer: Server,
  serverCertificate: ServerCertificate,
  clientCertificatePem: string,
  listenOn: (listen: (port: number) => Promise<number>) => Promise<number>,
): Promise<PinnedClientListener> {
  const expected = firstCertificateDer(clientCertificatePem);
  if (expected === undefined) throw new Error('PLUGIN_CLIENT_CERT holds no PEM certificate: Terraform sets it to the certificate it will present');
  // TLS is done here; the gRPC server sees each admitted connection as a plain HTTP/2 byte stream.
  const injector = grpcServer.createConnectionInjector(ServerCredentials.createInsecure());
  const tlsServer = createServer({
    key: serverCertificate.privateKeyPem,
    cert: serverCertificate.certificatePem,
    // An empty CA list, not none: none means Node's bundled roots (the cost this module exists to avoid).
    ca: [],
    requestCert: true,
    // The chain cannot verify against no CA: the certificate is checked below instead.
    rejectUnauthorized: false,
    // gRPC clients (Terraform's grpc-go) require HTTP/2 negotiated through ALPN.
    ALPNProtocols: ['h2'],
  });
  tlsServer.on('secureConnection', (socket: TLSSocket) => {
    socket.on('error', () => undefined);
    const presented = socket.getPeerCertificate().raw as Buffer | undefined;
    if (presented === undefined || !presented.equals(expected)) {
      socket.destroy();
      return;
    }
    injector.injectConnection(socket);
  });
  const port = await listenOn(
    (candidate) =>
      new Promise<number>((resolve, reject) => {
        const onError = (error: Error): void => reject(error);
        tlsServer.once('error', onError);
        tlsServer.listen(candidate, '127.0.0.1', () => {
          tlsServer.off('error', onError);
          resolve((tlsServer.address() as { port: number }).port);
        });
      }),
  );
  return {
    port,
    close: async () => {
      // Stops listening; the connections already admitted belong to the gRPC server, which closes them.
      tlsServer.close(() => undefined);
      injector.destroy();
    },
  };
}

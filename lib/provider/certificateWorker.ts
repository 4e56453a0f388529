import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { ServerCertificate } from './tlsCertificate.js';

/**
 * Generates the AutoMTLS certificate on another thread. Loading @peculiar/x509 takes about
 * 250 ms; started first thing, it overlaps with loading gRPC and the protocol definitions on
 * the main thread, so Terraform gets the handshake sooner (it starts the provider 2-3 times per
 * command).
 */
export function startCertificateGeneration(env: NodeJS.ProcessEnv = process.env): Promise<ServerCertificate> | undefined {
  const managedTls = env.VIRTPLANE_PROVIDER_DEBUG !== '1' && env.TF_PLUGIN_MAGIC_COOKIE !== undefined && (env.PLUGIN_CLIENT_CERT ?? '') !== '';
  if (!managedTls || !import.meta.url.endsWith('.js')) return undefined;
  const generated = new Promise<ServerCertificate>((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { virtplaneCertificateWorker: true } });
    worker.once('message', (certificate: ServerCertificate) => {
      resolve(certificate);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`certificate worker exited with ${code}`)));
  });
  // The caller falls back to generating on the main thread.
  generated.catch(() => {});
  return generated;
}

const isCertificateWorker = !isMainThread && (workerData as { virtplaneCertificateWorker?: boolean } | null)?.virtplaneCertificateWorker === true;
if (isCertificateWorker && parentPort !== null) {
  const port = parentPort;
  const { generateServerCertificate } = await import('./tlsCertificate.js');
  port.postMessage(await generateServerCertificate());
}

// The provider plugin Terraform starts (through the launcher `virtplane provider install`
// writes). stdout belongs to the go-plugin handshake: nothing else may print to it.
import { startCertificateGeneration } from './certificateWorker.js';

// First, before the heavy imports below, so the two overlap.
const certificate = startCertificateGeneration();
const [{ serveProvider }, { buildVirtplaneProvider }] = await Promise.all([import('./serve.js'), import('../resources/index.js')]);

serveProvider(buildVirtplaneProvider(), { certificate }).catch((error: unknown) => {
  process.stderr.write(`virtplane provider: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

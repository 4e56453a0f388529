// The provider plugin Terraform starts (through the launcher `virtplane provider install`
// writes). stdout belongs to the go-plugin handshake: nothing else may print to it.
import { buildVirtplaneProvider } from '../resources/index.js';
import { serveProvider } from './serve.js';

serveProvider(buildVirtplaneProvider()).catch((error: unknown) => {
  process.stderr.write(`virtplane provider: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

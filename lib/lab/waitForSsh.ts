import { connect } from 'node:net';

const PER_TRY_MS = 10_000;

/** Resolves once something at address:port greets with an SSH banner; rejects after timeoutMs. */
export async function waitForSshBanner(address: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    try {
      // Each try is short: a forwarder may hold a connection open, silent, while nothing is behind it yet.
      await readBanner(address, port, Math.max(500, Math.min(PER_TRY_MS, deadline - Date.now())));
      return;
    } catch (error) {
      lastError = (error as Error).message;
      await new Promise((resolveSleep) => setTimeout(resolveSleep, 100));
    }
  }
  throw new Error(`sshd at ${address}:${port} did not answer within ${timeoutMs} ms (${lastError})`);
}

function readBanner(address: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolveBanner, reject) => {
    const socket = connect({ host: address, port });
    let received = '';
    const fail = (message: string): void => {
      socket.destroy();
      reject(new Error(message));
    };
    socket.setTimeout(timeoutMs, () => fail('timed out'));
    socket.on('error', (error) => fail(error.message));
    // A port forwarder (QEMU's user-mode hostfwd) accepts at once and closes when nothing answers behind it.
    socket.on('close', () => fail(received ? `closed after ${JSON.stringify(received.slice(0, 40))}` : 'closed before a banner'));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.includes('\n')) {
        socket.destroy();
        if (received.startsWith('SSH-')) resolveBanner(received.trim());
        else reject(new Error(`not an SSH banner: ${received.slice(0, 40)}`));
      }
    });
  });
}

/**
 * The compiled provider as a process, started the way go-plugin starts it: magic cookie,
 * handshake line on stdout, AutoMTLS, SIGINT, Shutdown, parent death, debug mode.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAGIC_COOKIE_VALUE } from '../../lib/provider/handshake.js';
import { generateServerCertificate } from '../../lib/provider/tlsCertificate.js';
import { buildFixtureProvider } from './helpers/fixtureBuild.js';
import { connectToProvider, parseHandshake, pemFromHandshakeCertificate, type ClientCertificate } from './helpers/providerClient.js';
import { alive } from '../support/processes.js';

let entryPoint: string;
let clientCertificate: ClientCertificate;
const started: number[] = [];

interface SpawnedProvider {
  readonly child: ChildProcess;
  readonly firstLine: Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
}

function spawnProvider(env: NodeJS.ProcessEnv, command = process.execPath, args: string[] = [entryPoint]): SpawnedProvider {
  const child = spawn(command, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) started.push(child.pid);
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline >= 0) resolve(stdout.slice(0, newline));
    });
    child.on('exit', () => reject(new Error(`exited before a line on stdout; stderr: ${stderr}`)));
  });
  firstLine.catch(() => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, firstLine, exited, stdout: () => stdout, stderr: () => stderr };
}

const pluginEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE,
  PLUGIN_PROTOCOL_VERSIONS: '5,6',
  PLUGIN_CLIENT_CERT: clientCertificate.certificatePem,
  ...extra,
});

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms))]);
}

beforeAll(async () => {
  entryPoint = await buildFixtureProvider();
  clientCertificate = await generateServerCertificate();
});

afterAll(() => {
  // Only the processes these tests started, by PID.
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

describe('started without Terraform', () => {
  it('exits 1 with a message on stderr when the magic cookie is missing, printing nothing on stdout', async () => {
    const provider = spawnProvider({});
    const { code } = await within(provider.exited, 10_000, 'exit');
    expect(code).toBe(1);
    expect(provider.stderr()).toContain('This binary is a plugin');
    expect(provider.stdout()).toBe('');
  });

  it('exits 1 when Terraform offers only protocol versions it does not speak', async () => {
    const provider = spawnProvider(pluginEnv({ PLUGIN_PROTOCOL_VERSIONS: '5' }));
    expect((await within(provider.exited, 10_000, 'exit')).code).toBe(1);
    expect(provider.stderr()).toContain('speaks version 6 only');
  });
});

describe('started by Terraform', () => {
  it('prints the go-plugin handshake, serves mTLS, ignores SIGINT and exits 0 on Shutdown', async () => {
    const spawnedAt = performance.now();
    const provider = spawnProvider(pluginEnv({ PLUGIN_MIN_PORT: '21000', PLUGIN_MAX_PORT: '21999' }));
    const line = await within(provider.firstLine, 15_000, 'handshake');
    const handshake = parseHandshake(line);
    expect(handshake).toMatchObject({ coreVersion: '1', protocolVersion: '6', network: 'tcp', protocol: 'grpc' });
    const [host, port] = handshake.address.split(':');
    expect(host).toBe('127.0.0.1');
    expect(Number(port)).toBeGreaterThanOrEqual(21000);
    expect(Number(port)).toBeLessThanOrEqual(21999);
    // Unpadded base64 of the DER certificate (padding breaks Terraform intermittently).
    expect(handshake.certificate).not.toContain('=');
    const certificate = new X509Certificate(pemFromHandshakeCertificate(handshake.certificate));
    expect(certificate.subjectAltName).toBe('DNS:localhost');
    expect(certificate.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');

    const client = connectToProvider(line, clientCertificate);
    const schema = await client.call('GetProviderSchema');
    const firstAnswerMs = performance.now() - spawnedAt;
    expect(Object.keys(schema.resource_schemas as object)).toEqual(['virtplane_test_file']);
    process.stderr.write(`[measure] provider process start to first GetProviderSchema answer: ${firstAnswerMs.toFixed(0)} ms\n`);
    expect(firstAnswerMs).toBeLessThan(10_000);

    provider.child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(provider.child.exitCode).toBeNull();
    await client.call('StopProvider');
    expect(await client.call('GetProviderSchema')).toHaveProperty('provider');

    const shutdownAt = performance.now();
    await client.shutdown();
    client.close();
    const { code } = await within(provider.exited, 5_000, 'exit after Shutdown');
    expect(code).toBe(0);
    // Well under go-plugin's patience; generous, for a loaded machine.
    expect(performance.now() - shutdownAt).toBeLessThan(5_000);
    // Everything that is not the handshake went to stderr.
    expect(provider.stdout()).toBe(`${line}\n`);
  });

  it('serves plaintext with an empty certificate field when TLS is disabled', async () => {
    const provider = spawnProvider(pluginEnv({ PLUGIN_CLIENT_CERT: '' }));
    const line = await within(provider.firstLine, 15_000, 'handshake');
    expect(line).toMatch(/^1\|6\|tcp\|127\.0\.0\.1:\d+\|grpc\|$/);
    const client = connectToProvider(line, null);
    expect(await client.call('GetProviderSchema')).toHaveProperty('provider');
    await client.shutdown();
    client.close();
    expect((await within(provider.exited, 5_000, 'exit')).code).toBe(0);
  });

  it('exits by itself when its parent (Terraform) dies without calling Shutdown', async () => {
    // sh starts the provider in the background and exits after 2 s: the provider is re-parented.
    const shell = spawnProvider(pluginEnv(), '/bin/sh', ['-c', `"$0" "$1" & echo "pid=$!"; sleep 2`, process.execPath, entryPoint]);
    await within(shell.firstLine, 15_000, 'handshake');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const match = /pid=(\d+)/.exec(shell.stdout());
    expect(match).not.toBeNull();
    const providerPid = Number(match![1]);
    started.push(providerPid);
    expect(alive(providerPid)).toBe(true);
    await within(shell.exited, 10_000, 'shell exit');
    const deadline = Date.now() + 5_000;
    while (alive(providerPid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(providerPid)).toBe(false);
  });
});

describe('debug mode', () => {
  it('serves plaintext without the cookie and prints TF_REATTACH_PROVIDERS for this process', async () => {
    const provider = spawnProvider({ VIRTPLANE_PROVIDER_DEBUG: '1' });
    await within(provider.firstLine, 15_000, 'banner');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const match = /TF_REATTACH_PROVIDERS='(.+)'/.exec(provider.stdout());
    expect(match).not.toBeNull();
    const reattach = JSON.parse(match![1]!) as Record<
      string,
      { Protocol: string; ProtocolVersion: number; Pid: number; Test: boolean; Addr: { Network: string; String: string } }
    >;
    const entry = reattach['registry.terraform.io/virtplane/virtplane']!;
    expect(entry).toMatchObject({ Protocol: 'grpc', ProtocolVersion: 6, Pid: provider.child.pid, Test: true, Addr: { Network: 'tcp' } });
    const client = connectToProvider(`1|6|tcp|${entry.Addr.String}|grpc|`, null);
    expect(await client.call('GetProviderSchema')).toHaveProperty('provider');
    client.close();
    provider.child.kill('SIGINT');
    expect((await within(provider.exited, 5_000, 'exit on Ctrl-C')).code).toBe(0);
  });
});

/**
 * virtplane's tgtd requests against the real tgtadm 1.0.85 binary: tgtadm is pointed (TGT_IPC_SOCKET)
 * at a Unix socket this test listens on, and what it sends must equal, byte for byte, what
 * virtplane encodes. The listener stands in for tgtd only to record bytes and answer with an error
 * code; the real tgtd is exercised by the lab tests (targets.lab.test.ts creates CHAP accounts).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RELAY_SCRIPT,
  TGTADM_HEADER_SIZE,
  TgtMode,
  TgtOp,
  accountNewRequest,
  accountShowRequest,
  encodeTgtadmRequest,
  parseRelayOutput,
  tgtadmErrorText,
} from '../../../lib/backends/iscsi/tgtIpc.js';

interface Recorder {
  readonly received: Buffer[];
  /** tgtd error code to answer each request with, in order (0 when the list runs out). */
  answers: number[];
}

let dir: string;
let server: Server;
const recorder: Recorder = { received: [], answers: [] };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vp-tgtipc-'));
  server = createServer((socket: Socket) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.length < TGTADM_HEADER_SIZE || buffer.length < buffer.readUInt32LE(72)) return;
      recorder.received.push(buffer);
      const answer = Buffer.alloc(8);
      answer.writeUInt32LE(recorder.answers.shift() ?? 0, 0);
      answer.writeUInt32LE(8, 4);
      socket.end(answer);
    });
    socket.on('error', () => undefined);
  });
  // tgtadm connects to "$TGT_IPC_SOCKET.<control port>".
  await new Promise<void>((resolve) => server.listen(join(dir, 'socket.0'), resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

function run(command: string, args: readonly string[], stdin?: Buffer): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, TGT_IPC_SOCKET: join(dir, 'socket') } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

async function whatTgtadmSends(args: readonly string[]): Promise<Buffer> {
  recorder.received.length = 0;
  const result = await run('tgtadm', args);
  expect(result.code, result.stderr).toBe(0);
  expect(recorder.received).toHaveLength(1);
  return recorder.received[0] as Buffer;
}

describe('tgtadm requests', () => {
  it('encodes "account new" exactly as tgtadm does, password included', async () => {
    const sent = await whatTgtadmSends(['--lld', 'iscsi', '--mode', 'account', '--op', 'new', '--user', 'alice', '--password', 'p4ss,word=%x']);
    expect(accountNewRequest('alice', 'p4ss,word=%x').equals(sent)).toBe(true);
    expect(sent.length).toBe(TGTADM_HEADER_SIZE + 'user=alice,password=p4ss,word=%x'.length + 1);
  });

  it('encodes "account show" (the probe) exactly as tgtadm does', async () => {
    const sent = await whatTgtadmSends(['--lld', 'iscsi', '--mode', 'account', '--op', 'show']);
    expect(accountShowRequest().equals(sent)).toBe(true);
  });

  it('encodes other requests as tgtadm does too (the header layout is general)', async () => {
    const sent = await whatTgtadmSends(['--lld', 'iscsi', '--mode', 'target', '--op', 'new', '--tid', '42', '--targetname', 'iqn.2024-01.dev.x:y']);
    expect(
      encodeTgtadmRequest({ mode: TgtMode.target, op: TgtOp.new, lld: 'iscsi', tid: 42, params: [['targetname', 'iqn.2024-01.dev.x:y']] }).equals(sent),
    ).toBe(true);
    const forced = await whatTgtadmSends(['--lld', 'iscsi', '--mode', 'target', '--op', 'delete', '--force', '--tid', '7']);
    expect(encodeTgtadmRequest({ mode: TgtMode.target, op: TgtOp.delete, lld: 'iscsi', tid: 7, force: true }).equals(forced)).toBe(true);
  });

  it('names the error codes of tgt 1.0.85', () => {
    expect(tgtadmErrorText(14)).toBe('this account already exists');
    expect(tgtadmErrorText(19)).toBe('this target is still active');
    expect(tgtadmErrorText(99)).toBe('tgtd error code 99');
  });
});

describe('the relay (perl, as run on the storage server)', () => {
  const relay = (stdin: Buffer): Promise<{ code: number; stdout: string; stderr: string }> => run('perl', ['-e', RELAY_SCRIPT, join(dir, 'socket.0')], stdin);

  it('sends each request on its own connection, in order, and reports each answer', async () => {
    recorder.received.length = 0;
    recorder.answers = [0, 0];
    const probe = accountShowRequest();
    const request = accountNewRequest('bob', 'secretsecret1');
    const result = await relay(Buffer.concat([probe, request]));
    expect(result.code, result.stderr).toBe(0);
    expect(parseRelayOutput(result.stdout).errors).toEqual([0, 0]);
    expect(recorder.received).toHaveLength(2);
    expect(recorder.received[0]?.equals(probe)).toBe(true);
    expect(recorder.received[1]?.equals(request)).toBe(true);
  });

  it('stops at the first refusal: a refused probe means the password is never sent', async () => {
    recorder.received.length = 0;
    recorder.answers = [17];
    const result = await relay(Buffer.concat([accountShowRequest(), accountNewRequest('bob', 'secretsecret1')]));
    expect(result.code).toBe(3);
    expect(parseRelayOutput(result.stdout).errors).toEqual([17]);
    expect(recorder.received).toHaveLength(1);
    expect(recorder.received[0]?.includes(Buffer.from('secretsecret1'))).toBe(false);
  });

  it('reports a refusal of the real request with its code', async () => {
    recorder.received.length = 0;
    recorder.answers = [0, 14];
    const result = await relay(Buffer.concat([accountShowRequest(), accountNewRequest('bob', 'secretsecret1')]));
    expect(result.code).toBe(3);
    expect(parseRelayOutput(result.stdout).errors).toEqual([0, 14]);
  });

  it('fails cleanly when tgtd is not there, and on malformed input', async () => {
    const missing = await run('perl', ['-e', RELAY_SCRIPT, join(dir, 'no-such-socket')], accountShowRequest());
    expect(missing.code).not.toBe(0);
    expect(missing.code).not.toBe(3);
    expect(missing.stderr).toContain('cannot connect to tgtd');
    const truncated = await relay(accountShowRequest().subarray(0, 50));
    expect(truncated.code).not.toBe(0);
    expect(truncated.stderr).toContain('truncated request');
  });
});

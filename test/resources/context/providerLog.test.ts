// The provider's lines in Terraform's log: the hclog JSON go-plugin parses (a line it cannot parse reaches
// the log as raw text at DEBUG, whatever its level), and the remote-command, SSH connection and inventory
// logs that TF_LOG turns on (bench-vm.mjs --timeline reads them).
import { describe, expect, it, vi } from 'vitest';
import { hclogJson, inventoryLog, remoteCommandLog, sshConnectLog } from '../../../lib/resources/context/index.js';

// go-plugin's layout for @timestamp, "2006-01-02T15:04:05.000000Z07:00": exactly six fractional digits.
const GO_PLUGIN_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;

describe('hclogJson', () => {
  it('writes a line go-plugin parses: level, message, a timestamp in its layout, the fields as keys', () => {
    const line = JSON.parse(hclogJson('info', 'image debian: copied', { host: 'kvm1', ran_ms: 12 }, new Date('2026-12-06T13:14:13.231Z'))) as Record<
      string,
      unknown
    >;
    expect(line).toEqual({
      '@level': 'info',
      '@message': 'virtplane: image debian: copied',
      '@timestamp': '2026-12-06T13:14:13.231000Z',
      host: 'kvm1',
      ran_ms: 12,
    });
    expect(line['@timestamp']).toMatch(GO_PLUGIN_TIMESTAMP);
  });
});

describe('remoteCommandLog', () => {
  const ended = { host: 'kvm1', argv: ['virsh', 'start', '--domain', 'web'], waitedMs: 3.4, ranMs: 250.6, exitCode: 0 };

  it('is off unless the provider log is at DEBUG or TRACE', () => {
    expect(remoteCommandLog({})).toBeUndefined();
    expect(remoteCommandLog({ TF_LOG: 'INFO' })).toBeUndefined();
    expect(remoteCommandLog({ TF_LOG: 'DEBUG', TF_LOG_PROVIDER: 'WARN' })).toBeUndefined();
    expect(remoteCommandLog({ TF_LOG_PROVIDER: 'trace' })).toBeDefined();
    expect(remoteCommandLog({ TF_LOG: 'debug' })).toBeDefined();
  });

  it('logs each command as one debug line: host, the quoted command line, times rounded, the exit code', () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      remoteCommandLog({ TF_LOG_PROVIDER: 'DEBUG' })!(ended);
      remoteCommandLog({ TF_LOG_PROVIDER: 'DEBUG' })!({ ...ended, argv: ['sh', '-c', 'x'.repeat(400)], exitCode: undefined });
    } finally {
      spy.mockRestore();
    }
    const [first, second] = written.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toMatchObject({
      '@level': 'debug',
      '@message': 'virtplane: ran on kvm1: virsh start --domain web',
      host: 'kvm1',
      program: 'virsh',
      waited_ms: 3,
      ran_ms: 251,
      exit_code: 0,
    });
    expect(second!['@message']).toMatch(/\.\.\. \(\d+ characters\)$/);
    expect(String(second!['@message']).length).toBeLessThan(400);
    expect(second!.exit_code).toBe('none');
  });
});

describe('sshConnectLog and inventoryLog', () => {
  it('are off unless the provider log is at DEBUG or TRACE, and then write one debug line each', () => {
    expect(sshConnectLog({ TF_LOG: 'INFO' })).toBeUndefined();
    expect(inventoryLog({ TF_LOG: 'INFO' })).toBeUndefined();
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      sshConnectLog({ TF_LOG: 'TRACE' })!({ host: 'kvm2', connectMs: 211.7 });
      inventoryLog({ TF_LOG_PROVIDER: 'DEBUG' })!('opened', { open_ms: 18 });
    } finally {
      spy.mockRestore();
    }
    const [connected, opened] = written.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(connected).toMatchObject({ '@level': 'debug', '@message': 'virtplane: connected to kvm2 in 212 ms', host: 'kvm2', connect_ms: 212 });
    expect(opened).toMatchObject({ '@level': 'debug', '@message': 'virtplane: inventory opened', open_ms: 18 });
  });
});

/**
 * The backends' failure descriptions as Terraform diagnostics: the heading, the caller's attribute
 * paths, the pass-through of what is worded already, and undefined for what no backend knows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChapAccountConflictError, ForeignTargetError, TargetExistsError } from '../../../lib/backends/iscsi/index.js';
import { classifyVirshFailure } from '../../../lib/backends/libvirt/index.js';
import { SshAuthenticationError, SshPool, SshUnreachableError } from '../../../lib/backends/ssh/index.js';
import { DiagnosticError, DiagnosticsError, OperationCancelledError, PartialApplyError } from '../../../lib/framework/index.js';
import {
  hostDiagnostic,
  onHost,
  onStorageServer,
  type ServerAttributes,
  sshDiagnostic,
  storageServerDiagnostic,
  TARGET_ATTRIBUTES,
} from '../../../lib/resources/shared/index.js';
import { CLOSED_PORT, generateKeyPair, startSshd, type RunningSshd } from '../../support/sshd.js';

let sshd: RunningSshd;
let pool: SshPool;
/** Real failures: a closed port, and a host whose key is not the pinned one. */
let refused: unknown;
let mismatch: unknown;
const IQN = 'iqn.2024-01.dev.virtplane.test:ours';
const KVM1 = { name: 'kvm1', address: '127.0.0.1', port: 22, hostKey: null };

beforeAll(async () => {
  const [started, stranger] = await Promise.all([startSshd(), generateKeyPair('not-the-host')]);
  sshd = started;
  pool = new SshPool({ readyTimeoutMs: 5_000 });
  refused = await pool.exec(sshd.endpoint({ name: 'kvm1', port: CLOSED_PORT, hostKey: { pinned: sshd.hostKey } }), ['true']).catch((e: unknown) => e);
  mismatch = await pool.exec(sshd.endpoint({ name: 'kvm1', hostKey: { pinned: stranger.publicKey } }), ['true']).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(SshUnreachableError);
});

afterAll(async () => {
  await pool?.close();
  await sshd?.stop();
});

const login = new SshAuthenticationError(
  'kvm1',
  'root',
  'kvm1 (10.0.0.5:22) did not accept our SSH key for user root: All configured authentication methods failed.',
);

describe('sshDiagnostic (the host resource)', () => {
  it('puts an unreachable host on address, a refused key on host_key, a refused login on no attribute', () => {
    const unreachable = sshDiagnostic(refused, KVM1);
    expect(unreachable).toBeInstanceOf(DiagnosticError);
    expect(unreachable?.summary).toBe('Host unreachable');
    expect(unreachable?.path).toEqual(['address']);
    expect(unreachable?.detail).toBe(
      `Unreachable: connection refused (no sshd listening?). Check that 127.0.0.1:${CLOSED_PORT} is the address and SSH port of kvm1, and that the host is up with sshd running.`,
    );
    expect(unreachable?.cause).toBe(refused);

    const key = sshDiagnostic(mismatch, KVM1);
    expect(key?.summary).toBe('Host key not accepted');
    expect(key?.path).toEqual(['host_key']);
    expect(key?.detail).toMatch(/^Host key mismatch: offered SHA256:\S+, expected SHA256:\S+\. If kvm1 was reinstalled on purpose/);

    const refusedLogin = sshDiagnostic(login, KVM1);
    expect(refusedLogin?.summary).toBe('SSH login refused');
    expect(refusedLogin?.path).toBeUndefined();
    expect(refusedLogin?.detail).toContain("The provider's ssh_user and key (ssh_private_key_file or ssh_private_key) must be allowed to log in to kvm1.");
  });

  it('passes a DiagnosticError through, and gives undefined for the other diagnostics and for unknown errors', () => {
    const already = new DiagnosticError('Host key not pinned', 'set host_key on kvm1', ['host_key']);
    expect(sshDiagnostic(already, KVM1)).toBe(already);
    for (const error of [new DiagnosticsError([]), new PartialApplyError('half', {}), new OperationCancelledError(), new Error('boom'), undefined]) {
      expect(sshDiagnostic(error, KVM1)).toBeUndefined();
    }
    // libvirt is not sshDiagnostic's.
    expect(sshDiagnostic(classifyVirshFailure('kvm1', ['list'], 'error: failed to connect to the hypervisor'), KVM1)).toBeUndefined();
  });
});

describe('storageServerDiagnostic', () => {
  it('puts SSH failures on the server attributes, with the storage server headings', () => {
    const unreachable = storageServerDiagnostic(refused, '10.0.0.9', TARGET_ATTRIBUTES);
    expect(unreachable?.summary).toBe('Storage server unreachable');
    expect(unreachable?.path).toEqual(['server_address']);
    const key = storageServerDiagnostic(mismatch, '10.0.0.9', TARGET_ATTRIBUTES);
    expect(key?.summary).toBe('Storage server host key not accepted');
    expect(key?.path).toEqual(['server_host_key']);
    const refusedLogin = storageServerDiagnostic(login, '10.0.0.9', TARGET_ATTRIBUTES);
    expect(refusedLogin?.summary).toBe('SSH login to the storage server refused');
    expect(refusedLogin?.path).toBeUndefined();
    expect(refusedLogin?.detail).toContain('must be allowed to log in to 10.0.0.9.');
  });

  it('puts iSCSI refusals on iqn, chap_username...; adds terraform import for a target managed already', () => {
    const foreign = storageServerDiagnostic(new ForeignTargetError('storage', IQN, 7, 'create it'), '10.0.0.9', TARGET_ATTRIBUTES);
    expect(foreign?.summary).toBe('Target name already used');
    expect(foreign?.path).toEqual(['iqn']);
    expect(foreign?.detail).toContain('was not created by virtplane');
    const chap = storageServerDiagnostic(new ChapAccountConflictError('storage', 'u', `target ${IQN}`), '10.0.0.9', TARGET_ATTRIBUTES);
    expect(chap?.path).toEqual(['chap_username']);
    const exists = storageServerDiagnostic(new TargetExistsError('storage', IQN), '10.0.0.9', TARGET_ATTRIBUTES);
    expect(exists?.summary).toBe('Target already managed');
    expect(exists?.detail).toMatch(/ To manage it from this configuration, import it \(terraform import\)\.$/);
  });

  it("uses the caller's paths, and none where the caller has no such attribute", () => {
    const paths: ServerAttributes = { address: ['storage_domain_id'], hostKey: ['storage_domain_id'], iqn: ['storage_domain_id'] };
    expect(storageServerDiagnostic(refused, 's', paths)?.path).toEqual(['storage_domain_id']);
    expect(storageServerDiagnostic(new ChapAccountConflictError('storage', 'u', 'x'), 's', paths)?.path).toBeUndefined();
  });

  it("moves the provider's missing-pin diagnostic onto the server's host key", () => {
    const missingPin = new DiagnosticError('Host key not pinned', 'Host keys are always verified: set host_key on 10.0.0.9 (its key).', ['host_key']);
    const moved = storageServerDiagnostic(missingPin, '10.0.0.9', TARGET_ATTRIBUTES);
    expect(moved?.path).toEqual(['server_host_key']);
    expect(moved?.detail).toBe('Host keys are always verified: set server_host_key for 10.0.0.9 (its key).');
  });
});

describe('hostDiagnostic (hosts of a data center)', () => {
  it("names the host, says what was being done, and uses the caller's path", () => {
    const unreachable = hostDiagnostic(refused, 'kvm1', 'creating network n1', ['name']);
    expect(unreachable?.summary).toBe('Host unreachable (kvm1)');
    expect(unreachable?.path).toEqual(['name']);
    expect(unreachable?.detail).toMatch(/^Creating network n1 on kvm1: unreachable: connection refused \(no sshd listening\?\)\. /);
    expect(unreachable?.detail).toContain(
      'Every host of the data center must be reachable to change what it carries; bring kvm1 back, or remove it from the data center.',
    );

    const key = hostDiagnostic(mismatch, 'kvm1', 'reading the host');
    expect(key?.summary).toBe('Host key not accepted (kvm1)');
    expect(key?.path).toBeUndefined();
    expect(key?.detail).toMatch(/Fix the host's host_key \(virtplane_host\)\.$/);

    const libvirt = hostDiagnostic(classifyVirshFailure('kvm1', ['net-define'], 'error: failed to connect to the hypervisor'), 'kvm1', 'creating network n1', [
      'name',
    ]);
    expect(libvirt?.summary).toBe('libvirt not answering (kvm1)');
    expect(libvirt?.detail).toMatch(/^Creating network n1 on kvm1: libvirt down: failed to connect to the hypervisor\. Start libvirtd/);
  });

  it('gives undefined for what no backend knows', () => {
    expect(hostDiagnostic(new Error('boom'), 'kvm1', 'x')).toBeUndefined();
    expect(hostDiagnostic(new ForeignTargetError('storage', IQN, 7, 'x'), 'kvm1', 'x')).toBeUndefined();
  });
});

describe('onHost and onStorageServer', () => {
  it('throw the diagnostic for a failure a backend knows', async () => {
    await expect(onHost('kvm1', 'reading the host', () => Promise.reject(refused))).rejects.toMatchObject({ summary: 'Host unreachable (kvm1)' });
    await expect(onStorageServer('s', TARGET_ATTRIBUTES, () => Promise.reject(mismatch))).rejects.toMatchObject({ path: ['server_host_key'] });
  });

  it('rethrow everything else as it is', async () => {
    for (const error of [new Error('boom'), new PartialApplyError('half', { id: 'x' }), new DiagnosticsError([]), new OperationCancelledError()]) {
      await expect(onHost('kvm1', 'x', () => Promise.reject(error))).rejects.toBe(error);
      await expect(onStorageServer('s', TARGET_ATTRIBUTES, () => Promise.reject(error))).rejects.toBe(error);
    }
    expect(await onHost('kvm1', 'x', () => Promise.resolve(42))).toBe(42);
  });
});

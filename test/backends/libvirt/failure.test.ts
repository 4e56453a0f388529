/**
 * describeLibvirtFailure against real virsh failures: virsh on this machine, reached over SSH through
 * a real sshd (as on a host), talking to libvirt's in-process test driver (test:///default) or to a
 * libvirtd socket that does not exist. No lab, no libvirtd needed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyVirshFailure,
  describeLibvirtFailure,
  LibvirtModelError,
  LibvirtOperationError,
  LibvirtXmlParseError,
  parseDomainXml,
  sshLibvirtHost,
  validateObjectName,
  virsh,
  VirshError,
  type LibvirtFailure,
  type LibvirtHost,
} from '../../../lib/backends/libvirt/index.js';
import { describeSshFailure, SshPool, SshUnreachableError } from '../../../lib/backends/ssh/index.js';
import { startSshd, type RunningSshd } from '../../support/sshd.js';

let sshd: RunningSshd;
let pool: SshPool;
/** libvirt's test driver: one running domain "test"; nothing persists between virsh runs. */
let testDriver: LibvirtHost;
/** A libvirt URI whose daemon is not there. */
let noDaemon: LibvirtHost;

beforeAll(async () => {
  sshd = await startSshd();
  pool = new SshPool();
  testDriver = sshLibvirtHost(pool, sshd.endpoint({ name: 'kvm1' }), { uri: 'test:///default' });
  noDaemon = sshLibvirtHost(pool, sshd.endpoint({ name: 'kvm1' }), { uri: 'qemu+unix:///system?socket=/nonexistent/libvirt-sock' });
});

afterAll(async () => {
  await pool?.close();
  await sshd?.stop();
});

async function failureOf(run: Promise<unknown>): Promise<unknown> {
  return run.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

function described(error: unknown): LibvirtFailure {
  const failure = describeLibvirtFailure(error);
  if (failure === undefined) throw new Error(`not described: ${String(error)}`);
  return failure;
}

describe('describeLibvirtFailure on real virsh failures', () => {
  it('libvirtd not answering: libvirt down, with what virsh said, and how to start it', async () => {
    const error = await failureOf(virsh(noDaemon, ['list', '--all']));
    expect(error).toBeInstanceOf(VirshError);
    const failure = described(error);
    expect(failure.kind).toBe('connection');
    expect(failure.setting).toBeUndefined();
    expect(failure.cause).toBe(
      "libvirt down: failed to connect to the hypervisor; Failed to connect socket to '/nonexistent/libvirt-sock': No such file or directory",
    );
    expect(failure.remedy).toContain('systemctl start libvirtd');
  });

  it('a network that does not exist: network not found', async () => {
    const failure = described(await failureOf(virsh(testDriver, ['net-info', 'vp-nosuch'])));
    expect(failure.kind).toBe('not-found');
    expect(failure.cause).toBe("network not found: failed to get network 'vp-nosuch'; Network not found: no network with matching name 'vp-nosuch'");
    expect(failure.setting).toBeUndefined();
  });

  it('starting a running domain: libvirt refused, because of its state', async () => {
    const failure = described(await failureOf(virsh(testDriver, ['start', 'test'])));
    expect(failure).toMatchObject({ kind: 'invalid-state', cause: 'libvirt refused: Domain is already active', setting: undefined });
  });

  it('a definition libvirt rejects: the value it names, to change in the definition', async () => {
    const xml = '<domain type="test"><name>vp-bad</name><memory>abc</memory><os><type>hvm</type></os></domain>';
    const failure = described(await failureOf(virsh(testDriver, ['define', '/dev/stdin'], { stdin: xml })));
    expect(failure).toMatchObject({
      kind: 'rejected',
      cause: "libvirt rejected the definition: Failed to define domain from /dev/stdin; XML error: Invalid value 'abc' for element or attribute './memory[1]'",
      setting: 'definition',
    });
  });

  it('keeps only virsh\'s "error:" lines, not the excerpt of the document it printed', async () => {
    const failure = described(await failureOf(virsh(testDriver, ['define', '/dev/stdin'], { stdin: '' })));
    expect(failure.cause).toBe('libvirt rejected the definition: Failed to define domain from /dev/stdin; (domain_definition):1: Document is empty');
  });
});

describe("describeLibvirtFailure on the backend's other failures", () => {
  it('a state change lock held by another job: libvirt busy, retry', () => {
    const error = classifyVirshFailure(
      'kvm1',
      ['shutdown', 'vm1'],
      'error: Failed to shutdown domain vm1\nerror: Timed out during operation: cannot acquire state change lock (held by monitor=remoteDispatchDomainCreate)\n',
    );
    expect(described(error)).toMatchObject({ kind: 'busy', setting: undefined });
    expect(described(error).cause).toMatch(/^libvirt busy: Failed to shutdown domain vm1; Timed out during operation: cannot acquire state change lock/);
    expect(described(error).remedy).toContain('retry');
  });

  it('an error virsh prints that nothing else matches: libvirt error', () => {
    const error = classifyVirshFailure('kvm1', ['start', 'vm1'], 'error: internal error: process exited while connecting to monitor\n');
    expect(described(error)).toMatchObject({ kind: 'failed', cause: 'libvirt error: internal error: process exited while connecting to monitor' });
  });

  it("virtplane's own refusal: refused, without the host name repeated", () => {
    const error = new LibvirtOperationError('kvm1', 'domain vm1 is running: libvirt renames only a stopped domain');
    expect(described(error)).toMatchObject({
      kind: 'refused',
      cause: 'refused: domain vm1 is running: libvirt renames only a stopped domain',
      setting: undefined,
    });
  });

  it('a model virtplane will not send: invalid definition, naming the field', () => {
    let error: unknown;
    try {
      validateObjectName('42');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LibvirtModelError);
    expect(described(error)).toMatchObject({
      kind: 'invalid-definition',
      cause: 'invalid definition: name: cannot be a number: virsh would read it as a domain ID',
      setting: 'definition',
    });
  });

  it('XML libvirt answered that virtplane cannot read: unreadable XML', () => {
    let error: unknown;
    try {
      parseDomainXml('<network><name>n</name></network>');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LibvirtXmlParseError);
    expect(described(error).kind).toBe('unreadable-xml');
    expect(described(error).cause).toMatch(/^unreadable XML from libvirt: /);
  });

  it('leaves SSH failures to the SSH backend, and anything else alone', () => {
    const unreachable = new SshUnreachableError('kvm1', '10.0.0.5:22', 'kvm1 (10.0.0.5:22) is unreachable: no route to host', { reason: 'no route to host' });
    expect(describeLibvirtFailure(unreachable)).toBeUndefined();
    expect(describeSshFailure(unreachable)?.cause).toBe('unreachable: no route to host');
    for (const error of [new Error('virsh failed'), 'text', undefined]) expect(describeLibvirtFailure(error)).toBeUndefined();
  });
});

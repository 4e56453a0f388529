/**
 * Failures of the storage server (SSH, tgt) and of the hosts (SSH, libvirt) as diagnostics on the
 * attribute the user would change. What failed, why and what to do are the backends' descriptions
 * (describeSshFailure, describeLibvirtFailure, describeIscsiFailure); here they only get a heading,
 * the caller's attribute paths, and what a Terraform user changes (provider block, virtplane_host).
 *
 * Each mapper returns a DiagnosticError, or undefined for an error it does not recognise: callers
 * throw `mapper(error) ?? error`. A DiagnosticError passes through (a DiagnosticsError,
 * PartialApplyError or OperationCancelledError gives undefined: already worded, it is thrown as it is).
 */
import { describeIscsiFailure } from '../../backends/iscsi/index.js';
import { describeLibvirtFailure, type LibvirtFailureKind } from '../../backends/libvirt/index.js';
import { NfsError } from '../../backends/nfs/index.js';
import { describeSshFailure, type FailureDescription, type SshFailureKind } from '../../backends/ssh/index.js';
import { DiagnosticError, DiagnosticsError, OperationCancelledError, PartialApplyError, type AttributePath } from '../../framework/index.js';

/** Attribute names of the resource that configures the storage server's connection and target. */
export interface ServerAttributes {
  readonly address: AttributePath;
  readonly hostKey: AttributePath;
  readonly iqn: AttributePath;
  readonly chapUsername?: AttributePath;
  readonly luns?: AttributePath;
}

export const TARGET_ATTRIBUTES: ServerAttributes = {
  address: ['server_address'],
  hostKey: ['server_host_key'],
  iqn: ['iqn'],
  chapUsername: ['chap_username'],
  luns: ['lun'],
};

type IscsiFailureKind = NonNullable<ReturnType<typeof describeIscsiFailure>>['kind'];
type Failure = FailureDescription<string, string>;

/** Headings, as the host resource shows them (the host is the resource itself). */
const SSH_TITLES: Readonly<Record<SshFailureKind, string>> = {
  'host-key': 'Host key not accepted',
  unreachable: 'Host unreachable',
  login: 'SSH login refused',
  timeout: 'Host not answering',
  'command-failed': 'Command failed on the host',
  cancelled: 'Operation cancelled',
  configuration: 'Cannot connect to the host',
};

const STORAGE_SERVER_SSH_TITLES: Readonly<Record<SshFailureKind, string>> = {
  'host-key': 'Storage server host key not accepted',
  unreachable: 'Storage server unreachable',
  login: 'SSH login to the storage server refused',
  timeout: 'Storage server not answering',
  'command-failed': 'Command failed on the storage server',
  cancelled: 'Operation cancelled',
  configuration: 'Cannot connect to the storage server',
};

const LIBVIRT_TITLES: Readonly<Record<LibvirtFailureKind, string>> = {
  connection: 'libvirt not answering',
  busy: 'libvirt busy',
  'not-found': 'Not found in libvirt',
  'invalid-state': 'libvirt refused',
  rejected: 'libvirt rejected the definition',
  failed: 'libvirt failed',
  refused: 'libvirt operation refused',
  'invalid-definition': 'Invalid libvirt definition',
  'unreadable-xml': 'Unreadable libvirt XML',
};

const ISCSI_TITLES: Readonly<Record<IscsiFailureKind, string>> = {
  'invalid-setting': 'Invalid iSCSI setting',
  'foreign-target': 'Target name already used',
  'replaced-target': 'Target name already used',
  'target-exists': 'Target already managed',
  'target-not-found': 'Target not found',
  'target-busy': 'Target in use',
  'shrink-refused': 'A LUN never shrinks',
  'no-free-tid': 'No free target id',
  'backing-store': 'Cannot use the LUN backing store',
  'chap-user-taken': 'CHAP user already used',
  'tgtd-down': 'tgtd not answering',
  'tgt-config': "Cannot use virtplane's tgt configuration",
  'tgt-output': "Cannot read tgtd's answer",
  'step-failed': 'iSCSI operation failed',
};

/** Worded already: a DiagnosticError is returned as it is, the others give undefined. */
function isPassThrough(error: unknown): boolean {
  return (
    error instanceof DiagnosticError || error instanceof DiagnosticsError || error instanceof PartialApplyError || error instanceof OperationCancelledError
  );
}

function passedThrough(error: unknown): DiagnosticError | undefined {
  return error instanceof DiagnosticError ? error : undefined;
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "<cause>. <remedy>", plus what the Terraform user changes when it is the provider's login. */
function detailOf(failure: Failure, host: string): string {
  const login =
    failure.setting === 'credentials' ? ` The provider's ssh_user and key (ssh_private_key_file or ssh_private_key) must be allowed to log in to ${host}.` : '';
  return `${sentence(failure.cause)} ${failure.remedy}${login}`;
}

/** A failure talking to the storage server, or a refusal of the iSCSI backend, on the attribute to change. */
export function storageServerDiagnostic(error: unknown, server: string, at: ServerAttributes): DiagnosticError | undefined {
  if (isPassThrough(error)) {
    // endpointFor reports a missing pin on "host_key": here it is the server's.
    if (error instanceof DiagnosticError && error.path?.[0] === 'host_key') {
      return new DiagnosticError(error.summary, error.detail.replace('set host_key on', 'set server_host_key for'), at.hostKey, { cause: error });
    }
    return passedThrough(error);
  }
  const described = describedForStorageServer(error);
  if (described === undefined) return undefined;
  const { failure, title } = described;
  const adopt = failure.kind === 'target-exists' ? ' To manage it from this configuration, import it (terraform import).' : '';
  return new DiagnosticError(title, capitalized(detailOf(failure, server)) + adopt, serverPath(failure.setting, at), { cause: error });
}

interface Titled {
  readonly failure: Failure;
  readonly title: string;
}

function describedForStorageServer(error: unknown): Titled | undefined {
  const ssh = describeSshFailure(error);
  if (ssh !== undefined) return { failure: ssh, title: STORAGE_SERVER_SSH_TITLES[ssh.kind] };
  const iscsi = describeIscsiFailure(error);
  return iscsi === undefined ? undefined : { failure: iscsi, title: ISCSI_TITLES[iscsi.kind] };
}

function describedForHost(error: unknown): Titled | undefined {
  const ssh = describeSshFailure(error);
  if (ssh !== undefined) return { failure: ssh, title: SSH_TITLES[ssh.kind] };
  const libvirt = describeLibvirtFailure(error);
  return libvirt === undefined ? undefined : { failure: libvirt, title: LIBVIRT_TITLES[libvirt.kind] };
}

function serverPath(setting: string | undefined, at: ServerAttributes): AttributePath | undefined {
  switch (setting) {
    case 'address':
      return at.address;
    case 'hostKey':
      return at.hostKey;
    case 'iqn':
      return at.iqn;
    case 'chapUsername':
      return at.chapUsername;
    case 'luns':
      return at.luns;
    default:
      return undefined;
  }
}

/** Runs a step against the storage server, turning its failures into diagnostics. */
export async function onStorageServer<T>(server: string, at: ServerAttributes, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw storageServerDiagnostic(error, server, at) ?? error;
  }
}

/**
 * A failure on a hypervisor of the data center (SSH or libvirt), naming the host, on `path` (the
 * attribute of the caller's resource the step was for).
 */
export function hostDiagnostic(error: unknown, host: string, doing: string, path?: AttributePath): DiagnosticError | undefined {
  if (isPassThrough(error)) return passedThrough(error);
  if (error instanceof NfsError) {
    const unreachable = error.kind === 'unreachable';
    return new DiagnosticError(
      unreachable ? `NFS export unreachable (${host})` : `NFS operation failed (${host})`,
      `${capitalized(doing)} on ${host}: ${error.message}.${unreachable ? ` Check that the server exports this path to ${host} (read-write, root not squashed) and answers NFSv3 over TCP (rpcbind, mountd, nfsd).` : ''}`,
      path,
      { cause: error },
    );
  }
  const described = describedForHost(error);
  if (described === undefined) return undefined;
  const { failure, title } = described;
  let context = '';
  if (failure.setting === 'hostKey') context = " Fix the host's host_key (virtplane_host).";
  if (failure.kind === 'unreachable' || failure.kind === 'timeout') {
    context = ` Every host of the data center must be reachable to change what it carries; bring ${host} back, or remove it from the data center.`;
  }
  return new DiagnosticError(`${title} (${host})`, `${capitalized(doing)} on ${host}: ${detailOf(failure, host)}${context}`, path, { cause: error });
}

export async function onHost<T>(host: string, doing: string, step: () => Promise<T>, path?: AttributePath): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw hostDiagnostic(error, host, doing, path) ?? error;
  }
}

export interface HostAddress {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly hostKey: string | null;
}

/** An SSH failure reaching a host, as a diagnostic on the host resource's attribute to change (address, host_key). */
export function sshDiagnostic(error: unknown, host: HostAddress): DiagnosticError | undefined {
  if (isPassThrough(error)) return passedThrough(error);
  const ssh = describeSshFailure(error);
  if (ssh === undefined) return undefined;
  const path = ssh.setting === 'address' ? ['address'] : ssh.setting === 'hostKey' ? ['host_key'] : undefined;
  return new DiagnosticError(SSH_TITLES[ssh.kind], capitalized(detailOf(ssh, host.name)), path, { cause: error });
}

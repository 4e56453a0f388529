/**
 * Failures of the storage server (SSH, tgt) and of the hosts (SSH, libvirt) as diagnostics on the
 * attribute the user would change, for the storage and network resources.
 */
import {
  BackingStoreError,
  ChapAccountConflictError,
  ForeignTargetError,
  IscsiError,
  IscsiValidationError,
  OwnershipMismatchError,
  ShrinkRefusedError,
  TargetBusyError,
  TargetExistsError,
  TgtdUnavailableError,
} from '../../backends/iscsi/index.js';
import { LibvirtModelError, LibvirtOperationError, VirshError } from '../../backends/libvirt/index.js';
import { HostKeyRefusedError, SshAuthenticationError, SshError, SshTimeoutError, SshUnreachableError } from '../../backends/ssh/index.js';
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

function isPassThrough(error: unknown): boolean {
  return (
    error instanceof DiagnosticError ||
    error instanceof DiagnosticsError ||
    error instanceof PartialApplyError ||
    error instanceof OperationCancelledError
  );
}

/** A failure talking to the storage server, or a refusal of the iSCSI backend. */
export function storageServerDiagnostic(error: unknown, server: string, at: ServerAttributes): unknown {
  if (isPassThrough(error)) {
    // endpointFor reports a missing pin on "host_key": here it is the server's.
    if (error instanceof DiagnosticError && error.path?.[0] === 'host_key') {
      return new DiagnosticError(error.summary, error.detail.replace('set host_key on', 'set server_host_key for'), at.hostKey, { cause: error });
    }
    return error;
  }
  if (error instanceof HostKeyRefusedError) {
    return new DiagnosticError(
      'Storage server host key not accepted',
      `${error.message}. If ${server} was reinstalled on purpose, set its new key (ssh-keyscan -t ed25519 ${server}); otherwise something else answers at this address.`,
      at.hostKey,
      { cause: error },
    );
  }
  if (error instanceof SshUnreachableError || error instanceof SshTimeoutError) {
    return new DiagnosticError('Storage server unreachable', `${error.message}. Check the address and port, and that sshd runs on ${server}.`, at.address, { cause: error });
  }
  if (error instanceof SshAuthenticationError) {
    return new DiagnosticError(
      'SSH login to the storage server refused',
      `${error.message}. The provider's ssh_user and key must be allowed to log in to ${server}.`,
      undefined,
      { cause: error },
    );
  }
  if (error instanceof SshError) return new DiagnosticError('Cannot reach the storage server', error.message, at.address, { cause: error });
  if (error instanceof ForeignTargetError || error instanceof OwnershipMismatchError) {
    return new DiagnosticError('Target name already used', error.message, at.iqn, { cause: error });
  }
  if (error instanceof TargetExistsError) {
    return new DiagnosticError('Target already managed', `${error.message} To manage it from this configuration, import it (terraform import).`, at.iqn, { cause: error });
  }
  if (error instanceof TgtdUnavailableError) return new DiagnosticError('tgtd not answering', error.message, at.address, { cause: error });
  if (error instanceof ChapAccountConflictError) return new DiagnosticError('CHAP user already used', error.message, at.chapUsername, { cause: error });
  if (error instanceof ShrinkRefusedError) return new DiagnosticError('A LUN never shrinks', error.message, at.luns, { cause: error });
  if (error instanceof BackingStoreError) return new DiagnosticError('Cannot use the LUN backing store', error.message, at.luns, { cause: error });
  if (error instanceof TargetBusyError) return new DiagnosticError('Target in use', error.message, undefined, { cause: error });
  if (error instanceof IscsiValidationError) return new DiagnosticError('Invalid iSCSI setting', error.message, undefined, { cause: error });
  if (error instanceof IscsiError) return new DiagnosticError('iSCSI operation failed', error.message, undefined, { cause: error });
  return error;
}

/** Runs a step against the storage server, turning its failures into diagnostics. */
export async function onStorageServer<T>(server: string, at: ServerAttributes, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw storageServerDiagnostic(error, server, at);
  }
}

/** A failure on a hypervisor of the data center (SSH or libvirt), naming the host. */
export function hostDiagnostic(error: unknown, host: string, doing: string, path?: AttributePath): unknown {
  if (isPassThrough(error)) return error;
  if (error instanceof HostKeyRefusedError) {
    return new DiagnosticError('Host key not accepted', `${doing} on ${host}: ${error.message}. Fix the host's host_key (virtplane_host).`, path, { cause: error });
  }
  if (error instanceof SshError) {
    return new DiagnosticError(
      `Cannot reach host ${host}`,
      `${doing}: ${error.message}. Every host of the data center must be reachable to change what it carries; bring ${host} back, or remove it from the data center.`,
      path,
      { cause: error },
    );
  }
  if (error instanceof VirshError || error instanceof LibvirtOperationError || error instanceof LibvirtModelError) {
    return new DiagnosticError(`libvirt refused on ${host}`, `${doing}: ${error.message}`, path, { cause: error });
  }
  return error;
}

export async function onHost<T>(host: string, doing: string, step: () => Promise<T>, path?: AttributePath): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw hostDiagnostic(error, host, doing, path);
  }
}

export interface HostAddress {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly hostKey: string | null;
}

/** An SSH failure as a diagnostic on the attribute the user would change to fix it. */
export function sshDiagnostic(error: unknown, host: HostAddress): unknown {
  if (error instanceof HostKeyRefusedError) {
    return new DiagnosticError(
      'Host key not accepted',
      `${error.message}. If the host was reinstalled on purpose, set host_key to its new key (ssh-keyscan -t ed25519 ${host.address}); otherwise something else answers at this address.`,
      ['host_key'],
      { cause: error },
    );
  }
  if (error instanceof SshUnreachableError || error instanceof SshTimeoutError) {
    return new DiagnosticError('Host unreachable', `${error.message}. Check address and port, and that sshd runs on the host.`, ['address'], { cause: error });
  }
  if (error instanceof SshAuthenticationError) {
    return new DiagnosticError(
      'SSH login refused',
      `${error.message}. The provider's ssh_user and key (ssh_private_key_file or ssh_private_key) must be allowed to log in to ${host.name}.`,
      undefined,
      { cause: error },
    );
  }
  if (error instanceof SshError) return new DiagnosticError('Cannot reach the host', error.message, ['address'], { cause: error });
  return error;
}

/**
 * What a person does about a failure of the libvirt backend (virsh on a host, or a refusal of
 * virtplane's own before anything was sent): one short cause, a remedy, and the kind of setting that
 * fixes it. SSH failures underneath are the SSH backend's to describe (describeSshFailure).
 */
import type { FailureDescription } from '../ssh/index.js';
import { LibvirtModelError, LibvirtXmlParseError, LibvirtXmlSerializeError } from './errors.js';
import { LibvirtOperationError, VirshError, type VirshErrorKind } from './virshErrors.js';

/** - definition: what virtplane asks libvirt to define (the VM, network or pool settings). */
type LibvirtSetting = 'definition';

export type LibvirtFailureKind =
  /** From virsh: VirshError's kinds ('connection' is libvirtd not answering). */
  | VirshErrorKind
  /** virtplane stopped before asking libvirt: the object's state or the host's objects stand in the way. */
  | 'refused'
  /** A definition virtplane will not send (LibvirtModelError, or a value XML cannot carry). */
  | 'invalid-definition'
  /** libvirt answered with XML virtplane cannot read. */
  | 'unreadable-xml';

export type LibvirtFailure = FailureDescription<LibvirtFailureKind, LibvirtSetting>;

const VIRSH: Readonly<Record<VirshErrorKind, { readonly cause: string; readonly remedy: string; readonly setting?: LibvirtSetting }>> = {
  connection: {
    cause: 'libvirt down',
    remedy: 'Start libvirtd on the host (systemctl start libvirtd) and check that `virsh -c qemu:///system` works for the SSH user.',
  },
  busy: { cause: 'libvirt busy', remedy: 'Another libvirt job holds the object: retry when it has finished.' },
  'not-found': { cause: 'not found', remedy: 'It was removed outside virtplane: refresh, then create it again if it is still wanted.' },
  'invalid-state': {
    cause: 'libvirt refused',
    remedy: 'The object is not in a state that allows this (running, stopped, active...): change its state, then retry.',
  },
  rejected: {
    cause: 'libvirt rejected the definition',
    remedy: "Change the setting libvirt names (the host's libvirt or QEMU may not support it).",
    setting: 'definition',
  },
  failed: { cause: 'libvirt error', remedy: "The host's libvirtd log (journalctl -u libvirtd) says more." },
};

/** The failure described, or undefined when `error` is not one of the libvirt backend's. */
export function describeLibvirtFailure(error: unknown): LibvirtFailure | undefined {
  if (error instanceof VirshError) {
    const known = VIRSH[error.kind];
    const what = error.kind === 'not-found' ? `${error.objectType ?? 'object'} not found` : known.cause;
    return { kind: error.kind, cause: `${what}: ${oneLine(error.detail)}`, remedy: known.remedy, setting: known.setting };
  }
  if (error instanceof LibvirtOperationError) {
    return {
      kind: 'refused',
      cause: `refused: ${withoutHost(error.message, error.host)}`,
      remedy: 'Nothing was changed: remove what stands in the way, or change the setting, then retry.',
      setting: undefined,
    };
  }
  if (error instanceof LibvirtModelError || error instanceof LibvirtXmlSerializeError) {
    return {
      kind: 'invalid-definition',
      cause: `invalid definition: ${oneLine(error.message)}`,
      remedy: 'Change the value named: virtplane refuses it before anything reaches libvirt.',
      setting: 'definition',
    };
  }
  if (error instanceof LibvirtXmlParseError) {
    return {
      kind: 'unreadable-xml',
      cause: `unreadable XML from libvirt: ${oneLine(error.message)}`,
      remedy: "Check the object's XML on the host (virsh dumpxml): it was edited outside virtplane, or comes from a libvirt virtplane does not know.",
      setting: undefined,
    };
  }
  return undefined;
}

/**
 * virsh's stderr on one line: its "error: " lines without the prefix, joined with "; " (other lines,
 * such as the excerpt of a bad XML document, are left out when there are "error: " lines).
 */
function oneLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const errors = lines.filter((line) => /^error:/.test(line)).map((line) => line.replace(/^error:\s*/, ''));
  const kept = errors.length > 0 ? errors : lines;
  return kept.length === 0 ? '(no message)' : kept.join('; ');
}

function withoutHost(text: string, host: string): string {
  return text.startsWith(`${host}: `) ? text.slice(host.length + 2) : text;
}

/**
 * An HA VM's lease: the second guard against two running copies of a VM (the first is fencing).
 * libvirt's lock manager (lockd: virtlockd on every host) holds the lease while the VM's QEMU runs, as a
 * POSIX lock on a file in a directory all hosts of the cluster share; a start anywhere else fails with
 * "resource busy" while it is held, whatever a power controller said. lockd's automatic disk locks do
 * not cover network (iSCSI) disks, hence an explicit lease per VM.
 *
 * lockd takes a lease's lockspace as "<target path>/<lockspace>" and its key as the file name, and only
 * knows lockspaces it registered at start (its file_lockspace_dir): so the lease names the directory as
 * its parent plus its base name, and the key is the VM's UUID. lockd never creates a lease's file; the
 * host check below does, after making sure the host's libvirt really uses that directory (a host without
 * the lock manager would accept the lease and hold nothing).
 */
import { LibvirtOperationError } from './virshErrors.js';
import type { LibvirtHost } from './host.js';
import { childElements, childText, el, ensureChild, firstChild, parseDocument, removeChildren, textEl, type XmlElement } from './xml.js';

function splitDirectory(directory: string): { readonly parent: string; readonly lockspace: string } {
  const trimmed = directory.replace(/\/+$/, '');
  const cut = trimmed.lastIndexOf('/');
  return { parent: cut <= 0 ? '/' : trimmed.slice(0, cut), lockspace: trimmed.slice(cut + 1) };
}

function isLeaseOf(element: XmlElement, uuid: string): boolean {
  return element.name === 'lease' && (childText(element, 'key') ?? '').toLowerCase() === uuid.toLowerCase();
}

/**
 * Gives the domain `root` its HA lease in `directory`, replacing the one it had; null removes it. Only
 * the lease keyed by the domain's UUID is virtplane's: other leases stay as they are.
 */
export function applyHaLease(root: XmlElement, directory: string | null): void {
  const uuid = childText(root, 'uuid');
  if (uuid === undefined) return;
  const devices = ensureChild(root, 'devices');
  removeChildren(devices, (child) => isLeaseOf(child, uuid));
  if (directory === null) return;
  const { parent, lockspace } = splitDirectory(directory);
  devices.elements.push(el('lease', {}, [textEl('lockspace', lockspace), textEl('key', uuid.toLowerCase()), el('target', { path: parent })]));
}

/** The directory of the domain's HA lease (its `<lease>` keyed by its UUID), or null. */
export function haLeaseDirectoryOf(xml: string): string | null {
  const root = parseDocument(xml, 'domain');
  const uuid = childText(root, 'uuid');
  const devices = firstChild(root, 'devices');
  if (uuid === undefined || devices === undefined) return null;
  const lease = childElements(devices, 'lease').find((element) => isLeaseOf(element, uuid));
  const parent = lease === undefined ? undefined : firstChild(lease, 'target')?.attributes.path;
  const lockspace = lease === undefined ? undefined : childText(lease, 'lockspace');
  if (typeof parent !== 'string' || lockspace === undefined) return null;
  return `${parent.replace(/\/+$/, '')}/${lockspace}`;
}

/**
 * Checks that the host's libvirt holds leases in `directory` (lock_manager "lockd", that directory as
 * lockd's file_lockspace_dir, with auto_disk_leases on, which is what registers it) and makes the VM's
 * lease file there. One round trip; fails with what to fix.
 */
const PREPARE_LEASE_SCRIPT = `
set -eu
dir="$1"; key="$2"
conf=/etc/libvirt/qemu.conf; lockd=/etc/libvirt/qemu-lockd.conf
setting() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$2" 2>/dev/null | tail -n 1 | tr -d '"'; }
[ "$(setting lock_manager "$conf")" = lockd ] || { echo "libvirt's lock manager is not lockd on this host ($conf needs lock_manager = \\"lockd\\")" >&2; exit 3; }
[ "$(setting file_lockspace_dir "$lockd")" = "$dir" ] || { echo "$lockd's file_lockspace_dir is not $dir" >&2; exit 3; }
[ "$(setting auto_disk_leases "$lockd")" != 0 ] || { echo "$lockd has auto_disk_leases = 0: lockd then registers no lockspace" >&2; exit 3; }
[ -d "$dir" ] || { echo "$dir does not exist on this host (it must be storage all hosts of the cluster share)" >&2; exit 3; }
[ -e "$dir/$key" ] || : >> "$dir/$key"
`;

export async function prepareHaLease(host: LibvirtHost, directory: string, uuid: string): Promise<void> {
  const result = await host.script(PREPARE_LEASE_SCRIPT, [directory.replace(/\/+$/, ''), uuid.toLowerCase()], { allowExitCodes: [3] });
  if (result.exitCode === 3) {
    throw new LibvirtOperationError(
      host.name,
      `cannot hold the HA lease of VM ${uuid} in ${directory}: ${result.stderr.trim()}. See docs/ha.md, "The second guard".`,
    );
  }
}

/** Removes the VM's lease file (the VM is gone, or no longer HA): nothing of it stays on shared storage. */
export async function removeHaLease(host: LibvirtHost, directory: string, uuid: string): Promise<void> {
  await host.exec(['rm', '-f', '--', `${directory.replace(/\/+$/, '')}/${uuid.toLowerCase()}`]);
}

/**
 * Where virtplane keeps things on the storage server, and how it recognizes what it made.
 *
 * Ownership has two marks, because `tgt-admin --dump` and tgtd forget comments:
 * 1. /etc/tgt/conf.d/virtplane.conf is the source of truth: a target is virtplane's only when its IQN
 *    is listed there. tgt-admin reads that file when tgtd starts, so it is also what brings the
 *    targets back after a restart.
 * 2. Every LUN virtplane adds carries SCSI serial and SCSI id "vp" + 16 hex digits derived from the
 *    IQN and the LUN number (visible in `tgtadm --op show`). A target listed in the file whose running
 *    LUNs lack those serials was replaced by someone else and is not touched. The values are stable
 *    across tgtd restarts (tgt's defaults derive from the tid, which tgt-admin renumbers), so
 *    initiators' multipath keeps recognizing the disks.
 */
import { createHash } from 'node:crypto';

export const STATE_DIR = '/var/lib/virtplane/iscsi';
export const CONF_PATH = '/etc/tgt/conf.d/virtplane.conf';
export const TGTD_SOCKET = '/var/run/tgtd/socket.0';
/** Where the lock serializing writers of virtplane.conf lives (tmpfs: it never outlives a boot). */
export const LOCK_DIR = '/run/lock';
export const ISCSI_PORT = 3260;

/**
 * An address ACL no initiator can match (no TCP connection comes from 0.0.0.0). tgt admits an
 * initiator whose name OR address is allowed, and tgt-admin binds "ALL" addresses to every target
 * whose configuration has no initiator-address: a target restricted by initiator names alone would
 * be opened to everyone at the next restart. This entry prevents that, live and in the file alike.
 */
export const NO_ADDRESS_PLACEHOLDER = '0.0.0.0/32';
export const ALL_ADDRESSES = 'ALL';

export function managedDirOf(iqn: string): string {
  return `${STATE_DIR}/${iqn}`;
}

export function managedFileOf(iqn: string, lun: number): string {
  return `${managedDirOf(iqn)}/lun-${lun}.img`;
}

export function isInsideStateDir(path: string): boolean {
  return path === STATE_DIR || path.startsWith(`${STATE_DIR}/`);
}

/** True when `path` is the file virtplane creates for that LUN of that target. */
export function isManagedFileOf(iqn: string, lun: number, path: string): boolean {
  return path === managedFileOf(iqn, lun);
}

const SERIAL = /^vp[0-9a-f]{16}$/;

/** "vp" + 16 hex digits: fits tgt's SCSI id (24) and serial (36) fields. */
export function lunSerialOf(iqn: string, lun: number): string {
  return `vp${createHash('sha256').update(`${iqn}\n${lun}`).digest('hex').slice(0, 16)}`;
}

export function looksLikeVirtplaneSerial(value: string): boolean {
  return SERIAL.test(value);
}

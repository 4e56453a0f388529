/**
 * Storage pools virtplane defines, one per storage domain on each host:
 * - dir: a directory of image files (qcow2/raw volumes virtplane creates);
 * - iscsi-direct: the LUNs of one iSCSI target, reached by libvirt's user-space initiator (no kernel
 *   iSCSI on the host); each LUN is a volume named `unit:0:0:N`.
 */
import { checkPort, validateHostAddress, validateIqn } from './domainModel.js';
import { LibvirtModelError } from './errors.js';
import { validateOwner, type OwnerMetadata } from './metadata.js';
import { isUuid, validateObjectName } from './names.js';
import { isXmlSafe } from './xml.js';

interface PoolCommon {
  readonly name: string;
  /** Left to libvirt on create; kept on update. */
  readonly uuid?: string;
  readonly owner?: OwnerMetadata;
}

export interface DirPoolModel extends PoolCommon {
  readonly type: 'dir';
  readonly path: string;
}

export interface IscsiDirectPoolModel extends PoolCommon {
  readonly type: 'iscsi-direct';
  readonly host: string;
  readonly port: number;
  readonly targetIqn: string;
  /** Required by libvirt for iscsi-direct: the name the target's ACL must allow. */
  readonly initiatorIqn: string;
  /** CHAP: the password is in a libvirt secret (usage name), never in the pool XML. */
  readonly auth?: { readonly username: string; readonly secretUsage: string };
}

export type PoolModel = DirPoolModel | IscsiDirectPoolModel;
export type PoolType = PoolModel['type'];

/** What a pool reports besides its definition (from pool-dumpxml of a running pool). */
export interface PoolSizes {
  readonly capacityBytes: number;
  readonly allocationBytes: number;
  readonly availableBytes: number;
}

export function validatePool(model: PoolModel): void {
  validateObjectName(model.name);
  if (model.uuid !== undefined && !isUuid(model.uuid)) throw new LibvirtModelError('uuid', `"${model.uuid}" is not a UUID`);
  if (model.owner) validateOwner(model.owner);
  if (model.type === 'dir') {
    if (!model.path.startsWith('/')) throw new LibvirtModelError('path', 'must be an absolute path');
    if (!isXmlSafe(model.path)) throw new LibvirtModelError('path', 'contains a character XML cannot carry');
    return;
  }
  validateHostAddress(model.host, 'host');
  checkPort(model.port, 'port');
  validateIqn(model.targetIqn, 'targetIqn');
  validateIqn(model.initiatorIqn, 'initiatorIqn');
  if (model.auth && (!isXmlSafe(model.auth.username) || !isXmlSafe(model.auth.secretUsage))) {
    throw new LibvirtModelError('auth', 'contains a character XML cannot carry');
  }
}

/**
 * The argv of every change virtplane makes with tgtadm (never a shell line: the SSH pool quotes
 * each word). None carries a secret: CHAP accounts are created through tgtIpc.ts.
 */
import type { TgtAcl } from './acl.js';
import { GROW_FILE_SCRIPT } from './remoteScripts.js';

export type Argv = readonly string[];

const TGTADM = ['tgtadm', '--lld', 'iscsi'] as const;

export function newTarget(tid: number, iqn: string): Argv {
  return [...TGTADM, '--mode', 'target', '--op', 'new', '--tid', String(tid), '--targetname', iqn];
}

export function deleteTarget(tid: number, force: boolean): Argv {
  return [...TGTADM, '--mode', 'target', '--op', 'delete', ...(force ? ['--force'] : []), '--tid', String(tid)];
}

export function newLun(tid: number, lun: number, path: string): Argv {
  return [...TGTADM, '--mode', 'logicalunit', '--op', 'new', '--tid', String(tid), '--lun', String(lun), '--backing-store', path];
}

/** virtplane's marker, also a stable identity for initiators' multipath (see layout.ts). */
export function markLun(tid: number, lun: number, serial: string): Argv {
  return lunParams(tid, lun, `scsi_id=${serial},scsi_sn=${serial}`);
}

export function deleteLun(tid: number, lun: number): Argv {
  return [...TGTADM, '--mode', 'logicalunit', '--op', 'delete', '--tid', String(tid), '--lun', String(lun)];
}

/**
 * Makes tgtd reopen a LUN's backing store and so pick up its new size. tgtd (usr/target.c,
 * tgt_device_path_update) reopens only an offline LUN; both parameters go in one management request,
 * handled in one go: initiators stay logged in and the LUN keeps its number and serial. Initiators
 * see the new size when they next read the capacity (tgt raises no capacity-changed attention).
 */
export function reopenLun(tid: number, lun: number, path: string): Argv {
  return lunParams(tid, lun, `online=0,path=${path}`);
}

export function bindAcl(tid: number, acl: TgtAcl): Argv[] {
  return aclCommands('bind', tid, acl);
}

export function unbindAcl(tid: number, acl: TgtAcl): Argv[] {
  return aclCommands('unbind', tid, acl);
}

export function bindAccount(tid: number, username: string): Argv {
  return [...TGTADM, '--mode', 'account', '--op', 'bind', '--tid', String(tid), '--user', username];
}

/** Deleting an account also unbinds it from every target (usr/target.c, account_del). */
export function deleteAccount(username: string): Argv {
  return [...TGTADM, '--mode', 'account', '--op', 'delete', '--user', username];
}

export function growFile(path: string, bytes: number): Argv {
  return ['sh', '-c', GROW_FILE_SCRIPT, 'virtplane-grow', path, String(bytes)];
}

function lunParams(tid: number, lun: number, params: string): Argv {
  return [...TGTADM, '--mode', 'logicalunit', '--op', 'update', '--tid', String(tid), '--lun', String(lun), '--params', params];
}

function aclCommands(op: 'bind' | 'unbind', tid: number, acl: TgtAcl): Argv[] {
  return [
    ...acl.addresses.map((address) => [...TGTADM, '--mode', 'target', '--op', op, '--tid', String(tid), '--initiator-address', address]),
    ...acl.names.map((name) => [...TGTADM, '--mode', 'target', '--op', op, '--tid', String(tid), '--initiator-name', name]),
  ];
}

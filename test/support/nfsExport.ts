/**
 * The lab's NFS export as the NFS lab tests reach it: its URL, its listing as a host sees it over NFS (nfs-ls,
 * nothing mounted), and NFS cut off from one host. Each takes the test's own way to run a command on a host
 * (over SSH, or in the host's network namespace).
 */
import type { LabFile } from '../../lib/lab/labFile.js';

/** Runs an argv on one lab host and returns its stdout. */
export type OnLabHost = (argv: readonly string[]) => Promise<string>;

/** "nfs://STORAGE/EXPORT/": what QEMU and libnfs-utils open; fails when the lab serves no export. */
export function labExportUrl(lab: LabFile): string {
  if (lab.storage.nfsExport === undefined) throw new Error('the lab serves no NFS export (lab.json storage.nfsExport)');
  return `nfs://${lab.storage.address}${lab.storage.nfsExport}/`;
}

/** The names of the files at the top of the export, as the host lists them. */
export async function exportFiles(onHost: OnLabHost, exportUrl: string): Promise<string[]> {
  return (await onHost(['nfs-ls', exportUrl]))
    .split('\n')
    .map((line) => line.trim().split(/\s+/).pop() ?? '')
    .filter((name) => name !== '' && name !== '.' && name !== '..');
}

/** Blocks (or unblocks) TCP from the host to the storage machine: inside that host's namespace, nowhere else. */
export async function blockNfs(onHost: OnLabHost, lab: LabFile, blocked: boolean): Promise<void> {
  await onHost(['iptables', blocked ? '-I' : '-D', 'OUTPUT', '-d', lab.storage.address, '-p', 'tcp', '-j', 'REJECT']);
}

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** One machine of the lab as written to lab.json (the shape DESIGN.md fixes). */
export interface LabHostEntry {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** The host's public key, as in known_hosts: "ssh-ed25519 AAAA...". */
  readonly hostKey: string;
  /** A hypervisor's power controller (its lab BMC), for `power_management` and fencing; absent for storage. */
  readonly power?: LabHostPower;
  /** The same host's power through the lab's ssh power controller (the `ssh` fence agent); absent for storage. */
  readonly sshPower?: LabHostSshPower;
}

/** How to reach a lab host's power over SSH, as a `power_management` block with agent "ssh" takes it. */
export interface LabHostSshPower {
  readonly agent: 'ssh';
  readonly address: string;
  readonly port: number;
  readonly username: string;
  /** The controller's public key, as in known_hosts. */
  readonly hostKey: string;
  readonly command: string;
}

/** The storage machine: SSH for tgt, and its NFS export (absent in labs from before it). */
export interface LabStorageEntry extends LabHostEntry {
  /** The path NFS clients name the export by (nfs://ADDRESS/EXPORT/FILE). */
  readonly nfsExport?: string;
}

/** How to reach a lab host's BMC (IPMI over LAN), as a `power_management` block takes it. */
export interface LabHostPower {
  readonly agent: 'ipmilan';
  readonly address: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
}

/**
 * The guest image `virtplane lab image` built and cached on this machine (a bootable Debian 12 with
 * cloud-init), for tests and the demo to boot real guests from. Guests must use it as the backing file
 * of an overlay, never write it.
 */
export interface LabGuestImage {
  readonly path: string;
  readonly sha256: string;
  readonly format: 'qcow2';
}

/** `.virtplane/lab.json`: everything a client needs to reach the lab's machines. */
export interface LabFile {
  readonly sshUser: string;
  readonly sshPrivateKeyFile: string;
  readonly knownHostsFile: string;
  readonly hosts: readonly LabHostEntry[];
  readonly storage: LabStorageEntry;
  /** Absent until `virtplane lab image` has built the image (`lab up` does not build it: it takes minutes). */
  readonly guestImage?: LabGuestImage;
  /**
   * A directory every hypervisor of the lab sees at the same path, as if one NFS export were mounted
   * on all of them (each host's /var/lib/virtplane and libvirt folders are its own): for dir storage
   * domains that several hosts share, such as the examples' images. Absent in labs from before it.
   */
  readonly sharedDirectory?: string;
  /**
   * The hosts' lock manager directory (qemu-lockd.conf file_lockspace_dir) inside sharedDirectory: a
   * cluster's `ha_lease_directory` in the lab. Absent in labs from before it.
   */
  readonly haLeaseDirectory?: string;
}

export const DEFAULT_LAB_FILE = '.virtplane/lab.json';

/**
 * The lab file for a command run from `start`: .virtplane/lab.json there or in the nearest folder above
 * (from examples/hcl the checkout's own), as git finds its .git. Undefined when there is none.
 */
export function locateLabFile(start: string = process.cwd()): string | undefined {
  for (let folder = resolve(start); ; folder = dirname(folder)) {
    const candidate = join(folder, DEFAULT_LAB_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(folder) === folder) return undefined;
  }
}

export function readLabFile(path: string = DEFAULT_LAB_FILE): LabFile {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new Error(`No lab file at ${absolute}: run \`virtplane lab up\` first (${(error as Error).message})`);
  }
  return JSON.parse(text) as LabFile;
}

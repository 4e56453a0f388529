import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, copyFile, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runLocal } from './localCommand.js';
import type { LabMachinePlan, LabPlan } from './labPlan.js';

/** Folders bind-mounted over the real ones inside a machine, by mount point. */
export const HYPERVISOR_BIND_MOUNTS: Readonly<Record<string, string>> = {
  '/etc/libvirt': 'etc-libvirt',
  '/var/lib/libvirt': 'var-lib-libvirt',
  '/var/log/libvirt': 'var-log-libvirt',
  '/var/cache/libvirt': 'var-cache-libvirt',
};
export const STORAGE_BIND_MOUNTS: Readonly<Record<string, string>> = {
  '/etc/tgt': 'etc-tgt',
  '/etc/ganesha': 'etc-ganesha',
};

/** The storage host's NFS export as clients name it (ganesha's pseudo path, also used by NFSv3 mounts). */
export const LAB_NFS_EXPORT = '/virtplane';

/** The folder of the storage machine that nfs-ganesha serves (a plain directory of this machine). */
export function nfsExportFolder(machine: LabMachinePlan): string {
  return join(machine.dir, 'nfs-export');
}
export const COMMON_BIND_MOUNTS: Readonly<Record<string, string>> = {
  '/etc/ssh': 'etc-ssh',
  '/var/lib/virtplane': 'var-lib-virtplane',
};

export function bindMountsOf(machine: LabMachinePlan): Record<string, string> {
  return { ...COMMON_BIND_MOUNTS, ...(machine.role === 'hypervisor' ? HYPERVISOR_BIND_MOUNTS : STORAGE_BIND_MOUNTS) };
}

export async function generateKey(path: string, comment: string): Promise<void> {
  if (existsSync(path) && existsSync(`${path}.pub`)) return;
  await runLocal(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { input: 'y\n' });
}

/** The public key as known_hosts wants it: "ssh-ed25519 AAAA..." without the comment. */
export async function publicKeyOf(privateKeyPath: string): Promise<string> {
  const text = await readFile(`${privateKeyPath}.pub`, 'utf8');
  const [type, key] = text.trim().split(/\s+/);
  return `${type} ${key}`;
}

export function hostKeyPath(machine: LabMachinePlan): string {
  return join(machine.dir, 'etc-ssh', 'ssh_host_ed25519_key');
}

/**
 * Lays out a machine's private folders and configuration. Host keys and libvirt's host UUID are kept
 * when they exist, so a repaired machine keeps its identity and known_hosts stays true.
 */
export async function prepareMachineFiles(plan: LabPlan, machine: LabMachinePlan, clientKeyPath: string): Promise<void> {
  for (const folder of Object.values(bindMountsOf(machine))) {
    await mkdir(join(machine.dir, folder), { recursive: true, mode: 0o755 });
  }
  const etcSsh = join(machine.dir, 'etc-ssh');
  await generateKey(hostKeyPath(machine), `virtplane-lab ${machine.name}`);
  await copyFile(clientKeyPath, join(etcSsh, 'lab_client_key'));
  await chmod(join(etcSsh, 'lab_client_key'), 0o600);
  await copyFile(`${clientKeyPath}.pub`, join(etcSsh, 'authorized_keys'));
  await writeFile(
    join(etcSsh, 'sshd_config'),
    [
      `ListenAddress ${machine.address}`,
      'Port 22',
      'HostKey /etc/ssh/ssh_host_ed25519_key',
      'AuthorizedKeysFile /etc/ssh/authorized_keys',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'MaxSessions 10',
      'MaxStartups 30:50:100',
      'UseDNS no',
      'PidFile /run/sshd.pid',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
  );
  // Hosts reach each other by name with the lab's key, as libvirt's qemu+ssh migration needs.
  await writeFile(
    join(etcSsh, 'ssh_config'),
    [
      'Host *',
      '  IdentityFile /etc/ssh/lab_client_key',
      '  User root',
      '  GlobalKnownHostsFile /etc/ssh/ssh_known_hosts',
      '  UserKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(machine.dir, 'hosts'),
    ['127.0.0.1 localhost', `${plan.bridgeAddress} engine`, ...plan.machines.map((m) => `${m.address} ${m.name}`), ''].join('\n'),
  );
  await writeFile(join(machine.dir, 'root-bashrc'), '# virtplane lab machine: intentionally empty\n');
  if (machine.role === 'hypervisor') await prepareLibvirtConfig(machine, haLeaseDirectoryOf(plan));
  else {
    await prepareTgtConfig(machine);
    await prepareGaneshaConfig(machine);
  }
}

/**
 * A directory every hypervisor of the lab sees at the same path, as if one NFS export were mounted on
 * all of them (outside every machine's private bind mounts): lab.json's `sharedDirectory`.
 */
export function sharedDirectoryOf(plan: LabPlan): string {
  return join(plan.stateDir, 'shared');
}

/**
 * Where the hosts' lock manager keeps its leases (qemu-lockd.conf's file_lockspace_dir), on the shared
 * directory: a cluster's `ha_lease_directory` in the lab (docs/ha.md, "The second guard").
 */
export function haLeaseDirectoryOf(plan: LabPlan): string {
  return join(sharedDirectoryOf(plan), 'ha-leases');
}

async function prepareLibvirtConfig(machine: LabMachinePlan, haLeaseDirectory: string): Promise<void> {
  const etcLibvirt = join(machine.dir, 'etc-libvirt');
  const confPath = join(etcLibvirt, 'libvirtd.conf');
  // libvirt refuses to migrate between hosts that share a host UUID, so every machine gets its own.
  const existing = existsSync(confPath) ? await readFile(confPath, 'utf8') : '';
  const hostUuid = /host_uuid = "([0-9a-f-]{36})"/.exec(existing)?.[1] ?? randomUUID();
  await writeFile(confPath, `host_uuid = "${hostUuid}"\n`);
  // Guests run as root: /dev/kvm on these machines is root-only (no udev rule gives it to group kvm).
  // No private /dev per guest (namespaces = []): libvirt would move the lab's /dev/kvm stand-in (a bind
  // mount, see machineRuntime.ts) into it and fail with "Unable to move ... mount to /dev/kvm".
  await writeFile(
    join(etcLibvirt, 'qemu.conf'),
    [
      'user = "root"',
      'group = "root"',
      'dynamic_ownership = 0',
      'remember_owner = 0',
      'swtpm_user = "root"',
      'swtpm_group = "root"',
      'namespaces = [ ]',
      // libvirt's lock manager (virtlockd, started beside virtlogd): an HA VM's <lease> is held while
      // its QEMU runs, so a second copy cannot start on another host (docs/ha.md, "The second guard").
      'lock_manager = "lockd"',
      '',
    ].join('\n'),
  );
  // auto_disk_leases is what makes lockd register file_lockspace_dir with virtlockd (explicit leases
  // need a registered lockspace); it also gives every read-write disk with a path a lock there, keyed
  // by the path's SHA-256: one writer per disk file across the hosts. Network (iSCSI) disks get none.
  await mkdir(haLeaseDirectory, { recursive: true, mode: 0o755 });
  await writeFile(
    join(etcLibvirt, 'qemu-lockd.conf'),
    ['auto_disk_leases = 1', 'require_lease_for_disks = 0', `file_lockspace_dir = "${haLeaseDirectory}"`, ''].join('\n'),
  );
  if (existsSync('/etc/libvirt/libvirt.conf')) await copyFile('/etc/libvirt/libvirt.conf', join(etcLibvirt, 'libvirt.conf'));
}

async function prepareTgtConfig(machine: LabMachinePlan): Promise<void> {
  const etcTgt = join(machine.dir, 'etc-tgt');
  await mkdir(join(etcTgt, 'conf.d'), { recursive: true });
  await writeFile(join(etcTgt, 'targets.conf'), 'include /etc/tgt/conf.d/*.conf\n');
}

/**
 * nfs-ganesha's configuration (LAB-NOTES "NFS without a kernel client"): one export of a folder of
 * the storage machine, NFSv3 and v4 over TCP, root not squashed (the hosts' QEMU and qemu-img run as
 * root). Mount_Path_Pseudo: NFSv3 clients (QEMU's libnfs driver speaks v3) name the export by its
 * pseudo path too, so one path serves both versions. No Bind_addr: 127.0.0.1 failed to resolve.
 * No RQUOTA: its fixed port, 875, lies in the reserved range root's RPC clients take their source ports
 * from (the start script's `rpcinfo` waiting for the registration binds two per call), and a lab start
 * failed when ganesha found it taken ("Cannot bind RQUOTA tcp6 socket, error 98", then FATAL).
 */
async function prepareGaneshaConfig(machine: LabMachinePlan): Promise<void> {
  const exportFolder = nfsExportFolder(machine);
  const recovery = join(machine.dir, 'ganesha-recovery');
  await mkdir(exportFolder, { recursive: true, mode: 0o755 });
  await mkdir(recovery, { recursive: true, mode: 0o755 });
  await writeFile(
    join(machine.dir, 'etc-ganesha', 'ganesha.conf'),
    [
      'NFS_CORE_PARAM { Protocols = 3, 4; Mount_Path_Pseudo = true; Enable_RQUOTA = false; }',
      `NFSV4 { Graceless = true; RecoveryRoot = "${recovery}"; }`,
      'EXPORT {',
      '  Export_Id = 1;',
      `  Path = "${exportFolder}";`,
      `  Pseudo = "${LAB_NFS_EXPORT}";`,
      '  Access_Type = RW;',
      '  Squash = No_Root_Squash;',
      '  Protocols = 3, 4;',
      '  Transports = TCP;',
      '  FSAL { Name = VFS; }',
      '}',
      '',
    ].join('\n'),
  );
}

export async function writeKnownHosts(path: string, entries: readonly { names: readonly string[]; key: string }[]): Promise<void> {
  await writeFile(path, entries.map((entry) => `${entry.names.join(',')} ${entry.key}`).join('\n') + '\n', { mode: 0o644 });
}

const CAPABILITIES_CACHE = join('var-cache-libvirt', 'qemu', 'capabilities');

export function hasCapabilitiesCache(machine: LabMachinePlan): boolean {
  const folder = join(machine.dir, CAPABILITIES_CACHE);
  return existsSync(folder) && readdirSync(folder).some((file) => file.endsWith('.xml'));
}

/**
 * libvirtd probes QEMU's capabilities at its first start (seconds of CPU). Every machine of the lab
 * runs the same QEMU on the same kernel, so a probe made by one is valid for all: copy it.
 */
export async function seedCapabilitiesCache(from: LabMachinePlan, to: LabMachinePlan): Promise<void> {
  if (hasCapabilitiesCache(to)) return;
  await cp(join(from.dir, CAPABILITIES_CACHE), join(to.dir, CAPABILITIES_CACHE), { recursive: true, preserveTimestamps: true });
}

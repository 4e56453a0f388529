import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runLocal } from './localCommand.js';
import { bindMountsOf } from './machineFiles.js';
import { namespacePids } from './network.js';
import { isRunning } from './processes.js';
import type { LabMachinePlan } from './labPlan.js';

/**
 * Runs inside a fresh mount and UTS namespace of the machine's network namespace: private /run,
 * private libvirt/ssh/tgt folders bound over the real ones, then the daemons. The daemons keep the
 * namespaces alive after this shell exits. Arguments: machine folder, hostname, role, then pairs of
 * (source folder, mount point).
 */
const START_SCRIPT = `
set -eu
dir="$1"; name="$2"; role="$3"; shift 3
hostname "$name"
mount -t tmpfs -o mode=0755 virtplane-lab-run /run
mkdir -p /run/sshd /run/libvirt /run/lock /run/tgtd
while [ "$#" -gt 1 ]; do
  mount --bind "$1" "$2"
  shift 2
done
mount --bind "$dir/hosts" /etc/hosts
# Root's own ~/.bashrc (pyenv and the like, sourced by bash for every SSH command) is not the lab
# machine's: an empty one keeps each remote command fast and independent of this machine's set-up.
if [ -f /root/.bashrc ]; then mount --bind "$dir/root-bashrc" /root/.bashrc; fi
if [ "$role" = hypervisor ]; then
  # The lab's guests run under TCG: this machine kind's /dev/kvm is KVM PVM (kvm_pvm, nested_pvm=1 on the
  # kernel command line), which runs only guests whose kernel is built as a PVM guest; Debian's are not
  # (LAB-NOTES "Real guests" saw "emulation failure"; a bzImage or PVH boot of the cloud kernel prints
  # nothing either), so a host that showed /dev/kvm would get type='kvm' guests that never boot. An
  # empty file over /dev/kvm, in this host's mount namespace only, makes the host report kvm=false
  # exactly as a machine without KVM would; the product itself keeps KVM wherever /dev/kvm is a real
  # device. VIRTPLANE_LAB_KVM=1 keeps it (BIOS-only guests run on it).
  # Read-only: libvirtd takes a /dev/kvm root can open for writing as "KVM usable", and would find its
  # cached QEMU probe (made without KVM) stale at every lookup, probing QEMU again (3 s each, about
  # 20 s per virsh define on two busy cores). A read-only file is "not usable", as the probe says.
  if [ -c /dev/kvm ] && [ "\${VIRTPLANE_LAB_KVM:-}" != 1 ]; then
    : > /run/no-kvm
    mount --bind /run/no-kvm /dev/kvm
    mount -o remount,bind,ro /dev/kvm
  fi
  virtlogd -d
  virtlockd -d
  libvirtd -d
  # libvirtd forks before its drivers start, and a driver that fails ends it later: wait for an answer.
  tries=0
  until virsh -q -c qemu:///system version >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -lt 200 ] || { echo "libvirtd did not answer; see /var/log/libvirt/libvirtd.log" >&2; exit 1; }
    sleep 0.05
  done
else
  tgtd
  tries=0
  until tgtadm --lld iscsi --mode target --op show >/dev/null 2>&1; do
    tries=$((tries + 1)); [ "$tries" -lt 100 ] || { echo "tgtd did not answer" >&2; exit 1; }
    sleep 0.05
  done
  tgt-admin -e -c /etc/tgt/targets.conf >/dev/null
  # NFS (LAB-NOTES): rpcbind first (NFSv3 clients find mountd and nfsd through it), then ganesha.
  mkdir -p /run/rpcbind /run/ganesha
  rpcbind -w
  ganesha.nfsd -f /etc/ganesha/ganesha.conf -L "$dir/ganesha.log" -p /run/ganesha/ganesha.pid
  tries=0
  until rpcinfo -p 127.0.0.1 2>/dev/null | grep -q nfs; do
    tries=$((tries + 1)); [ "$tries" -lt 200 ] || { echo "nfs-ganesha did not register; see $dir/ganesha.log" >&2; exit 1; }
    sleep 0.05
  done
fi
"$(command -v sshd)"
`;

/** Daemons a machine needs, by the process name the kernel shows in /proc/PID/comm. */
export function requiredDaemons(machine: LabMachinePlan): readonly string[] {
  return machine.role === 'hypervisor' ? ['sshd', 'libvirtd', 'virtlogd', 'virtlockd'] : ['sshd', 'tgtd', 'rpcbind', 'ganesha.nfsd'];
}

/** The argv that starts a machine's daemons (also what its lab power controller runs at "power on"). */
export function machineStartArgv(machine: LabMachinePlan): string[] {
  const mountArgs = Object.entries(bindMountsOf(machine)).flatMap(([mountPoint, folder]) => [join(machine.dir, folder), mountPoint]);
  return [
    'ip',
    'netns',
    'exec',
    machine.namespace,
    'unshare',
    '--mount',
    '--uts',
    '--propagation',
    'private',
    'sh',
    '-c',
    START_SCRIPT,
    'virtplane-lab-start',
    machine.dir,
    machine.name,
    machine.role,
    ...mountArgs,
  ];
}

export async function startMachineDaemons(machine: LabMachinePlan): Promise<void> {
  await runLocal(machineStartArgv(machine), { timeoutMs: 60_000 });
}

/** Names of the processes running in the machine's namespace (QEMU shows as qemu-system-x86). */
export async function runningProcessNames(machine: LabMachinePlan): Promise<string[]> {
  const names: string[] = [];
  for (const pid of await namespacePids(machine.namespace)) {
    if (!isRunning(pid)) continue;
    try {
      names.push((await readFile(`/proc/${pid}/comm`, 'utf8')).trim());
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return names;
}

export async function missingDaemons(machine: LabMachinePlan): Promise<string[]> {
  const running = new Set(await runningProcessNames(machine));
  return requiredDaemons(machine).filter((daemon) => !running.has(daemon));
}

/** The pure pieces of a disk move: what the plan refuses and announces, the offline copy's argv, the VM's device slot. */
import { describe, expect, it } from 'vitest';
import { offlineCopyArgv } from '../../../lib/backends/libvirt/index.js';
import { lunDestinationRefusals, moveAnnouncement, moveRefusals, type LunDestination } from '../../../lib/resources/disk/move.js';
import { assignDiskDevices } from '../../../lib/resources/vm/devices.js';

describe('a disk move at plan', () => {
  it('refuses a LUN-to-LUN move and a thin clone, each at storage_domain_id with its way out', () => {
    const lunToLun = moveRefusals({ name: 'data', clone: null, fromLun: true }, { name: 'san', type: 'iscsi' });
    expect(lunToLun.map((diagnostic) => [diagnostic.summary, diagnostic.path])).toEqual([['From a LUN onto a LUN: not yet', ['storage_domain_id']]]);
    expect(lunToLun[0]!.detail).toMatch(/dir or nfs storage domain first/);
    expect(moveRefusals({ name: 'data', clone: null }, { name: 'san', type: 'iscsi' })).toEqual([]);
    const thin = moveRefusals({ name: 'root', clone: 'thin' }, { name: 'nas', type: 'nfs' });
    expect(thin.map((diagnostic) => diagnostic.summary)).toEqual(['A thin clone cannot move']);
    expect(thin[0]!.detail).toMatch(/clone = "full"/);
    expect(moveRefusals({ name: 'data', clone: 'full' }, { name: 'nas', type: 'nfs' })).toEqual([]);
    expect(moveRefusals({ name: 'data', clone: null }, { name: 'local', type: 'dir' })).toEqual([]);
  });

  it('refuses a LUN that is missing, too small, taken, behind CHAP, or not the size of a running disk; each at its attribute', () => {
    const disk = { name: 'data', sizeMiB: 16 };
    const san = { name: 'san', iqn: 'iqn.2025-01.dev.test:t' };
    const free: LunDestination = { lun: 2, sizeMiB: 16, claimedBy: undefined, users: [], chap: false, configuredMiB: null, running: true };
    const refused = (lun: Partial<LunDestination>) =>
      lunDestinationRefusals(disk, san, { ...free, ...lun }).map((diagnostic) => [diagnostic.summary, diagnostic.path]);
    expect(refused({})).toEqual([]);
    expect(refused({ sizeMiB: 32, running: false })).toEqual([]);
    expect(refused({ sizeMiB: null })).toEqual([['LUN not found', ['lun']]]);
    expect(refused({ sizeMiB: 8 })).toEqual([['LUN smaller than the disk', ['lun']]]);
    expect(refused({ sizeMiB: 32 })).toEqual([['LUN bigger than the running disk', ['lun']]]);
    expect(refused({ claimedBy: 'logs' })).toEqual([['LUN in use', ['lun']]]);
    const user = { vmId: 'u', vmName: 'web', hostName: 'kvm1', hostId: 'h', state: 'shut off' };
    expect(refused({ users: [user] })).toEqual([['LUN in use', ['lun']]]);
    expect(refused({ chap: true })).toEqual([['Moving onto a CHAP-protected LUN: not yet', ['storage_domain_id']]]);
    expect(refused({ configuredMiB: 24 })).toEqual([['LUN size differs', ['size_mib']]]);
    expect(lunDestinationRefusals(disk, san, { ...free, sizeMiB: 8 })[0]!.detail).toMatch(/data is 16 MiB; LUN 2 of san is 8 MiB/);
  });

  it('announces how: under the running VM, under a stopped one, or with none; a LUN let go, a file deleted', () => {
    const user = { vmId: 'u', vmName: 'web', hostName: 'kvm1', hostId: 'h', state: 'running' };
    expect(moveAnnouncement({ name: 'data' }, 'san', 'nas', [user], true)).toMatchObject({
      severity: 'warning',
      detail: 'Disk data moves from storage domain san to nas (copied while VM web runs on kvm1, then switched; the LUN is let go, not deleted).',
      path: ['storage_domain_id'],
    });
    expect(moveAnnouncement({ name: 'data' }, 'a', 'b', [{ ...user, state: 'shut off' }], false).detail).toMatch(
      /copied while VM web is stopped, then its definition switched; the old file is deleted after the switch/,
    );
    expect(moveAnnouncement({ name: 'data' }, 'a', 'b', [], false).detail).toMatch(/copied, no VM uses it/);
  });
});

describe('the offline copy', () => {
  it('writes into the destination made first (-n), from a file in its format or a LUN by its initiator, onto a file or a LUN', () => {
    expect(
      offlineCopyArgv(
        { kind: 'file', path: '/srv/a/data.qcow2', format: 'qcow2' },
        { kind: 'file', path: 'nfs://10.0.0.2/export/data.qcow2', format: 'qcow2' },
      ),
    ).toEqual(['qemu-img', 'convert', '-n', '-f', 'qcow2', '/srv/a/data.qcow2', '-O', 'qcow2', 'nfs://10.0.0.2/export/data.qcow2']);
    const lun = { portal: '10.0.0.2:3260', targetIqn: 'iqn.2025-01.dev.test:t', lun: 3, initiatorIqn: 'iqn.2025-01.dev.test:h1' };
    const lunOptions = 'driver=iscsi,transport=tcp,portal=10.0.0.2:3260,target=iqn.2025-01.dev.test:t,lun=3,initiator-name=iqn.2025-01.dev.test:h1';
    expect(offlineCopyArgv({ kind: 'lun', lun }, { kind: 'file', path: '/srv/b/data.img', format: 'raw' })).toEqual([
      'qemu-img',
      'convert',
      '-n',
      '--image-opts',
      lunOptions,
      '-O',
      'raw',
      '/srv/b/data.img',
    ]);
    // Onto a LUN: qcow2 read, raw bytes written through the iscsi driver (no format on the target side).
    expect(offlineCopyArgv({ kind: 'file', path: '/srv/a/data.qcow2', format: 'qcow2' }, { kind: 'lun', lun })).toEqual([
      'qemu-img',
      'convert',
      '-n',
      '-f',
      'qcow2',
      '/srv/a/data.qcow2',
      '--target-image-opts',
      lunOptions,
    ]);
    expect(() => offlineCopyArgv({ kind: 'file', path: 'relative.img', format: 'raw' }, { kind: 'file', path: '/srv/b/x.img', format: 'raw' })).toThrow();
    expect(() => offlineCopyArgv({ kind: 'file', path: '/srv/a/x.img', format: 'raw' }, { kind: 'file', path: '/srv/../etc/x.img', format: 'raw' })).toThrow();
  });
});

describe("the VM's device for a moved disk", () => {
  it('keeps the device of the disk it replaces at the same slot (its id changed), not the first free one', () => {
    const prior = [
      { diskId: 'sd1/root.qcow2', bus: 'virtio', device: 'vda' },
      { diskId: 'sd1/logs.qcow2', bus: 'virtio', device: 'vdc' },
    ];
    expect(
      assignDiskDevices(
        [
          { diskId: 'sd1/root.qcow2', bus: 'virtio' },
          { diskId: 'sd2/logs.qcow2', bus: 'virtio' },
        ],
        prior,
      ),
    ).toEqual(['vda', 'vdc']);
    // A disk still attached elsewhere in the list is no replacement: the new one takes the first free name.
    expect(
      assignDiskDevices(
        [
          { diskId: 'sd1/logs.qcow2', bus: 'virtio' },
          { diskId: 'sd1/root.qcow2', bus: 'virtio' },
          { diskId: 'sd2/new.qcow2', bus: 'virtio' },
        ],
        prior,
      ),
    ).toEqual(['vdc', 'vda', 'vdb']);
  });
});

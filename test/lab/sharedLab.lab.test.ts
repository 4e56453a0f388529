import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTgtShow } from '../../lib/backends/iscsi/index.js';
import { HostKeyMismatchError, SshPool } from '../../lib/backends/ssh/index.js';
import { runCli } from '../support/cli.js';
import { useLab, type TestLab } from '../support/lab.js';
import { defineAndStart, domainState, hostHasKvm, removeDomainEverywhere, uniqueName } from '../support/tinyDomain.js';

let lab: TestLab;
const pool = new SshPool();
const domains: string[] = [];

beforeAll(async () => {
  lab = await useLab();
});

afterAll(async () => {
  for (const name of domains) await removeDomainEverywhere(pool, lab.hosts, name);
  await pool.close();
});

describe('the lab', () => {
  it('has two hypervisors and a storage host, each reachable with the lab key and verified against the pinned known_hosts', async () => {
    expect(lab.lab.hosts.map((host) => host.name)).toEqual(['kvm1', 'kvm2']);
    for (const endpoint of [...lab.hosts, lab.storage]) {
      const viaKnownHosts = { ...endpoint, hostKey: { knownHostsFile: lab.lab.knownHostsFile } };
      const result = await pool.exec(viaKnownHosts, ['hostname']);
      // Each machine has its own UTS namespace: it reports its own name.
      expect(result.stdout.trim()).toBe(endpoint.name);
    }
  });

  it('serves an NFS export from the storage host (nfs-ganesha) that every hypervisor reaches in user space, without a mount', async () => {
    const exportPath = lab.lab.storage.nfsExport;
    expect(exportPath).toMatch(/^\//);
    const file = `${uniqueName('nfs')}.qcow2`;
    const url = `nfs://${lab.lab.storage.address}${exportPath ?? ''}/${file}`;
    const [kvm1, kvm2] = lab.hosts;
    await pool.exec(kvm1!, ['qemu-img', 'create', '-q', '-f', 'qcow2', url, '8M']);
    try {
      // Written from kvm1, read from kvm2: one export, seen by both.
      expect(JSON.parse((await pool.exec(kvm2!, ['qemu-img', 'info', '--output=json', url])).stdout)).toMatchObject({ 'virtual-size': 8 * 1024 * 1024 });
      expect((await pool.exec(kvm2!, ['nfs-ls', `nfs://${lab.lab.storage.address}${exportPath ?? ''}/`])).stdout).toContain(file);
      expect((await pool.exec(kvm1!, ['grep', '-c', ' nfs', '/proc/mounts'], { allowExitCodes: [1] })).stdout.trim()).toBe('0');
    } finally {
      await pool.exec(lab.storage, ['sh', '-c', 'rm -f -- /var/lib/virtplane-lab/*/machines/storage/nfs-export/"$1"', 'sh', file]).catch(() => undefined);
    }
  });

  it('`lab status` reports every machine healthy, with its service and workload', () => {
    // This lab's own file: the checkout's .virtplane/lab.json is whichever lab came up last from here.
    const result = runCli(['lab', 'status', '--lab-file', lab.labFile]);
    const kvm1 = lab.lab.hosts[0]!.address.replaceAll('.', '\\.');
    const storage = lab.lab.storage.address.replaceAll('.', '\\.');
    expect(result.stdout).toMatch(new RegExp(`^kvm1\\s+${kvm1}\\s+ok\\s+libvirt \\d+\\.\\d+\\.\\d+\\s+\\d+ running / \\d+ defined$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^storage\\s+${storage}\\s+ok\\s+tgtd\\s+\\d+ targets?$`, 'm'));
    expect(result.stdout).toContain('all 3 machines healthy');
    expect(result.status).toBe(0);
  });

  it('refuses a machine whose key is not the pinned one', async () => {
    const [kvm1, kvm2] = lab.hosts;
    const wrongPin = { ...kvm1!, hostKey: { pinned: lab.lab.hosts[1]!.hostKey } };
    const error = await pool.exec(wrongPin, ['true']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect((error as Error).message).toContain('kvm1');
    expect(kvm2).toBeDefined();
  });

  it('keeps hosts isolated: a VM defined on kvm1 is not visible on kvm2', async () => {
    const [kvm1, kvm2] = lab.hosts;
    const name = uniqueName();
    domains.push(name);
    await defineAndStart(pool, kvm1!, name, await hostHasKvm(pool, kvm1!));
    expect(await domainState(pool, kvm1!, name)).toBe('running');
    expect(await domainState(pool, kvm2!, name)).toBeNull();
  });

  it('starts a 64 MiB VM on every host', async () => {
    for (const host of lab.hosts) {
      const name = uniqueName();
      domains.push(name);
      await defineAndStart(pool, host, name, await hostHasKvm(pool, host));
      expect(await domainState(pool, host, name)).toBe('running');
    }
  });

  it('runs a VM under QEMU TCG too, as on machines without /dev/kvm', async () => {
    const host = lab.hosts[0]!;
    const name = uniqueName();
    domains.push(name);
    await defineAndStart(pool, host, name, false);
    expect(await domainState(pool, host, name)).toBe('running');
    const xml = await pool.exec(host, ['virsh', 'dumpxml', name]);
    expect(xml.stdout).toMatch(/<domain type='qemu'/);
  });

  it('serves an iSCSI target on the storage host that a hypervisor reaches', async () => {
    const iqn = `iqn.2026-11.dev.virtplane.test:${uniqueName()}`;
    const backing = `/var/lib/virtplane/${uniqueName()}.img`;
    const tgtadm = ['tgtadm', '--lld', 'iscsi'];
    // The first id no target has (not a random one, which a leftover target could have: the clean-up
    // below would then delete that target).
    const shown = await pool.exec(lab.storage, [...tgtadm, '--mode', 'target', '--op', 'show']);
    const used = new Set(parseTgtShow(shown.stdout).map((target) => target.tid));
    let free = 1000;
    while (used.has(free)) free++;
    const tid = String(free);
    try {
      await pool.exec(lab.storage, ['truncate', '-s', '8M', backing]);
      await pool.exec(lab.storage, [...tgtadm, '--mode', 'target', '--op', 'new', '--tid', tid, '--targetname', iqn]);
      await pool.exec(lab.storage, [...tgtadm, '--mode', 'logicalunit', '--op', 'new', '--tid', tid, '--lun', '1', '-b', backing]);
      await pool.exec(lab.storage, [...tgtadm, '--mode', 'target', '--op', 'bind', '--tid', tid, '-I', 'ALL']);
      const listing = await pool.exec(lab.hosts[0]!, ['iscsi-ls', '-s', `iscsi://${lab.lab.storage.address}/`]);
      expect(listing.stdout).toContain(`Target:${iqn} Portal:${lab.lab.storage.address}:3260`);
      const ourTarget = listing.stdout.split(/^(?=Target:)/m).find((block) => block.startsWith(`Target:${iqn} `));
      expect(ourTarget).toMatch(/^Lun:1\s+Type:DIRECT_ACCESS/m);
    } finally {
      await pool.exec(lab.storage, [...tgtadm, '--mode', 'target', '--op', 'delete', '--force', '--tid', tid], { allowExitCodes: [22] });
      await pool.exec(lab.storage, ['rm', '-f', backing]);
    }
  });

  it('live-migrates a running VM from kvm1 to kvm2 with virsh', async () => {
    const [kvm1, kvm2] = lab.hosts;
    const name = uniqueName();
    domains.push(name);
    await defineAndStart(pool, kvm1!, name, await hostHasKvm(pool, kvm1!));
    await pool.exec(kvm1!, ['virsh', 'migrate', '--live', '--persistent', '--undefinesource', name, 'qemu+ssh://kvm2/system'], { timeoutMs: 120_000 });
    expect(await domainState(pool, kvm1!, name)).toBeNull();
    expect(await domainState(pool, kvm2!, name)).toBe('running');
    // Proof that it was a migration and not a fresh start: QEMU on kvm2 was started as an incoming target.
    const cmdline = await pool.exec(kvm2!, ['sh', '-c', 'tr "\\0" " " < /proc/"$(cat /run/libvirt/qemu/"$1".pid)"/cmdline', 'sh', name]);
    expect(cmdline.stdout).toContain('-incoming');
  });
});

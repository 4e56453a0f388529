/**
 * The bulk read: a host's facts and every domain, network and pool with state and XML, in one round
 * trip, against the lab's real hypervisors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defineDomain,
  defineNetwork,
  definePool,
  lookupDomain,
  readHostInventory,
  resumeDomain,
  sshLibvirtHost,
  startDomain,
  VirshError,
  type LibvirtHost,
} from '../../../lib/backends/libvirt/index.js';
import { SshUnreachableError } from '../../../lib/backends/ssh/index.js';
import { virsh } from '../../../lib/backends/libvirt/virsh.js';
import { tinyGuest, useLabHosts, type LabHosts } from './support/labHosts.js';

let lab: LabHosts;
const uuids: Record<string, string> = {};

beforeAll(async () => {
  lab = await useLabHosts();
  for (const suffix of ['bulk-a', 'bulk-b', 'bulk-c']) {
    const name = lab.track('domain', lab.name(suffix));
    uuids[suffix] = (await defineDomain(lab.kvm1, tinyGuest(name, lab.virtType, { description: `${suffix} <&>` }))).uuid;
  }
  await startDomain(lab.kvm1, uuids['bulk-a']!);
  await defineNetwork(lab.kvm1, { name: lab.track('network', lab.name('bulk-net')), mode: 'bridge', bridge: 'vplvbulk0' });
  await definePool(lab.kvm1, { name: lab.track('pool', lab.name('bulk-pool')), type: 'dir', path: `/var/lib/libvirt/images/${lab.name('bulk-pool')}` });
});

afterAll(async () => {
  await lab?.cleanup();
});

/** Counts the round trips a host is asked for. */
function counted(host: LibvirtHost): { readonly host: LibvirtHost; readonly calls: () => number } {
  let calls = 0;
  return {
    host: {
      name: host.name,
      uri: host.uri,
      exec: (argv, options) => {
        calls += 1;
        return host.exec(argv, options);
      },
      script: (text, args, options) => {
        calls += 1;
        return host.script(text, args, options);
      },
    },
    calls: () => calls,
  };
}

describe('readHostInventory', () => {
  it('reads facts, domains, networks and pools in one round trip', async () => {
    const { host, calls } = counted(lab.kvm1);
    const inventory = await readHostInventory(host);
    expect(calls()).toBe(1);

    expect(inventory.host).toBe('kvm1');
    expect(inventory.facts.hostname).toBe('kvm1');
    expect(inventory.facts.cpus).toBeGreaterThanOrEqual(1);
    expect(inventory.facts.memoryMiB).toBeGreaterThan(0);
    expect(inventory.facts.availableMemoryMiB).toBeLessThanOrEqual(inventory.facts.memoryMiB);
    expect(inventory.facts.kvm).toBe(lab.virtType === 'kvm');
    expect(inventory.facts.libvirtVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(inventory.facts.hypervisor).toMatch(/^QEMU \d/);

    const mine = inventory.domains.filter((domain) => Object.values(uuids).includes(domain.uuid));
    expect(mine.map((domain) => [domain.name, domain.state]).sort()).toEqual([
      [lab.name('bulk-a'), 'running'],
      [lab.name('bulk-b'), 'shut off'],
      [lab.name('bulk-c'), 'shut off'],
    ]);
    // The same models a lookup of each one gives.
    for (const domain of mine) {
      const looked = await lookupDomain(lab.kvm1, domain.uuid);
      expect(domain.model).toEqual(looked?.model);
      expect(domain.xml).toBe(looked?.xml.trim());
    }
    expect(mine.find((domain) => domain.state === 'running')?.stateReason).toBe('booted');

    const network = inventory.networks.find((candidate) => candidate.name === lab.name('bulk-net'));
    expect(network).toMatchObject({ active: false, persistent: true, model: { mode: 'bridge', bridge: 'vplvbulk0' } });
    const pool = inventory.pools.find((candidate) => candidate.name === lab.name('bulk-pool'));
    expect(pool).toMatchObject({ state: 'inactive', persistent: true, model: { type: 'dir' } });
  });

  it('reads a paused guest as paused, with the reason and the figures it runs with', async () => {
    const running = uuids['bulk-a']!;
    await virsh(lab.kvm1, ['suspend', '--domain', running]);
    try {
      const paused = (await readHostInventory(lab.kvm1)).domains.find((domain) => domain.uuid === running);
      expect(paused).toMatchObject({ name: lab.name('bulk-a'), state: 'paused', stateReason: 'user', live: { vcpus: 1, memoryMiB: 32 } });
      // Stopped domains have no live figures: what runs is nothing.
      expect((await readHostInventory(lab.kvm1)).domains.find((domain) => domain.uuid === uuids['bulk-b'])?.live).toBeUndefined();
    } finally {
      expect(await resumeDomain(lab.kvm1, running)).toBe(true);
    }
  });

  it('reads both hosts side by side', async () => {
    const [one, two] = await Promise.all([readHostInventory(lab.kvm1), readHostInventory(lab.kvm2)]);
    expect([one.facts.hostname, two.facts.hostname]).toEqual(['kvm1', 'kvm2']);
    expect(two.domains.some((domain) => Object.values(uuids).includes(domain.uuid))).toBe(false);
  });

  it('an object that vanished between listing and read is looked up alone: gone is dropped, present is kept', async () => {
    // The real script output, with two extra empty domain sections spliced in (as a vanished domain
    // leaves them); the follow-up lookups then run for real against kvm1.
    const ghost = '1c0ffee0-0000-4000-8000-00000000dead';
    const present = uuids['bulk-b']!;
    const splicing: LibvirtHost = {
      ...lab.kvm1,
      script: async (text, args, options) => {
        const result = await lab.kvm1.script(text, args, options);
        const boundary = args[1]!;
        const stripped = result.stdout
          .replace(new RegExp(`${boundary} domain ${present}\\n[\\s\\S]*?(?=${boundary} )`), '')
          .replace(new RegExp(`${boundary} domain-xml ${present}\\n[\\s\\S]*?(?=${boundary} |$)`), '');
        const extra = [
          `${boundary} domain ${ghost}`,
          `${boundary} domain-xml ${ghost}`,
          `${boundary} domain ${present}`,
          `${boundary} domain-xml ${present}`,
          '',
        ].join('\n');
        return { ...result, stdout: `${stripped}${extra}` };
      },
    };
    const inventory = await readHostInventory(splicing);
    expect(inventory.domains.some((domain) => domain.uuid === ghost)).toBe(false);
    const found = inventory.domains.filter((domain) => domain.uuid === present);
    expect(found.map((domain) => [domain.name, domain.state])).toEqual([[lab.name('bulk-b'), 'shut off']]);
  });

  it('cannot tell is an error, never an empty inventory', async () => {
    const brokenLibvirt = sshLibvirtHost(lab.pool, lab.endpoints[0]!, { uri: 'qemu:///system?socket=/run/libvirt/no-such-socket' });
    const error = await readHostInventory(brokenLibvirt).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VirshError);
    expect((error as VirshError).kind).toBe('connection');
    const down = sshLibvirtHost(lab.pool, { ...lab.endpoints[1]!, name: 'kvm2-port-1', port: 1 });
    await expect(readHostInventory(down)).rejects.toBeInstanceOf(SshUnreachableError);
  });
});

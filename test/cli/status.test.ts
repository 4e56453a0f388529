/**
 * `virtplane status` without the lab: the inventory-only tree, its flags, and hosts that do not answer
 * (real sshds on loopback: one with no libvirtd behind it, one whose key the inventory does not pin,
 * and a closed port). test/cli/statusLive.lab.test.ts covers hosts that do answer.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInventory } from '../../lib/inventory/index.js';
import type { CliResult } from '../support/cli.js';
import { CLOSED_PORT, generateKeyPair, startSshd, type RunningSshd } from '../support/sshd.js';
import { removeWithInventoryServers } from '../support/inventoryFolders.js';

const main = fileURLToPath(new URL('../../dist/lib/cli/main.js', import.meta.url));

/** Like runCli, in a chosen working directory: where (or whether) .virtplane/lab.json is matters here. */
function statusIn(cwd: string, args: readonly string[]): CliResult {
  const result = spawnSync(process.execPath, [main, 'status', ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function lines(text: string): string[] {
  return text.split('\n').filter(Boolean);
}

let root: string;
/** An inventory whose hosts are never contacted (10.0.0.1). */
let offlineInventory: string;
/** A working directory without lab.json. */
let bare: string;
/** A working directory whose .virtplane/lab.json names credentials for the sshds below. */
let withLab: string;
let unauthorizedKeyFile: string;

/** An inventory of three hosts that cannot be read, each for its own reason, one VM on each. */
let failingInventory: string;
let noLibvirt: RunningSshd;
let wrongKey: RunningSshd;
let pinnedInsteadFingerprint: string;

const TREE = [
  'data center Default (shared storage)',
  '  cluster main: evenly_distributed, memory overcommit 150%',
  '    host kvm1 10.0.0.1: 4 CPUs, memory 768 MiB placed / 2 GiB, libvirt 9.0.0 [MAINTENANCE, TCG]',
  '      vm db    placed  1 vCPU  256 MiB',
  '      vm web1  placed  2 vCPU  512 MiB',
];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'virtplane-status-'));
  offlineInventory = join(root, 'offline-inventory');
  bare = join(root, 'bare');
  withLab = join(root, 'with-lab');
  failingInventory = join(root, 'failing-inventory');
  await mkdir(bare);
  await mkdir(join(withLab, '.virtplane'), { recursive: true });

  const offline = await openInventory(offlineInventory);
  try {
    const datacenter = await offline.datacenters.create({ name: 'Default' });
    const cluster = await offline.clusters.create({ datacenterId: datacenter.id, name: 'main', memoryOvercommitPercent: 150 });
    const host = await offline.hosts.create({
      clusterId: cluster.id,
      name: 'kvm1',
      address: '10.0.0.1',
      hostKey: 'SHA256:' + 'A'.repeat(43),
      maintenance: true,
    });
    await offline.hosts.recordFacts(host.id, { cpus: 4, memoryMib: 2048, kvm: false, libvirtVersion: '9.0.0' });
    await offline.vmPlacements.register({ vmId: randomUUID(), name: 'web1', clusterId: cluster.id, hostId: host.id, vcpus: 2, memoryMib: 512 });
    await offline.vmPlacements.register({ vmId: randomUUID(), name: 'db', clusterId: cluster.id, hostId: host.id, vcpus: 1, memoryMib: 256 });
  } finally {
    await offline.close();
  }

  const [first, stranger] = await Promise.all([startSshd(), generateKeyPair('not-the-host')]);
  noLibvirt = first;
  // Both sshds accept the same client key, the one lab.json names.
  wrongKey = await startSshd({ clientKey: noLibvirt.clientKey });
  pinnedInsteadFingerprint = stranger.fingerprint;
  const keyFile = join(root, 'id_ed25519');
  await writeFile(keyFile, noLibvirt.clientPrivateKey, { mode: 0o600 });
  unauthorizedKeyFile = join(root, 'unauthorized_ed25519');
  await writeFile(unauthorizedKeyFile, stranger.privateKey, { mode: 0o600 });
  const knownHosts = join(root, 'known_hosts');
  await writeFile(knownHosts, '');
  await writeFile(
    join(withLab, '.virtplane', 'lab.json'),
    JSON.stringify({
      sshUser: 'root',
      sshPrivateKeyFile: keyFile,
      knownHostsFile: knownHosts,
      hosts: [],
      storage: { name: 'storage', address: '127.0.0.1', port: 22, hostKey: '' },
    }),
  );

  const failing = await openInventory(failingInventory);
  try {
    const datacenter = await failing.datacenters.create({ name: 'Lab' });
    const cluster = await failing.clusters.create({ datacenterId: datacenter.id, name: 'c1' });
    const hosts = [
      { name: 'nolibvirt', address: '127.0.0.1', port: noLibvirt.port, hostKey: noLibvirt.hostKey },
      { name: 'wrongkey', address: '127.0.0.1', port: wrongKey.port, hostKey: stranger.publicKey },
      { name: 'closed', address: '127.0.0.1', port: CLOSED_PORT, hostKey: noLibvirt.hostKey },
    ];
    for (const host of hosts) {
      const row = await failing.hosts.create({ clusterId: cluster.id, ...host });
      await failing.vmPlacements.register({ vmId: randomUUID(), name: `vm-on-${host.name}`, clusterId: cluster.id, hostId: row.id, vcpus: 1, memoryMib: 64 });
    }
  } finally {
    await failing.close();
  }
});

afterAll(async () => {
  await Promise.all([noLibvirt?.stop(), wrongKey?.stop()]);
  await removeWithInventoryServers(root);
});

describe('virtplane status from the inventory only', () => {
  it('shows data center -> cluster -> host -> VMs as a table, and says the hosts were not read', () => {
    const result = statusIn(bare, ['--inventory', offlineInventory]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(lines(result.stdout)).toEqual(['(inventory only: no SSH credentials)', ...TREE]);
  });

  it('--offline shows the same tree even where lab.json gives credentials', () => {
    const result = statusIn(withLab, ['--inventory', offlineInventory, '--offline']);
    expect(result.status).toBe(0);
    expect(lines(result.stdout)).toEqual(['(inventory only: --offline)', ...TREE]);
  });

  it('refuses an unknown flag, naming it (usage error: exit 2)', () => {
    const result = statusIn(bare, ['--inventory', offlineInventory, '--verbose']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('unknown flag --verbose');
  });

  it('refuses a --lab-file that does not exist (exit 2)', () => {
    const result = statusIn(bare, ['--inventory', offlineInventory, '--lab-file', join(root, 'nowhere.json')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('nowhere.json');
  });

  it('refuses an inventory folder that is not there, and does not create it (exit 1)', () => {
    const missing = join(root, 'no-inventory-here');
    const result = statusIn(bare, ['--inventory', missing]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`no inventory at ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });

  it('prints its usage for --help (exit 0), as every command does', () => {
    const result = statusIn(bare, ['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: virtplane status /);
    for (const command of ['lab', 'provider', 'docs', 'doctor']) {
      const help = spawnSync(process.execPath, [main, command, '--help'], { cwd: bare, encoding: 'utf8' });
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^usage: virtplane ${command}`));
    }
  });

  it('exits 1 when the inventory cannot be opened', async () => {
    const result = statusIn(bare, ['--inventory', `postgres://virtplane@127.0.0.1:${CLOSED_PORT}/inventory`]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^virtplane: /);
  });
});

describe('virtplane status with hosts that do not answer', () => {
  it('says why on each host line, lists its VMs as not read, and exits 1 (credentials from lab.json)', () => {
    const result = statusIn(withLab, ['--inventory', failingInventory]);
    expect(result.status).toBe(1);
    const output = lines(result.stdout);
    expect(output[0]).toBe('data center Lab (shared storage)');
    const hostLine = (name: string): string => output.find((line) => line.startsWith(`    host ${name} `)) ?? '';
    expect(hostLine('nolibvirt')).toMatch(
      /^    host nolibvirt 127\.0\.0\.1: NOT READ \(libvirt down: .*failed to connect to the hypervisor.*\); memory 64 MiB placed$/,
    );
    expect(hostLine('wrongkey')).toContain(`NOT READ (host key mismatch: offered ${wrongKey.hostKeyFingerprint}, expected ${pinnedInsteadFingerprint})`);
    expect(hostLine('closed')).toContain('NOT READ (unreachable: connection refused');
    for (const name of ['nolibvirt', 'wrongkey', 'closed']) {
      const below = output[output.indexOf(hostLine(name)) + 1];
      expect(below).toMatch(new RegExp(`^      vm vm-on-${name}\\s+\\(not read\\)\\s+1 vCPU\\s+64 MiB$`));
    }
  });

  it('gives up on a host that accepts TCP but never speaks SSH, saying so on stderr while it waits', async () => {
    // The kernel completes the TCP handshake from the listen backlog; nothing ever answers on it.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const folder = join(root, 'silent-inventory');
    const inventory = await openInventory(folder);
    try {
      const datacenter = await inventory.datacenters.create({ name: 'Quiet' });
      const cluster = await inventory.clusters.create({ datacenterId: datacenter.id, name: 'c1' });
      await inventory.hosts.create({ clusterId: cluster.id, name: 'silent', address: '127.0.0.1', port, hostKey: noLibvirt.hostKey });
    } finally {
      await inventory.close();
    }
    try {
      const started = Date.now();
      const result = statusIn(withLab, ['--inventory', folder]);
      const elapsedMs = Date.now() - started;
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/host silent 127\.0\.0\.1: NOT READ \((unreachable: no SSH session within \d+ s|no answer within 15 s)\)/);
      expect(result.stderr).toBe('reading 1 host over SSH...\n');
      expect(elapsedMs).toBeLessThan(30_000);
    } finally {
      silent.close();
    }
  });

  it('says on every host line when the private key cannot be read', () => {
    const missing = join(root, 'no_such_key');
    const result = statusIn(withLab, ['--inventory', failingInventory, '--ssh-key', missing]);
    expect(result.status).toBe(1);
    for (const name of ['nolibvirt', 'wrongkey', 'closed']) {
      expect(result.stdout).toContain(
        `host ${name} 127.0.0.1: NOT READ (cannot read the SSH private key: ENOENT: no such file or directory, open '${missing}')`,
      );
    }
  });

  it('finds lab.json in a folder above the one it runs in', async () => {
    const below = join(withLab, 'examples', 'hcl');
    await mkdir(below, { recursive: true });
    const result = statusIn(below, ['--inventory', failingInventory]);
    expect(result.stdout).not.toContain('no SSH credentials');
    expect(result.stdout).toContain('host closed 127.0.0.1: NOT READ (unreachable: connection refused');
  });

  it('lets an explicit --ssh-key win over lab.json', () => {
    const result = statusIn(withLab, ['--inventory', failingInventory, '--ssh-key', unauthorizedKeyFile]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('host nolibvirt 127.0.0.1: NOT READ (SSH login refused for user root)');
  });

  it('lets an explicit --ssh-user win over lab.json', () => {
    const result = statusIn(withLab, ['--inventory', failingInventory, '--ssh-user', 'vpnobody']);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('host nolibvirt 127.0.0.1: NOT READ (SSH login refused for user vpnobody)');
  });
});

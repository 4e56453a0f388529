/**
 * Checks at plan, with the attribute and the fix, before anything is touched (issue 19), with the real
 * terraform against the lab: overlapping subnets in a data center (with a network of the inventory, and
 * between two new ones), a MAC already used on the network, a bridge missing on the hosts, a host id
 * among an affinity group's vm_ids, a disk that does not exist, a host's name or address and a data
 * center's name already taken (with the import command). And what can still fail at apply (a subnet the
 * hosts' own interface uses) leaves nothing behind: no network on a host, none in the inventory.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshPool } from '../../lib/backends/ssh/index.js';
import { buildProvider, createTerraformWorkspace, type TerraformWorkspace } from '../support/terraform.js';
import { useLab, type TestLab } from '../support/lab.js';
import { hclString, platformHcl, providerBlock } from '../support/platformHcl.js';

const tag = randomBytes(3).toString('hex');
const octet = 100 + (parseInt(tag.slice(0, 2), 16) % 100);
const names = { net: `pc-${tag}`, dir: `pcd-${tag}`, vm: `pcvm-${tag}`, dc: `pcdc-${tag}` };
const mac = `52:54:00:${tag.slice(0, 2)}:${tag.slice(2, 4)}:${tag.slice(4, 6)}`;
const ssh = new SshPool();
let lab: TestLab;
let tf: TerraformWorkspace;

function base(): string {
  return `${tf.requiredProviders()}${platformHcl(lab.lab, { inventory: join(tf.root, 'inventory'), datacenter: names.dc, hosts: ['kvm1', 'kvm2'] })}
resource "virtplane_network" "net" {
  name          = ${hclString(names.net)}
  datacenter_id = virtplane_datacenter.dc.id
  mode          = "nat"
  cidr          = "10.241.${octet}.0/24"
  depends_on    = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_storage_domain" "dir" {
  name          = ${hclString(names.dir)}
  datacenter_id = virtplane_datacenter.dc.id
  type          = "dir"
  path          = "/var/lib/virtplane/${names.dir}"
  host_id       = virtplane_host.kvm1.id
}

resource "virtplane_vm" "vm" {
  name                     = ${hclString(names.vm)}
  cluster_id               = virtplane_cluster.main.id
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 0
  running                  = false
  nic {
    network_id = virtplane_network.net.id
    mac        = "${mac}"
  }
  depends_on = [virtplane_host.kvm1, virtplane_host.kvm2]
}
`;
}

/** Plans the base plus `extra` (in `workspace`, this file's by default): the plan must fail with `summary` on `attribute` of `address`. */
async function refusedAtPlan(extra: string, summary: string, address: string | RegExp, attribute: RegExp, workspace: TerraformWorkspace = tf): Promise<string> {
  await workspace.writeConfig(extra, 'bad.tf');
  try {
    const { result } = await workspace.plan([], { allowFailure: true });
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    const block = result.stderr.split('Error: ').find((part) => part.startsWith(summary));
    expect(block, result.stderr).toBeDefined();
    if (typeof address === 'string') expect(block).toContain(`with ${address}`);
    else expect(block).toMatch(address);
    expect(block).toMatch(attribute);
    return block!;
  } finally {
    await rm(join(workspace.dir, 'bad.tf'), { force: true });
  }
}

beforeAll(async () => {
  lab = await useLab();
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  await tf.writeConfig(base());
  await tf.init();
  await tf.apply([], { timeoutMs: 600_000 });
}, 900_000);

afterAll(async () => {
  await rm(join(tf.dir, 'bad.tf'), { force: true });
  await tf?.destroy({ allowFailure: true });
  await tf?.cleanup();
  for (const endpoint of lab?.hosts ?? []) await ssh.exec(endpoint, ['rm', '-rf', '--', `/var/lib/virtplane/${names.dir}`]).catch(() => undefined);
  await ssh.close();
}, 300_000);

describe('checks at plan', () => {
  it('refuses a subnet that overlaps another network of the data center, and two new ones that overlap', async () => {
    const network = (name: string, cidr: string): string =>
      `resource "virtplane_network" "${name}" {\n  name = "${name}-${tag}"\n  datacenter_id = virtplane_datacenter.dc.id\n  mode = "nat"\n  cidr = "${cidr}"\n}\n`;
    const detail = await refusedAtPlan(network('inner', `10.241.${octet}.128/25`), 'Subnet overlaps another network', 'virtplane_network.inner', /cidr/);
    expect(detail).toContain(names.net);
    await refusedAtPlan(
      network('one', `10.242.${octet}.0/24`) + network('two', `10.242.${octet}.64/26`),
      'Subnet overlaps another network',
      // Planned side by side: whichever is planned second is refused.
      /with virtplane_network\.(one|two)/,
      /cidr/,
    );
  }, 300_000);

  it('refuses a MAC another VM has on the network, a missing bridge, a host among vm_ids and a disk that does not exist', async () => {
    const vm = (body: string): string =>
      `resource "virtplane_vm" "bad" {\n  name = "bad-${tag}"\n  cluster_id = virtplane_cluster.main.id\n  memory_mib = 32\n  graphics = "none"\n  running = false\n${body}}\n`;
    await refusedAtPlan(
      vm(`  nic {\n    network_id = virtplane_network.net.id\n    mac = "${mac}"\n  }\n`),
      'MAC already used on the network',
      'virtplane_vm.bad',
      /mac/,
    );
    await refusedAtPlan(
      `resource "virtplane_network" "br" {\n  name = "br-${tag}"\n  datacenter_id = virtplane_datacenter.dc.id\n  mode = "bridge"\n  bridge = "nobr${tag}"\n}\n`,
      'Bridge not on every host',
      'virtplane_network.br',
      /bridge/,
    );
    await refusedAtPlan(
      `resource "virtplane_affinity_group" "g" {\n  name = "g"\n  cluster_id = virtplane_cluster.main.id\n  vm_ids = [virtplane_vm.vm.id, virtplane_host.kvm2.id]\n}\n`,
      'Not a VM id',
      'virtplane_affinity_group.g',
      /host kvm2[\s\S]*hosts go in host_ids/,
    );
    await refusedAtPlan(
      vm(`  disk {\n    disk_id = "\${virtplane_storage_domain.dir.id}/nothere.qcow2"\n  }\n`),
      'Disk not found',
      'virtplane_vm.bad',
      /disk_id/,
    );
  }, 300_000);

  it('refuses a host name, a host address and a data center name another workspace has, with the import command; in its own workspace it warns', async () => {
    const kvm1 = lab.lab.hosts[0]!;
    const clusterId = String((await tf.stateAttributes('virtplane_cluster', 'main')).id);
    const host = (name: string, address: string, cluster: string): string =>
      `resource "virtplane_host" "dup" {\n  name = ${hclString(name)}\n  cluster_id = ${cluster}\n  address = ${hclString(address)}\n  host_key = ${hclString(kvm1.hostKey)}\n}\n`;
    // Another team's directory on the same inventory: another workspace, whose plans refuse what this one made.
    const other = await createTerraformWorkspace({ entryPoint: await buildProvider() });
    try {
      await other.writeConfig(`${other.requiredProviders()}${providerBlock(lab.lab, join(tf.root, 'inventory'))}`);
      await other.init();
      const byName = await refusedAtPlan(
        host('kvm1', '10.99.99.99', hclString(clusterId)),
        'Host name already taken',
        'virtplane_host.dup',
        /terraform\s+import\s+virtplane_host\.NAME\s+kvm1/,
        other,
      );
      expect(byName).toContain('name');
      await refusedAtPlan(
        host(`other-${tag}`, kvm1.address, hclString(clusterId)),
        'Host address already taken',
        'virtplane_host.dup',
        /terraform\s+import\s+virtplane_host\.NAME\s+kvm1/,
        other,
      );
      await refusedAtPlan(
        `resource "virtplane_datacenter" "dup" {\n  name = ${hclString(names.dc)}\n}\n`,
        'Data center name already taken',
        'virtplane_datacenter.dup',
        new RegExp(`terraform\\s+import\\s+virtplane_datacenter\\.NAME\\s+${names.dc}`),
        other,
      );
    } finally {
      await other.cleanup();
    }
    // The same name in this workspace may be what an interrupted apply of it left (adopted by the
    // create): the plan goes through and says so, with the way out when another resource manages it.
    await tf.writeConfig(host('kvm1', kvm1.address, 'virtplane_cluster.main.id'), 'bad.tf');
    try {
      const { result } = await tf.plan([], { allowFailure: true });
      // -detailed-exitcode: 2 is a plan that succeeded with changes (the host to create).
      expect(result.exitCode, result.stdout + result.stderr).toBe(2);
      // Terraform wraps the detail: any whitespace between its words.
      expect(result.stdout + result.stderr).toMatch(
        /Warning: Host taken over from an earlier apply[\s\S]*another\s+resource\s+of\s+this\s+configuration\s+manages\s+it/,
      );
    } finally {
      await rm(join(tf.dir, 'bad.tf'), { force: true });
    }
  }, 300_000);

  it('leaves nothing behind when a network still fails at apply (a subnet the hosts use themselves)', async () => {
    const subnet = process.env.VIRTPLANE_LAB_SUBNET ?? '10.77.0.0/24';
    await tf.writeConfig(
      `resource "virtplane_network" "clash" {\n  name = "clash-${tag}"\n  datacenter_id = virtplane_datacenter.dc.id\n  mode = "nat"\n  cidr = "${subnet}"\n}\n`,
      'bad.tf',
    );
    const applied = await tf.apply([], { allowFailure: true, timeoutMs: 300_000 });
    expect(applied.exitCode).toBe(1);
    expect(applied.stderr).toContain(`Network clash-${tag} not created`);
    expect(applied.stderr).toContain('Nothing was left behind');
    for (const endpoint of lab.hosts.slice(0, 2)) {
      expect((await ssh.exec(endpoint, ['virsh', '-q', 'net-list', '--all', '--name'])).stdout).not.toContain(`clash-${tag}`);
    }
    // Not in the state, not in the inventory: the next plan creates it again (and nothing else).
    const { result } = await tf.plan();
    expect(result.stdout).toContain('virtplane_network.clash will be created');
    expect(result.stdout).toMatch(/Plan: 1 to add, 0 to change, 0 to destroy/);
    await rm(join(tf.dir, 'bad.tf'), { force: true });
    await tf.expectEmptyPlan();
  }, 300_000);
});

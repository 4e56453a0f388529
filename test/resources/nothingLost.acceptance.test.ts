/**
 * Nothing lost, nothing doubled (issue 12, items 3, 4, 7, 10) against the lab with the real terraform:
 * - a second workspace declaring a VM name another workspace created is refused "name taken", with
 *   where, right after that workspace's apply (no refresh in between: nothing marks a VM any more);
 * - `terraform plan` writes nothing: every host's domain, network and pool XML, the storage server's
 *   tgt configuration and the whole inventory are the same, byte for byte, before and after;
 * - a state pointed at an empty inventory is refused (wrong inventory?) instead of planning to recreate
 *   the platform, and `virtplane inventory rebuild` makes the plan empty again;
 * - an inventory URL's password (user part and ?password=) never shows in diagnostics or logs.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded } from '../../lib/inventory/embedded.js';
import { buildProvider, createTerraformWorkspace, type TerraformWorkspace } from '../support/terraform.js';
import { useLab, type TestLab } from '../support/lab.js';
import { hclString, platformHcl, providerBlock } from '../support/platformHcl.js';
import { runCli } from '../support/cli.js';
import { VmTestLab } from './vm/testLab.js';

let lab: TestLab;
let tf: TerraformWorkspace;
let other: TerraformWorkspace | undefined;
let vms: VmTestLab;
let clusterId: string | undefined;
let names: { readonly iqn: string; readonly network: string; readonly domain: string };

function config(inventory: string): string {
  return `${tf.requiredProviders()}${platformHcl(lab.lab, { inventory })}
resource "virtplane_network" "lan" {
  name          = ${hclString(names.network)}
  datacenter_id = virtplane_datacenter.dc.id
  mode          = "isolated"
}

resource "virtplane_iscsi_target" "shared" {
  server_address  = ${hclString(lab.lab.storage.address)}
  server_host_key = ${hclString(lab.lab.storage.hostKey)}
  iqn             = ${hclString(names.iqn)}
  lun {
    lun      = 1
    size_mib = 4
  }
}

resource "virtplane_storage_domain" "shared" {
  name            = ${hclString(names.domain)}
  datacenter_id   = virtplane_datacenter.dc.id
  type            = "iscsi"
  iscsi_target_id = virtplane_iscsi_target.shared.id
  depends_on      = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_vm" "a" {
  name                     = "a"
  cluster_id               = virtplane_cluster.main.id
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 0
  nic {
    network_id = virtplane_network.lan.id
  }
  depends_on = [virtplane_host.kvm1, virtplane_host.kvm2]
}

resource "virtplane_vm" "b" {
  name                     = "b"
  cluster_id               = virtplane_cluster.main.id
  memory_mib               = 32
  graphics                 = "none"
  shutdown_timeout_seconds = 0
  depends_on               = [virtplane_host.kvm1, virtplane_host.kvm2]
}
`;
}

const inventoryDir = (): string => join(tf.root, 'inventory');

/** Every host's libvirt objects as XML, the storage server's tgt configuration, keyed by where they are. */
async function hostsSnapshot(): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  for (const host of lab.lab.hosts) {
    const lines = async (args: string[]): Promise<string[]> =>
      (await vms.virsh(host.name, args))
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    for (const uuid of await lines(['list', '--all', '--uuid'])) snapshot[`${host.name} domain ${uuid}`] = await vms.virsh(host.name, ['dumpxml', uuid]);
    for (const name of await lines(['net-list', '--all', '--name']))
      snapshot[`${host.name} network ${name}`] = await vms.virsh(host.name, ['net-dumpxml', name]);
    for (const name of await lines(['pool-list', '--all', '--name']))
      snapshot[`${host.name} pool ${name}`] = await vms.virsh(host.name, ['pool-dumpxml', name]);
  }
  const conf = await vms.pool.exec(lab.storage, ['sh', '-c', 'cat /etc/tgt/conf.d/*.conf; tgtadm --lld iscsi --mode target --op show']);
  snapshot['storage tgt'] = conf.stdout;
  return snapshot;
}

/** Every row of every table of the embedded inventory, in a stable order. */
async function inventoryDump(dir: string): Promise<Record<string, unknown[]>> {
  const driver = await openEmbedded(dir);
  try {
    const tables = await driver.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    const dump: Record<string, unknown[]> = {};
    for (const { table_name: table } of tables.rows) {
      const rows = await driver.query(`SELECT to_jsonb(t)::text AS row FROM ${String(table)} t ORDER BY 1`);
      dump[String(table)] = rows.rows.map((row) => row.row);
    }
    return dump;
  } finally {
    await driver.close();
  }
}

beforeAll(async () => {
  lab = await useLab();
  tf = await createTerraformWorkspace({ entryPoint: await buildProvider() });
  vms = new VmTestLab(lab, inventoryDir());
  names = { iqn: `iqn.2025-01.dev.virtplane.test:nl-${vms.run}`, network: `vpnl-${vms.run}-lan`, domain: `vpnl-${vms.run}-shared` };
  await tf.writeConfig(config(inventoryDir()));
  await tf.init();
  await tf.apply();
  clusterId = String((await tf.stateAttributes('virtplane_cluster', 'main')).id);
}, 600_000);

afterAll(async () => {
  await other?.cleanup();
  if (tf) {
    await tf.writeConfig(config(inventoryDir()));
    await tf.destroy({ allowFailure: true });
  }
  await vms?.cleanup(clusterId, { networks: names ? [names.network] : [], pools: names ? [names.domain] : [], targetIqn: names?.iqn });
  await tf?.cleanup();
}, 600_000);

describe('nothing lost, nothing doubled', () => {
  it('a second workspace declaring the same VM name is refused "name taken", saying where (right after the first apply)', async () => {
    other = await createTerraformWorkspace({ entryPoint: await buildProvider() });
    await other.writeConfig(`${other.requiredProviders()}${providerBlock(lab.lab, inventoryDir())}
data "virtplane_datacenter" "dc" {
  name = "Default"
}

data "virtplane_cluster" "main" {
  name          = "main"
  datacenter_id = data.virtplane_datacenter.dc.id
}

resource "virtplane_vm" "a" {
  name       = "a"
  cluster_id = data.virtplane_cluster.main.id
  memory_mib = 64
  graphics   = "none"
}
`);
    await other.init();
    const { result } = await other.plan([], { allowFailure: true });
    const output = result.stdout + result.stderr;
    expect(result.exitCode).toBe(1);
    expect(output).toMatch(/VM name already taken/);
    expect(output).toMatch(/on host "kvm[12]"\s+in cluster "main"/);
    expect(output).toMatch(/another\s+Terraform\s+workspace/);
    expect(output).not.toMatch(/Adopting/);
    // Its apply is refused the same way, and VM a is untouched (still 32 MiB, running, where it was).
    const applied = await other.apply([], { allowFailure: true });
    expect(applied.exitCode).not.toBe(0);
    const domain = await vms.domainNamed(clusterId!, 'a');
    expect(domain.model?.currentMemoryMiB).toBe(32);
    expect(domain.state).toBe('running');
  });

  it('terraform plan writes nothing: hosts, storage server and inventory byte for byte the same', async () => {
    const hostsBefore = await hostsSnapshot();
    const inventoryBefore = await inventoryDump(inventoryDir());
    expect(Object.keys(hostsBefore).filter((key) => key.includes(' domain ')).length).toBeGreaterThanOrEqual(2);
    let started = Date.now();
    await tf.expectEmptyPlan();
    const first = Date.now() - started;
    expect(await inventoryDump(inventoryDir())).toEqual(inventoryBefore);
    const hostsAfter = await hostsSnapshot();
    for (const key of Object.keys(hostsBefore)) expect({ key, xml: hostsAfter[key] }).toEqual({ key, xml: hostsBefore[key] });
    expect(Object.keys(hostsAfter).sort()).toEqual(Object.keys(hostsBefore).sort());
    started = Date.now();
    await tf.expectEmptyPlan();
    process.stderr.write(`[plan] 2 VMs: first plan after apply ${first} ms, next plan ${Date.now() - started} ms\n`);
  });

  it('an empty inventory is refused (wrong inventory?), and `virtplane inventory rebuild` makes the plan empty', async () => {
    const empty = join(tf.root, 'empty-inventory');
    await tf.writeConfig(config(empty));
    const { result } = await tf.plan([], { allowFailure: true });
    const output = result.stdout + result.stderr;
    expect(result.exitCode).toBe(1);
    expect(output).toMatch(/The inventory does not know this object \(wrong inventory\?\)/);
    expect(output).toMatch(/virtplane\s+inventory\s+rebuild/);
    expect(output).not.toMatch(/will be created/);

    const rebuilt = runCli([
      'inventory',
      'rebuild',
      '--state',
      join(tf.dir, 'terraform.tfstate'),
      '--inventory',
      empty,
      '--ssh-key',
      lab.lab.sshPrivateKeyFile,
    ]);
    process.stderr.write(`[rebuild] ${rebuilt.stdout}${rebuilt.stderr}`);
    expect(rebuilt.status).toBe(0);
    expect(rebuilt.stdout).toMatch(/registered virtplane_vm a/);
    await tf.expectEmptyPlan();
  });

  it("an inventory URL's password never shows: not in diagnostics, not in the provider's logs", async () => {
    const log = join(tf.root, 'provider.log');
    await tf.writeConfig(
      `${tf.requiredProviders()}${providerBlock(lab.lab, 'postgres://virtplane:UserPartS3cret@127.0.0.1:1/inventory?password=QueryS3cret&sslmode=disable')}
resource "virtplane_datacenter" "dc" {
  name = "Default"
}
`,
      'main.tf',
    );
    const result = await tf.run(['plan', '-input=false', '-no-color', '-refresh=true'], {
      allowFailure: true,
      env: { TF_LOG_PROVIDER: 'TRACE', TF_LOG_PATH: log },
    });
    const output = result.stdout + result.stderr + (await readFile(log, 'utf8').catch(() => ''));
    expect(result.exitCode).not.toBe(0);
    expect(output).toMatch(/inventory/i);
    expect(output).not.toMatch(/UserPartS3cret/);
    expect(output).not.toMatch(/QueryS3cret/);
    await tf.writeConfig(config(inventoryDir()));
  });
});

import { resolve } from 'node:path';
import { DEFAULT_INVENTORY_FOLDER, openInventory } from '../inventory/index.js';
import { parseArgs } from './args.js';

function mib(value: number | null): string {
  if (value === null) return '?';
  return value >= 10240 ? `${(value / 1024).toFixed(1)} GiB` : `${value} MiB`;
}

/**
 * `virtplane status [--inventory LOCATION]`: the platform as the inventory knows it, as a tree a person
 * takes in at a glance: data center -> cluster -> hosts (memory placed / total) -> VMs, then the data
 * center's storage domains and networks.
 */
export async function statusCommand(argv: readonly string[]): Promise<number> {
  const { flags } = parseArgs(argv, ['inventory']);
  const setting = flags.inventory ?? DEFAULT_INVENTORY_FOLDER;
  const location = /^postgres(ql)?:\/\//.test(setting) ? setting : resolve(setting);
  const inventory = await openInventory(location);
  try {
    const lines: string[] = [];
    const datacenters = await inventory.datacenters.list();
    if (datacenters.length === 0) lines.push(`the inventory at ${inventory.location} is empty`);
    for (const datacenter of datacenters) {
      lines.push(`data center ${datacenter.name} (${datacenter.storageType} storage)`);
      for (const cluster of await inventory.clusters.list(datacenter.id)) {
        lines.push(`  cluster ${cluster.name}: ${cluster.schedulingPolicy}, memory overcommit ${cluster.memoryOvercommitPercent}%`);
        for (const host of await inventory.hosts.list(cluster.id)) {
          const vms = await inventory.vmPlacements.list({ hostId: host.id });
          const placed = vms.reduce((sum, vm) => sum + vm.memoryMib, 0);
          const flagsText = [host.maintenance ? 'MAINTENANCE' : '', host.kvm === false ? 'TCG' : ''].filter(Boolean).join(', ');
          lines.push(
            `    host ${host.name} ${host.address}: ${host.cpus ?? '?'} CPUs, memory ${mib(placed)} placed / ${mib(host.memoryMib)}, libvirt ${host.libvirtVersion ?? '?'}${flagsText ? ` [${flagsText}]` : ''}`,
          );
          for (const vm of vms) lines.push(`      vm ${vm.name}: ${vm.vcpus} vCPU, ${mib(vm.memoryMib)} (${vm.status})`);
        }
      }
      for (const domain of await inventory.storageDomains.list(datacenter.id)) {
        const where = domain.type === 'dir' ? domain.path : `${domain.iqn} at ${domain.portal}`;
        lines.push(`  storage domain ${domain.name}: ${domain.type} ${where ?? '?'}`);
      }
      for (const network of await inventory.networks.list(datacenter.id)) {
        const where = network.mode === 'bridge' ? `on ${network.bridge ?? '?'}` : (network.cidr ?? 'no subnet');
        lines.push(`  network ${network.name}: ${network.mode} ${where}${network.vlanId === null ? '' : `, VLAN ${network.vlanId}`}`);
      }
    }
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  } finally {
    await inventory.close();
  }
}

/**
 * The status tree as text: data center -> cluster -> host -> VMs (a table, columns aligned across the
 * whole output), then each data center's storage domains and networks.
 */
import type { HostReading } from '../engine/hostReads.js';
import type { PlatformSnapshot } from './statusSnapshot.js';
import { networkPresence, storageDomainPresence, type HostView, type VmRow } from './statusView.js';

/** 64 -> "64 MiB", 3891 -> "3.8 GiB", 2048 -> "2 GiB". */
export function formatMib(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '?';
  if (value < 1024) return `${value} MiB`;
  return `${(Math.round((value / 1024) * 10) / 10).toString()} GiB`;
}

function hostFlags(view: HostView, kvm: boolean | null): string {
  const flags = [view.host.row.maintenance ? 'MAINTENANCE' : '', kvm === false ? 'TCG' : ''].filter(Boolean);
  return flags.length === 0 ? '' : ` [${flags.join(', ')}]`;
}

/** The HA engine's judgement, when an engine watches the host: up, NON-RESPONSIVE, FENCED, FENCE FAILED. */
function healthOf(view: HostView): string {
  const health = view.host.health;
  if (health === undefined) return '';
  const label = { up: 'up', non_responsive: 'NON-RESPONSIVE', fenced: 'FENCED', fence_failed: 'FENCE FAILED' }[health.status];
  return `; health ${label}${health.status === 'up' ? '' : ` since ${health.changedAt.toISOString()}`}`;
}

function hostLine(view: HostView): string {
  return hostFacts(view) + healthOf(view);
}

function hostFacts(view: HostView): string {
  const { row, placements } = view.host;
  const head = `    host ${row.name} ${row.address}:`;
  const reading = view.reading;
  if (reading?.kind === 'read') {
    const { facts } = reading.inventory;
    const placed = view.vms.filter((vm) => vm.foundHere).reduce((sum, vm) => sum + (vm.memoryMib ?? 0), 0);
    const others = view.otherDomains === 0 ? '' : `; + ${view.otherDomains} other domains`;
    return (
      `${head} ${facts.cpus} CPUs, memory ${formatMib(placed)} placed / ${formatMib(facts.memoryMiB)} (${formatMib(facts.availableMemoryMiB)} free), ` +
      `libvirt ${facts.libvirtVersion}${hostFlags(view, facts.kvm)}${others}`
    );
  }
  const placed = placements.reduce((sum, vm) => sum + vm.memoryMib, 0);
  const known = `${row.cpus ?? '?'} CPUs, memory ${formatMib(placed)} placed / ${formatMib(row.memoryMib)}, libvirt ${row.libvirtVersion ?? '?'}${hostFlags(view, row.kvm)}`;
  if (reading?.kind !== 'failed') return `${head} ${known}`;
  const lastKnown = row.factsCollectedAt === null ? `memory ${formatMib(placed)} placed${hostFlags(view, null)}` : `last known ${known}`;
  return `${head} NOT READ (${reading.reason}); ${lastKnown}`;
}

function listCell(label: string, items: readonly string[] | null): string {
  if (items === null) return '';
  return `${label}: ${items.length === 0 ? 'none' : items.join(', ')}`;
}

function vmCells(vm: VmRow): string[] {
  return [
    `vm ${vm.name}`,
    vm.state,
    vm.vcpus === null ? '? vCPU' : `${vm.vcpus} vCPU`,
    formatMib(vm.memoryMib),
    listCell('disks', vm.disks),
    listCell('nics', vm.nics),
    vm.notes.join(' '),
  ];
}

/** Pads every column to its widest cell; a column empty on every row is left out. */
function alignRows(rows: readonly (readonly string[])[]): string[] {
  const columns = Math.max(0, ...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) => Math.max(0, ...rows.map((row) => row[column]?.length ?? 0)));
  return rows.map((row) =>
    row
      .map((cell, column) => ({ cell, width: widths[column] ?? 0 }))
      .filter(({ width }) => width > 0)
      .map(({ cell, width }) => cell.padEnd(width))
      .join('  ')
      .trimEnd(),
  );
}

interface RenderOptions {
  /** One line above the tree, e.g. "(inventory only: no SSH credentials)". */
  readonly note?: string;
  /** The live readings, for the storage domains' and networks' presence on hosts. */
  readonly readings?: ReadonlyMap<string, HostReading>;
}

export function renderStatusTree(snapshot: PlatformSnapshot, views: ReadonlyMap<string, HostView>, options: RenderOptions = {}): string[] {
  // Rendered in two passes: VM rows are aligned across the whole output, so their text is known only at the end.
  const lines: (string | { readonly vm: number })[] = [];
  const vmRows: string[][] = [];
  if (options.note) lines.push(options.note);
  if (snapshot.datacenters.length === 0) lines.push(`the inventory at ${snapshot.location} is empty`);
  for (const datacenter of snapshot.datacenters) {
    lines.push(`data center ${datacenter.row.name} (${datacenter.row.storageType} storage)`);
    for (const cluster of datacenter.clusters) {
      lines.push(`  cluster ${cluster.row.name}: ${cluster.row.schedulingPolicy}, memory overcommit ${cluster.row.memoryOvercommitPercent}%`);
      for (const host of cluster.hosts) {
        const view = views.get(host.row.id);
        if (!view) continue;
        lines.push(hostLine(view));
        for (const vm of view.vms) {
          lines.push({ vm: vmRows.length });
          vmRows.push(vmCells(vm));
        }
      }
    }
    const live = (text: string): string => (text === '' ? '' : `; ${text}`);
    for (const domain of datacenter.storageDomains) {
      const where = domain.type === 'dir' ? domain.path : `${domain.iqn} at ${domain.portal}`;
      const presence = options.readings ? live(storageDomainPresence(datacenter, domain, options.readings)) : '';
      const owner = datacenter.clusters.flatMap((cluster) => cluster.hosts).find((host) => host.row.id === domain.hostId)?.row.name ?? domain.hostId;
      const local = domain.type === 'dir' && !domain.shared ? ` (local to ${owner ?? '?'})` : '';
      lines.push(`  storage domain ${domain.name}: ${domain.type} ${where ?? '?'}${local}${presence}`);
    }
    for (const network of datacenter.networks) {
      const where = network.mode === 'bridge' ? `on ${network.bridge ?? '?'}` : (network.cidr ?? 'no subnet');
      const presence = options.readings ? live(networkPresence(datacenter, network, options.readings)) : '';
      lines.push(`  network ${network.name}: ${network.mode} ${where}${network.vlanId === null ? '' : `, VLAN ${network.vlanId}`}${presence}`);
    }
  }
  if (snapshot.haEvents.length > 0) {
    lines.push('recent HA events (virtplane engine), newest first:');
    for (const event of snapshot.haEvents) {
      const about = [event.hostName === null ? '' : `host ${event.hostName}`, event.vmName === null ? '' : `vm ${event.vmName}`].filter(Boolean).join(' ');
      lines.push(`  ${event.at.toISOString()} ${event.kind}${about === '' ? '' : ` ${about}`}: ${event.message}`);
    }
  }
  const aligned = alignRows(vmRows);
  return lines.map((line) => (typeof line === 'string' ? line : `      ${aligned[line.vm] ?? ''}`));
}

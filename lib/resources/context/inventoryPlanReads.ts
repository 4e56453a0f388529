/**
 * The inventory rows every VM's ReadResource and PlanResourceChange ask for (its cluster, the cluster's
 * hosts, its placement), read once per provider process and shared, instead of three to five queries per
 * VM: a no-op plan of 200 VMs made about 1,000 round trips to the inventory (each one the provider's and
 * the inventory server's CPU), for a handful of distinct rows.
 *
 * Safe because Terraform changes nothing outside ApplyResourceChange (plan and refresh never write): the
 * provider's `changing` hook wraps every apply with the type it changes. While a change runs, nothing it
 * can alter is served from here (each caller reads the inventory itself), and when it ends what it could
 * alter is forgotten, so a re-plan after a change sees it. A VM's change writes placements, never a
 * cluster, host or data center row: while VMs are created the cluster, its data center and hosts are still
 * served, also to the creates themselves (what a VM is built from), which an apply of 20 VMs otherwise
 * asked for 60 times over the one inventory connection everything else queues on. The reservation never
 * trusts them: it locks the host's row and checks it again (vmPlacements.reserve).
 * What another process changes meanwhile is seen as the host reads are (HostReads): at most MAX_AGE_MS
 * late, as from the hosts; locks and reservations never read through here.
 */
import type { Cluster, Datacenter, Host, Inventory, VmPlacement } from '../../inventory/index.js';

/** As long as HostReads keeps a host's read, for the same reason: a long plan on a busy machine reads once. */
const MAX_AGE_MS = 60_000;

type Reader = Pick<Inventory, 'clusters' | 'datacenters' | 'hosts' | 'vmPlacements'>;

type RowKind = 'cluster' | 'datacenter' | 'hosts' | 'placements';
const EVERY_KIND: readonly RowKind[] = ['cluster', 'datacenter', 'hosts', 'placements'];

/**
 * What a change of a resource type can alter among the rows kept here. A type not named may alter any
 * of them (a host's change writes its row, a cluster's its own, a data center's deletion all of them).
 */
const ALTERED_BY_CHANGE_OF: Readonly<Record<string, readonly RowKind[]>> = {
  virtplane_vm: ['placements'],
};

function alteredBy(typeName: string): readonly RowKind[] {
  return ALTERED_BY_CHANGE_OF[typeName] ?? EVERY_KIND;
}

interface Kept {
  readonly kind: RowKind;
  readonly at: number;
  readonly value: Promise<unknown>;
}

export class InventoryPlanReads {
  /** Changes under way, by the kinds of rows they may alter: how many of each. */
  readonly #altering = new Map<RowKind, number>();
  readonly #kept = new Map<string, Kept>();

  /** False while a change of this process that may alter `kind` runs: then every caller reads the inventory itself. */
  serving(kind: RowKind): boolean {
    return (this.#altering.get(kind) ?? 0) === 0;
  }

  /**
   * Runs an apply of `typeName`: what it may alter is not served while it runs, nor what was read of it
   * before served after it.
   */
  async aroundChange<T>(typeName: string, work: () => Promise<T>): Promise<T> {
    const kinds = alteredBy(typeName);
    for (const kind of kinds) this.#altering.set(kind, (this.#altering.get(kind) ?? 0) + 1);
    this.#forget(kinds);
    try {
      return await work();
    } finally {
      for (const kind of kinds) this.#altering.set(kind, this.#altering.get(kind)! - 1);
      this.#forget(kinds);
    }
  }

  cluster(inventory: Reader, clusterId: string): Promise<Cluster | undefined> {
    return this.#shared('cluster', clusterId, () => inventory.clusters.get(clusterId));
  }

  datacenter(inventory: Reader, datacenterId: string): Promise<Datacenter | undefined> {
    return this.#shared('datacenter', datacenterId, () => inventory.datacenters.get(datacenterId));
  }

  hostsOf(inventory: Reader, clusterId: string): Promise<readonly Host[]> {
    return this.#shared('hosts', clusterId, () => inventory.hosts.list(clusterId));
  }

  /** The VM's placement row, whatever its status (as vmPlacements.get): every row is read at once. */
  async placement(inventory: Reader, vmId: string): Promise<VmPlacement | undefined> {
    if (!this.serving('placements')) return inventory.vmPlacements.get(vmId);
    const rows = await this.#shared('placements', '', async () => {
      const all = await inventory.vmPlacements.list({ includeExpired: true });
      return new Map(all.map((row) => [row.vmId.toLowerCase(), row]));
    });
    return rows.get(vmId.toLowerCase());
  }

  #forget(kinds: readonly RowKind[]): void {
    for (const [key, kept] of this.#kept) if (kinds.includes(kept.kind)) this.#kept.delete(key);
  }

  #shared<T>(kind: RowKind, id: string, read: () => Promise<T>): Promise<T> {
    if (!this.serving(kind)) return read();
    const key = `${kind} ${id}`;
    const kept = this.#kept.get(key);
    if (kept !== undefined && Date.now() - kept.at < MAX_AGE_MS) return kept.value as Promise<T>;
    const value = read();
    this.#kept.set(key, { kind, at: Date.now(), value });
    // A failed read is not kept: the next caller tries again.
    value.catch(() => {
      if (this.#kept.get(key)?.value === value) this.#kept.delete(key);
    });
    return value;
  }
}

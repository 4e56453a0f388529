/**
 * The inventory rows every VM's ReadResource and PlanResourceChange ask for (its cluster, the cluster's
 * hosts, its placement), read once per provider process and shared, instead of three to five queries per
 * VM: a no-op plan of 200 VMs made about 1,000 round trips to the inventory (each one the provider's and
 * the inventory server's CPU), for a handful of distinct rows.
 *
 * Safe because Terraform changes nothing outside ApplyResourceChange (plan and refresh never write): the
 * provider's `changing` hook wraps every apply, and while one runs nothing is served from here (each
 * caller reads the inventory itself), and when it ends everything kept is forgotten, so a re-plan after
 * a change sees it. What another process changes meanwhile is seen as the host reads are (HostReads):
 * a plan answers from the inventory as it was at most MAX_AGE_MS ago, as from the hosts; apply-time
 * decisions (reservations, locks) never read through here.
 */
import type { Cluster, Host, Inventory, VmPlacement } from '../../inventory/index.js';

/** As long as HostReads keeps a host's read, for the same reason: a long plan on a busy machine reads once. */
const MAX_AGE_MS = 60_000;

type Reader = Pick<Inventory, 'clusters' | 'hosts' | 'vmPlacements'>;

interface Kept {
  readonly at: number;
  readonly value: Promise<unknown>;
}

export class InventoryPlanReads {
  #changesUnderWay = 0;
  readonly #kept = new Map<string, Kept>();

  /** False while a change of this process runs: then every caller reads the inventory itself. */
  get serving(): boolean {
    return this.#changesUnderWay === 0;
  }

  /** Runs an apply: nothing is served while it runs, and nothing read before it is served after it. */
  async aroundChange<T>(work: () => Promise<T>): Promise<T> {
    this.#changesUnderWay += 1;
    this.#kept.clear();
    try {
      return await work();
    } finally {
      this.#changesUnderWay -= 1;
      this.#kept.clear();
    }
  }

  cluster(inventory: Reader, clusterId: string): Promise<Cluster | undefined> {
    return this.#shared(`cluster ${clusterId}`, () => inventory.clusters.get(clusterId));
  }

  hostsOf(inventory: Reader, clusterId: string): Promise<readonly Host[]> {
    return this.#shared(`hosts ${clusterId}`, () => inventory.hosts.list(clusterId));
  }

  /** The VM's placement row, whatever its status (as vmPlacements.get): every row is read at once. */
  async placement(inventory: Reader, vmId: string): Promise<VmPlacement | undefined> {
    if (this.#changesUnderWay > 0) return inventory.vmPlacements.get(vmId);
    const rows = await this.#shared('placements', async () => {
      const all = await inventory.vmPlacements.list({ includeExpired: true });
      return new Map(all.map((row) => [row.vmId.toLowerCase(), row]));
    });
    return rows.get(vmId.toLowerCase());
  }

  #shared<T>(key: string, read: () => Promise<T>): Promise<T> {
    if (this.#changesUnderWay > 0) return read();
    const kept = this.#kept.get(key);
    if (kept !== undefined && Date.now() - kept.at < MAX_AGE_MS) return kept.value as Promise<T>;
    const value = read();
    this.#kept.set(key, { at: Date.now(), value });
    // A failed read is not kept: the next caller tries again.
    value.catch(() => {
      if (this.#kept.get(key)?.value === value) this.#kept.delete(key);
    });
    return value;
  }
}

/**
 * The clusters as this provider process first found them in the inventory, before any change of its own:
 * what plan-time placement decides from, so that the apply process (a new process, which re-plans each
 * VM right before creating it, after the resources applied before it) decides exactly as the plan did.
 * Captured once, when the process first opens the inventory (InventoryAccess), before any work runs.
 */
import type { Inventory } from '../../inventory/index.js';
import { loadAllSnapshots, type SchedulingSnapshot } from '../../scheduler/index.js';

export class SchedulingBaseline {
  #captured: Promise<ReadonlyMap<string, SchedulingSnapshot>> | undefined;

  /** Reads every cluster once; later calls (the inventory reopened after an idle close) keep the first view. */
  capture(inventory: Pick<Inventory, 'clusters' | 'hosts' | 'vmPlacements' | 'affinityGroups'>): Promise<void> {
    this.#captured ??= loadAllSnapshots(inventory);
    // A failed read surfaces where the baseline is used, never in the opening of the inventory.
    return this.#captured.then(
      () => undefined,
      () => undefined,
    );
  }

  /**
   * The cluster as first seen; undefined when it did not exist then (created by this process since) or
   * when nothing was captured yet.
   */
  async cluster(clusterId: string): Promise<SchedulingSnapshot | undefined> {
    if (this.#captured === undefined) return undefined;
    return (await this.#captured).get(clusterId);
  }
}

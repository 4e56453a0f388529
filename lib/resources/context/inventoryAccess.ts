import { resolve } from 'node:path';
import { redactInventoryUrl, type Inventory, type OpenInventoryOptions } from '../../inventory/index.js';
import { InventoryPlanReads } from './inventoryPlanReads.js';
import { SchedulingBaseline } from './schedulingBaseline.js';

/**
 * The provider's door to the inventory. The embedded store is locked while open, and Terraform runs
 * one provider process per provider configuration at the same time, so the inventory is opened on first
 * use, shared by the operations in flight, and closed once the process has been idle for a moment.
 */
export class InventoryAccess {
  private opening: Promise<Inventory> | undefined;
  private users = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  /** The clusters as this process first found them, captured at the first open before any work runs. */
  readonly baseline = new SchedulingBaseline();
  /** Rows the VMs' reads and plans share, forgotten by every change (inventoryPlanReads.ts). */
  readonly planReads = new InventoryPlanReads();

  constructor(
    readonly location: string,
    private readonly options: OpenInventoryOptions & { readonly idleCloseMs?: number } = {},
  ) {}

  static fromSetting(setting: string, baseDir: string = process.cwd()): InventoryAccess {
    const location = /^postgres(ql)?:\/\//.test(setting) ? setting : resolve(baseDir, setting);
    return new InventoryAccess(location);
  }

  /** The location for messages: the folder, or the URL without its secrets. */
  describe(): string {
    return /^postgres(ql)?:\/\//i.test(this.location) ? redactInventoryUrl(this.location) : this.location;
  }

  async use<T>(work: (inventory: Inventory) => Promise<T>): Promise<T> {
    this.users += 1;
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    try {
      // Loaded on first use: PGlite is heavy, and most provider processes (validate, schema) never need it.
      this.opening ??= import('../../inventory/open.js')
        .then(({ openInventory }) => openInventory(this.location, this.options))
        .then(async (inventory) => {
          await this.baseline.capture(inventory);
          return inventory;
        });
      const inventory = await this.opening.catch((error: unknown) => {
        this.opening = undefined;
        throw error;
      });
      return await work(inventory);
    } finally {
      this.users -= 1;
      if (this.users === 0) {
        this.idleTimer = setTimeout(() => void this.close(), this.options.idleCloseMs ?? 1000);
        this.idleTimer.unref();
      }
    }
  }

  /** Cancels the inventory's statements in flight (Terraform stopped the provider); nothing when not open. */
  async cancel(): Promise<void> {
    const opening = this.opening;
    if (opening) await (await opening.catch(() => undefined))?.cancel();
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const opening = this.opening;
    this.opening = undefined;
    if (opening) await (await opening.catch(() => undefined))?.close();
  }
}

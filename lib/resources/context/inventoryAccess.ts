import { resolve } from 'node:path';
import { redactInventoryUrl, type Inventory, type OpenInventoryOptions, type SessionSharing } from '../../inventory/index.js';
import { InventoryPlanReads } from './inventoryPlanReads.js';
import { inventoryLog } from './providerLog.js';
import { SchedulingBaseline } from './schedulingBaseline.js';

/**
 * The provider's door to the inventory. The embedded store is one process's at a time while open, and
 * Terraform runs one provider process per provider configuration at the same time, so the inventory is
 * opened on first use and shared by the operations in flight. When idle it is given up for the others:
 * at once when the folder's server says another process waits, and never while it says nobody does (an
 * apply otherwise closed and reopened it several times, between each wave of VM starts); where nothing
 * says so (PostgreSQL, a server of an older build, PGlite in this process), after a moment idle.
 * Nothing closes it at exit: the process's end closes the connection, and the server resets the session.
 */
export class InventoryAccess {
  private opening: Promise<Inventory> | undefined;
  private users = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  /** The clusters as this process first found them, captured at the first open before any work runs. */
  readonly baseline = new SchedulingBaseline();
  /** Rows the VMs' reads and plans share, forgotten by every change (inventoryPlanReads.ts). */
  readonly planReads = new InventoryPlanReads();
  private readonly log = inventoryLog();
  /** The open session's: whether other processes wait for it. */
  private sharing: SessionSharing | undefined;

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
      this.opening ??= this.open();
      const inventory = await this.opening.catch((error: unknown) => {
        this.opening = undefined;
        throw error;
      });
      return await work(inventory);
    } finally {
      this.users -= 1;
      if (this.users === 0) this.idle();
    }
  }

  /** No operation uses the inventory now. */
  private idle(): void {
    const sharing = this.sharing;
    if (sharing?.othersWaiting) {
      void this.close();
      return;
    }
    if (sharing?.tellsWaiters) return;
    this.idleTimer = setTimeout(() => void this.close(), this.options.idleCloseMs ?? 1000);
    this.idleTimer.unref();
  }

  private async open(): Promise<Inventory> {
    const began = performance.now();
    const { openInventory } = await import('../../inventory/open.js');
    const inventory = await openInventory(this.location, this.options);
    await this.baseline.capture(inventory);
    this.log?.('opened', { open_ms: Math.round(performance.now() - began) });
    const sharing = inventory.sessionSharing;
    this.sharing = sharing;
    sharing?.onOthersWaiting(() => {
      this.log?.('wanted by another process');
      // Closed when the operations in flight end (use()), or now when there are none.
      if (this.sharing === sharing && this.users === 0) void this.close();
    });
    return inventory;
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
    this.sharing = undefined;
    if (!opening) return;
    await (await opening.catch(() => undefined))?.close();
    this.log?.('closed');
  }
}

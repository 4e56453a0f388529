import { readHostInventory, sshLibvirtHost, type HostInventory } from '../../backends/libvirt/index.js';
import type { SshEndpoint, SshPool } from '../../backends/ssh/index.js';

/**
 * One bulk read per host per refresh. Terraform reads every resource of a plan at about the same
 * time, each VM, pool and network asking about its host: they share one read of that host (one SSH
 * round trip) instead of one each. A change made through virtplane forgets the host's read, so the
 * next read sees it.
 *
 * The first read of each host is also kept for the whole process (firstSeen): the hosts as this
 * process found them before it changed anything, for the answers that must not move with what the
 * process itself did since (a new VM's identity at the apply's re-plan, which must come out as the
 * plan's did; whether an earlier, interrupted apply left a new VM's domain behind).
 */
export class HostReads {
  private readonly reads = new Map<string, { readonly at: number; readonly inventory: Promise<HostInventory> }>();
  private readonly firsts = new Map<string, Promise<HostInventory>>();

  constructor(
    private readonly ssh: SshPool,
    /**
     * How long a read serves later callers. A provider process lives for one Terraform command, and
     * what it changes on a host it forgets: a refresh and the plan after it share one read per host
     * however long they take (a plan of many resources, on a busy machine, outlived a few seconds and
     * read every host again half-way). Apply-time decisions never rely on it (they ask the host).
     */
    private readonly maxAgeMs = 60_000,
  ) {}

  read(endpoint: SshEndpoint, options: { readonly signal?: AbortSignal } = {}): Promise<HostInventory> {
    const key = `${endpoint.host}:${endpoint.port}`;
    const cached = this.reads.get(key);
    if (cached && Date.now() - cached.at < this.maxAgeMs) return cached.inventory;
    const inventory = readHostInventory(sshLibvirtHost(this.ssh, endpoint), { signal: options.signal });
    this.reads.set(key, { at: Date.now(), inventory });
    if (!this.firsts.has(key)) this.firsts.set(key, inventory);
    // A failed read is not kept: the next caller tries again.
    inventory.catch(() => {
      if (this.reads.get(key)?.inventory === inventory) this.reads.delete(key);
      if (this.firsts.get(key) === inventory) this.firsts.delete(key);
    });
    return inventory;
  }

  /**
   * The host as this process first read it (read now when it has not yet): never forgotten, so it
   * shows nothing this process changed since. Only for questions whose answer must not depend on that.
   */
  firstSeen(endpoint: SshEndpoint, options: { readonly signal?: AbortSignal } = {}): Promise<HostInventory> {
    return this.firsts.get(`${endpoint.host}:${endpoint.port}`) ?? this.read(endpoint, options);
  }

  /** After a change on the host, the next read goes to the host again. */
  forget(endpoint: Pick<SshEndpoint, 'host' | 'port'>): void {
    this.reads.delete(`${endpoint.host}:${endpoint.port}`);
  }
}

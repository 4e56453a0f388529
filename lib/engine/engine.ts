/**
 * The HA engine of oVirt's model, as one loop: every interval it reads every host of the inventory
 * (one bulk read each), and a host that misses N reads in a row is non-responsive. The engine then
 * fences it (power off through its power controller, confirmed off) and only then restarts its highly
 * available VMs on other hosts of the cluster, chosen by the scheduler, highest ha_priority first. A
 * host that cannot be fenced keeps its VMs: they may still run there, and two copies of a VM would
 * corrupt its disks. Every step is an event in the inventory.
 *
 * Several engines may watch one inventory: only the holder of the engine lease acts, renewing it each
 * pass; the lease's token changes whenever it changes hands and is checked again right before each VM
 * start, so an engine that lost the lease mid-pass starts nothing more.
 *
 * The inventory is opened for each short step and closed again: an embedded inventory serves one
 * process at a time, and Terraform must not wait for the engine's SSH reads.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  defineDomainCopy,
  destroyDomain,
  haLeaseDirectoryOf,
  isActive,
  lookupDomain,
  prepareHaLease,
  sshLibvirtHost,
  startDomain,
  undefineDomain,
  type HostInventory,
  type LibvirtHost,
} from '../backends/libvirt/index.js';
import { powerDeviceOf, powerOffConfirmed } from '../backends/power/index.js';
import { SshPool, sshEndpoint, type SshLogin } from '../backends/ssh/index.js';
import { openInventory, type HaEventInput, type HaVmDefinition, type Host, type HostHealth, type Inventory } from '../inventory/index.js';
import { loadSnapshot, placeVm, withHostChanged } from '../scheduler/index.js';
import { readHostsLive, type HostReadCredentials, type HostReading } from './hostReads.js';
import type { StatisticsCollector } from './statistics/collector.js';
import { readFileSync } from 'node:fs';

export const ENGINE_LEASE = 'ha-engine';

export interface EngineOptions {
  /** The embedded folder or postgres:// URL. */
  readonly inventory: string;
  readonly credentials: HostReadCredentials;
  /** Each host's power controller password, by host name: the inventory keeps none (docs/ha.md). */
  readonly powerPasswords: ReadonlyMap<string, string>;
  /** Between passes. */
  readonly intervalMs: number;
  /** Reads missed in a row before a host is non-responsive. */
  readonly misses: number;
  /** How long a lease lasts without renewal; another engine takes over after it. */
  readonly leaseSeconds?: number;
  /** This engine's name in events and the lease (default host:pid:random). */
  readonly name?: string;
  /** Each event and notice, as one line. */
  readonly log?: (line: string) => void;
  /** Collects statistics in the same bulk reads (lib/engine/statistics). */
  readonly statistics?: StatisticsCollector;
}

export interface PassResult {
  readonly role: 'active' | 'standby';
  /** The lease holder when standby. */
  readonly holder?: string;
  readonly events: readonly HaEventInput[];
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').find((line) => line.trim() !== '') ?? text;
}

export class Engine {
  readonly name: string;
  readonly #options: EngineOptions;
  readonly #leaseSeconds: number;
  #token: number | undefined;

  constructor(options: EngineOptions) {
    this.#options = options;
    this.name = options.name ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.#leaseSeconds = options.leaseSeconds ?? Math.max(15, Math.ceil((3 * options.intervalMs) / 1000));
  }

  async #withInventory<T>(fn: (inventory: Inventory) => Promise<T>): Promise<T> {
    const inventory = await openInventory(this.#options.inventory);
    try {
      return await fn(inventory);
    } finally {
      await inventory.close();
    }
  }

  #log(line: string): void {
    this.#options.log?.(`${new Date().toISOString()} ${line}`);
  }

  /** One pass: take or renew the lease, read every host, judge, fence, restart. */
  async pass(): Promise<PassResult> {
    const events: HaEventInput[] = [];
    const record = async (inventory: Inventory, event: Omit<HaEventInput, 'engine'>): Promise<void> => {
      const full = { ...event, engine: this.name };
      await inventory.highAvailability.recordEvent(full);
      events.push(full);
      this.#log(`${event.kind}${event.hostName ? ` ${event.hostName}` : ''}${event.vmName ? ` vm ${event.vmName}` : ''}: ${event.message}`);
    };
    const start = await this.#withInventory(async (inventory) => {
      const lease = await inventory.highAvailability.acquireLease(ENGINE_LEASE, this.name, this.#leaseSeconds);
      if (lease === undefined) return { lease: undefined, holder: (await inventory.highAvailability.lease(ENGINE_LEASE))?.holder } as const;
      if (this.#token !== lease.token) this.#log(`holding the engine lease (token ${lease.token})`);
      this.#token = lease.token;
      const hosts = await inventory.hosts.list();
      const health = new Map((await inventory.highAvailability.hostHealth()).map((row) => [row.hostId, row]));
      return { lease, hosts, health } as const;
    });
    if (start.lease === undefined) {
      this.#token = undefined;
      return { role: 'standby', ...(start.holder === undefined ? {} : { holder: start.holder }), events };
    }
    const { hosts, health } = start;
    const collector = this.#options.statistics;
    const collecting = collector?.due() === true;
    const readings = await readHostsLive(hosts, this.#options.credentials, {
      timeoutMs: Math.max(2000, Math.min(this.#options.intervalMs, 10_000)),
      statistics: collecting,
    });

    for (const host of hosts) {
      const reading = readings.get(host.id)!;
      const previous = health.get(host.id);
      if (reading.kind === 'read') await this.#answered(host, reading.inventory, previous, record);
      else await this.#missed(host, reading, previous, record);
    }
    if (collecting) await this.#withInventory((inventory) => collector!.collect(inventory, hosts, readings, (event) => record(inventory, event)));
    return { role: 'active', events };
  }

  /** A host answered: remember its HA VMs' definitions; a fenced host that is back is cleaned first. */
  async #answered(host: Host, read: HostInventory, previous: HostHealth | undefined, record: Recorder): Promise<void> {
    await this.#withInventory(async (inventory) => {
      const placements = new Map((await inventory.vmPlacements.list()).map((placement) => [placement.vmId.toLowerCase(), placement]));
      if (previous !== undefined && previous.status !== 'up') {
        // Copies of VMs that now run elsewhere (restarted while this host was fenced) must go before
        // anything could start them here again.
        const libvirt = this.#libvirt(host);
        try {
          for (const domain of read.domains) {
            const placement = placements.get(domain.uuid.toLowerCase());
            if (placement === undefined || placement.hostId === host.id) continue;
            if (isActive(domain.state)) await destroyDomain(libvirt.host, domain.uuid);
            await undefineDomain(libvirt.host, domain.uuid);
            await record(inventory, {
              kind: 'stale_copy_removed',
              hostId: host.id,
              hostName: host.name,
              vmId: domain.uuid,
              vmName: domain.name,
              message: `the copy left on ${host.name} was ${domain.state}; removed (the VM runs elsewhere now)`,
            });
          }
        } finally {
          await libvirt.close();
        }
        await record(inventory, { kind: 'host_up', hostId: host.id, hostName: host.name, message: `${host.name} answers again (was ${previous.status})` });
      }
      await inventory.highAvailability.setHostHealth({ hostId: host.id, status: 'up', misses: 0, reason: null, lastAnswerAt: new Date() });
      const known = new Map((await inventory.highAvailability.definitions(host.id)).map((definition) => [definition.vmId.toLowerCase(), definition]));
      for (const domain of read.domains) {
        const settings = domain.settings;
        // Only VMs of this inventory: a domain no placement knows belongs to another one (or to none).
        if (domain.model?.owner?.resourceType !== 'virtplane_vm' || settings?.highAvailability !== true || !placements.has(domain.uuid.toLowerCase())) continue;
        const stored = known.get(domain.uuid.toLowerCase());
        if (stored?.xml === domain.xml && stored.hostId === host.id) continue;
        await inventory.highAvailability.saveDefinition({
          vmId: domain.uuid,
          name: domain.name,
          hostId: host.id,
          clusterId: host.clusterId,
          xml: domain.xml,
          haPriority: settings.haPriority ?? 0,
        });
      }
    });
  }

  async #missed(host: Host, reading: Extract<HostReading, { kind: 'failed' }>, previous: HostHealth | undefined, record: Recorder): Promise<void> {
    const misses = (previous?.misses ?? 0) + 1;
    const status = previous?.status ?? 'up';
    // Fenced already: HA VMs whose restart failed (no room, a start refused, a lease still held) are
    // tried again every pass; those that run elsewhere are no longer the fenced host's.
    if (status === 'fenced') return this.#restartVmsOf(host, record, { retry: true });
    if (misses < this.#options.misses) {
      await this.#withInventory((inventory) =>
        inventory.highAvailability.setHostHealth({ hostId: host.id, status: status === 'fence_failed' ? status : 'up', misses, reason: reading.reason }),
      );
      return;
    }
    if (status === 'up') {
      await this.#withInventory(async (inventory) => {
        await inventory.highAvailability.setHostHealth({ hostId: host.id, status: 'non_responsive', misses, reason: reading.reason });
        await record(inventory, {
          kind: 'host_non_responsive',
          hostId: host.id,
          hostName: host.name,
          message: `${misses} reads missed in a row: ${reading.reason}`,
        });
      });
    }
    if (host.maintenance && !(await this.#hasHaVms(host))) {
      // Drained for maintenance: an administrator may be working on it (rebooting it, say), and it has
      // no HA VM to restart, so powering it off would only get in the way. Said once.
      if (status === 'up')
        await this.#withInventory((inventory) =>
          record(inventory, {
            kind: 'not_fenced',
            hostId: host.id,
            hostName: host.name,
            message: `${host.name} is in maintenance and has no HA VM: not fenced`,
          }),
        );
      return;
    }
    await this.#fence(host, misses, previous, record);
  }

  async #hasHaVms(host: Host): Promise<boolean> {
    return this.#withInventory(async (inventory) => (await inventory.highAvailability.definitions(host.id)).length > 0);
  }

  async #fence(host: Host, misses: number, previous: HostHealth | undefined, record: Recorder): Promise<void> {
    let failure: string | undefined;
    const password = this.#options.powerPasswords.get(host.name);
    if (host.powerManagement === null) {
      failure = `${host.name} has no power_management: it cannot be fenced, so its HA VMs are NOT restarted elsewhere (they may still run there)`;
    } else if (host.powerManagement.agent === 'ipmilan' && password === undefined) {
      failure = `the engine has no password for ${host.name}'s power controller (its --power-secrets file names no ${host.name}): it cannot be fenced, so its HA VMs are NOT restarted elsewhere (they may still run there)`;
    } else {
      const started = Date.now();
      try {
        await this.#withInventory(async (inventory) =>
          record(inventory, {
            kind: 'fencing',
            hostId: host.id,
            hostName: host.name,
            message: `powering ${host.name} off through ${host.powerManagement!.address}:${host.powerManagement!.port}`,
          }),
        );
        const device = powerDeviceOf(host.powerManagement, { password: password ?? null, privateKey: readFileSync(this.#options.credentials.privateKeyFile) });
        const { wasOn } = await powerOffConfirmed(device);
        await this.#withInventory(async (inventory) => {
          await inventory.highAvailability.setHostHealth({ hostId: host.id, status: 'fenced', misses, reason: 'fenced' });
          await record(inventory, {
            kind: 'fenced',
            hostId: host.id,
            hostName: host.name,
            message: `power confirmed off (${wasOn ? 'was on' : 'was off already'}) in ${Date.now() - started} ms`,
          });
        });
      } catch (error) {
        failure = `fencing ${host.name} failed: ${firstLine(error)}; its HA VMs are NOT restarted elsewhere (they may still run there)`;
      }
    }
    if (failure !== undefined) {
      await this.#withInventory(async (inventory) => {
        await inventory.highAvailability.setHostHealth({ hostId: host.id, status: 'fence_failed', misses, reason: failure });
        // Tried again every pass; said again only when the reason changes.
        if (previous?.status !== 'fence_failed' || previous.reason !== failure)
          await record(inventory, { kind: 'fence_failed', hostId: host.id, hostName: host.name, message: failure });
      });
      return;
    }
    await this.#restartVmsOf(host, record);
  }

  async #restartVmsOf(fenced: Host, record: Recorder, options: { readonly retry?: boolean } = {}): Promise<void> {
    const { definitions, hosts } = await this.#withInventory(async (inventory) => {
      const ha = await inventory.highAvailability.definitions(fenced.id);
      const haIds = new Set(ha.map((definition) => definition.vmId.toLowerCase()));
      const placed = options.retry ? [] : await inventory.vmPlacements.list({ hostId: fenced.id });
      for (const vm of placed.filter((placement) => !haIds.has(placement.vmId.toLowerCase()))) {
        await record(inventory, {
          kind: 'vm_down',
          hostId: fenced.id,
          hostName: fenced.name,
          vmId: vm.vmId,
          vmName: vm.name,
          message: `not highly available: down with ${fenced.name}`,
        });
      }
      return { definitions: ha, hosts: await inventory.hosts.list() };
    });
    for (const definition of definitions) await this.#restart(fenced, definition, hosts, record, options.retry === true);
  }

  /**
   * Starts one HA VM elsewhere: on the host the scheduler chooses, and when the start fails there, on the
   * next one it chooses without that host, until one starts it or none is left. A lease held elsewhere
   * (the second guard) ends the attempt: a copy of the VM still runs somewhere, and no host may start it.
   * On a retry (a later pass), a failure recorded lately with the same words is not recorded again.
   */
  async #restart(fenced: Host, definition: HaVmDefinition, hosts: readonly Host[], record: Recorder, retry: boolean): Promise<void> {
    const started = Date.now();
    const failedHosts = new Set<string>();
    const failed = async (hostOfEvent: Host, message: string): Promise<void> =>
      this.#withInventory(async (inventory) => {
        // A pass may say two things (a start failed on one host, then none was left): both are compared.
        const recent = retry ? await inventory.highAvailability.events({ vmId: definition.vmId, limit: 5 }) : [];
        if (recent.some((event) => event.kind === 'restart_failed' && event.message === message)) return;
        await record(inventory, {
          kind: 'restart_failed',
          hostId: hostOfEvent.id,
          hostName: hostOfEvent.name,
          vmId: definition.vmId,
          vmName: definition.name,
          message,
        });
      });
    for (;;) {
      const choice = await this.#chooseHost(fenced, definition, hosts, failedHosts);
      if ('message' in choice) {
        const tried =
          failedHosts.size === 0 ? '' : ` (its start failed on ${[...failedHosts].map((id) => hosts.find((host) => host.id === id)?.name ?? id).join(', ')})`;
        await failed(fenced, `no host can take it${tried}: ${choice.message}; tried again at every pass`);
        return;
      }
      const target = choice.host;
      const outcome = await this.#startOn(target, definition);
      if (outcome === 'lost-lease') return;
      if (outcome === 'started') {
        await this.#withInventory(async (inventory) => {
          const placement = await inventory.vmPlacements.get(definition.vmId);
          if (placement !== undefined) await inventory.vmPlacements.change(definition.vmId, { hostId: target.id });
          await inventory.highAvailability.saveDefinition({ ...definition, hostId: target.id, clusterId: target.clusterId });
          await record(inventory, {
            kind: 'restarted',
            hostId: target.id,
            hostName: target.name,
            vmId: definition.vmId,
            vmName: definition.name,
            message: `restarted on ${target.name} (its host ${fenced.name} is fenced) in ${Date.now() - started} ms`,
          });
        });
        return;
      }
      if (/Lockspace resource .* is locked|resource busy/i.test(outcome.error)) {
        await failed(
          target,
          `NOT started on ${target.name}: its HA lease is held, so a copy of it still runs on another host (${fenced.name} was reported off, but its VM still holds the lease); tried again at every pass`,
        );
        return;
      }
      failedHosts.add(target.id);
      await failed(target, `could not start it on ${target.name}: ${outcome.error}; trying the next host`);
    }
  }

  /** The host the scheduler chooses among those up, the fenced one and `excluded` left out. */
  async #chooseHost(
    fenced: Host,
    definition: HaVmDefinition,
    hosts: readonly Host[],
    excluded: ReadonlySet<string>,
  ): Promise<{ readonly host: Host } | { readonly message: string }> {
    return this.#withInventory(async (inventory) => {
      const placement = await inventory.vmPlacements.get(definition.vmId);
      const health = new Map((await inventory.highAvailability.hostHealth()).map((row) => [row.hostId, row]));
      let snapshot = await loadSnapshot(inventory, definition.clusterId);
      for (const host of snapshot.hosts)
        if (host.id === fenced.id || excluded.has(host.id) || (health.get(host.id)?.status ?? 'up') !== 'up')
          snapshot = withHostChanged(snapshot, host.id, { reachable: false });
      const memoryMib = placement?.memoryMib ?? 0;
      const result = placeVm(
        { vmId: definition.vmId, name: definition.name, memoryMib: memoryMib || 1, vcpus: placement?.vcpus ?? 1, currentHostId: fenced.id },
        snapshot,
      );
      if (!result.ok) return { message: result.message };
      const host = hosts.find((candidate) => candidate.id === result.hostId);
      return host === undefined ? { message: `host ${result.hostId} is not in the inventory any more` } : { host };
    });
  }

  /** Defines (when missing) and starts the VM on `target`, right after checking this engine still holds the lease. */
  async #startOn(target: Host, definition: HaVmDefinition): Promise<'started' | 'lost-lease' | { readonly error: string }> {
    const libvirt = this.#libvirt(target);
    let defined = false;
    try {
      // The second look before a start: this engine must still hold the lease it fenced under.
      const stillHolder = await this.#withInventory((inventory) => inventory.highAvailability.checkLease(ENGINE_LEASE, this.name, this.#token ?? -1));
      if (!stillHolder) {
        this.#log(`lost the engine lease: not starting ${definition.name}`);
        return 'lost-lease';
      }
      const existing = await lookupDomain(libvirt.host, definition.vmId);
      if (existing !== null && isActive(existing.state)) {
        this.#log(`${definition.name} already runs on ${target.name}`);
        return 'started';
      }
      // The VM's lease file, and the target's lock manager checked: a host that would hold no lease
      // does not start it.
      const leaseDirectory = haLeaseDirectoryOf(definition.xml);
      if (leaseDirectory !== null) await prepareHaLease(libvirt.host, leaseDirectory, definition.vmId);
      if (existing === null) {
        await defineDomainCopy(libvirt.host, definition.xml);
        defined = true;
      }
      await startDomain(libvirt.host, definition.vmId);
      return 'started';
    } catch (error) {
      // A copy defined for a start that failed goes: nothing half-made stays on a host that does not run it.
      if (defined) await undefineDomain(libvirt.host, definition.vmId).catch(() => undefined);
      return { error: firstLine(error) };
    } finally {
      await libvirt.close();
    }
  }

  #libvirt(host: Host): { readonly host: LibvirtHost; close(): Promise<void> } {
    const { credentials } = this.#options;
    const login: SshLogin = {
      username: credentials.sshUser,
      privateKey: readFileSync(credentials.privateKeyFile),
      knownHostsFile: credentials.knownHostsFile ?? undefined,
    };
    const pool = new SshPool();
    const endpoint = sshEndpoint({ name: host.name, address: host.address, port: host.port, hostKey: host.hostKey === '' ? null : host.hostKey }, login);
    return { host: sshLibvirtHost(pool, endpoint), close: () => pool.close() };
  }

  /** Passes every interval until `signal` aborts; then gives the lease up so another engine takes over at once. */
  async run(signal: AbortSignal): Promise<void> {
    let standbyHolder: string | undefined;
    while (!signal.aborted) {
      try {
        const result = await this.pass();
        if (result.role === 'standby' && result.holder !== standbyHolder)
          this.#log(`standby: the engine lease is held by ${result.holder ?? 'another engine'}`);
        standbyHolder = result.role === 'standby' ? result.holder : undefined;
      } catch (error) {
        this.#log(`pass failed: ${firstLine(error)}`);
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          signal.removeEventListener('abort', wake);
          resolve();
        }, this.#options.intervalMs);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
    await this.#withInventory((inventory) => inventory.highAvailability.releaseLease(ENGINE_LEASE, this.name)).catch(() => undefined);
  }
}

type Recorder = (inventory: Inventory, event: Omit<HaEventInput, 'engine'>) => Promise<void>;
